#include "engine/play_runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <random>
#include <thread>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/unsafe.hpp"
#include "core/yaml.hpp"
#include "engine/cancel_watch.hpp"
#include "engine/config.hpp"
#include "engine/fact_cache.hpp"
#include "engine/lookups.hpp"
#include "engine/reserved_names.hpp"
#include "engine/vars_prompt.hpp"
#include "engine/play_state.hpp"
#include "engine/host_cursor.hpp"
#include "engine/task_executor.hpp"
#include "engine/task_loader.hpp"
#include "engine/task_vars.hpp"
#include "engine/worker_pool.hpp"
#include "inventory/inventory.hpp"
#include "inventory/vars_directory.hpp"
#include "modules/controller_files.hpp"
#include "modules/registry.hpp"
#include "output/host_result.hpp"
#include "template/engine.hpp"
#include "transport/pool.hpp"

namespace drover {


namespace {


// `name` is the handler's name as templated when it joined the play.
bool handler_named(const Task& h, const std::string& name, const std::string& wanted) {
  return name == wanted || (h.role && h.role->name + " : " + name == wanted);
}

// The handlers a notification reaches, as Ansible's strategy finds them: by
// name, the first match in the handler groups (a role's handlers, the
// play's) searched from the last loaded group; then every handler that
// listens to the name.
// A handler whose name could not be templated is passed over, with
// Ansible's warning when it has no listen topics (into `warnings`).
std::vector<const Task*> notified_handlers(const std::vector<const Task*>& handlers, const HandlerNames& names,
                                          const std::string& name, std::vector<std::string>* warnings = nullptr) {
  std::vector<const Task*> out;
  for (size_t end = handlers.size(); end > 0 && out.empty();) {
    size_t begin = end;
    while (begin > 0 && handlers[begin - 1]->role == handlers[end - 1]->role) --begin;
    for (size_t i = begin; i < end && out.empty(); ++i) {
      const Task* h = handlers[i];
      auto it = names.find(h);
      if (it == names.end()) {
        if (handler_named(*h, h->name, name)) out.push_back(h);
      } else if (!it->second.error.empty()) {
        if (warnings && h->listen.empty())
          warnings->push_back("Handler '" + h->name + "' is unusable because it has no listen topics and the name "
                              "could not be templated (host-specific variables are not supported in handler names). "
                              "The error: " + it->second.error);
      } else if (handler_named(*h, it->second.name, name)) {
        out.push_back(h);
      }
    }
    end = begin;
  }
  for (const Task* h : handlers)
    if (std::find(h->listen.begin(), h->listen.end(), name) != h->listen.end() &&
        std::find(out.begin(), out.end(), h) == out.end())
      out.push_back(h);
  return out;
}

std::string missing_handler_message(const std::string& name) {
  return "The requested handler '" + name + "' was not found in either the main handlers list nor in the listening "
         "handlers list";
}

// With error_on_missing_handler (Ansible's default), a changed result that
// notifies a name no handler has stops the playbook before the result shows.
// The handlers passed over on the way are in `warnings` then.
std::string missing_handler_error(const std::vector<const Task*>& handlers, const HandlerNames& names,
                                  const TaskOutcome& out, const Config& config, std::vector<std::string>& warnings) {
  const Value& result = out.result;
  if (out.notify.empty() || !result.contains("changed") || !truthy(result["changed"]) ||
      !config.boolean("ERROR_ON_MISSING_HANDLER"))
    return "";
  for (const auto& n : out.notify) {
    std::vector<std::string> passed_over;
    bool missing = notified_handlers(handlers, names, n, &passed_over).empty();
    warnings.insert(warnings.end(), passed_over.begin(), passed_over.end());
    if (missing) return missing_handler_message(n);
  }
  warnings.clear();
  return "";
}

bool free_strategy(const Play& play, const Config& config) {
  std::string s = play.strategy.is_null() ? config.str("DEFAULT_STRATEGY") : to_display_string(play.strategy);
  return s == "free" || s == "host_pinned" || s == "ansible.builtin.free" || s == "ansible.builtin.host_pinned";
}

}  // namespace

PlaybookRunner::PlaybookRunner(const Playbook& playbook, inventory::Inventory& inventory, const Config& config,
                               const RunOptions& options, PlaybookCallback& callback)
    : playbook_(playbook),
      inventory_(inventory),
      config_(config),
      options_(options),
      callback_(callback),
      templar_(std::make_unique<tmpl::Engine>()),
      pool_(std::make_unique<ConnectionPool>()) {
  started_at_task_ = options_.start_at_task.empty();
  templar_->set_jinja2_native(config_.boolean("DEFAULT_JINJA2_NATIVE"));
  LookupHooks hooks;
  hooks.warn = [this](const std::string& w) { callback_.warning(w); };
  hooks.deprecate = [this](const std::string& msg, const std::string& version) {
    callback_.deprecation(msg, version);
  };
  register_lookups(*templar_, std::move(hooks), playbook_.python_lookups);
}

PlaybookRunner::~PlaybookRunner() = default;

const inventory::Host* PlaybookRunner::find_host(const std::string& name) const {
  if (const inventory::Host* h = inventory_.get_host(name)) return h;
  for (auto it = replaced_inventories_.rbegin(); it != replaced_inventories_.rend(); ++it)
    if (const inventory::Host* h = (*it)->get_host(name)) return h;
  return nullptr;
}

HostRuntime& PlaybookRunner::runtime(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = runtimes_[host];
  if (!slot) {
    slot = std::make_unique<HostRuntime>();
    slot->name = host;
    // Facts cached by an earlier run are the host's facts until gathered
    // again, for hosts in the play and for hostvars alike, as in Ansible.
    if (fact_cache_) {
      try {
        if (auto cached = fact_cache_->get(host); cached && cached->is_object()) {
          slot->cached_facts = *cached;
          slot->add_facts(*cached);
        }
      } catch (const Error& e) {
        callback_.warning("error reading the fact cache for " + host + ": " + e.message());
      }
    }
  }
  return *slot;
}

void PlaybookRunner::cache_facts(HostRuntime& rt, const Value& facts) {
  if (!fact_cache_ || !facts.is_object()) return;
  for (auto it = facts.begin(); it != facts.end(); ++it) rt.cached_facts[it.key()] = it.value();
  try {
    fact_cache_->set(rt.name, rt.cached_facts);
  } catch (const Error& e) {
    callback_.warning("error writing the fact cache for " + rt.name + ": " + e.message());
  }
}

void PlaybookRunner::count(const std::string& host, HostStatus status, bool ignored, bool changed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!stats_.by_host.count(host)) stats_.hosts.push_back(host);
  HostStats& s = stats_.by_host[host];
  switch (status) {
    case HostStatus::ok: ++s.ok; break;
    case HostStatus::changed: ++s.ok; ++s.changed; break;
    case HostStatus::skipped: ++s.skipped; break;
    case HostStatus::failed:
      if (ignored) {
        ++s.ok;
        ++s.ignored;
        if (changed) ++s.changed;
      }
      break;
    case HostStatus::unreachable:
      if (ignored) {
        ++s.ok;
        ++s.ignored;
      } else {
        ++s.unreachable;
      }
      break;
  }
}

