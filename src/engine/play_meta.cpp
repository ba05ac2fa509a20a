// meta tasks and handler flushes at run time (PlaybookRunner::handle_meta,
// PlaybookRunner::flush_handlers), as Ansible 2.14's
// StrategyBase._execute_meta does them in the linear strategy:
//
// * every host that runs the meta task gets its own "TASK [meta]" banner
//   (the task-start callback fires per host); actions other than noop,
//   flush_handlers, end_host, reset_connection and role_complete run for the
//   first host only, and act on the whole batch from there;
// * `when` is evaluated per host for the actions that support it; a false
//   one prints "skipping:" for that host; meta results count in no recap
//   column;
// * flush_handlers runs the handlers notified on the hosts whose condition
//   held.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "engine/fact_cache.hpp"
#include "engine/lookups.hpp"
#include "engine/play_state.hpp"
#include "engine/task_vars.hpp"
#include "inventory/inventory.hpp"
#include "template/engine.hpp"
#include "transport/pool.hpp"

namespace drover {

void PlaybookRunner::refresh_inventory() {
  // Ansible's InventoryManager.refresh_inventory: the sources parsed anew,
  // then the dynamic hosts and groups of the run added again. The hosts of
  // the running play stay usable (find_host) until it ends.
  if (options_.inventory_sources.empty()) return;
  inventory::Inventory fresh = inventory::Inventory::load(options_.inventory_sources);
  for (const auto& change : dynamic_changes_) change(fresh);
  for (const auto& w : fresh.take_warnings()) callback_.warning(w);
  replaced_inventories_.push_back(std::make_unique<inventory::Inventory>(std::move(inventory_)));
  inventory_ = std::move(fresh);
  // Hosts keep the inventory variables read when the batch started until
  // the next play reads them again (Ansible's running play holds the old
  // Host objects).
}

void PlaybookRunner::handle_meta(PlayState& st, const TaskPosition& pos, const std::vector<std::string>& hosts) {
  const Task& task = *pos.task;
  std::string what = to_display_string(task.args.value("_raw_params", Value("noop")));
  TaskInfo info = make_task_info(task, banner_title(st, pos, hosts), task.is_handler, options_.check_mode);
  bool per_host = what == "noop" || what == "flush_handlers" || what == "end_host" || what == "reset_connection" ||
                  what == "role_complete";
  bool conditional = !(what == "noop" || what == "refresh_inventory" || what == "reset_connection");
  auto condition_holds = [&](const std::string& h) {
    const inventory::Host* host = find_host(h);
    if (!host) return false;
    HostRuntime& rt = runtime(h);
    TaskVars raw;
    stack_task_vars(raw, st.ctx, *host, rt, pos, nullptr);
    tmpl::LazyVariables vars(*templar_, raw);
    LookupScope lookups(*templar_, vars, task_search_path(st.ctx, task));
    try {
      return task_conditions_hold(st.ctx, task, vars);
    } catch (const Error& e) {
      callback_.warning("meta " + what + ": " + e.message());
      return false;
    }
  };
  // ansible-playbook -vv: "META: <what it did>" or the skip reason.
  auto announce = [&](const std::string& header) { callback_.display("META: " + header, 2); };
  auto skipped = [&](const std::string& h, const std::string& reason) {
    announce(what + " conditional evaluated to False" + reason);
    TaskEvent ev;
    ev.task = &info;
    ev.host = h;
    ev.status = HostStatus::skipped;
    ev.result = Value{{"msg", what}, {"skipped", true}, {"skip_reason", what + " conditional evaluated to False" + reason}};
    callback_.runner_result(ev);
  };

  std::set<std::string> flushing;
  for (const auto& h : hosts) {
    callback_.task_start(info);
    if (!conditional && !task.kw.when.empty()) callback_.warning(what + " task does not support when conditional");
    if (conditional && !condition_holds(h)) {
      if (what == "flush_handlers") skipped(h, ", not running handlers for " + h);
      else if (what == "end_play") skipped(h, ", continuing play");
      else if (what == "end_batch") skipped(h, ", continuing current batch");
      else if (what == "end_host") skipped(h, ", continuing execution for " + h);
      else if (what == "clear_facts") skipped(h, ", not clearing facts and fact cache for " + h);
      else if (what == "clear_host_errors") skipped(h, ", not clearing host error state for " + h);
      else skipped(h, "");
      if (!per_host) break;
      continue;
    }
    if (what == "flush_handlers") {
      if (task.is_handler) throw Error("flush_handlers cannot be used as a handler");
      flushing.insert(h);
      announce("triggered running handlers for " + h);
    } else if (what == "noop") {
      announce("noop");
    } else if (what == "refresh_inventory") {
      refresh_inventory();
      rebuild_hostvars(st);
      announce("inventory successfully refreshed");
    } else if (what == "end_play") {
      announce("ending play");
      st.end_play = true;
    } else if (what == "end_batch") {
      // Every host of the batch is done with the play; the next batch runs.
      for (const auto& b : st.batch) leave_play(st, b, HostExit::ended);
      announce("ending batch");
    } else if (what == "end_host") {
      announce("ending play for " + h);
      leave_play(st, h, HostExit::ended);
    } else if (what == "clear_facts") {
      for (const auto& b : st.batch) {
        HostRuntime& rt = runtime(b);
        rt.clear_facts();
        // Ansible removes the host's cache entry too.
        rt.cached_facts = Value::object();
        if (fact_cache_) cache_facts(rt, Value::object());
      }
      announce("facts cleared");
    } else if (what == "clear_host_errors") {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& b : st.batch) {
        failed_.erase(b);
        unreachable_.erase(b);
        if (auto it = st.cursors.find(b); it != st.cursors.end()) it->second.clear_errors();
      }
      announce("cleared host errors");
    } else if (what == "reset_connection") {
      pool_->drop(h);
      announce("reset connection");
    }
    if (!per_host) break;
  }
  // Every host at this task moves past it (those that stopped stay stopped).
  for (const auto& h : hosts)
    if (auto it = st.cursors.find(h); it != st.cursors.end()) it->second.advance(false);
  if (!flushing.empty()) {
    std::set<std::string> failed_before;
    {
      std::lock_guard<std::mutex> lock(mu_);
      failed_before = failed_;
    }
    auto saved = std::move(st.cursors);
    st.cursors.clear();
    flush_handlers(st, &flushing, &saved);
    st.cursors = std::move(saved);
    // A handler that failed fails its host where the flush was: the rescue
    // or always sections around the meta task run (the cursor is still in
    // the meta task's block).
    for (const auto& h : flushing) {
      auto it = st.cursors.find(h);
      std::lock_guard<std::mutex> lock(mu_);
      if (it == st.cursors.end() || !failed_.count(h) || failed_before.count(h) || unreachable_.count(h)) continue;
      // The recap still counts the handler's failure (as Ansible's does).
      HostCursor& cur = it->second;
      cur.advance(true);
      if (cur.peek()) {
        failed_.erase(h);
        st.active.insert(h);
      }
    }
  }
}

