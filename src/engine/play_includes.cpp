// include_tasks and include_role at run time (PlaybookRunner::handle_include):
// each host evaluates the include's when, loop and arguments with its own
// variables; hosts (and loop items) that include the same file share its
// loaded tasks, and each inclusion carries its own variables (the task's
// vars and the loop variable) on the hosts' cursors.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "engine/config.hpp"
#include "engine/lookups.hpp"
#include "engine/play_state.hpp"
#include "engine/playbook_loader.hpp"
#include "engine/task_loader.hpp"
#include "engine/task_vars.hpp"
#include "inventory/inventory.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

// An include_tasks file that is not there: Ansible reports it as the
// result's "reason", naming the path it tried last.
struct IncludeFileMissing : Error {
  using Error::Error;
};

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// include_role's `apply`: keywords for every task of the role.
Keywords apply_keywords(const Value& apply, const std::string& file) {
  Keywords kw;
  if (!apply.is_object()) return kw;
  for (auto it = apply.begin(); it != apply.end(); ++it) {
    if (it.key() == "notify") continue;  // apply_notify
    YAML::Node node = YAML::Load(it.value().dump());  // JSON is YAML
    if (!parse_keyword(it.key(), node, kw, file))
      throw Error("'" + it.key() + "' is not a valid keyword for include_role's apply");
  }
  return kw;
}

// apply: notify: every task of the included block notifies the names.
void apply_notify(const Value& apply, Block& block) {
  if (!apply.is_object() || !apply.contains("notify")) return;
  std::vector<std::string> names;
  const Value& n = apply["notify"];
  if (n.is_array())
    for (const auto& e : n) names.push_back(to_display_string(e));
  else
    names.push_back(to_display_string(n));
  add_notify(block, names);
}

// One inclusion the task makes for a host: its loop variables (null
// without a loop) and the item as output shows it.
struct Inclusion {
  Value vars;
  Value item;
};

std::vector<Inclusion> inclusions(const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt,
                                  const TaskPosition& pos) {
  if (pos.task->loop.is_null()) return {Inclusion{}};
  std::vector<Inclusion> out;
  LoopItems items = task_loop_items(ctx, host, rt, pos);
  Value lc = task_loop_control(ctx, host, rt, pos);
  for (size_t i = 0; i < items.size(); ++i) out.push_back({loop_item_vars(items.for_vars(), i, lc), items.shown[i]});
  return out;
}

// The item result of a looped include whose condition is false for the
// item `inc`.
Value skipped_item(const Task& task, const Inclusion& inc, tmpl::Engine& templar, tmpl::VariableSource& vars) {
  const Value& lv = inc.vars;
  std::string loop_var = lv["ansible_loop_var"].get<std::string>();
  Value r = {{"changed", false}, {"skipped", true}, {"skip_reason", "Conditional result was False"}};
  r[loop_var] = inc.item;
  r["ansible_loop_var"] = loop_var;
  Value lc = task.loop_control.is_object() ? task.loop_control : Value::object();
  r["_ansible_item_label"] = lc.contains("label") ? templar.render_value(lc["label"], vars) : inc.item;
  return r;
}

// ansible-playbook prints one "included: FILE for a, b" line per distinct
// inclusion (same file, item and vars), hosts in order, after every host
// has been processed.
struct ShownInclude {
  std::string file;
  Value item;
  std::string key;
  std::vector<std::string> hosts;
};

void add_shown(std::vector<ShownInclude>& lines, const std::string& file, const Value& item, const std::string& key,
               const std::string& host) {
  auto same = std::find_if(lines.begin(), lines.end(), [&](const ShownInclude& l) { return l.key == key; });
  if (same == lines.end()) lines.push_back({file, item, key, {host}});
  else same->hosts.push_back(host);
}

}  // namespace

void PlaybookRunner::add_included_handlers(PlayState& st, const Block& handlers) {
  // The role's handlers join the play's, once per role and name
  // (including the same role again adds none).
  std::vector<const Task*> tasks;
  collect_tasks(handlers, tasks);
  auto same = [](const Task* a, const Task* b) {
    return a->name == b->name && (a->role ? a->role->name : "") == (b->role ? b->role->name : "");
  };
  for (const Task* t : tasks)
    if (std::none_of(st.handlers.begin(), st.handlers.end(), [&](const Task* h) { return same(h, t); })) {
      st.handlers.push_back(t);
      name_handler(st, *t);
    }
}