int PlaybookRunner::run() {
  // Each run starts afresh, so that one runner may run several times.
  {
    std::lock_guard<std::mutex> lock(mu_);
    runtimes_.clear();
    stats_ = RunStats();
    failed_.clear();
    unreachable_.clear();
  }
  stop_playbook_ = false;
  started_at_task_ = options_.start_at_task.empty();
  pool_ = std::make_unique<ConnectionPool>();
  controller_files_ = std::make_unique<files::ControllerFiles>();
  CancelWatch watch(options_.cancel, *pool_);
  fact_cache_ = make_fact_cache(config_);
  if (options_.flush_cache) fact_cache_->flush();

  // Deprecated plugin names, shown as ansible-playbook shows them while it
  // parses the playbook.
  for (const auto& w : playbook_.warnings) callback_.warning(w);
  for (const auto& d : playbook_.deprecations) callback_.deprecation(d.msg, d.version, d.date, d.collection);
  callback_.playbook_start(playbook_.path);
  callback_.display(std::to_string(playbook_.plays.size()) + " plays in " + playbook_.path, 2);
  for (const auto& play : playbook_.plays) {
    if (stop_playbook_ || options_.cancelled()) break;
    run_play(*play);
  }
  if (options_.cancelled()) {
    pool_->close_all();
    callback_.interrupted();
    return kExitInterrupted;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    callback_.stats(stats_);
  }
  pool_->close_all();
  if (!unreachable_.empty()) return 4;
  if (!failed_.empty()) return 2;
  return 0;
}

