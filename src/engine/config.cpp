#include "engine/config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/value.hpp"

extern char** environ;

namespace drover {
namespace {

enum class Kind { string, integer, boolean, list, pathlist, path };

struct Setting {
  const char* name;
  Kind kind;
  const char* default_value;  // nullptr: unset
  std::vector<std::pair<const char*, const char*>> ini;  // (section, key), first match wins
  std::vector<const char*> env;                           // first set wins
};

// The settings drover reads, with Ansible 2.14's names, sources and defaults.
const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      {"DEFAULT_FORKS", Kind::integer, "5", {{"defaults", "forks"}}, {"ANSIBLE_FORKS"}},
      {"DEFAULT_HOST_LIST", Kind::pathlist, "/etc/ansible/hosts", {{"defaults", "inventory"}}, {"ANSIBLE_INVENTORY"}},
      {"DEFAULT_REMOTE_USER", Kind::string, nullptr, {{"defaults", "remote_user"}}, {"ANSIBLE_REMOTE_USER"}},
      {"HOST_KEY_CHECKING", Kind::boolean, "True",
       {{"defaults", "host_key_checking"}, {"ssh_connection", "host_key_checking"}},
       {"ANSIBLE_HOST_KEY_CHECKING", "ANSIBLE_SSH_HOST_KEY_CHECKING"}},
      {"DEFAULT_PRIVATE_KEY_FILE", Kind::path, nullptr, {{"defaults", "private_key_file"}},
       {"ANSIBLE_PRIVATE_KEY_FILE"}},
      {"DEFAULT_TIMEOUT", Kind::integer, "10", {{"defaults", "timeout"}, {"ssh_connection", "timeout"}},
       {"ANSIBLE_TIMEOUT", "ANSIBLE_SSH_TIMEOUT"}},
      {"DEFAULT_REMOTE_PORT", Kind::integer, nullptr, {{"defaults", "remote_port"}}, {"ANSIBLE_REMOTE_PORT"}},
      {"DEFAULT_TRANSPORT", Kind::string, "smart", {{"defaults", "transport"}}, {"ANSIBLE_TRANSPORT"}},
      {"DEFAULT_BECOME", Kind::boolean, "False", {{"privilege_escalation", "become"}}, {"ANSIBLE_BECOME"}},
      {"DEFAULT_BECOME_METHOD", Kind::string, "sudo", {{"privilege_escalation", "become_method"}},
       {"ANSIBLE_BECOME_METHOD"}},
      {"DEFAULT_BECOME_USER", Kind::string, "root", {{"privilege_escalation", "become_user"}},
       {"ANSIBLE_BECOME_USER"}},
      {"DEFAULT_BECOME_ASK_PASS", Kind::boolean, "False", {{"privilege_escalation", "become_ask_pass"}},
       {"ANSIBLE_BECOME_ASK_PASS"}},
      {"DEFAULT_BECOME_EXE", Kind::string, nullptr, {{"privilege_escalation", "become_exe"}}, {"ANSIBLE_BECOME_EXE"}},
      {"DEFAULT_BECOME_FLAGS", Kind::string, nullptr, {{"privilege_escalation", "become_flags"}},
       {"ANSIBLE_BECOME_FLAGS"}},
      {"DEFAULT_ASK_PASS", Kind::boolean, "False", {{"defaults", "ask_pass"}}, {"ANSIBLE_ASK_PASS"}},
      {"DEFAULT_VAULT_PASSWORD_FILE", Kind::path, nullptr, {{"defaults", "vault_password_file"}},
       {"ANSIBLE_VAULT_PASSWORD_FILE"}},
      {"DEFAULT_VAULT_IDENTITY_LIST", Kind::list, nullptr, {{"defaults", "vault_identity_list"}},
       {"ANSIBLE_VAULT_IDENTITY_LIST"}},
      {"DEFAULT_VAULT_ID_MATCH", Kind::boolean, "False", {{"defaults", "vault_id_match"}}, {"ANSIBLE_VAULT_ID_MATCH"}},
      {"DEFAULT_VAULT_ENCRYPT_IDENTITY", Kind::string, nullptr, {{"defaults", "vault_encrypt_identity"}},
       {"ANSIBLE_VAULT_ENCRYPT_IDENTITY"}},
      {"DEFAULT_GATHERING", Kind::string, "implicit", {{"defaults", "gathering"}}, {"ANSIBLE_GATHERING"}},
      {"DEFAULT_GATHER_SUBSET", Kind::list, nullptr, {{"defaults", "gather_subset"}}, {"ANSIBLE_GATHER_SUBSET"}},
      {"DEFAULT_ROLES_PATH", Kind::pathlist, "~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles",
       {{"defaults", "roles_path"}}, {"ANSIBLE_ROLES_PATH"}},
      {"DEFAULT_MODULE_PATH", Kind::pathlist, "~/.ansible/plugins/modules:/usr/share/ansible/plugins/modules",
       {{"defaults", "library"}}, {"ANSIBLE_LIBRARY"}},
      {"DEFAULT_LOOKUP_PLUGIN_PATH", Kind::pathlist, "~/.ansible/plugins/lookup:/usr/share/ansible/plugins/lookup",
       {{"defaults", "lookup_plugins"}}, {"ANSIBLE_LOOKUP_PLUGINS"}},
      {"DEFAULT_ACTION_PLUGIN_PATH", Kind::pathlist, "~/.ansible/plugins/action:/usr/share/ansible/plugins/action",
       {{"defaults", "action_plugins"}}, {"ANSIBLE_ACTION_PLUGINS"}},
      {"DEFAULT_MODULE_UTILS_PATH", Kind::pathlist,
       "~/.ansible/plugins/module_utils:/usr/share/ansible/plugins/module_utils", {{"defaults", "module_utils"}},
       {"ANSIBLE_MODULE_UTILS"}},
      // Ansible lets the later name win (collections_path over
      // collections_paths); here the first listed wins.
      {"COLLECTIONS_PATHS", Kind::pathlist, "~/.ansible/collections:/usr/share/ansible/collections",
       {{"defaults", "collections_path"}, {"defaults", "collections_paths"}},
       {"ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS"}},
      {"COLLECTIONS_SCAN_SYS_PATH", Kind::boolean, "True", {{"defaults", "collections_scan_sys_path"}},
       {"ANSIBLE_COLLECTIONS_SCAN_SYS_PATH"}},
      {"CACHE_PLUGIN", Kind::string, "memory", {{"defaults", "fact_caching"}}, {"ANSIBLE_CACHE_PLUGIN"}},
      {"CACHE_PLUGIN_CONNECTION", Kind::string, nullptr, {{"defaults", "fact_caching_connection"}},
       {"ANSIBLE_CACHE_PLUGIN_CONNECTION"}},
      {"CACHE_PLUGIN_TIMEOUT", Kind::integer, "86400", {{"defaults", "fact_caching_timeout"}},
       {"ANSIBLE_CACHE_PLUGIN_TIMEOUT"}},
      {"CACHE_PLUGIN_PREFIX", Kind::string, "ansible_facts", {{"defaults", "fact_caching_prefix"}},
       {"ANSIBLE_CACHE_PLUGIN_PREFIX"}},
      {"ANSIBLE_NOCOLOR", Kind::boolean, "False", {{"defaults", "nocolor"}}, {"ANSIBLE_NOCOLOR", "NO_COLOR"}},
      {"ANSIBLE_FORCE_COLOR", Kind::boolean, "False", {{"defaults", "force_color"}}, {"ANSIBLE_FORCE_COLOR"}},
      {"DEFAULT_STDOUT_CALLBACK", Kind::string, "default", {{"defaults", "stdout_callback"}},
       {"ANSIBLE_STDOUT_CALLBACK"}},
      {"DEFAULT_LOAD_CALLBACK_PLUGINS", Kind::boolean, "False", {{"defaults", "bin_ansible_callbacks"}},
       {"ANSIBLE_LOAD_CALLBACK_PLUGINS"}},
      {"DEFAULT_POLL_INTERVAL", Kind::integer, "15", {{"defaults", "poll_interval"}}, {"ANSIBLE_POLL_INTERVAL"}},
      {"DEFAULT_STRATEGY", Kind::string, "linear", {{"defaults", "strategy"}}, {"ANSIBLE_STRATEGY"}},
      {"DEFAULT_JINJA2_NATIVE", Kind::boolean, "False", {{"defaults", "jinja2_native"}}, {"ANSIBLE_JINJA2_NATIVE"}},
      {"DISPLAY_SKIPPED_HOSTS", Kind::boolean, "True", {{"defaults", "display_skipped_hosts"}},
       {"ANSIBLE_DISPLAY_SKIPPED_HOSTS"}},
      {"DISPLAY_OK_HOSTS", Kind::boolean, "True", {{"defaults", "display_ok_hosts"}}, {"ANSIBLE_DISPLAY_OK_HOSTS"}},
      // The default callback's other options (its doc fragment's).
      {"DISPLAY_FAILED_STDERR", Kind::boolean, "False", {{"defaults", "display_failed_stderr"}},
       {"ANSIBLE_DISPLAY_FAILED_STDERR"}},
      {"SHOW_CUSTOM_STATS", Kind::boolean, "False", {{"defaults", "show_custom_stats"}}, {"ANSIBLE_SHOW_CUSTOM_STATS"}},
      {"SHOW_PER_HOST_START", Kind::boolean, "False", {{"defaults", "show_per_host_start"}},
       {"ANSIBLE_SHOW_PER_HOST_START"}},
      {"CHECK_MODE_MARKERS", Kind::boolean, "False", {{"defaults", "check_mode_markers"}},
       {"ANSIBLE_CHECK_MODE_MARKERS"}},
      {"SHOW_TASK_PATH_ON_FAILURE", Kind::boolean, "False", {{"defaults", "show_task_path_on_failure"}},
       {"ANSIBLE_SHOW_TASK_PATH_ON_FAILURE"}},
      {"DISPLAY_ARGS_TO_STDOUT", Kind::boolean, "False", {{"defaults", "display_args_to_stdout"}},
       {"ANSIBLE_DISPLAY_ARGS_TO_STDOUT"}},
      {"CALLBACK_RESULT_FORMAT", Kind::string, "json", {{"defaults", "callback_result_format"}},
       {"ANSIBLE_CALLBACK_RESULT_FORMAT"}},
      {"ACTION_WARNINGS", Kind::boolean, "True", {{"defaults", "action_warnings"}}, {"ANSIBLE_ACTION_WARNINGS"}},
      {"DIFF_CONTEXT", Kind::integer, "3", {{"diff", "context"}}, {"ANSIBLE_DIFF_CONTEXT"}},
      {"CALLBACKS_ENABLED", Kind::list, nullptr, {{"defaults", "callbacks_enabled"}, {"defaults", "callback_whitelist"}},
       {"ANSIBLE_CALLBACKS_ENABLED", "ANSIBLE_CALLBACK_WHITELIST"}},
      {"PROFILE_TASKS_TASK_OUTPUT_LIMIT", Kind::string, "20", {{"callback_profile_tasks", "task_output_limit"}},
       {"PROFILE_TASKS_TASK_OUTPUT_LIMIT"}},
      {"JSON_CALLBACK_INDENT", Kind::integer, "4", {{"callback_json", "json_indent"}}, {"ANSIBLE_JSON_INDENT"}},
      {"PROFILE_TASKS_SORT_ORDER", Kind::string, "descending", {{"callback_profile_tasks", "sort_order"}},
       {"PROFILE_TASKS_SORT_ORDER"}},
      {"DEFAULT_FORCE_HANDLERS", Kind::boolean, "False", {{"defaults", "force_handlers"}},
       {"ANSIBLE_FORCE_HANDLERS"}},
      {"ANY_ERRORS_FATAL", Kind::boolean, "False", {{"defaults", "any_errors_fatal"}}, {"ANSIBLE_ANY_ERRORS_FATAL"}},
      {"DEFAULT_HASH_BEHAVIOUR", Kind::string, "replace", {{"defaults", "hash_behaviour"}},
       {"ANSIBLE_HASH_BEHAVIOUR"}},
      {"DEFAULT_MANAGED_STR", Kind::string, "Ansible managed", {{"defaults", "ansible_managed"}}, {}},
      {"DEFAULT_MODULE_NAME", Kind::string, "command", {{"defaults", "module_name"}}, {}},
      {"DEFAULT_UNDEFINED_VAR_BEHAVIOR", Kind::boolean, "True", {{"defaults", "error_on_undefined_vars"}},
       {"ANSIBLE_ERROR_ON_UNDEFINED_VARS"}},
      {"DEFAULT_NO_LOG", Kind::boolean, "False", {{"defaults", "no_log"}}, {"ANSIBLE_NO_LOG"}},
      {"DEFAULT_LOG_PATH", Kind::path, nullptr, {{"defaults", "log_path"}}, {"ANSIBLE_LOG_PATH"}},
      {"HOST_PATTERN_MISMATCH", Kind::string, "warning", {{"inventory", "host_pattern_mismatch"}},
       {"ANSIBLE_HOST_PATTERN_MISMATCH"}},
      {"LOCALHOST_WARNING", Kind::boolean, "True", {{"defaults", "localhost_warning"}},
       {"ANSIBLE_LOCALHOST_WARNING"}},
      {"SYSTEM_WARNINGS", Kind::boolean, "True", {{"defaults", "system_warnings"}}, {"ANSIBLE_SYSTEM_WARNINGS"}},
      {"DEPRECATION_WARNINGS", Kind::boolean, "True", {{"defaults", "deprecation_warnings"}},
       {"ANSIBLE_DEPRECATION_WARNINGS"}},
      {"RETRY_FILES_ENABLED", Kind::boolean, "False", {{"defaults", "retry_files_enabled"}},
       {"ANSIBLE_RETRY_FILES_ENABLED"}},
      {"INVENTORY_IGNORE_EXTS", Kind::list, nullptr,
       {{"defaults", "inventory_ignore_extensions"}, {"inventory", "ignore_extensions"}},
       {"ANSIBLE_INVENTORY_IGNORE"}},
      {"SSH_ARGS", Kind::string, "-C -o ControlMaster=auto -o ControlPersist=60s", {{"ssh_connection", "ssh_args"}},
       {"ANSIBLE_SSH_ARGS"}},
      {"SSH_COMMON_ARGS", Kind::string, nullptr, {{"ssh_connection", "ssh_common_args"}},
       {"ANSIBLE_SSH_COMMON_ARGS"}},
      {"SSH_EXTRA_ARGS", Kind::string, nullptr, {{"ssh_connection", "ssh_extra_args"}},
       {"ANSIBLE_SSH_EXTRA_ARGS"}},
      {"DUPLICATE_YAML_DICT_KEY", Kind::string, "warn", {{"defaults", "duplicate_dict_key"}},
       {"ANSIBLE_DUPLICATE_YAML_DICT_KEY"}},
      {"ERROR_ON_MISSING_HANDLER", Kind::boolean, "True", {{"defaults", "error_on_missing_handler"}},
       {"ANSIBLE_ERROR_ON_MISSING_HANDLER"}},
      {"ANSIBLE_PIPELINING", Kind::boolean, "False",
       {{"connection", "pipelining"}, {"ssh_connection", "pipelining"}}, {"ANSIBLE_PIPELINING", "ANSIBLE_SSH_PIPELINING"}},
  };
  return table;
}

