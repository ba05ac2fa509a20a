#include "engine/task_loader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"
#include "engine/module_lookup.hpp"
#include "modules/arg_spec.hpp"
#include "modules/free_form.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

// Ansible's RAW_PARAM_MODULES: actions that accept a bare word argument.
bool takes_raw_params(const std::string& a) {
  static const std::set<std::string> names = {"command", "shell", "raw", "script", "include", "include_vars",
                                              "include_tasks", "include_role", "import_tasks", "import_role",
                                              "add_host", "group_by", "set_fact", "meta"};
  return names.count(a) > 0;
}

bool free_form_action(const std::string& a) {
  return a == "command" || a == "shell" || a == "raw" || a == "script";
}

// Options of the actions the executor handles (for load-time checks).
const ArgSpec* engine_action_spec(const std::string& a) {
  static const ArgSpec include_tasks = [] {
    ArgSpec s;
    s.options = {opt("_raw_params"), opt("file"), opt("apply", OptionType::dict)};
    return s;
  }();
  static const ArgSpec include_role = [] {
    ArgSpec s;
    s.options = {opt("name").alias({"role"}), opt("tasks_from"), opt("vars_from"), opt("defaults_from"),
                 opt("handlers_from"), opt("apply", OptionType::dict), opt("public", OptionType::boolean),
                 opt("allow_duplicates", OptionType::boolean), opt("rolespec_validate", OptionType::boolean)};
    return s;
  }();
  static const ArgSpec meta = [] {
    ArgSpec s;
    s.options = {opt("_raw_params").req().one_of({"noop", "flush_handlers", "refresh_inventory", "clear_facts",
                                                  "clear_host_errors", "end_play", "end_host", "end_batch",
                                                  "reset_connection", "role_complete"})};
    return s;
  }();
  if (a == "include_tasks" || a == "import_tasks" || a == "include") return &include_tasks;
  if (a == "include_role" || a == "import_role") return &include_role;
  if (a == "meta") return &meta;
  return nullptr;
}

[[noreturn]] void fail_at(const YAML::Node& n, const std::string& file, const std::string& msg,
                          const std::string& hint = {}) {
  throw ParserError(msg, yaml_location(n, file), hint);
}

std::vector<std::string> string_list(const YAML::Node& n, const std::string& file, const char* what) {
  Value v = yaml_to_value(n);
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (v.is_string()) {
    for (auto& p : split(v.get<std::string>(), ','))
      if (!trim(p).empty()) out.push_back(trim(p));
    return out;
  }
  if (v.is_array()) {
    for (auto& e : v) out.push_back(to_display_string(e));
    return out;
  }
  if (v.is_number() || v.is_boolean()) return {to_display_string(v)};
  fail_at(n, file, std::string("'") + what + "' must be a string or a list of strings");
}

bool is_block_keyword(const std::string& k) {
  static const std::set<std::string> names = {"become", "become_user", "become_method", "become_exe", "become_flags",
                                              "check_mode", "diff", "no_log", "ignore_errors", "ignore_unreachable",
                                              "any_errors_fatal", "run_once", "connection", "remote_user", "port",
                                              "timeout", "throttle", "delegate_to", "delegate_facts", "environment",
                                              "module_defaults", "when", "tags", "vars", "collections", "debugger"};
  return names.count(k) > 0;
}

// ansible.legacy's module directories for a task: its role's library/
// and the playbook's.
std::vector<std::string> legacy_module_dirs(const TaskLoadContext& ctx) {
  std::vector<std::string> dirs;
  if (ctx.role) dirs.push_back(ctx.role->path + "/library");
  if (!ctx.playbook_dir.empty()) dirs.push_back(ctx.playbook_dir + "/library");
  // Then every role's and playbook's loaded so far and ANSIBLE_LIBRARY, as
  // Ansible's module loader has them for the whole run.
  if (ctx.playbook && ctx.playbook->fallback)
    for (auto& d : ctx.playbook->fallback->library_dirs())
      if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  return dirs;
}