void PlaybookRunner::run_beside_last_handler(PlayState& st, const TaskPosition& handler,
                                             const std::vector<std::string>& handler_hosts,
                                             const std::set<std::string>& idle,
                                             std::map<std::string, HostCursor>& waiting) {
  // Each host's part of the step, in host order: the handler, or the idle
  // host's next task (plain tasks only: a meta or an include waits).
  struct Part {
    TaskPosition pos;
    bool handler;
    std::vector<std::string> hosts;
  };
  std::vector<Part> parts;
  for (const auto& h : st.batch) {
    bool runs_handler = std::find(handler_hosts.begin(), handler_hosts.end(), h) != handler_hosts.end();
    std::optional<TaskPosition> next;
    if (!runs_handler && idle.count(h)) {
      auto it = waiting.find(h);
      if (it != waiting.end()) next = next_task(st, h, it->second);
      if (next && (next->task->is(ActionKind::meta) || is_include(*next->task)))
        next.reset();
    }
    if (!runs_handler && !next) continue;
    const TaskPosition& pos = runs_handler ? handler : *next;
    if (!parts.empty() && parts.back().handler == runs_handler && parts.back().pos.task == pos.task &&
        parts.back().pos.key == pos.key)
      parts.back().hosts.push_back(h);
    else
      parts.push_back({pos, runs_handler, {h}});
  }
  auto handler_cursors = std::move(st.cursors);
  bool first = true;
  for (const auto& part : parts) {
    st.cursors.clear();
    for (const auto& h : part.hosts) {
      if (part.handler) st.cursors.emplace(h, std::move(handler_cursors.at(h)));
      else st.cursors.emplace(h, std::move(waiting.at(h)));
    }
    run_step(st, part.pos, part.hosts, part.handler, first);
    first = false;
    for (auto& [h, cur] : st.cursors) {
      if (part.handler) handler_cursors.insert_or_assign(h, std::move(cur));
      else waiting.insert_or_assign(h, std::move(cur));
    }
  }
  st.cursors = std::move(handler_cursors);
}