void PlaybookRunner::run_play(const Play& play) {
  PlayState st;
  st.play = &play;
  st.ctx.play = &play;
  st.ctx.inventory = &inventory_;
  st.ctx.config = &config_;
  st.ctx.options = &options_;
  st.ctx.templar = templar_.get();
  st.ctx.pool = pool_.get();
  st.ctx.callback = &callback_;
  st.ctx.controller_files = controller_files_.get();
  st.ctx.runtime = [this](const std::string& h) -> HostRuntime& { return runtime(h); };

  // Play-level templating sees extra vars and play vars only.
  TaskVars play_raw;
  play_raw.push_layer(&options_.extra_vars);
  play_raw.push_layer(&play.scope->kw.vars);
  tmpl::LazyVariables play_vars(*templar_, play_raw);

  PlayInfo info;
  info.name = play.name;
  info.path = play.where.ansible_path();
  std::string pattern;
  try {
    info.name = templar_->render_string(play.name, play_vars);
    Value hosts = templar_->render_value(play.hosts, play_vars);
    if (hosts.is_array()) {
      std::vector<std::string> parts;
      for (auto& h : hosts) parts.push_back(to_display_string(h));
      pattern = join(parts, ",");
    } else {
      pattern = to_display_string(hosts);
    }
  } catch (const Error& e) {
    throw Error(e.message(), play.where);
  }
  info.hosts = pattern;
  info.check_mode = options_.check_mode;
  info.strategy = play.strategy.is_null() ? config_.str("DEFAULT_STRATEGY") : to_display_string(play.strategy);

  std::vector<std::string> warnings;
  std::vector<const inventory::Host*> selected = inventory_.select(pattern, options_.limit, &warnings);
  for (const auto& w : warnings) callback_.warning(w);
  std::vector<std::string> hosts;
  for (const auto* h : selected) {
    std::lock_guard<std::mutex> lock(mu_);
    if (failed_.count(h->name) || unreachable_.count(h->name)) continue;
    hosts.push_back(h->name);
  }
  std::string order = play.order.is_null() ? "inventory" : to_display_string(play.order);
  if (order == "reverse_inventory") std::reverse(hosts.begin(), hosts.end());
  else if (order == "sorted") std::sort(hosts.begin(), hosts.end());
  else if (order == "reverse_sorted") std::sort(hosts.rbegin(), hosts.rend());
  else if (order == "shuffle") std::shuffle(hosts.begin(), hosts.end(), std::mt19937(std::random_device{}()));

  if (hosts.empty()) {
    callback_.play_start(info);
    callback_.no_hosts_matched();
    return;
  }

  // vars_prompt answers are play variables (kept in the play's vars_files
  // layer, which files loaded below override).
  st.vars_files = prompt_play_vars(play.vars_prompt, options_.extra_vars, options_.interactive, callback_);
  // vars_files: each entry a file, or a list of which the first that exists.
  for (const auto& entry : play.vars_files_raw) {
    std::vector<Value> candidates;
    if (entry.is_array()) for (auto& c : entry) candidates.push_back(c);
    else candidates.push_back(entry);
    bool loaded = false;
    for (const auto& c : candidates) {
      std::string name = to_display_string(templar_->render_value(c, play_vars));
      // Relative to the playbook's vars/ directory, then to the playbook's
      // (path_dwim_relative_stack).
      std::string path = name.size() && name[0] == '/' ? name : play.playbook_dir + "/vars/" + name;
      if (!std::ifstream(path).good() && name[0] != '/') path = play.playbook_dir + "/" + name;
      if (!std::ifstream(path).good()) continue;
      Value v = load_yaml_value_file(path);
      // A mapping, or a list of mappings merged in order (preprocess_vars).
      if (v.is_object()) v = Value::array({v});
      if (!v.is_null() && (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const Value& e) { return e.is_object(); })))
        throw Error("variable files must contain either a dictionary of variables, or a list of dictionaries. Got: " +
                        path,
                    play.where);
      if (v.is_array())
        for (const auto& m : v)
          for (auto it = m.begin(); it != m.end(); ++it) st.vars_files[it.key()] = it.value();
      loaded = true;
      break;
    }
    if (!loaded)
      throw Error("vars file " + to_display_string(candidates.front()) + " was not found", play.where,
                  "paths are relative to the playbook directory " + play.playbook_dir);
  }
  st.ctx.play_vars_files = &st.vars_files;
  st.play_magic = play_magic_vars(play, config_);
  st.ctx.play_magic = &st.play_magic;
  collect_tasks(*play.handlers, st.handlers);
  for (const Task* h : st.handlers) name_handler(st, *h);
  st.playbook_vars = std::make_unique<inventory::VarsDirectory>(play.playbook_dir);

  // serial: a number, a percentage, or a list of them (the last repeats).
  std::vector<Value> serial;
  if (play.serial.is_array()) for (auto& s : play.serial) serial.push_back(templar_->render_value(s, play_vars));
  else if (!play.serial.is_null()) serial.push_back(templar_->render_value(play.serial, play_vars));
  size_t pos = 0, step = 0;
  // ansible_play_hosts_all: every host of the pattern (and --limit), in
  // inventory order whatever `order` says, failed ones too (Ansible's
  // _hosts_cache_all).
  st.play_hosts_all = Value::array();
  for (const auto* h : selected) st.play_hosts_all.push_back(h->name);
  st.ctx.play_hosts_all = &st.play_hosts_all;
  while (pos < hosts.size()) {
    size_t size = hosts.size();
    if (!serial.empty()) {
      const Value& s = serial[std::min(step, serial.size() - 1)];
      std::string sv = to_display_string(s);
      if (!sv.empty() && sv.back() == '%') {
        double pct = std::stod(sv.substr(0, sv.size() - 1));
        size = static_cast<size_t>(hosts.size() * pct / 100.0);
      } else {
        size = static_cast<size_t>(std::stol(sv));
      }
      if (size == 0) size = 1;
      ++step;
    }
    st.batch.assign(hosts.begin() + static_cast<long>(pos), hosts.begin() + static_cast<long>(std::min(hosts.size(), pos + size)));
    pos += size;
    callback_.play_start(info);
    for (const auto& w : reserved_name_warnings(play, st.vars_files, options_.extra_vars)) callback_.warning(w);
    if (!run_batch(play, st)) break;
    if (stop_playbook_ || options_.cancelled()) break;
  }
}

void PlaybookRunner::rebuild_hostvars(PlayState& st) {
  st.groups = inventory_.groups_value();
  st.ctx.groups = &st.groups;
  st.hostvars = Value::object();
  // The inventory's hosts, and the implicit localhost once a play ran on it
  // (Ansible's hostvars find it through inventory.get_host).
  std::vector<const inventory::Host*> hosts;
  for (const auto& h : inventory_.hosts()) hosts.push_back(&h);
  for (const auto& name : st.batch)
    if (const inventory::Host* h = find_host(name); h && h->implicit) hosts.push_back(h);
  for (const inventory::Host* hp : hosts) {
    const inventory::Host& h = *hp;
    HostRuntime& rt = runtime(h.name);
    Value v = rt.inventory_vars.empty() ? inventory_.vars_for(h) : rt.inventory_vars;
    for (auto it = rt.fact_vars.begin(); it != rt.fact_vars.end(); ++it) v[it.key()] = it.value();
    if (!rt.facts.empty()) v["ansible_facts"] = rt.facts;
    for (auto it = rt.include_vars.begin(); it != rt.include_vars.end(); ++it) v[it.key()] = it.value();
    for (auto it = rt.set_facts.begin(); it != rt.set_facts.end(); ++it) v[it.key()] = it.value();
    v["inventory_hostname"] = h.name;
    v["inventory_hostname_short"] = split(h.name, '.')[0];
    v["group_names"] = inventory_.group_names(h);
    st.hostvars[h.name] = std::move(v);
  }
  st.ctx.hostvars = &st.hostvars;
  // ansible_play_hosts: the play's hosts in inventory order less those
  // removed (failed, unreachable, ended); play_hosts and ansible_play_batch:
  // the batch, in play order, less the same.
  std::set<std::string> in_batch(st.batch.begin(), st.batch.end());
  {
    std::lock_guard<std::mutex> lock(mu_);
    st.play_hosts = Value::array();
    for (const auto& hv : st.play_hosts_all) {
      std::string h = hv.get<std::string>();
      if (in_batch.count(h) ? st.active.count(h) : !failed_.count(h) && !unreachable_.count(h))
        st.play_hosts.push_back(h);
    }
  }
  st.ctx.play_hosts = &st.play_hosts;
  st.play_batch = Value::array();
  for (const auto& h : st.batch)
    if (st.active.count(h)) st.play_batch.push_back(h);
  st.ctx.play_batch = &st.play_batch;
}