// The same for action plugins: the role's and the playbook's
// action_plugins/, then every loaded one's and ANSIBLE_ACTION_PLUGINS.
std::vector<std::string> legacy_action_dirs(const TaskLoadContext& ctx) {
  std::vector<std::string> dirs;
  if (ctx.role) dirs.push_back(ctx.role->path + "/action_plugins");
  if (!ctx.playbook_dir.empty()) dirs.push_back(ctx.playbook_dir + "/action_plugins");
  if (ctx.playbook && ctx.playbook->fallback)
    for (auto& d : ctx.playbook->fallback->action_dirs())
      if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  return dirs;
}

bool exists_file(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

void parse_action_value(const std::string& action, const YAML::Node& value, const std::string& file, Value& args) {
  Value v = yaml_to_value(value);
  if (v.is_null()) return;
  if (v.is_string()) {
    Value kv;
    try {
      kv = parse_kv(v.get<std::string>(), free_form_action(action));
    } catch (const Error& e) {
      fail_at(value, file, e.message());
    }
    for (auto it = kv.begin(); it != kv.end(); ++it) args[it.key()] = it.value();
    return;
  }
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) args[it.key()] = it.value();
    return;
  }
  if (v.is_number() || v.is_boolean()) {
    args["_raw_params"] = to_display_string(v);
    return;
  }
  fail_at(value, file, "unexpected parameter type in action '" + action + "': expected a string or a mapping");
}

// "module k=v" or {module: x, k: v} under action:/local_action:.
std::string parse_action_keyword(const YAML::Node& value, const std::string& file, Value& args) {
  Value v = yaml_to_value(value);
  std::string action;
  if (v.is_string()) {
    std::string s = trim(v.get<std::string>());
    auto sp = s.find_first_of(" \t\n");
    action = s.substr(0, sp);
    std::string rest = sp == std::string::npos ? "" : s.substr(sp + 1);
    YAML::Node rest_node(rest);
    if (!rest.empty()) parse_action_value(short_module_name(action), rest_node, file, args);
  } else if (v.is_object() && v.contains("module")) {
    action = to_display_string(v["module"]);
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.key() != "module") args[it.key()] = it.value();
  } else {
    fail_at(value, file, "action must be a string such as 'command echo hi' or a mapping with a 'module' key");
  }
  return action;
}

void check_task_args(const Task& t, const YAML::Node& node, const std::string& file) {
  if (t.args.contains("_variable_params")) return;  // args come from a variable at run time
  const ArgSpec* spec = engine_action_spec(t.action);
  if (!spec) {
    const ModuleEntry* m = t.module ? t.module : find_module(t.action);
    if (!m) return;
    spec = &m->module->spec();
  }
  try {
    check_args(t.action, *spec, t.args);
  } catch (const Error& e) {
    throw ParserError(e.message(), yaml_location(node, file), e.hint());
  }
}