const Setting& find_setting(const std::string& name) {
  for (const auto& s : settings())
    if (name == s.name) return s;
  throw Error("internal error: unknown configuration setting " + name);
}

bool world_writable_cwd() {
  struct stat st{};
  return stat(".", &st) == 0 && (st.st_mode & S_IWOTH);
}

bool is_file(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::map<std::string, std::string> process_env() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace

std::string expand_user(const std::string& path) {
  if (path.empty() || path[0] != '~') return path;
  if (path.size() > 1 && path[1] != '/') return path;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + path.substr(1);
}

std::map<std::string, std::map<std::string, std::string>> parse_ini_config(const std::string& text,
                                                                           const std::string& file) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::string section;
  std::string* last = nullptr;
  int lineno = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (last && (line[0] == ' ' || line[0] == '\t')) {
      *last += "\n" + t;
      continue;
    }
    if (t[0] == '[') {
      auto close = t.find(']');
      if (close == std::string::npos)
        throw Error("expected ']' to close the section name", {file, lineno, static_cast<int>(line.size())});
      section = t.substr(1, close - 1);
      last = nullptr;
      continue;
    }
    auto sep = t.find_first_of("=:");
    if (sep == std::string::npos)
      throw Error("expected 'key = value' in configuration file", {file, lineno, 1});
    if (section.empty())
      throw Error("File contains no section headers: expected a [section] line first", {file, lineno, 1});
    std::string key = to_lower(trim(t.substr(0, sep)));
    std::string value = trim(t.substr(sep + 1));
    // configparser inline comments: ';' preceded by whitespace.
    for (size_t i = 1; i < value.size(); ++i) {
      if (value[i] == ';' && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
        value = trim(value.substr(0, i));
        break;
      }
    }
    auto& slot = out[section][key];
    slot = value;
    last = &slot;
  }
  return out;
}