const Block* PlaybookRunner::included_tasks(PlayState& st, const Task& task, const Value& args, std::string& shown) {
  std::string file = to_display_string(args.contains("file") ? args["file"] : args.value("_raw_params", Value("")));
  std::vector<std::string> bases;
  for (const auto& p : task_search_path(st.ctx, task)) {
    bases.push_back(p + "/tasks");
    bases.push_back(p);
  }
  std::string path;
  if (!file.empty() && file[0] == '/') path = find_yaml_file("/", file);
  for (const auto& b : bases) {
    if (!path.empty()) break;
    path = find_yaml_file(b, file);
  }
  if (path.empty()) {
    std::string tried = file;
    if (file.empty() || file[0] != '/')
      tried = std::filesystem::absolute((task.role ? task.role->path + "/tasks" : dir_of(task.where.file)) + "/" + file)
                  .lexically_normal()
                  .string();
    throw IncludeFileMissing("Could not find or access '" + tried + "' on the Ansible Controller.");
  }
  shown = path;
  std::string cache_key = path + "#" + std::to_string(task.id);
  if (auto it = st.include_cache.find(cache_key); it != st.include_cache.end()) return it->second;
  TaskLoadContext lctx;
  lctx.file = path;
  lctx.dir = dir_of(path);
  lctx.playbook_dir = st.play->playbook_dir;
  lctx.role = task.role;
  lctx.handlers = task.is_handler;  // a handler's tasks are handlers (no blocks in blocks)
  lctx.playbook = const_cast<Playbook*>(&playbook_);
  LoadOptions lo;
  lo.roles_path = config_.list("DEFAULT_ROLES_PATH");
  lo.extra_vars = options_.extra_vars;
  auto handlers = std::make_unique<Block>();
  handlers->implicit = true;
  auto loaded = load_included_tasks(const_cast<Playbook&>(playbook_), lo, path, lctx, task.parent, *handlers);
  add_included_handlers(st, *handlers);
  st.included.push_back(std::move(handlers));
  loaded->kw = apply_keywords(args.value("apply", Value()), task.where.file);
  apply_notify(args.value("apply", Value()), *loaded);
  loaded->kw.when = task.kw.when;
  // The include's tags select the include only: its tasks keep their own
  // (Ansible 2.14 runs none of web.yml's untagged tasks for --tags web).
  loaded->kw.vars = Value::object();
  loaded->where = task.where;
  const Block* block = loaded.get();
  st.included.push_back(std::move(loaded));
  st.include_cache[cache_key] = block;
  return block;
}

const Block* PlaybookRunner::included_role(PlayState& st, const Task& task, const Value& args, std::string& shown) {
  std::string name = to_display_string(args.value("name", args.value("role", Value(""))));
  if (name.empty()) throw Error("'name' is a required field for include_role.");
  shown = name;
  std::string cache_key = name;
  for (const char* k : {"tasks_from", "vars_from", "defaults_from", "handlers_from"})
    cache_key += "#" + (args.contains(k) ? to_display_string(args[k]) : std::string());
  cache_key += "#" + std::to_string(task.id);
  if (auto it = st.include_cache.find(cache_key); it != st.include_cache.end()) return it->second;
  LoadOptions lo;
  lo.roles_path = config_.list("DEFAULT_ROLES_PATH");
  lo.extra_vars = options_.extra_vars;
  lo.collections = task.collections;
  IncludedRole inc = load_included_role(const_cast<Playbook&>(playbook_), lo, name, args, Value::object(), task.where,
                                        st.play->playbook_dir, task.parent);
  inc.tasks->kw = apply_keywords(args.value("apply", Value()), task.where.file);
  apply_notify(args.value("apply", Value()), *inc.tasks);
  inc.tasks->where = task.where;
  add_included_handlers(st, *inc.handlers);
  const Block* block = inc.tasks.get();
  st.included.push_back(std::move(inc.tasks));
  st.included.push_back(std::move(inc.handlers));
  st.include_cache[cache_key] = block;
  return block;
}