std::unique_ptr<Task> load_task(const YAML::Node& node, TaskLoadContext& ctx, const Block* parent) {
  auto task = std::make_unique<Task>();
  Task& t = *task;
  t.where = yaml_location(node, ctx.file);
  t.parent = parent;
  t.role = ctx.role;
  t.is_handler = ctx.handlers;
  t.id = ctx.playbook ? ++ctx.playbook->task_count : 0;
  Value extra_args = Value::object();
  std::vector<std::pair<std::string, YAML::Node>> candidates;
  bool delegate_local = false;
  YAML::Node action_node;
  // The task's own `collections:` replaces its parents' search list.
  t.collections = node["collections"] ? parse_collections(node["collections"], ctx.file) : ctx.collections;
  auto lookup = [&](const std::string& key, const YAML::Node& at) {
    try {
      return lookup_module(key, t.collections, ctx.playbook ? ctx.playbook->collections.get() : nullptr,
                           legacy_module_dirs(ctx), legacy_action_dirs(ctx));
    } catch (const ParserError&) {
      throw;
    } catch (const Error& e) {
      // A removed (tombstoned) module: AnsibleError, exit 1, not a parser error.
      throw Error(e.message(), yaml_location(at, ctx.file));
    }
  };
  ModuleLookup named_action;

  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.as<std::string>();
    const YAML::Node& val = it->second;
    if (key == "name") {
      t.name = to_display_string(yaml_to_value(val));
    } else if (key == "action" || key == "local_action") {
      if (!t.action.empty()) fail_at(val, ctx.file, "action and local_action are mutually exclusive");
      action_node.reset(val);
      Value a = Value::object();
      t.action_as_written = parse_action_keyword(val, ctx.file, a);
      named_action = lookup(t.action_as_written, val);
      t.set_action(named_action.native ? named_action.action : short_module_name(t.action_as_written),
                   named_action.native);
      for (auto e = a.begin(); e != a.end(); ++e) t.args[e.key()] = e.value();
      delegate_local = key == "local_action";
    } else if (key == "args") {
      Value a = yaml_to_value(val);
      if (a.is_object()) {
        extra_args = a;
      } else if (a.is_string() && a.get<std::string>().find("{{") != std::string::npos) {
        extra_args = Value{{"_variable_params", a}};
      } else if (!a.is_null()) {
        fail_at(val, ctx.file, "Complex args must be a dictionary or variable string (\"{{var}}\").");
      }
    } else if (key == "loop") {
      t.loop = yaml_to_value(val);
      t.loop_with.clear();
    } else if (key.rfind("with_", 0) == 0) {
      if (!t.loop.is_null()) fail_at(val, ctx.file, "only one loop keyword (loop or with_*) is allowed per task");
      t.loop_with = key.substr(5);
      t.loop = yaml_to_value(val);
    } else if (key == "loop_control") {
      t.loop_control = yaml_to_value(val);
      if (!t.loop_control.is_object()) fail_at(val, ctx.file, "loop_control must be a mapping");
    } else if (key == "register") {
      t.register_as = to_display_string(yaml_to_value(val));
    } else if (key == "changed_when") {
      t.changed_when = yaml_to_value(val);
    } else if (key == "failed_when") {
      t.failed_when = yaml_to_value(val);
    } else if (key == "until") {
      t.until = yaml_to_value(val);
    } else if (key == "retries") {
      t.retries = yaml_to_value(val);
    } else if (key == "delay") {
      t.delay = yaml_to_value(val);
    } else if (key == "async") {
      t.async_seconds = yaml_to_value(val);
    } else if (key == "poll") {
      t.poll = yaml_to_value(val);
    } else if (key == "notify") {
      t.notify = string_list(val, ctx.file, "notify");
    } else if (key == "listen") {
      if (!ctx.handlers) fail_at(it->first, ctx.file, "'listen' is only valid on handlers");
      t.listen = string_list(val, ctx.file, "listen");
    } else if (parse_keyword(key, val, t.kw, ctx.file)) {
    } else {
      candidates.emplace_back(key, val);
    }
  }

  for (auto& [key, val] : candidates) {
    ModuleLookup m = lookup(key, val);
    if (m.found) {
      if (!t.action.empty())
        fail_at(val, ctx.file, "conflicting action statements: " + t.action_as_written + ", " + key);
      t.action_as_written = key;
      t.set_action(m.native ? m.action : m.fqcn, m.native);
      named_action = m;
      action_node.reset(val);
      parse_action_value(t.action, val, ctx.file, t.args);
    }
  }
  for (auto& [key, val] : candidates) {
    if (key == t.action_as_written) continue;
    std::vector<std::string> names = module_names();
    for (auto& k : task_keywords()) names.push_back(k);
    std::string close = closest_match(key, names);
    YAML::Node where;
    where.reset(node);
    for (auto it = node.begin(); it != node.end(); ++it)
      if (it->first.as<std::string>() == key) where.reset(it->first);
    if (t.action.empty() || !close.empty())
      fail_at(where, ctx.file,
              "couldn't resolve module/action '" + key +
                  "'. This often indicates a misspelling, missing collection, or incorrect module path.",
              close.empty() ? "" : "did you mean '" + close + "'?");
    fail_at(where, ctx.file, "conflicting action statements: " + t.action_as_written + ", " + key);
  }
  if (t.action.empty()) fail_at(node, ctx.file, "no module/action detected in task.");
  if (named_action.found) {
    if (ctx.playbook)
      for (auto& d : named_action.deprecations) ctx.playbook->deprecations.push_back(d);
    t.module_fqcn = named_action.fqcn;
    t.module_path = named_action.path;
    // A module drover lacks runs through the Python fallback.
    try {
      t.module =
          runnable_module(named_action, t.action_as_written, ctx.playbook ? ctx.playbook->fallback.get() : nullptr,
                          t.collections);
    } catch (const Error& e) {
      fail_at(action_node ? action_node : node, ctx.file, e.message());
    }
  }

  // Module args win over `args:` (Ansible merges args: first).
  Value merged = extra_args;
  for (auto it = t.args.begin(); it != t.args.end(); ++it) merged[it.key()] = it.value();
  t.args = std::move(merged);
  // command, shell and script take `cmd` for their free-form text (Ansible's
  // Task.preprocess_data moves it to _raw_params).
  if ((t.action == "command" || t.action == "shell" || t.action == "script") && t.args.contains("cmd")) {
    if (t.args.contains("_raw_params") && t.args["_raw_params"] != "")
      fail_at(action_node ? action_node : node, ctx.file,
              "The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything "
              "in one or the other place.");
    t.args["_raw_params"] = t.args["cmd"];
    t.args.erase("cmd");
  }
  // add_host / group_by given a whole template ("{{ host_dict }}"): the
  // arguments come from it at run time, as for any module.
  if ((t.is(ActionKind::add_host) || t.is(ActionKind::group_by)) && t.args.size() == 1 && t.args.contains("_raw_params") &&
      t.args["_raw_params"].is_string()) {
    std::string raw = trim(t.args["_raw_params"].get<std::string>());
    if (raw.rfind("{{", 0) == 0 && raw.size() >= 4 && raw.compare(raw.size() - 2, 2, "}}") == 0) {
      t.args["_variable_params"] = raw;
      t.args.erase("_raw_params");
    }
  }
  if (t.args.contains("_raw_params") && !takes_raw_params(t.action)) {
    Value raw = t.args["_raw_params"];
    t.args.erase("_raw_params");
    if (raw.is_string() && raw.get<std::string>().find("{{") != std::string::npos)
      t.args["_variable_params"] = raw;
    else
      fail_at(action_node ? action_node : node, ctx.file,
              "this task '" + t.action + "' has extra params, which is only allowed in the following modules: "
              "command, shell, raw, script, include_vars, include_tasks, include_role, import_tasks, "
              "import_role, add_host, group_by, set_fact, meta");
  }
  if (delegate_local) t.kw.delegate_to = "localhost";
  if (t.is(ActionKind::include)) {
    // The old include: parameters besides the file are the include's
    // variables (TaskInclude.get_vars).
    for (auto it = t.args.begin(); it != t.args.end();) {
      if (it.key() == "_raw_params" || it.key() == "file" || it.key() == "apply") {
        ++it;
        continue;
      }
      t.include_args[it.key()] = it.value();
      it = t.args.erase(it);
    }
  }
  check_task_args(t, action_node ? action_node : node, ctx.file);
  return task;
}