Config Config::load() {
  auto env = process_env();
  std::string path;
  std::vector<std::string> warnings;
  if (auto it = env.find("ANSIBLE_CONFIG"); it != env.end() && !it->second.empty()) {
    std::string p = expand_user(it->second);
    if (is_dir(p)) p += "/ansible.cfg";
    if (is_file(p)) path = p;
  }
  if (path.empty() && is_file("ansible.cfg")) {
    if (world_writable_cwd()) {
      char cwd[4096];
      warnings.push_back(std::string("Ansible is being run in a world writable directory (") +
                         (getcwd(cwd, sizeof cwd) ? cwd : ".") +
                         "), ignoring it as an ansible.cfg source.");
    } else {
      char cwd[4096];
      path = std::string(getcwd(cwd, sizeof cwd) ? cwd : ".") + "/ansible.cfg";
    }
  }
  if (path.empty() && is_file(expand_user("~/.ansible.cfg"))) path = expand_user("~/.ansible.cfg");
  if (path.empty() && is_file("/etc/ansible/ansible.cfg")) path = "/etc/ansible/ansible.cfg";
  Config c = load_from(path, env);
  c.warnings_ = std::move(warnings);
  return c;
}

Config Config::load_from(const std::string& path, const std::map<std::string, std::string>& env) {
  Config c;
  c.file_ = path;
  std::map<std::string, std::map<std::string, std::string>> ini;
  if (!path.empty()) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    ini = parse_ini_config(ss.str(), path);
  }
  for (const auto& s : settings()) {
    std::optional<std::string> v;
    bool from_file = false;
    if (s.default_value) v = s.default_value;
    for (const auto& [section, key] : s.ini) {
      auto sec = ini.find(section);
      if (sec == ini.end()) continue;
      auto k = sec->second.find(key);
      if (k != sec->second.end()) {
        v = k->second;
        from_file = true;
        break;
      }
    }
    for (const char* e : s.env) {
      auto it = env.find(e);
      if (it != env.end()) {
        v = it->second;
        from_file = false;
        break;
      }
    }
    if (v) c.values_[s.name] = *v;
    if (from_file) c.from_file_.insert(s.name);
  }
  return c;
}