bool PlaybookRunner::run_batch(const Play& play, PlayState& st) {
  st.active = std::set<std::string>(st.batch.begin(), st.batch.end());
  std::vector<const inventory::VarsDirectory*> dirs{st.playbook_vars.get()};
  for (const auto& h : st.batch) {
    const inventory::Host* host = find_host(h);
    if (host) runtime(h).inventory_vars = inventory_.vars_for(*host, dirs);
  }
  rebuild_hostvars(st);

  // Fact gathering, as the implicit first task of the play (Ansible's
  // PlayIterator): implicit gathers unless the play says gather_facts: no,
  // explicit only when it says yes, smart as implicit but skips hosts whose
  // facts were gathered already (in this run or, cached, in an earlier one).
  std::string gathering = config_.str("DEFAULT_GATHERING");
  bool implied = play.gather_facts.is_null() || to_bool(play.gather_facts).value_or(false);
  bool gather = gathering == "explicit" ? !play.gather_facts.is_null() && to_bool(play.gather_facts).value_or(false)
                                        : implied;
  std::set<std::string> gather_hosts;
  for (const auto& h : st.batch)
    if (st.active.count(h) && (gathering != "smart" || !runtime(h).facts_gathered())) gather_hosts.insert(h);
  if (gather && !gather_hosts.empty() && find_module("setup")) {
    if (!st.facts_block) {
      st.facts_block = std::make_unique<Block>();
      st.facts_block->implicit = true;
      st.facts_block->parent = play.scope.get();
      auto t = std::make_unique<Task>();
      t->name = "Gathering Facts";
      t->action = "setup";
      t->kind = ActionKind::gather_facts;  // the setup module, its facts marked as gathered
      t->action_as_written = "gather_facts";
      t->where = play.where;
      t->parent = st.facts_block.get();
      if (!play.gather_subset.is_null()) t->args["gather_subset"] = play.gather_subset;
      if (!play.gather_timeout.is_null()) t->args["gather_timeout"] = play.gather_timeout;
      if (!play.fact_path.is_null()) t->args["fact_path"] = play.fact_path;
      st.facts_block->block.push_back({std::move(t), nullptr});
    }
    run_section(st, st.facts_block.get(), &gather_hosts);
  }
  for (const Block* section : {play.pre_tasks.get(), play.tasks.get(), play.post_tasks.get()}) {
    if (st.end_play || options_.cancelled()) break;
    if (free_strategy(play, config_)) run_section_free(st, section);
    else run_section(st, section);
    flush_handlers(st);
  }
  // A batch in which every host failed stops the playbook.
  size_t gone = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& h : st.batch)
      if (failed_.count(h) || unreachable_.count(h)) ++gone;
  }
  if (gone == st.batch.size() || st.any_errors_fatal_hit) {
    stop_playbook_ = true;
    return false;
  }
  return !st.end_play;
}


std::string PlaybookRunner::banner_title(PlayState& st, const TaskPosition& pos,
                                         const std::vector<std::string>& hosts) {
  std::string name = pos.task->banner_name();
  if (name.find("{{") == std::string::npos && name.find("{%") == std::string::npos) return name;
  try {
    TaskVars raw;
    const inventory::Host* host = hosts.empty() ? nullptr : find_host(hosts.front());
    if (host) {
      stack_task_vars(raw, st.ctx, *host, runtime(host->name), pos, nullptr);
    } else {
      raw.push_layer(&options_.extra_vars);
      raw.push_layer(&st.vars_files);
      raw.push_layer(&st.play->scope->kw.vars);
    }
    tmpl::LazyVariables vars(*templar_, raw);
    return templar_->render_string(name, vars);
  } catch (const Error&) {
    return name;
  }
}

void PlaybookRunner::name_handler(PlayState& st, const Task& handler) {
  // Ansible's search_handler_blocks_by_name templates a handler's name once,
  // with the play's variables (no host's): notify names are compared to it.
  const std::string& name = handler.name;
  if (name.find("{{") == std::string::npos && name.find("{%") == std::string::npos) return;
  try {
    TaskVars raw;
    raw.push_layer(&options_.extra_vars);
    raw.push_layer(&st.vars_files);
    raw.push_layer(&st.play->scope->kw.vars);
    tmpl::LazyVariables vars(*templar_, raw);
    st.handler_names[&handler].name = templar_->render_string(name, vars);
  } catch (const Error& e) {
    // Notifications by name pass it over (listen still reaches it).
    st.handler_names[&handler].error = e.message();
  }
}