std::string import_path(const Task& t) {
  if (t.args.contains("file") && t.args["file"].is_string()) return t.args["file"].get<std::string>();
  if (t.args.contains("_raw_params") && t.args["_raw_params"].is_string())
    return t.args["_raw_params"].get<std::string>();
  return "";
}

void load_items(const YAML::Node& list, TaskLoadContext& ctx, Block& owner, std::vector<BlockItem>& into);

std::unique_ptr<Block> load_block(const YAML::Node& node, TaskLoadContext& ctx, const Block* parent) {
  auto block = std::make_unique<Block>();
  block->where = yaml_location(node, ctx.file);
  block->parent = parent;
  block->role = ctx.role;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.as<std::string>();
    const YAML::Node& val = it->second;
    if (key == "block" || key == "rescue" || key == "always") {
      if (!val.IsNull() && !val.IsSequence())
        fail_at(val, ctx.file, "a block's '" + key + "' must be a list of tasks");
    } else if (key == "name") {
      block->name = to_display_string(yaml_to_value(val));
    } else if (key == "notify") {
      // Inherited by the block's tasks (Ansible allows notify on blocks).
    } else if (!parse_keyword(key, val, block->kw, ctx.file)) {
      std::vector<std::string> valid = {"block", "rescue", "always", "name", "notify"};
      for (auto& k : task_keywords())
        if (is_block_keyword(k)) valid.push_back(k);
      std::string close = closest_match(key, valid);
      fail_at(it->first, ctx.file, "'" + key + "' is not a valid attribute for a Block",
              close.empty() ? "" : "did you mean '" + close + "'?");
    }
  }
  // A block's `collections:` is the search list of the tasks inside it.
  std::vector<std::string> outer = ctx.collections;
  if (node["collections"]) ctx.collections = parse_collections(node["collections"], ctx.file);
  load_items(node["block"], ctx, *block, block->block);
  load_items(node["rescue"], ctx, *block, block->rescue);
  load_items(node["always"], ctx, *block, block->always);
  ctx.collections = std::move(outer);
  if (node["notify"]) add_notify(*block, string_list(node["notify"], ctx.file, "notify"));
  return block;
}

