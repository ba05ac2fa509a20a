#include "engine/lookups.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "core/pyrepr.hpp"
#include "core/strings.hpp"
#include "core/unsafe.hpp"
#include "core/vault.hpp"
#include "engine/config.hpp"
#include "engine/loops.hpp"
#include "engine/python_lookups.hpp"
#include "modules/template_vars.hpp"
#include "template/engine.hpp"
#include "template/renderer.hpp"
#include "template/template_error.hpp"

namespace drover {
namespace {

thread_local LookupScope* current_scope = nullptr;
// The hooks of the lookup running on this thread (run_lookup sets them).
thread_local const LookupHooks* current_hooks = nullptr;

// LookupBase.find_file_in_search_path warns before its plugin fails.
void warn_not_found(const std::string& needle) {
  if (current_hooks && current_hooks->warn)
    current_hooks->warn("Unable to find '" + needle + "' in expected paths (use -vvvvv to see paths)");
}

using Args = std::vector<Value>;
using Kwargs = std::vector<std::pair<std::string, Value>>;

// How a plugin failed, as Ansible's exception classes decide what errors=
// may ignore and how the message reads.
struct LookupFailure : Error {
  enum Kind { lookup_error, other_error, undefined } kind;
  std::string type = "<class 'ansible.errors.AnsibleError'>";  // the exception's class, as Python prints it
  LookupFailure(Kind k, const std::string& msg) : Error(msg), kind(k) {}
};

[[noreturn]] void fail_lookup(const std::string& msg) { throw LookupFailure(LookupFailure::lookup_error, msg); }
[[noreturn]] void fail_other(const std::string& msg) { throw LookupFailure(LookupFailure::other_error, msg); }

const Value* kwarg(const Kwargs& kw, const std::string& name) {
  for (const auto& [k, v] : kw)
    if (k == name) return &v;
  return nullptr;
}

// Terms as listify_lookup_plugin_terms leaves them: the positional args,
// each string term as it is.
Value terms_of(const Args& args) {
  Value t = Value::array();
  for (const auto& a : args) t.push_back(a);
  return t;
}

LookupScope& scope(const std::string& plugin) {
  if (!current_scope) fail_other("the " + plugin + " lookup needs a task's variables, which are not available here");
  return *current_scope;
}

std::vector<std::string> search_path_or_cwd() {
  if (current_scope) return current_scope->search_path;
  return {std::filesystem::current_path().string()};
}

// Ansible's find_file_in_search_path(variables, subdir, name).
std::string find_controller_file(const std::string& subdir, const std::string& name) {
  if (!name.empty() && name[0] == '/') return std::filesystem::is_regular_file(name) ? name : "";
  for (const auto& dir : search_path_or_cwd())
    for (const std::string& c : {dir + "/" + subdir + "/" + name, dir + "/" + name})
      if (std::filesystem::is_regular_file(c)) return c;
  return "";
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string rstrip_ws(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

// "key k=v k2=v2" as Ansible's lookups split their inline options.
std::pair<std::string, std::map<std::string, std::string>> key_and_params(const std::string& term) {
  std::pair<std::string, std::map<std::string, std::string>> out;
  for (const auto& word : shlex_split(term)) {
    auto eq = word.find('=');
    if (eq == std::string::npos) out.first += (out.first.empty() ? "" : " ") + word;
    else out.second[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return out;
}

// Runs `cmd` with /bin/sh on the controller: (exit status, stdout).
std::pair<int, std::string> run_controller_command(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) fail_other("cannot run " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

// unvault: a vaulted file's plaintext (a plain file as it is), not stripped.
Value lookup_unvault(const Args& args) {
  Value out = Value::array();
  for (const auto& t : args) {
    std::string name = to_display_string(t);
    std::string path = find_controller_file("files", name);
    if (path.empty()) {
      warn_not_found(name);
      fail_other("Unable to find file matching \"" + name + "\" ");
    }
    out.push_back(decrypt_if_vaulted(read_whole(path), path));
  }
  return out;
}

Value lookup_file(const Args& args, const Kwargs& kw) {
  bool lstrip = truthy(kwarg(kw, "lstrip") ? *kwarg(kw, "lstrip") : Value(false));
  bool rstrip = truthy(kwarg(kw, "rstrip") ? *kwarg(kw, "rstrip") : Value(true));
  Value out = Value::array();
  for (const auto& t : args) {
    std::string name = to_display_string(t);
    std::string path = find_controller_file("files", name);
    if (path.empty()) {
      warn_not_found(name);
      fail_other("could not locate file in lookup: " + name);
    }
    std::string s = decrypt_if_vaulted(read_whole(path), path);
    if (rstrip) s = rstrip_ws(s);
    if (lstrip) s.erase(0, s.find_first_not_of(" \t\r\n\f\v") == std::string::npos ? s.size() : s.find_first_not_of(" \t\r\n\f\v"));
    out.push_back(s);
  }
  return out;
}

Value lookup_env(const Args& args, const Kwargs& kw) {
  Value out = Value::array();
  for (const auto& t : args) {
    std::string name = to_display_string(t);
    const char* v = std::getenv(name.c_str());
    if (v) out.push_back(std::string(v));
    else if (const Value* d = kwarg(kw, "default")) out.push_back(*d);
    else out.push_back("");
  }
  return out;
}

Value lookup_pipe(const Args& args, bool lines) {
  Value out = Value::array();
  for (const auto& t : args) {
    std::string cmd = to_display_string(t);
    auto [rc, text] = run_controller_command(cmd);
    if (rc != 0) fail_other(std::string("lookup_plugin.") + (lines ? "lines" : "pipe") + "(" + cmd + ") returned " +
                            std::to_string(rc));
    if (lines) for (const auto& l : split_lines(text)) out.push_back(l);
    else out.push_back(rstrip_ws(text));
  }
  return out;
}

Value lookup_template(const Args& args, const Kwargs& kw) {
  LookupScope& sc = scope("template");
  Value out = Value::array();
  for (const auto& t : args) {
    std::string name = to_display_string(t);
    std::string path = find_controller_file("templates", name);
    if (path.empty()) {
      warn_not_found(name);
      fail_other("the template file " + name + " could not be found for the lookup");
    }
    tmpl::RenderOptions opts = tmpl::RenderOptions::template_module();
    opts.search_path = sc.search_path;
    for (auto [option, field] : {std::pair{"variable_start_string", &tmpl::SyntaxOptions::variable_start},
                                 {"variable_end_string", &tmpl::SyntaxOptions::variable_end},
                                 {"comment_start_string", &tmpl::SyntaxOptions::comment_start},
                                 {"comment_end_string", &tmpl::SyntaxOptions::comment_end}})
      if (const Value* v = kwarg(kw, option); v && v->is_string()) opts.syntax.*field = v->get<std::string>();
    // Ansible's template variables sit above the task's, template_vars above both.
    OverlayVariables with_template_vars(ansible_template_vars(name, path, Value(nullptr)), sc.vars);
    const Value* tv = kwarg(kw, "template_vars");
    OverlayVariables with_kwarg(tv && tv->is_object() ? *tv : Value::object(), with_template_vars);
    std::string text = sc.templar.render_template_file(path, with_kwarg, opts);
    // convert_data (default on): text that reads as a list, dict or bool becomes one.
    const Value* convert = kwarg(kw, "convert_data");
    out.push_back(!convert || truthy(*convert) ? tmpl::literal_eval_or_string(text) : Value(text));
  }
  return out;
}

Value lookup_vars(const Args& args, const Kwargs& kw) {
  LookupScope& sc = scope("vars");
  Value out = Value::array();
  for (const auto& t : args) {
    if (!t.is_string()) fail_other("Invalid setting identifier, \"" + to_display_string(t) + "\" is not a string");
    const Value* v = sc.vars.lookup(t.get<std::string>());
    if (v) out.push_back(*v);
    else if (const Value* d = kwarg(kw, "default")) out.push_back(*d);
    else throw LookupFailure(LookupFailure::undefined, "No variable found with this name: " + t.get<std::string>());
  }
  return out;
}

// The names of the variables that match any of the regular expressions.
Value lookup_varnames(const Args& args) {
  LookupScope& sc = scope("varnames");
  std::vector<std::string> names = sc.vars.names();
  Value out = Value::array();
  for (const auto& t : args) {
    if (!t.is_string()) {
      std::string type = t.is_boolean() ? "bool" : t.is_number_integer() ? "int" : t.is_number() ? "float"
                         : t.is_array() ? "list" : t.is_object() ? "dict" : "NoneType";
      fail_other("Invalid setting identifier, \"" + to_display_string(t) + "\" is not a string, it is a <class '" +
                 type + "'>");
    }
    const std::string& pattern = t.get_ref<const ValueString&>();
    std::regex re;
    try {
      re = std::regex(pattern);
    } catch (const std::regex_error& e) {
      // Python's words for a quantifier with nothing before it.
      std::string why = e.what();
      for (size_t i = 0; i < pattern.size(); ++i)
        if (std::strchr("*+?", pattern[i]) && (i == 0 || pattern[i - 1] == '(' || pattern[i - 1] == '|')) {
          why = "nothing to repeat at position " + std::to_string(i);
          break;
        }
      fail_other("Unable to use \"" + pattern + "\" as a search parameter: " + why);
    }
    for (const auto& n : names)
      if (std::regex_search(n, re)) out.push_back(n);
  }
  return out;
}

Value lookup_random_choice(const Args& args) {
  if (args.empty()) return Value::array();
  thread_local std::mt19937_64 rng(std::random_device{}());
  return Value::array({args[rng() % args.size()]});
}

// password: the file's first line when it exists, else a new random
// password written to it (mode 0600, directories made); /dev/null never
// stores.
Value lookup_password(const Args& args) {
  static std::mutex file_mu;  // two hosts asking for the same new file get one password
  Value out = Value::array();
  for (const auto& t : args) {
    auto [rel, params] = key_and_params(to_display_string(t));
    for (const auto& [k, v] : params)
      if (k != "length" && k != "chars" && k != "encrypt" && k != "ident" && k != "seed")
        fail_other("Unrecognized parameter(s) given to password lookup: " + k);
    size_t length = params.count("length") ? std::stoul(params["length"]) : 20;
    std::string chars;
    std::string spec = params.count("chars") ? params["chars"] : "ascii_letters,digits,.,:-_";
    for (const auto& part : split(spec, ',')) {
      if (part == "ascii_letters") chars += "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
      else if (part == "ascii_lowercase") chars += "abcdefghijklmnopqrstuvwxyz";
      else if (part == "ascii_uppercase") chars += "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
      else if (part == "digits") chars += "0123456789";
      else if (part == "hexdigits") chars += "0123456789abcdefABCDEF";
      else if (part == "punctuation") chars += "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
      else if (part.empty()) chars += ",";  // ",," in the spec is a literal comma
      else chars += part;
    }
    std::vector<std::string> sp = search_path_or_cwd();
    std::string path = !rel.empty() && rel[0] == '/' ? rel : sp.back() + "/" + rel;
    std::lock_guard<std::mutex> lock(file_mu);
    if (path != "/dev/null" && std::filesystem::exists(path)) {
      std::string content = rstrip_ws(read_whole(path));
      out.push_back(content.substr(0, content.find(" salt=")));
      continue;
    }
    std::random_device rd;
    std::string pw;
    for (size_t i = 0; i < length; ++i) pw += chars[rd() % chars.size()];
    if (path != "/dev/null") {
      std::filesystem::create_directories(std::filesystem::path(path).parent_path());
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0) fail_other("cannot write the password file " + path);
      std::string line = pw + "\n";
      bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
      ::close(fd);
      if (!ok) fail_other("cannot write the password file " + path);
    }
    out.push_back(pw);
  }
  return out;
}

Value lookup_csvfile(const Args& args, const Kwargs& kw) {
  Value out = Value::array();
  for (const auto& t : args) {
    auto [key, params] = key_and_params(to_display_string(t));
    for (const auto& [k, v] : kw) params[k] = to_display_string(v);
    if (key.empty()) fail_other("Search key is required but was not found");
    std::string file = params.count("file") ? params["file"] : "ansible.csv";
    std::string delim = params.count("delimiter") ? params["delimiter"] : "TAB";
    if (delim == "TAB" || delim == "\\t") delim = "\t";
    size_t col = params.count("col") ? std::stoul(params["col"]) : 1;
    std::string path = find_controller_file("files", file);
    if (path.empty()) fail_other("csvfile: [Errno 2] No such file or directory: '" + file + "'");
    Value found = params.count("default") ? Value(params["default"]) : Value();
    std::istringstream in(read_whole(path));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> cells = split(line, delim[0]);
      for (auto& c : cells)
        if (c.size() >= 2 && c.front() == '"' && c.back() == '"') c = c.substr(1, c.size() - 2);
      if (!cells.empty() && cells[0] == key) {
        if (col >= cells.size()) fail_other("csvfile: list index out of range");
        found = cells[col];
        break;
      }
    }
    out.push_back(found);
  }
  return out;
}

Value lookup_ini(const Args& args, const Kwargs& kw) {
  Value out = Value::array();
  for (const auto& t : args) {
    auto [key, params] = key_and_params(to_display_string(t));
    for (const auto& [k, v] : kw) params[k] = to_display_string(v);
    if (key.empty())
      throw LookupFailure(LookupFailure::other_error,
                          "No key to lookup was provided as first term with in string inline options: " +
                              to_display_string(t));
    std::string file = params.count("file") ? params["file"] : "ansible.ini";
    std::string section = params.count("section") ? params["section"] : "global";
    std::string path = find_controller_file("files", file);
    if (path.empty()) fail_lookup("Could not find or access '" + file + "'");
    std::string text = read_whole(path);
    if (params.count("type") && params["type"] == "properties") text = "[java_properties]\n" + text, section = "java_properties";
    auto ini = parse_ini_config(text, path);
    auto sit = ini.find(section);
    if (sit == ini.end()) fail_lookup("No section '" + section + "' in " + file);
    std::string lower = key;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto kit = sit->second.find(lower);
    if (kit != sit->second.end()) out.push_back(kit->second);
    else out.push_back(params.count("default") ? params["default"] : "");
  }
  return out;
}

// Ansible's _split_on: a string option splits on any of `seps`; lists
// split element-wise.
std::vector<std::string> split_on(const Value& v, const std::string& seps) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (v.is_array()) {
    for (const auto& e : v)
      for (auto& p : split_on(e, seps)) out.push_back(p);
    return out;
  }
  std::string cur;
  for (char c : to_display_string(v)) {
    if (seps.find(c) != std::string::npos) {
      if (!cur.empty()) out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(trim(cur));
  return out;
}

// first_found's _process_terms: the candidate paths and the skip option.
// A mapping term (or the keyword arguments) gives files and paths; a string
// term is a file; a list term is processed in turn.
void first_found_terms(const Value& terms, const Kwargs& kw, std::vector<std::string>& search, bool& skip) {
  for (const auto& term : terms) {
    if (term.is_array()) {
      first_found_terms(term, kw, search, skip);
      continue;
    }
    // The options: the mapping term's, else the keyword arguments.
    Value files, paths;
    skip = false;
    if (term.is_object()) {
      files = term.value("files", Value());
      paths = term.value("paths", Value());
      skip = truthy(term.value("skip", Value(false)));
    } else if (term.is_string()) {
      if (const Value* k = kwarg(kw, "files")) files = *k;
      if (const Value* k = kwarg(kw, "paths")) paths = *k;
      if (const Value* k = kwarg(kw, "skip")) skip = truthy(*k);
    } else {
      fail_lookup("Invalid term supplied, can handle string, mapping or list of strings but got: " +
                  python_repr(term));
    }
    std::vector<std::string> filelist = split_on(files, ",;"), pathlist = split_on(paths, ",:;");
    if (!pathlist.empty()) {
      for (const auto& p : pathlist)
        for (const auto& f : filelist) search.push_back(p + "/" + f);
    } else if (!filelist.empty()) {
      search = filelist;  // Ansible's: a term's files replace the list so far
    } else {
      search.push_back(to_display_string(term));
    }
  }
}

Value lookup_first_found(const Args& args, const Kwargs& kw) {
  Value terms = terms_of(args);
  if (terms.empty() && kwarg(kw, "files")) terms.push_back(Value::object());
  std::vector<std::string> search;
  bool skip = false;
  first_found_terms(terms, kw, search, skip);
  Value candidates = Value::array();
  for (const auto& f : search) candidates.push_back(f);
  try {
    return loop_items("first_found", candidates, search_path_or_cwd());
  } catch (const Error& e) {
    if (skip) return Value::array();
    fail_lookup(e.message());
  }
}

Value run_plugin(const std::string& name, const Args& args, const Kwargs& kw) {
  if (name == "file") return lookup_file(args, kw);
  if (name == "unvault") return lookup_unvault(args);
  if (name == "env") return lookup_env(args, kw);
  if (name == "pipe") return lookup_pipe(args, false);
  if (name == "lines") return lookup_pipe(args, true);
  if (name == "template") return lookup_template(args, kw);
  if (name == "vars") return lookup_vars(args, kw);
  if (name == "varnames") return lookup_varnames(args);
  if (name == "random_choice") return lookup_random_choice(args);
  if (name == "password") return lookup_password(args);
  if (name == "csvfile") return lookup_csvfile(args, kw);
  if (name == "ini") return lookup_ini(args, kw);
  if (name == "first_found") return lookup_first_found(args, kw);
  static const std::set<std::string> list_plugins = {"items", "list",   "dict",        "indexed_items", "sequence",
                                                     "together", "nested", "cartesian", "subelements",   "fileglob"};
  if (list_plugins.count(name)) {
    Value terms = terms_of(args);
    if (name == "sequence") {
      // Keyword form: lookup('sequence', start=1, end=3).
      std::string spec;
      for (const auto& [k, v] : kw) spec += (spec.empty() ? "" : " ") + k + "=" + to_display_string(v);
      if (!spec.empty()) terms.push_back(spec);
    }
    if (name == "subelements" && terms.size() == 2 && kwarg(kw, "skip_missing"))
      terms.push_back(Value{{"skip_missing", *kwarg(kw, "skip_missing")}});
    try {
      return loop_items(name, terms, search_path_or_cwd());
    } catch (const LookupFailure&) {
      throw;
    } catch (const Error& e) {
      fail_other(e.message());
    }
  }
  fail_other("lookup plugin (" + name + ") not found");
}

}  // namespace

bool is_native_lookup(const std::string& name) {
  static const std::set<std::string> names = {
      "file",  "unvault", "env",      "pipe",          "lines",    "template", "vars",      "random_choice",
      "password", "csvfile", "ini",   "first_found",   "items",    "list",     "dict",      "indexed_items",
      "sequence", "together", "nested", "cartesian",   "subelements", "fileglob", "varnames"};
  std::string n = name.rfind("ansible.builtin.", 0) == 0 ? name.substr(16) : name;
  return names.count(n) > 0;
}

namespace {

// A plugin drover lacks, run by the controller's Python with the task's
// variables (each as the task would see it; one that fails to template is
// left out, as the plugin would fail on it only if it used it).
Value run_python_plugin(const PythonLookups& python, const std::string& name, const Args& args, const Kwargs& kw) {
  Value variables = Value::object();
  std::vector<std::string> search_path = search_path_or_cwd();
  if (current_scope) {
    for (const auto& n : current_scope->vars.names()) {
      try {
        if (const Value* v = current_scope->vars.lookup(n)) variables[n] = *v;
      } catch (const std::exception&) {
      }
    }
  }
  Value kwargs = Value::object();
  for (const auto& [k, v] : kw) kwargs[k] = v;
  PythonLookups::Outcome o = python.run(name, terms_of(args), kwargs, variables, search_path);
  if (!o.error) return o.ran;
  LookupFailure f(o.error->kind == PythonLookupError::undefined      ? LookupFailure::undefined
                  : o.error->kind == PythonLookupError::lookup_error ? LookupFailure::lookup_error
                                                                     : LookupFailure::other_error,
                  o.error->message);
  if (!o.error->type.empty()) f.type = o.error->type;
  throw f;
}

// Templar._lookup around one plugin run.
Value lookup_result(Value ran, const std::string& name, bool wantlist, const LookupHooks& hooks);

Value run_lookup(const Args& all_args, const Kwargs& all_kw, bool query, const LookupHooks& hooks,
                 const PythonLookups* python) {
  const auto& warn = hooks.warn;
  struct HooksOnThisThread {
    const LookupHooks* saved = current_hooks;
    explicit HooksOnThisThread(const LookupHooks& h) { current_hooks = &h; }
    ~HooksOnThisThread() { current_hooks = saved; }
  } hooks_here(hooks);
  if (all_args.empty()) throw tmpl::TemplateError(tmpl::TemplateError::Kind::Runtime, "lookup requires a plugin name");
  std::string name = to_display_string(all_args[0]);
  if (name.rfind("ansible.builtin.", 0) == 0) name = name.substr(16);
  Args args(all_args.begin() + 1, all_args.end());
  Kwargs kw;
  bool wantlist = query;
  bool wrap = true;  // Templar._lookup's `allow_unsafe is False`
  std::string errors = "strict";
  for (const auto& [k, v] : all_kw) {
    if (k == "wantlist") wantlist = truthy(v);
    else if (k == "errors") errors = to_display_string(v);
    else if (k == "allow_unsafe") wrap = v.is_boolean() && !v.get<bool>();
    else kw.emplace_back(k, v);
  }
  Value ran;
  try {
    ran = python && python->available() && !is_native_lookup(name) ? run_python_plugin(*python, name, args, kw)
                                                                    : run_plugin(name, args, kw);
  } catch (const LookupFailure& e) {
    if (e.kind == LookupFailure::undefined)
      throw tmpl::TemplateError(tmpl::TemplateError::Kind::Undefined, e.message());
    std::string msg = e.kind == LookupFailure::lookup_error
                          ? e.message()
                          : "An unhandled exception occurred while running the lookup plugin '" + name +
                                "'. Error was a " + e.type + ", original message: " + e.message();
    if (errors == "warn") {
      if (warn)
        warn(e.kind == LookupFailure::lookup_error ? "Lookup failed but the error is being ignored: " + e.message()
                                                   : msg);
    } else if (errors != "ignore") {
      // Ansible raises AnsibleError(msg, orig_exc=e), whose text ends in ". " + str(e).
      throw tmpl::TemplateError(tmpl::TemplateError::Kind::Runtime,
                                e.kind == LookupFailure::lookup_error ? msg : msg + ". " + e.message());
    }
    return wantlist ? Value::array() : Value();
  }
  // Allowed unsafe, the plugin's list comes back as it is; else wrap_var
  // makes its strings AnsibleUnsafeText.
  if (!wrap) return ran;
  // Templar._lookup marks the template's context unsafe when it wraps.
  if (truthy(ran)) tmpl::note_unsafe_answer();
  Value out = lookup_result(std::move(ran), name, wantlist, hooks);
  mark_unsafe_text(out);
  return out;
}

// What lookup() gives for the plugin's list `ran`: the list for query() and
// wantlist, else its strings joined with commas (Templar._lookup).
Value lookup_result(Value ran, const std::string& name, bool wantlist, const LookupHooks& hooks) {
  if (!ran.is_array() && hooks.deprecate) {
    std::string type = ran.is_object() ? "dict" : ran.is_string() ? "str" : ran.is_boolean() ? "bool"
                       : ran.is_number_integer() ? "int" : ran.is_number() ? "float" : "NoneType";
    hooks.deprecate("The lookup plugin '" + name + "' was expected to return a list, got '<class '" + type +
                        "'>' instead. The lookup plugin '" + name +
                        "' needs to be changed to return a list. This will be an error in Ansible 2.18",
                    "2.18");
  }
  if (wantlist || ran.empty()) return ran;
  // Plugins should return lists; Ansible joins a dict's keys and refuses
  // what is not a sequence.
  if (ran.is_object()) {
    std::string keys;
    for (const auto& [k, v] : ran.items()) keys += (keys.empty() ? "" : ",") + k;
    return keys;
  }
  if (ran.is_string()) {
    std::string chars;
    for (size_t i = 0, n; i < ran.get_ref<const ValueString&>().size(); i += n) {
      const std::string& s = ran.get_ref<const ValueString&>();
      n = std::max<size_t>(1, utf8_sequence_length(std::string_view(s).substr(i)));
      chars += (i ? "," : "") + s.substr(i, n);
    }
    return chars;
  }
  if (!ran.is_array())
    throw tmpl::TemplateError(tmpl::TemplateError::Kind::Runtime, "The lookup plugin '" + name + "' did not return a list.");
  bool all_strings = true;
  for (const auto& e : ran) all_strings = all_strings && e.is_string();
  if (all_strings) {
    std::string joined;
    for (size_t i = 0; i < ran.size(); ++i) joined += (i ? "," : "") + ran[i].get<std::string>();
    return joined;
  }
  return ran.size() == 1 ? ran[0] : ran;
}

}  // namespace

LookupScope::LookupScope(const tmpl::Engine& t, tmpl::VariableSource& v, std::vector<std::string> sp)
    : templar(t), vars(v), search_path(std::move(sp)), previous_(current_scope) {
  current_scope = this;
}

LookupScope::~LookupScope() { current_scope = previous_; }

void register_lookups(tmpl::Engine& templar, LookupHooks hooks, std::shared_ptr<const PythonLookups> python) {
  auto make = [hooks, python](bool query) {
    return [hooks, query, python](const Args& args, const Kwargs& kw) {
      return run_lookup(args, kw, query, hooks, python.get());
    };
  };
  templar.register_global("lookup", make(false));
  templar.register_global("query", make(true));
  templar.register_global("q", make(true));
}

Value query_lookup(const tmpl::Engine& templar, const std::string& name, const Value& terms) {
  Args args{Value(name)};
  if (terms.is_array())
    for (const auto& t : terms) args.push_back(t);
  else
    args.push_back(terms);
  auto query = templar.globals().find("query");
  if (query == templar.globals().end()) return run_lookup(args, {}, true, LookupHooks{}, nullptr);
  return query->second(args, {});
}

}  // namespace drover