void PlaybookRunner::flush_handlers(PlayState& st, const std::set<std::string>* only,
                                    std::map<std::string, HostCursor>* waiting) {
  // The play's force_handlers, when it says, wins over --force-handlers
  // and the configuration (which are only its default).
  bool force = !st.play->force_handlers.is_null()
                   ? truthy(st.play->force_handlers)
                   : options_.force_handlers || config_.boolean("DEFAULT_FORCE_HANDLERS");
  // Ansible 2.14's linear strategy keeps hosts in lockstep by the index of
  // their next handler; a flushing host with nothing notified has gone past
  // the last one, so it runs its next task in the same step as the last
  // handler of the list (when some host runs it), the results in host
  // order under the banners the callback derives from them.
  std::set<std::string> idle;
  if (only && waiting)
    for (const auto& h : *only) {
      auto it = st.notified.find(h);
      if (st.active.count(h) && (it == st.notified.end() || it->second.empty())) idle.insert(h);
    }
  // Handlers run in definition order; one notified while handlers run runs
  // in the same flush when it comes later in the list.
  for (int pass = 0; pass < 100 && !options_.cancelled(); ++pass) {
    bool ran = false;
    for (const Task* h : st.handlers) {
      if (options_.cancelled()) break;
      std::vector<std::string> hosts;
      for (const auto& host : st.batch) {
        if (only && !only->count(host)) continue;
        auto it = st.notified.find(host);
        if (it == st.notified.end()) continue;
        auto& list = it->second;
        auto pos = std::find(list.begin(), list.end(), h);
        if (pos == list.end()) continue;
        if (!st.active.count(host) && !force) continue;
        list.erase(pos);
        hosts.push_back(host);
      }
      if (hosts.empty()) continue;
      ran = true;
      // Handlers run as one-task sections so that failures are handled.
      TaskPosition pos;
      pos.task = h;
      pos.key = {h->id};
      for (const auto& host : hosts) {
        st.active.insert(host);
        st.cursors.erase(host);
      }
      // A one-task cursor per host: the handler's own block chain applies.
      for (const auto& host : hosts) st.cursors.emplace(host, HostCursor(nullptr));
      if (is_include(*h)) {
        // A handler that includes tasks runs them as handlers, in lockstep.
        handle_include(st, pos, hosts, true);
        run_cursors(st, true);
      } else if (h->is(ActionKind::meta)) {
        handle_meta(st, pos, hosts);
      } else if (pass == 0 && h == st.handlers.back() && !idle.empty()) {
        run_beside_last_handler(st, pos, hosts, idle, *waiting);
        idle.clear();
      } else {
        run_step(st, pos, hosts, true);
      }
      st.cursors.clear();
    }
    if (!ran) break;
  }
}

}  // namespace drover