void load_items(const YAML::Node& list, TaskLoadContext& ctx, Block& owner, std::vector<BlockItem>& into) {
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) fail_at(list, ctx.file, "expected a list of tasks");
  for (const auto& item : list) {
    if (!item.IsMap()) fail_at(item, ctx.file, "expected a task (a mapping), found " +
                                                    std::string(item.IsSequence() ? "a list" : "a scalar"));
    if (item["block"]) {
      // A handlers section's list may hold blocks (of handlers); a block
      // inside one would be a handler.
      if (ctx.handlers && owner.parent && !owner.implicit)
        throw ParserError("Using a block as a handler is not supported.", yaml_location(item, ctx.file));
      into.push_back({nullptr, load_block(item, ctx, &owner)});
      continue;
    }
    std::unique_ptr<Task> task = load_task(item, ctx, &owner);
    if (ctx.handlers && (task->is(ActionKind::include_role) || task->is(ActionKind::import_role)))
      throw ParserError("Using '" + task->action + "' as a handler is not supported.", task->where);
    // The old include is static (an import) when its file is not templated
    // and it has no loop, dynamic otherwise (Ansible 2.14's is_static).
    bool old_include = task->is(ActionKind::include);
    if (old_include)
      task->set_action(task->loop.is_null() && import_path(*task).find("{{") == std::string::npos ? "import_tasks"
                                                                                                   : "include_tasks");
    if (old_include && task->is(ActionKind::include_tasks))
      for (auto it = task->include_args.begin(); it != task->include_args.end(); ++it)
        if (!task->kw.vars.contains(it.key())) task->kw.vars[it.key()] = it.value();
    if (task->is(ActionKind::import_tasks)) {
      std::string rel = import_path(*task);
      if (rel.find("{{") != std::string::npos)
        throw ParserError("import_tasks with a templated file name is not supported: use include_tasks",
                          task->where);
      // In a role: relative to its tasks (handlers) directory, then to the
      // importing file's.
      std::string dir = ctx.role ? ctx.role->path + (ctx.handlers ? "/handlers" : "/tasks") : ctx.dir;
      std::string path = rel.size() && rel[0] == '/' ? rel : find_yaml_file(dir, rel);
      if (path.empty() && ctx.role && ctx.dir != dir) path = find_yaml_file(ctx.dir, rel);
      if (path.empty()) path = find_yaml_file(ctx.playbook_dir, rel);  // path_dwim_relative's last resort
      if (path.empty()) throw ParserError("Could not find or access '" + rel + "'", task->where,
                                          "searched in " + dir + " and " + ctx.playbook_dir);
      // The import's keywords (when, tags, vars, ...) apply to every task
      // in the file: they sit on the block that holds them.
      TaskLoadContext sub = ctx;
      sub.file = path;
      sub.dir = dir_of(path);
      auto block = load_task_file(path, sub, &owner);
      block->kw = task->kw;
      block->where = task->where;
      if (old_include) {
        // Its vars are include params (above set_fact); its k=v
        // parameters are vars of its tasks (TaskInclude.get_vars).
        block->include_params = block->kw.vars;
        block->kw.vars = task->include_args;
      }
      into.push_back({nullptr, std::move(block)});
      continue;
    }
    if (task->is(ActionKind::import_role)) {
      if (!ctx.import_role) throw ParserError("import_role is not allowed here", task->where);
      // The import's vars go along as "vars" (not an option of import_role):
      // they become the role's vars as well as its tasks' block vars.
      Value role_args = task->args;
      if (!task->kw.vars.empty()) role_args["vars"] = task->kw.vars;
      TaskLoadContext role_ctx = ctx;
      role_ctx.collections = task->collections;
      auto block =
          ctx.import_role(to_display_string(task->args.value("name", Value(""))), role_args, task->where, role_ctx);
      block->kw = task->kw;
      block->parent = &owner;
      into.push_back({nullptr, std::move(block)});
      continue;
    }
    into.push_back({std::move(task), nullptr});
  }
}

}  // namespace

