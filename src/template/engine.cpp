#include "template/engine.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "core/unsafe.hpp"
#include "core/vault.hpp"
#include "template/parser.hpp"
#include "template/renderer.hpp"

namespace drover::tmpl {

const Value* ValueVariables::lookup(std::string_view name) {
  if (!dict_.is_object()) return nullptr;
  return find_member(dict_, name);
}

std::vector<std::string> ValueVariables::names() {
  std::vector<std::string> out;
  if (dict_.is_object())
    for (auto it = dict_.begin(); it != dict_.end(); ++it) out.push_back(it.key());
  return out;
}

namespace {

bool possibly_template(const std::string& s, const SyntaxOptions& o) {
  return s.find(o.block_start) != std::string::npos || s.find(o.variable_start) != std::string::npos ||
         s.find(o.comment_start) != std::string::npos;
}

bool holds_template(const Value& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const ValueString&>();
    return s.find("{{") != std::string::npos || s.find("{%") != std::string::npos || s.find("{#") != std::string::npos;
  }
  if (v.is_array() || v.is_object())
    for (const auto& e : v)
      if (holds_template(e)) return true;
  return false;
}

size_t trailing_newlines(const std::string& s) {
  size_t n = 0;
  for (size_t i = s.size(); i > 0 && s[i - 1] == '\n'; --i) ++n;
  return n;
}

// Ansible's _escape_backslashes: inside {{ }} the backslashes of string
// literals are doubled so that playbook authors write "\1" and not "\\1".
std::string escape_backslashes(const std::string& src, const SyntaxOptions& o) {
  if (src.find('\\') == std::string::npos || src.find(o.variable_start) == std::string::npos) return src;
  std::string out;
  size_t i = 0;
  while (i < src.size()) {
    size_t v = src.find(o.variable_start, i);
    size_t b = src.find(o.block_start, i);
    size_t c = src.find(o.comment_start, i);
    size_t next = std::min({v, b, c});
    if (next == std::string::npos) {
      out.append(src, i, std::string::npos);
      break;
    }
    out.append(src, i, next - i);
    if (next == c && c != v) {
      size_t e = src.find(o.comment_end, next);
      e = e == std::string::npos ? src.size() : e + o.comment_end.size();
      out.append(src, next, e - next);
      i = e;
      continue;
    }
    if (next == b && b != v) {
      size_t e = src.find(o.block_end, next);
      e = e == std::string::npos ? src.size() : e + o.block_end.size();
      out.append(src, next, e - next);
      i = e;
      continue;
    }
    // variable tag: copy, doubling backslashes inside string literals
    size_t p = next + o.variable_start.size();
    out.append(src, next, p - next);
    int depth = 0;
    while (p < src.size()) {
      if (depth == 0 && src.compare(p, o.variable_end.size(), o.variable_end) == 0) break;
      char ch = src[p];
      if (ch == '\'' || ch == '"') {
        size_t q = p + 1;
        while (q < src.size() && src[q] != ch) {
          if (src[q] == '\\' && q + 1 < src.size()) ++q;
          ++q;
        }
        if (q >= src.size()) {
          out.append(src, p, std::string::npos);
          return out;
        }
        for (size_t k = p; k <= q; ++k) {
          out += src[k];
          if (src[k] == '\\') out += '\\';
        }
        p = q + 1;
        continue;
      }
      if (ch == '(' || ch == '[' || ch == '{') ++depth;
      if ((ch == ')' || ch == ']' || ch == '}') && depth > 0) --depth;
      out += ch;
      ++p;
    }
    i = p;
  }
  return out;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TemplateError(TemplateError::Kind::Runtime, "could not read template file: " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

namespace {
thread_local uint64_t unsafe_answer_count = 0;
}  // namespace

void note_unsafe_answer() { ++unsafe_answer_count; }
uint64_t unsafe_answers() { return unsafe_answer_count; }

const Value* LazyVariables::lookup(std::string_view name) {
  std::string key(name);
  auto it = done_.find(key);
  if (it != done_.end()) return it->second.get();
  const Value* raw = raw_.lookup(name);
  if (!raw || !holds_template(*raw)) return raw;
  for (const auto& p : in_progress_)
    if (p == key) throw TemplateError(TemplateError::Kind::Runtime, "recursive loop detected in template string: " + key);
  if (raw_.entries_template_alone(name)) {
    auto& slot = done_[key];
    slot = std::make_unique<Value>(render_entries_alone(*raw));
    return slot.get();
  }
  in_progress_.push_back(key);
  Value result;
  uint64_t unsafe_before = unsafe_answers();
  try {
    result = engine_.render_value(*raw, *this);
  } catch (...) {
    in_progress_.pop_back();
    throw;
  }
  in_progress_.pop_back();
  if (unsafe_answers() != unsafe_before) mark_unsafe_text(result);
  auto& slot = done_[key];
  slot = std::make_unique<Value>(std::move(result));
  return slot.get();
}

Value LazyVariables::render_entries_alone(const Value& entries) const {
  if (!entries.is_object()) return entries;
  Value out = Value::object();
  for (auto e = entries.begin(); e != entries.end(); ++e) {
    const Value& own = e.value();
    if (!own.is_object() || !holds_template(own)) {
      out[e.key()] = own;
      continue;
    }
    ValueVariables own_vars(own);
    LazyVariables scope(engine_, own_vars);
    Value rendered = Value::object();
    for (auto it = own.begin(); it != own.end(); ++it) {
      if (!holds_template(it.value())) {
        rendered[it.key()] = it.value();
        continue;
      }
      try {
        rendered[it.key()] = engine_.render_value(it.value(), scope);
      } catch (const Error&) {
        rendered[it.key()] = it.value();  // Ansible's fail_on_undefined=False
      }
    }
    out[e.key()] = std::move(rendered);
  }
  return out;
}

RenderOptions RenderOptions::ansible_templar() {
  RenderOptions o;
  o.syntax.trim_blocks = true;
  o.escape_backslashes = true;
  o.eval_concat = true;
  return o;
}

RenderOptions RenderOptions::template_module() {
  RenderOptions o;
  o.syntax.trim_blocks = true;
  o.escape_backslashes = false;
  o.eval_concat = false;
  return o;
}

Engine::Engine() = default;

void Engine::register_global(const std::string& name, GlobalFunction fn) { globals_[name] = std::move(fn); }

std::shared_ptr<const Template> Engine::parse(std::string_view source, const SyntaxOptions& syntax,
                                              const std::string& name) const {
  std::string key = syntax.cache_key();
  key += '\0';
  key += name;
  key += '\0';
  key.append(source.data(), source.size());
  {
    std::shared_lock lock(cache_mu_);
    auto it = string_cache_.find(key);
    if (it != string_cache_.end()) return it->second;
  }
  std::shared_ptr<const Template> tpl = parse_template(source, syntax, name);
  std::unique_lock lock(cache_mu_);
  if (string_cache_.size() > 20000) string_cache_.clear();  // bound memory on pathological inputs
  string_cache_.emplace(std::move(key), tpl);
  return tpl;
}

std::shared_ptr<const Template> Engine::load_file(const std::string& path, const SyntaxOptions& syntax) const {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw TemplateError(TemplateError::Kind::Runtime, path);
  long long mtime = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  std::string key = syntax.cache_key() + '\0' + path;
  {
    std::shared_lock lock(cache_mu_);
    auto it = file_cache_.find(key);
    if (it != file_cache_.end() && it->second.mtime_ns == mtime && it->second.size == st.st_size) return it->second.tpl;
  }
  std::string text = read_text_file(path);
  std::shared_ptr<const Template> tpl = parse_template(text, syntax, path);
  std::unique_lock lock(cache_mu_);
  FileEntry e;
  e.mtime_ns = mtime;
  e.size = static_cast<long long>(st.st_size);
  e.tpl = tpl;
  e.syntax = syntax;
  file_cache_[key] = e;
  return tpl;
}

std::string Engine::find_file(const std::string& name, const std::vector<std::string>& search_path) const {
  // Jinja's FileSystemLoader: names are '/'-separated, ".." may not escape.
  if (name.empty()) return {};
  for (const auto& part : std::vector<std::string>{name}) {
    if (part.find("..") != std::string::npos) {
      std::stringstream ss(part);
      std::string seg;
      while (std::getline(ss, seg, '/'))
        if (seg == "..") return {};
    }
  }
  for (const auto& dir : search_path) {
    std::string full = dir.empty() ? name : dir + "/" + name;
    struct stat st {};
    if (::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return full;
  }
  return {};
}

namespace {
std::string render_tpl(const Engine& e, const std::shared_ptr<const Template>& tpl, VariableSource& vars,
                       const RenderOptions& opts) {
  Renderer r(e, vars, opts);
  std::string out;
  // The last render's size, and room for the trailing newlines that
  // render_template_file adds (growing a 30 KB output copied all of it).
  out.reserve(tpl->output_size_hint.load(std::memory_order_relaxed) + 16);
  r.render(tpl, out);
  tpl->output_size_hint.store(out.size(), std::memory_order_relaxed);
  return out;
}
}  // namespace

std::string Engine::render_string(std::string_view source, VariableSource& vars, const RenderOptions& opts) const {
  std::string data(source);
  size_t data_newlines = trailing_newlines(data);
  RenderOptions o = opts;
  if (data.rfind("#jinja2:", 0) == 0) data = apply_jinja2_header(data, o.syntax);
  if (o.escape_backslashes) data = escape_backslashes(data, o.syntax);
  auto tpl = parse(data, o.syntax, o.name);
  std::string out = render_tpl(*this, tpl, vars, o);
  if (o.preserve_trailing_newlines) {
    size_t have = trailing_newlines(out);
    for (size_t i = have; i < data_newlines; ++i) out += o.syntax.newline_sequence;
  }
  return out;
}

namespace {
// An inline !vault value that could not be opened cannot become a module
// argument: Ansible fails there when it decrypts.
void check_vault_opens(const Value& v) {
  if (const std::string* text = vault_marker_text(v)) {
    try {
      open_vault_value(*text);
    } catch (const VaultError& e) {
      throw TemplateError(TemplateError::Kind::Runtime, e.message());
    }
  }
}

// What a one-node template gives for the string `v`: `read(text)`, or `v`
// itself (its Python class kept) when that is text unchanged.
Value literal_or_same_string(Value (*read)(const std::string&), const std::string& text, const Val& v) {
  Value out = read(text);
  if (v.py_str() != PyStr::str && out.is_string() && out.get_ref<const ValueString&>() == v.as_str())
    out.get_ref<ValueString&>().py_type = v.py_str();
  return out;
}

// ansible_native_concat (ansible-core 2.14) over what the template renders.
Value render_native(Renderer& r, const std::shared_ptr<const Template>& tpl) {
  if (tpl->single_expression) {
    // One node: its value, unless it is text. A vault value gives its
    // plaintext and a NativeJinjaText (|string, |to_json...) stays text,
    // both without literal_eval; other text goes through literal_eval.
    Val v = r.eval_root(tpl);
    if (v.is_native_text()) return v.to_value();
    if (v.is_vault_text()) return v.as_str();
    if (v.is_str()) return literal_or_same_string(native_literal_or_string, v.as_str(), v);
    if (v.kind() == Val::Kind::Data) {
      check_vault_opens(v.as_data());
      return v.as_data();
    }
    return v.to_value();
  }
  // Several nodes are joined as text (None printing as "None") and read
  // back; no node at all is None. A body that prints one value at run time
  // (a loop of one item) is read back from its text too: the same value for
  // data, where Jinja would keep a NativeJinjaText as text.
  std::string out;
  r.render(tpl, out);
  if (out.empty() && r.nodes_emitted() == 0) return Value(nullptr);
  return native_literal_or_string(out);
}
}  // namespace

Value Engine::render_value(const Value& v, VariableSource& vars, const RenderOptions& opts) const {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const ValueString&>();
    if (!possibly_template(s, opts.syntax)) return v;
    // Templar's SINGLE_VAR shortcut: "{{ name }}" of a bool/number/None
    // keeps the type.
    if (s.size() > 4 && s.compare(0, 2, "{{") == 0 && s.compare(s.size() - 2, 2, "}}") == 0) {
      size_t b = 2, e = s.size() - 2;
      while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
      while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
      bool word = b < e;
      for (size_t i = b; i < e; ++i)
        if (!(std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) word = false;
      if (word) {
        const Value* val = vars.lookup(std::string_view(s).substr(b, e - b));
        if (val && (val->is_boolean() || val->is_number() || val->is_null())) return *val;
      }
    }
    try {
      Value out = render_string_value(s, vars, opts);
      // Unsafe text holding markers is a template of exactly its text
      // (core/unsafe.hpp): what it renders is the same unsafe string.
      if (py_str_type(v) == PyStr::unsafe_text && out.is_string())
        out.get_ref<ValueString&>().py_type = PyStr::unsafe_text;
      return out;
    } catch (const TemplateError& e) {
      if (e.kind() != TemplateError::Kind::Type) throw;
      throw TemplateError(TemplateError::Kind::TypeReported,
                          "Unexpected templating type error occurred on (" + s + "): " + e.message() + ". " + e.message(),
                          e.where());
    }
  }
  if (v.is_array()) {
    Value out = Value::array();
    for (const auto& e : v) out.push_back(render_value(e, vars, opts));
    return out;
  }
  if (v.is_object()) {
    Value out = Value::object();
    for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = render_value(it.value(), vars, opts);
    return out;
  }
  return v;
}

// Templar.do_template of one string.
Value Engine::render_string_value(const std::string& s, VariableSource& vars, const RenderOptions& opts) const {
  {
    RenderOptions o = opts;
    o.jinja2_native = jinja2_native_ && o.eval_concat;
    std::string data = s;
    size_t data_newlines = trailing_newlines(data);
    if (data.rfind("#jinja2:", 0) == 0) data = apply_jinja2_header(data, o.syntax);
    if (o.escape_backslashes) data = escape_backslashes(data, o.syntax);
    auto tpl = parse(data, o.syntax, o.name);
    Renderer r(*this, vars, o);
    Value result;
    if (o.jinja2_native) {
      result = render_native(r, tpl);
    } else if (o.eval_concat && tpl->single_expression) {
      // One node: ansible_eval_concat looks at the value itself.
      Val v = r.eval_root(tpl);
      if (v.is_native_text() || v.is_vault_text()) {
        // A vault value's plaintext stays text (ansible_native_concat
        // returns its .data without literal_eval).
        result = v.is_vault_text() ? Value(v.as_str()) : v.to_value();
      } else if (v.kind() == Val::Kind::Data) {
        check_vault_opens(v.as_data());
        result = v.as_data();  // str() then literal_eval gives the same data back, of str
        forget_str_types(result);
      } else {
        std::string out;
        r.print_value(v, out);
        result = literal_or_same_string(literal_eval_or_string, out, v);
      }
    } else {
      std::string out;
      r.render(tpl, out);
      result = o.eval_concat ? literal_eval_or_string(out) : Value(out);
    }
    if (result.is_string() && o.preserve_trailing_newlines) {
      std::string& rs = result.get_ref<ValueString&>();
      size_t have = trailing_newlines(rs);
      for (size_t i = have; i < data_newlines; ++i) rs += o.syntax.newline_sequence;
    }
    return result;
  }
}

Value Engine::evaluate_expression(std::string_view expr, VariableSource& vars) const {
  std::string name = "<expression>";
  std::shared_ptr<const Template> tpl;
  {
    std::string key = std::string("\x01expr\0", 6) + std::string(expr);
    std::shared_lock lock(cache_mu_);
    auto it = string_cache_.find(key);
    if (it != string_cache_.end()) tpl = it->second;
  }
  if (!tpl) {
    tpl = parse_expression_template(expr, name);
    std::unique_lock lock(cache_mu_);
    string_cache_.emplace(std::string("\x01expr\0", 6) + std::string(expr), tpl);
  }
  RenderOptions o = RenderOptions::ansible_templar();
  Renderer r(*this, vars, o);
  Val v = r.eval(*tpl->single_expression);
  try {
    return v.to_value();
  } catch (const TemplateError& e) {
    throw TemplateError(e.kind(), e.message(), Location{name, 1, 0});
  }
}

bool Engine::evaluate_condition(const Value& when, VariableSource& vars) const {
  // Ansible 2.14 Conditional._check_conditional.
  if (when.is_boolean()) return when.get<bool>();
  if (when.is_null()) return true;
  if (!when.is_string()) return truthy(when);
  Value templated = render_value(when, vars);
  if (!templated.is_string()) return truthy(templated);
  const std::string& cond = templated.get_ref<const ValueString&>();
  if (cond.empty()) return true;
  std::string presented = "{% if " + cond + " %} True {% else %} False {% endif %}";
  RenderOptions o = RenderOptions::ansible_templar();
  o.name = "<conditional>";
  Value r = render_value(Value(presented), vars, o);
  std::string s = r.is_string() ? r.get<std::string>() : to_display_string(r);
  size_t b = s.find_first_not_of(" \t\n"), e = s.find_last_not_of(" \t\n");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  if (s == "True") return true;
  if (s == "False") return false;
  throw TemplateError(TemplateError::Kind::Runtime, "unable to evaluate conditional: " + cond);
}

std::string apply_jinja2_header(const std::string& text, SyntaxOptions& opts) {
  size_t eol = text.find('\n');
  std::string line = text.substr(8, eol == std::string::npos ? std::string::npos : eol - 8);
  std::string rest = eol == std::string::npos ? std::string() : text.substr(eol + 1);
  std::stringstream ss(line);
  std::string pair;
  while (std::getline(ss, pair, ',')) {
    size_t colon = pair.find(':');
    auto strip = [](std::string s) {
      size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    if (colon == std::string::npos)
      throw TemplateError(TemplateError::Kind::Syntax,
                          "failed to parse jinja2 override '" + strip(pair) +
                              "'. Did you use something different from colon as key-value separator?");
    std::string key = strip(pair.substr(0, colon));
    auto val = python_literal_eval(strip(pair.substr(colon + 1)));
    if (!val) {
      std::string raw = strip(pair.substr(colon + 1));
      if (raw == "True" || raw == "False") val = Value(raw == "True");
      else if (raw.size() >= 2 && (raw[0] == '"' || raw[0] == '\'')) val = Value(raw.substr(1, raw.size() - 2));
      else throw TemplateError(TemplateError::Kind::Syntax, "malformed jinja2 override value: " + raw);
    }
    auto as_bool = [&]() { return truthy(*val); };
    auto as_str = [&]() { return val->is_string() ? val->get<std::string>() : to_display_string(*val); };
    if (key == "trim_blocks") opts.trim_blocks = as_bool();
    else if (key == "lstrip_blocks") opts.lstrip_blocks = as_bool();
    else if (key == "keep_trailing_newline") opts.keep_trailing_newline = as_bool();
    else if (key == "newline_sequence") opts.newline_sequence = as_str();
    else if (key == "block_start_string") opts.block_start = as_str();
    else if (key == "block_end_string") opts.block_end = as_str();
    else if (key == "variable_start_string") opts.variable_start = as_str();
    else if (key == "variable_end_string") opts.variable_end = as_str();
    else if (key == "comment_start_string") opts.comment_start = as_str();
    else if (key == "comment_end_string") opts.comment_end = as_str();
  }
  return rest;
}

Engine::FileEntry Engine::module_template(const std::string& path, const SyntaxOptions& syntax) const {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw TemplateError(TemplateError::Kind::Runtime, "could not read template file: " + path);
  long long mtime = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  std::string key = "\x02module\x1f" + syntax.cache_key() + '\0' + path;
  {
    std::shared_lock lock(cache_mu_);
    auto it = file_cache_.find(key);
    if (it != file_cache_.end() && it->second.mtime_ns == mtime && it->second.size == st.st_size) return it->second;
  }
  std::string data = decrypt_if_vaulted(read_text_file(path), path);
  FileEntry e;
  e.mtime_ns = mtime;
  e.size = static_cast<long long>(st.st_size);
  e.trailing_newlines = trailing_newlines(data);
  e.syntax = syntax;
  if (data.rfind("#jinja2:", 0) == 0) data = apply_jinja2_header(data, e.syntax);
  e.tpl = parse_template(data, e.syntax, path);
  std::unique_lock lock(cache_mu_);
  file_cache_[key] = e;
  return e;
}

std::string Engine::render_template_file(const std::string& path, VariableSource& vars, RenderOptions opts) const {
  FileEntry e = module_template(path, opts.syntax);
  opts.syntax = e.syntax;
  opts.search_path.push_back(dir_of(path));
  std::string out = render_tpl(*this, e.tpl, vars, opts);
  if (opts.preserve_trailing_newlines) {
    size_t have = trailing_newlines(out);
    for (size_t i = have; i < e.trailing_newlines; ++i) out += opts.syntax.newline_sequence;
  }
  return out;
}

const std::string& omit_placeholder() {
  static const std::string kOmit = "__omit_place_holder__drover0000000000000000000000000000000000";
  return kOmit;
}

}  // namespace drover::tmpl