namespace {

// add_host and group_by results change the inventory as they arrive, and
// report changed when the inventory changed (Ansible's add_dynamic_host /
// add_dynamic_group set the result's "changed"; for a loop, any item).
// Each change is kept in `replay` too, for meta: refresh_inventory.
void apply_inventory_changes(inventory::Inventory& inventory, const std::string& host, Value& result,
                             std::vector<std::function<void(inventory::Inventory&)>>& replay) {
  auto apply = [&](Value& r) {
    if (!r.is_object() || (r.contains("failed") && truthy(r["failed"]))) return;
    if (r.contains("skipped") && truthy(r["skipped"])) return;
    if (r.contains("add_host")) {
      const Value& a = r["add_host"];
      std::vector<std::string> groups;
      for (auto& g : a["groups"]) groups.push_back(g.get<std::string>());
      replay.push_back([name = a["host_name"].get<std::string>(), groups, vars = a["host_vars"]](
                           inventory::Inventory& inv) { inv.add_dynamic_host(name, groups, vars); });
      r["changed"] = inventory.add_dynamic_host(a["host_name"].get<std::string>(), groups, a["host_vars"]);
    }
    if (r.contains("add_group")) {
      std::vector<std::string> parents;
      for (auto& p : r["parent_groups"]) parents.push_back(p.get<std::string>());
      std::string group = r["add_group"].get<std::string>();
      replay.push_back([host, group, parents](inventory::Inventory& inv) {
        if (const inventory::Host* h = inv.get_host(host)) inv.add_dynamic_group(*h, group, parents);
      });
      if (const inventory::Host* h = inventory.get_host(host))
        r["changed"] = inventory.add_dynamic_group(*h, group, parents);
    }
  };
  if (result.contains("results") && result["results"].is_array()) {
    bool any = false;
    for (auto& item : result["results"]) {
      apply(item);
      if (item.is_object() && item.contains("changed") && truthy(item["changed"])) any = true;
    }
    if (any) result["changed"] = true;
  } else {
    apply(result);
  }
}



}  // namespace

void PlaybookRunner::run_section(PlayState& st, const Block* section, const std::set<std::string>* only) {
  if (!section) return;
  st.cursors.clear();
  for (const auto& h : st.batch)
    if (st.active.count(h) && (!only || only->count(h))) st.cursors.emplace(h, HostCursor(section));
  run_cursors(st, false);
  st.cursors.clear();
}

void PlaybookRunner::run_cursors(PlayState& st, bool handler) {
  while (!st.end_play && !options_.cancelled()) {
    // Each host's next task; the earliest in program order runs now.
    std::map<std::string, TaskPosition> next;
    for (const auto& h : st.batch) {
      if (!st.active.count(h)) continue;
      auto cit = st.cursors.find(h);
      if (cit == st.cursors.end()) continue;
      HostCursor& cur = cit->second;
      if (auto pos = next_task(st, h, cur)) next.emplace(h, std::move(*pos));
      // A failure no rescue handled: the host leaves the play.
      if (!next.count(h) && cur.failed()) leave_play(st, h, HostExit::failed);
    }
    if (next.empty()) break;
    const TaskPosition* first = nullptr;
    for (const auto& [h, pos] : next)
      if (!first || pos.key < first->key) first = &pos;
    TaskPosition chosen = *first;
    std::vector<std::string> hosts;
    for (const auto& h : st.batch) {
      auto it = next.find(h);
      if (it != next.end() && it->second.task == chosen.task && it->second.key == chosen.key) hosts.push_back(h);
    }
    const Task& task = *chosen.task;
    if (task.is(ActionKind::meta)) {
      handle_meta(st, chosen, hosts);
    } else if (is_include(task)) {
      handle_include(st, chosen, hosts, handler);
    } else {
      run_step(st, chosen, hosts, handler, true, &next);
    }
  }
}

// Whether the host may run the task given --tags/--skip-tags; templated
// tags render with the host's variables for the task.
bool PlaybookRunner::selected_by_tags(PlayState& st, const std::string& host, const TaskPosition& pos) {
  std::set<std::string> tags = effective_tags(*pos.task);
  const inventory::Host* h = has_templated_tag(tags) ? find_host(host) : nullptr;
  if (h) {
    TaskVars raw;
    stack_task_vars(raw, st.ctx, *h, runtime(host), pos, nullptr);
    tmpl::LazyVariables vars(*templar_, raw);
    tags = render_tags(tags, *templar_, vars);
  }
  return options_.tags.selects(tags);
}

std::optional<TaskPosition> PlaybookRunner::next_task(PlayState& st, const std::string& host, HostCursor& cur) {
  while (auto pos = cur.peek()) {
    for (const Role* done : cur.take_completed_roles())
      if (st.roles_run[done->cache_key].count(host)) st.roles_completed[done->cache_key].insert(host);
    if (const Role* role = pos->task->role; role && !role->allow_duplicates && !role->cache_key.empty() &&
                                            st.roles_completed[role->cache_key].count(host)) {
      cur.advance(false);
      continue;
    }
    if (!selected_by_tags(st, host, *pos)) {
      cur.advance(false);
      continue;
    }
    if (!started_at_task_) {
      if (pos->task->name == options_.start_at_task ||
          (pos->task->role && pos->task->role->name + " : " + pos->task->name == options_.start_at_task)) {
        started_at_task_ = true;
      } else {
        cur.advance(false);
        continue;
      }
    }
    return pos;
  }
  return std::nullopt;
}