void PlaybookRunner::handle_include(PlayState& st, const TaskPosition& pos, const std::vector<std::string>& hosts,
                                    bool handler) {
  const Task& task = *pos.task;
  TaskInfo info = make_task_info(task, banner_title(st, pos, hosts), handler, options_.check_mode);
  callback_.task_start(info);
  std::map<std::string, std::vector<HostCursor::Included>> per_host;
  std::vector<std::string> failed_now;  // failures no rescue handles
  std::vector<ShownInclude> shown_lines;
  auto report = [&](const std::string& h, HostStatus status, Value result, bool is_item = false) {
    TaskEvent ev;
    ev.task = &info;
    ev.host = h;
    ev.status = status;
    ev.result = std::move(result);
    ev.is_item = is_item;
    if (is_item) {
      callback_.item_result(ev);
      return;
    }
    count(h, status, false);
    callback_.runner_result(ev);
  };
  for (const auto& h : hosts) {
    const inventory::Host* host = find_host(h);
    HostRuntime& rt = runtime(h);
    HostCursor& cur = st.cursors.at(h);
    try {
      bool any = false;
      for (const Inclusion& inc : inclusions(st.ctx, *host, rt, pos)) {
        const Value& lv = inc.vars;
        TaskVars raw;
        stack_task_vars(raw, st.ctx, *host, rt, pos, lv.is_null() ? nullptr : &lv);
        tmpl::LazyVariables vars(*templar_, raw);
        LookupScope lookups(*templar_, vars, task_search_path(st.ctx, task));
        if (!task_conditions_hold(st.ctx, task, vars)) {
          // A looped include shows each skipped item, then the host skipped.
          if (!lv.is_null()) report(h, HostStatus::skipped, skipped_item(task, inc, *templar_, vars), true);
          continue;
        }
        any = true;
        Value args = templar_->render_value(task.args, vars);
        std::string shown;  // what "included: ..." names
        const Block* block = task.is(ActionKind::include_tasks) ? included_tasks(st, task, args, shown)
                                                                  : included_role(st, task, args, shown);
        Value inc_vars = templar_->render_value(task.kw.vars, vars);
        if (!inc_vars.is_object()) inc_vars = Value::object();
        if (!lv.is_null())
          for (auto it = lv.begin(); it != lv.end(); ++it) inc_vars[it.key()] = it.value();
        std::string key = shown + '\x1f' + inc_vars.dump();
        per_host[h].push_back({block, std::make_shared<Value>(std::move(inc_vars))});
        if (task.is(ActionKind::include_tasks))
          add_shown(shown_lines, shown, inc.item, key, h);
      }
      // Ansible counts ok once per file included for the host (each loop
      // item's inclusion), nothing for include_role.
      if (auto it = per_host.find(h); it != per_host.end() && task.is(ActionKind::include_tasks))
        for (size_t i = 0; i < it->second.size(); ++i) count(h, HostStatus::ok, false);
      if (!any)
        report(h, HostStatus::skipped,
               Value{{"changed", false}, {"skipped", true}, {"skip_reason", "Conditional result was False"}});
      if (!any || per_host[h].empty()) {
        advance_host(st, h, cur, false);
        per_host.erase(h);
      }
      // An include counts as a task the role ran (its result is ok).
      if (any && task.role) st.roles_run[task.role->cache_key].insert(h);
    } catch (const Error& e) {
      // A task or role file that cannot be found or parsed stops the
      // playbook (Ansible's AnsibleParserError); a role that is not found
      // fails the host.
      if (dynamic_cast<const ParserError*>(&e) && !dynamic_cast<const RoleNotFound*>(&e)) throw;
      per_host.erase(h);
      bool missing = dynamic_cast<const IncludeFileMissing*>(&e) != nullptr;
      report(h, HostStatus::failed,
             missing ? Value{{"reason", e.message()}} : Value{{"failed", true}, {"msg", e.message()}});
      // Ansible counts it a failure even when a rescue handles it (its
      // strategy's _load_included_file).
      if (!cur.failure_is_rescued()) failed_now.push_back(h);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.by_host[h].failures;
      }
      advance_host(st, h, cur, true);
    }
  }
  for (const ShownInclude& l : shown_lines) callback_.include(l.file, l.hosts, l.item);
  for (auto& [h, inc] : per_host) st.cursors.at(h).enter_includes(inc, pos.key);
  // A failed include counts for any_errors_fatal and max_fail_percentage as
  // a failed task does.
  if (!failed_now.empty()) check_failure_limits(st, task, failed_now);
}

}  // namespace drover