const std::vector<std::string>& task_keywords() {
  static const std::vector<std::string> names = {
      "action", "any_errors_fatal", "args", "async", "become", "become_exe", "become_flags", "become_method",
      "become_user", "changed_when", "check_mode", "collections", "connection", "debugger", "delay",
      "delegate_facts", "delegate_to", "diff", "environment", "failed_when", "ignore_errors",
      "ignore_unreachable", "local_action", "loop", "loop_control", "module_defaults", "name", "no_log",
      "notify", "poll", "port", "register", "remote_user", "retries", "run_once", "tags", "throttle", "timeout",
      "until", "vars", "when", "listen", "with_items", "with_dict", "with_list", "with_together",
      "with_sequence", "with_fileglob", "with_subelements", "with_nested", "with_first_found"};
  return names;
}

bool parse_keyword(const std::string& key, const YAML::Node& value, Keywords& kw, const std::string& file) {
  Value v = yaml_to_value(value);
  if (key == "when") {
    if (v.is_array()) {
      for (auto& c : v) kw.when.push_back(c);
    } else if (!v.is_null()) {
      kw.when.push_back(v);
    }
  } else if (key == "tags") {
    for (auto& t : string_list(value, file, "tags")) kw.tags.push_back(t);
  } else if (key == "vars") {
    if (v.is_null()) return true;
    if (v.is_array()) {
      // Ansible accepts a list of single-key dicts.
      Value merged = Value::object();
      for (auto& e : v) {
        if (!e.is_object()) fail_at(value, file, "vars must be a mapping (or a list of mappings)");
        for (auto it = e.begin(); it != e.end(); ++it) merged[it.key()] = it.value();
      }
      v = merged;
    }
    if (!v.is_object()) fail_at(value, file, "vars must be a mapping of variable names to values");
    for (auto it = v.begin(); it != v.end(); ++it) kw.vars[it.key()] = it.value();
  } else if (key == "become") kw.become = v;
  else if (key == "become_user") kw.become_user = v;
  else if (key == "become_method") kw.become_method = v;
  else if (key == "become_exe") kw.become_exe = v;
  else if (key == "become_flags") kw.become_flags = v;
  else if (key == "check_mode") kw.check_mode = v;
  else if (key == "diff") kw.diff = v;
  else if (key == "no_log") kw.no_log = v;
  else if (key == "ignore_errors") kw.ignore_errors = v;
  else if (key == "ignore_unreachable") kw.ignore_unreachable = v;
  else if (key == "any_errors_fatal") kw.any_errors_fatal = v;
  else if (key == "run_once") kw.run_once = v;
  else if (key == "connection") kw.connection = v;
  else if (key == "remote_user") kw.remote_user = v;
  else if (key == "port") kw.port = v;
  else if (key == "timeout") kw.timeout = v;
  else if (key == "throttle") kw.throttle = v;
  else if (key == "delegate_to") kw.delegate_to = v;
  else if (key == "delegate_facts") kw.delegate_facts = v;
  else if (key == "environment") kw.environment = v;
  else if (key == "module_defaults") kw.module_defaults = v;
  else if (key == "collections" || key == "debugger") {
    // collections: read where names are resolved (engine/module_lookup.hpp);
    // debugger: accepted and ignored.
  } else {
    return false;
  }
  return true;
}