void PlaybookRunner::run_section_free(PlayState& st, const Block* section) {
  // Free (and host_pinned): each host runs its own tasks as fast as it can,
  // on at most `forks` threads; a host keeps its thread until it is done.
  if (!section) return;
  st.cursors.clear();
  std::vector<std::string> hosts;
  for (const auto& h : st.batch)
    if (st.active.count(h)) {
      st.cursors.emplace(h, HostCursor(section));
      hosts.push_back(h);
    }
  std::mutex step_mu;
  st.step_mu = &step_mu;
  run_parallel(hosts.size(), options_.forks, [&](size_t i) {
    const std::string& h = hosts[i];
    for (;;) {
      std::optional<TaskPosition> pos;
      {
        std::lock_guard<std::mutex> lock(step_mu);
        if (st.end_play || options_.cancelled() || !st.active.count(h)) return;
        HostCursor& cur = st.cursors.at(h);
        pos = next_task(st, h, cur);
        if (!pos) {
          if (cur.failed()) leave_play(st, h, HostExit::failed);
          return;
        }
        const Task& task = *pos->task;
        if (task.is(ActionKind::meta)) {
          // flush_handlers waits for the end of the section here: flushing
          // moves every host's cursor, which other hosts are using.
          if (to_display_string(task.args.value("_raw_params", Value(""))) == "flush_handlers") cur.advance(false);
          else handle_meta(st, *pos, {h});
          continue;
        }
        if (is_include(task)) {
          handle_include(st, *pos, {h});
          continue;
        }
      }
      run_step(st, *pos, {h}, false);
    }
  });
  st.step_mu = nullptr;
  st.cursors.clear();
  rebuild_hostvars(st);
}

void PlaybookRunner::run_step(PlayState& st, const TaskPosition& pos, const std::vector<std::string>& hosts,
                              bool handler, bool announce, const std::map<std::string, TaskPosition>* own) {
  const Task& task = *pos.task;
  TaskInfo info = make_task_info(task, banner_title(st, pos, hosts), handler,
                                 options_.check_mode);
  if (announce) callback_.task_start(info);

  // run_once: the first host runs it; every host gets its result.
  bool run_once = false;
  const Value* ro = &task.inherited(&Keywords::run_once);
  if (!ro->is_null()) run_once = to_bool(*ro).value_or(false);
  // add_host and pause run for the first host only (their action plugins
  // set BYPASS_HOST_LOOP), and unlike run_once the result is that host's
  // alone: the others register nothing.
  bool first_host_only = !run_once && (task.is(ActionKind::add_host) || task.is(ActionKind::pause));
  std::vector<std::string> runners =
      run_once || first_host_only ? std::vector<std::string>{hosts.front()} : hosts;

  std::vector<TaskOutcome> outcomes(runners.size());
  std::mutex out_mu;
  std::string stop_error;
  int forks = options_.forks;
  // throttle: a task's, block's or play's (the strategy's rewind point).
  if (const Value& throttle = task.inherited(&Keywords::throttle); !throttle.is_null()) {
    try {
      int t = std::stoi(to_display_string(throttle));
      if (t > 0) forks = std::min(forks, t);
    } catch (...) {
    }
  }
  if (task.is(ActionKind::add_host) || task.is(ActionKind::group_by)) forks = 1;
  run_parallel(runners.size(), forks, [&](size_t i) {
    if (options_.cancelled()) return;  // no new host step once cancelled
    const inventory::Host* host = find_host(runners[i]);
    TaskOutcome out;
    if (!host) {
      out.result = Value{{"failed", true}, {"msg", "host " + runners[i] + " is not in the inventory"}};
      out.status = HostStatus::failed;
    } else {
      {
        std::lock_guard<std::mutex> lock(out_mu);
        callback_.runner_start(info, runners[i]);
      }
      const TaskPosition* at = &pos;
      if (own)
        if (auto mine = own->find(runners[i]); mine != own->end()) at = &mine->second;
      out = execute_task(st.ctx, *host, *at, info);
    }
    std::lock_guard<std::mutex> lock(out_mu);
    // A step cut short by a cancel has no result worth showing.
    if (options_.cancelled()) return;
    if (task.is(ActionKind::add_host) || task.is(ActionKind::group_by)) {
      // One host at a time (forks 1 below): nothing reads the inventory
      // while it changes.
      apply_inventory_changes(inventory_, runners[i], out.result, dynamic_changes_);
      // changed_when/failed_when again, now that "changed" says whether the
      // inventory changed (Ansible's post_process_whens).
      if (host) post_process_whens(st.ctx, *host, pos, out.result);
      if (out.status == HostStatus::ok || out.status == HostStatus::changed) out.status = status_of(out.result);
    }
    std::vector<std::string> passed_over;
    if (std::string e = missing_handler_error(st.handlers, st.handler_names, out, config_, passed_over); !e.empty()) {
      for (const auto& w : passed_over) callback_.warning(w);
      if (stop_error.empty()) stop_error = e;
      return;
    }
    TaskEvent ev;
    ev.task = &info;
    ev.host = runners[i];
    ev.delegated_to = out.delegated_to;
    ev.status = out.status;
    ev.result = out.result;
    ev.ignore_errors = out.ignored;
    count(runners[i], out.status, out.ignored, out.result.contains("changed") && truthy(out.result["changed"]));
    // Ansible's v2_on_file_diff: modules return "diff" only under --diff
    // (or the task's diff: true), and it goes out before the ok/changed line.
    if ((out.status == HostStatus::ok || out.status == HostStatus::changed) && out.result.contains("diff"))
      callback_.file_diff(ev);
    callback_.runner_result(ev);
    outcomes[i] = std::move(out);
  });

  if (options_.cancelled()) return;
  if (!stop_error.empty()) throw Error(stop_error);
  std::unique_lock<std::mutex> step_lock;
  if (st.step_mu) step_lock = std::unique_lock<std::mutex>(*st.step_mu);
  // Apply results in host order: variables, facts, handlers, cursors.
  std::vector<std::string> failed_now;
  for (size_t i = 0; i < hosts.size(); ++i) {
    const std::string& h = hosts[i];
    const TaskOutcome& out = run_once || first_host_only ? outcomes[0] : outcomes[i];
    // delegate_facts sends a run_once task's facts to the delegated host
    // only; without it every host gets them.
    if (!first_host_only || i == 0) apply_outcome(st, task, h, out.result, out.delegated_to, out.notify);
    bool own_result = !first_host_only || i == 0;
    if ((!run_once && !first_host_only) || i == 0) add_custom_stats(h, out.result);  // one result, counted once
    if (task.role && own_result &&
        (out.status == HostStatus::ok || out.status == HostStatus::changed || out.status == HostStatus::failed))
      st.roles_run[task.role->cache_key].insert(h);
    HostCursor* cur = nullptr;
    if (auto it = st.cursors.find(h); it != st.cursors.end()) cur = &it->second;
    bool failed = own_result && out.status == HostStatus::failed && !out.ignored;
    bool unreachable = own_result && out.status == HostStatus::unreachable && !out.ignored;
    if (unreachable) {
      leave_play(st, h, HostExit::unreachable);
      continue;
    }
    if (!cur) continue;
    if (failed) {
      bool rescued = cur->failure_is_rescued();
      // A failure a rescue handles counts for neither any_errors_fatal
      // nor max_fail_percentage (Ansible's iterator.is_failed).
      if (!rescued) failed_now.push_back(h);
      std::lock_guard<std::mutex> lock(mu_);
      if (rescued) {
        ++stats_.by_host[h].rescued;
        HostRuntime& rt = *runtimes_[h];
        rt.set_facts["ansible_failed_result"] = unsafe_value(registered_value(out.result));
        rt.set_facts["ansible_failed_task"] = Value{{"name", task.name}, {"action", task.action}};
      } else {
        ++stats_.by_host[h].failures;
      }
    }
    advance_host(st, h, *cur, failed);
  }
  if (!failed_now.empty()) check_failure_limits(st, task, failed_now);
  if (!st.step_mu) rebuild_hostvars(st);
}