bool Config::is_set(const std::string& name) const {
  find_setting(name);
  return values_.count(name) > 0;
}

std::string Config::str(const std::string& name) const {
  const Setting& s = find_setting(name);
  auto it = values_.find(name);
  if (it == values_.end()) return "";
  return s.kind == Kind::path ? expand_user(it->second) : it->second;
}

int Config::integer(const std::string& name) const {
  std::string v = str(name);
  if (v.empty()) return 0;
  try {
    return std::stoi(v);
  } catch (...) {
    throw Error("invalid value for " + name + ": '" + v + "' is not an integer", {file_, 0, 0});
  }
}

bool Config::boolean(const std::string& name) const {
  auto b = to_bool(Value(str(name)));
  return b.value_or(false);
}

std::vector<std::string> Config::list(const std::string& name) const {
  const Setting& s = find_setting(name);
  std::string v = str(name);
  std::vector<std::string> out;
  if (v.empty()) return out;
  char sep = (s.kind == Kind::pathlist) ? ':' : ',';
  // Ansible's inventory "pathlist" is comma-separated; roles_path uses ':'.
  if (std::string(name) == "DEFAULT_HOST_LIST") sep = ',';
  // A relative path read from the file is relative to the file's directory
  // (Ansible's resolve_path with the origin as basedir).
  std::string base;
  // (Not the inventory: "host1,host2" there is a host list.)
  if (sep == ':' && from_file_.count(name) && file_.find('/') != std::string::npos)
    base = file_.substr(0, file_.rfind('/') + 1);
  for (auto& part : split(v, sep)) {
    std::string t = trim(part);
    if (t.empty()) continue;
    if (s.kind == Kind::pathlist) {
      t = expand_user(t);
      if (!base.empty() && t[0] != '/') t = base + t;
    }
    out.push_back(t);
  }
  return out;
}

}  // namespace drover