std::string find_yaml_file(const std::string& dir, const std::string& name) {
  std::string base = name.size() && name[0] == '/' ? name : dir + "/" + name;
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    std::string p = base + ext;
    if (exists_file(p)) return p;
  }
  return "";
}

void load_task_list(const YAML::Node& list, TaskLoadContext& ctx, Block& into) {
  load_items(list, ctx, into, into.block);
}

std::unique_ptr<Block> load_task_file(const std::string& path, TaskLoadContext& ctx, const Block* parent) {
  auto docs = load_yaml_file(path);
  auto block = std::make_unique<Block>();
  block->implicit = true;
  block->parent = parent;
  block->role = ctx.role;
  block->where = {path, 1, 1};
  TaskLoadContext sub = ctx;
  sub.file = path;
  if (docs.empty() || docs[0].IsNull()) return block;
  if (!docs[0].IsSequence())
    throw ParserError("A task file must contain a list of tasks", yaml_location(docs[0], path));
  load_task_list(docs[0], sub, *block);
  return block;
}

ActionKind action_kind(const std::string& action) {
  static const std::map<std::string, ActionKind, std::less<>> kinds = {
      {"meta", ActionKind::meta},
      {"include_tasks", ActionKind::include_tasks},
      {"include_role", ActionKind::include_role},
      {"import_tasks", ActionKind::import_tasks},
      {"import_role", ActionKind::import_role},
      {"include", ActionKind::include},
      {"set_fact", ActionKind::set_fact},
      {"include_vars", ActionKind::include_vars},
      {"assert", ActionKind::assert_},
      {"add_host", ActionKind::add_host},
      {"group_by", ActionKind::group_by},
      {"pause", ActionKind::pause},
      {"gather_facts", ActionKind::gather_facts},
  };
  auto it = kinds.find(action);
  return it == kinds.end() ? ActionKind::module : it->second;
}

const Value& Task::inherited(Value Keywords::*member) const {
  if (!(kw.*member).is_null()) return kw.*member;
  for (const Block* b = parent; b; b = b->parent)
    if (!(b->kw.*member).is_null()) return b->kw.*member;
  static const Value null;
  return null;
}

std::vector<const Value*> Task::inherited_all(Value Keywords::*member) const {
  std::vector<const Value*> out;
  if (!(kw.*member).is_null()) out.push_back(&(kw.*member));
  for (const Block* b = parent; b; b = b->parent)
    if (!(b->kw.*member).is_null()) out.push_back(&(b->kw.*member));
  return out;
}

std::string Task::display_name() const { return name.empty() ? action_as_written : name; }

std::string Task::banner_name() const {
  if (is(ActionKind::include_role))
    return name.empty() ? action_as_written + " : " + to_display_string(args.value("name", args.value("role", Value(""))))
                        : name;
  return role ? role->name + " : " + display_name() : display_name();
}

std::string Task::listing_name() const { return name.empty() ? action_as_written : banner_name(); }

void add_notify(Block& block, const std::vector<std::string>& names) {
  std::function<void(std::vector<BlockItem>&)> add = [&](std::vector<BlockItem>& items) {
    for (auto& i : items) {
      if (i.task) {
        for (auto& n : names)
          if (std::find(i.task->notify.begin(), i.task->notify.end(), n) == i.task->notify.end())
            i.task->notify.push_back(n);
      } else {
        add(i.block->block);
        add(i.block->rescue);
        add(i.block->always);
      }
    }
  };
  add(block.block);
  add(block.rescue);
  add(block.always);
}

}  // namespace drover