void PlaybookRunner::leave_play(PlayState& st, const std::string& host, HostExit why) {
  if (auto it = st.cursors.find(host); it != st.cursors.end()) it->second.stop();
  if (!st.active.erase(host) || why == HostExit::ended) return;
  std::lock_guard<std::mutex> lock(mu_);
  (why == HostExit::failed ? failed_ : unreachable_).insert(host);
}

void PlaybookRunner::advance_host(PlayState& st, const std::string& host, HostCursor& cursor, bool failed) {
  cursor.advance(failed);
  // peek() unwinds the blocks a failure ends, so that ansible_play_hosts
  // is right for the next task.
  cursor.peek();
  if (cursor.failed()) leave_play(st, host, HostExit::failed);
}

void PlaybookRunner::check_failure_limits(PlayState& st, const Task& task, const std::vector<std::string>& failed) {
  // any_errors_fatal: one failure ends the play for every host of the batch.
  const Value* aef = &task.inherited(&Keywords::any_errors_fatal);
  bool fatal = aef->is_null() ? config_.boolean("ANY_ERRORS_FATAL") : to_bool(*aef).value_or(false);
  size_t failed_count = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& h : st.batch)
      if (failed_.count(h) || unreachable_.count(h) || std::find(failed.begin(), failed.end(), h) != failed.end())
        ++failed_count;
  }
  bool over_limit = false;
  if (!st.play->max_fail_percentage.is_null()) {
    double pct = std::stod(to_display_string(st.play->max_fail_percentage));
    over_limit = static_cast<double>(failed_count) / static_cast<double>(st.batch.size()) * 100.0 > pct;
  }
  if (fatal && !over_limit) {
    // Ansible's linear strategy spares the hosts whose next task is in a
    // rescue or always section; the play ends only when none is.
    std::set<std::string> spared;
    for (const auto& h : st.batch) {
      auto it = st.cursors.find(h);
      if (st.active.count(h) && it != st.cursors.end() && it->second.peek() && it->second.in_rescue_or_always())
        spared.insert(h);
    }
    if (!spared.empty()) {
      for (const auto& h : st.batch)
        if (!spared.count(h)) leave_play(st, h, HostExit::failed);
      return;
    }
  }
  if (fatal || over_limit) {
    for (const auto& h : st.batch) leave_play(st, h, HostExit::failed);
    st.end_play = true;
    st.any_errors_fatal_hit = true;
    // Ansible 2.14's linear strategy announces it once from the
    // max_fail_percentage check (which, after any_errors_fatal failed every
    // host, is over the limit too) and once more because no host is left.
    bool max_fail_set = !st.play->max_fail_percentage.is_null() &&
                        std::stod(to_display_string(st.play->max_fail_percentage)) < 100.0;
    if (max_fail_set) callback_.no_hosts_remaining();
    callback_.no_hosts_remaining();
  }
}

namespace {

// Ansible's AggregateStats.update_custom_stats: dicts merged recursively
// (merge_hash), other values of the same type added (numbers summed,
// strings and lists concatenated); a value of another type is ignored.
void aggregate_stat(Value& into, const Value& what) {
  if (into.is_object() && what.is_object()) {
    for (auto it = what.begin(); it != what.end(); ++it) {
      if (into.contains(it.key()) && into[it.key()].is_object() && it->is_object())
        aggregate_stat(into[it.key()], *it);
      else
        into[it.key()] = *it;
    }
  } else if (into.is_number_integer() && what.is_number_integer()) {
    into = into.get<int64_t>() + what.get<int64_t>();
  } else if (into.is_number() && what.is_number() && !into.is_boolean() && !what.is_boolean()) {
    if (into.is_number_float() || what.is_number_float()) into = into.get<double>() + what.get<double>();
  } else if (into.is_string() && what.is_string()) {
    into = into.get<std::string>() + what.get<std::string>();
  } else if (into.is_array() && what.is_array()) {
    for (const auto& v : what) into.push_back(v);
  }
}

}  // namespace

void PlaybookRunner::add_custom_stats(const std::string& host, const Value& result) {
  auto add = [&](const Value& r) {
    if (!r.is_object() || !r.contains("ansible_stats") || !r["ansible_stats"].is_object()) return;
    if (r.contains("failed") && truthy(r["failed"])) return;
    const Value& st = r["ansible_stats"];
    if (!st.contains("data") || !st["data"].is_object()) return;
    bool aggregate = st.contains("aggregate") && truthy(st["aggregate"]);
    std::string who = st.contains("per_host") && truthy(st["per_host"]) ? host : "_run";
    std::lock_guard<std::mutex> lock(mu_);
    Value& mine = stats_.custom[who];
    if (!mine.is_object()) mine = Value::object();
    for (auto it = st["data"].begin(); it != st["data"].end(); ++it) {
      if (aggregate && mine.contains(it.key()))
        aggregate_stat(mine[it.key()], *it);
      else
        mine[it.key()] = *it;
    }
  };
  if (result.contains("results") && result["results"].is_array())
    for (const auto& item : result["results"]) add(item);
  else
    add(result);
}

void PlaybookRunner::apply_outcome(PlayState& st, const Task& task, const std::string& host, const Value& result,
                                   const std::string& delegated_to, const std::vector<std::string>& notify) {
  HostRuntime& rt = runtime(host);
  auto apply_facts = [&](const Value& r) {
    if (!r.is_object() || !r.contains("ansible_facts") || !r["ansible_facts"].is_object()) return;
    const Value& facts = r["ansible_facts"];
    // delegate_facts: the facts (set_fact's and include_vars' too) go to
    // the delegated host.
    bool delegate_facts = !task.kw.delegate_facts.is_null() && to_bool(task.kw.delegate_facts).value_or(false);
    HostRuntime& target = (delegate_facts && !delegated_to.empty()) ? runtime(delegated_to) : rt;
    if (task.is(ActionKind::set_fact)) {
      for (auto it = facts.begin(); it != facts.end(); ++it) target.set_facts[it.key()] = it.value();
      if (r.contains("_ansible_facts_cacheable") && truthy(r["_ansible_facts_cacheable"])) cache_facts(target, facts);
    } else if (task.is(ActionKind::include_vars)) {
      for (auto it = facts.begin(); it != facts.end(); ++it) target.include_vars[it.key()] = it.value();
    } else {
      // The gather_facts action marks its facts so that gathering=smart
      // knows (Ansible's _ansible_facts_gathered).
      if (task.is(ActionKind::gather_facts)) {
        Value marked = facts;
        marked["_ansible_facts_gathered"] = true;
        target.add_facts(marked);
        cache_facts(target, marked);
      } else {
        target.add_facts(facts);
        cache_facts(target, facts);
      }
    }
  };
  if (result.contains("results") && result["results"].is_array()) {
    for (const auto& item : result["results"]) apply_facts(item);
  } else {
    apply_facts(result);
  }
  if (!task.register_as.empty()) {
    // Ansible's strategy stops the playbook on any result of such a task.
    if (!is_identifier(task.register_as))
      throw Error("Invalid variable name in 'register' specified: '" + task.register_as + "'");
    // Module results are unsafe text to Ansible: never templated again;
    // the facts of set_fact and include_vars are not (_ACTION_WITH_CLEAN_FACTS),
    // a failure's message is.
    Value registered = registered_value(result);
    Value clean;
    if ((task.is(ActionKind::set_fact) || task.is(ActionKind::include_vars)) && registered.is_object() &&
        registered.contains("ansible_facts"))
      clean = std::move(registered["ansible_facts"]);
    registered = unsafe_value(registered);
    if (!clean.is_null()) registered["ansible_facts"] = std::move(clean);
    rt.set_facts[task.register_as] = std::move(registered);
  }
  // Handlers: notified when the task changed something on this host.
  bool changed = result.contains("changed") && truthy(result["changed"]);
  if (changed && !notify.empty()) {
    auto& list = st.notified[host];
    for (const auto& n : notify) {
      std::vector<std::string> passed_over;
      std::vector<const Task*> found = notified_handlers(st.handlers, st.handler_names, n, &passed_over);
      for (const auto& w : passed_over) callback_.warning(w);
      for (const Task* h : found) {
        if (std::find(list.begin(), list.end(), h) == list.end()) list.push_back(h);
        callback_.notify(h->name, host);
      }
      if (found.empty())
        callback_.warning(missing_handler_message(n));
    }
  }
}

}  // namespace drover
