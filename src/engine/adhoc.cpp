#include "engine/adhoc.hpp"

#include <atomic>
#include <cstdio>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "engine/cancel_watch.hpp"
#include "engine/config.hpp"
#include "engine/run_state.hpp"
#include "engine/worker_pool.hpp"
#include "inventory/inventory.hpp"
#include "modules/async_job.hpp"
#include "modules/controller_files.hpp"
#include "engine/collections.hpp"
#include "engine/module_lookup.hpp"
#include "modules/free_form.hpp"
#include "modules/path_options.hpp"
#include "modules/registry.hpp"
#include "output/adhoc_printer.hpp"
#include "template/engine.hpp"
#include "transport/interrupt.hpp"
#include "transport/pool.hpp"

namespace drover {
namespace {

bool requires_args(const std::string& module) {
  return module == "command" || module == "shell" || module == "raw" || module == "script";
}

Value unreachable_result(const std::string& msg) {
  return Value{{"changed", false}, {"msg", msg}, {"unreachable", true}};
}

}  // namespace

AdhocModules AdhocModules::for_run(const Config& config, const std::string& dir) {
  AdhocModules m;
  auto index = CollectionIndex::for_run(config, dir);
  m.fallback = std::make_shared<FallbackModules>(fallback_options(config));
  m.fallback->add_index(*index);
  m.index = std::move(index);
  return m;
}

const ModuleEntry* AdhocModules::find(const std::string& name) const {
  ModuleLookup m;
  try {
    m = lookup_module(name, {}, index.get(), fallback ? fallback->library_dirs() : std::vector<std::string>{},
                      fallback ? fallback->action_dirs() : std::vector<std::string>{});
  } catch (const Error& e) {
    throw ParserError(e.message());
  }
  // include_tasks, meta, ...: only a play runs them.
  if (!m.found || (m.native && !find_module(m.action))) {
    std::string hint = closest_match(short_module_name(name), module_names());
    throw ParserError("couldn't resolve module/action '" + name +
                          "'. This often indicates a misspelling, missing collection, or incorrect module path.",
                      {}, hint.empty() ? "" : "did you mean '" + hint + "'?");
  }
  try {
    return runnable_module(m, name, fallback.get());
  } catch (const Error& e) {
    throw ParserError(e.message());
  }
}

Value parse_adhoc_args(const std::string& module_name, const std::string& args, const AdhocModules& modules) {
  const ModuleEntry* entry = modules.find(module_name);
  if (requires_args(entry->name) && args.empty())
    throw OptionsError("No argument passed to " + module_name + " module");
  Value parsed;
  if (!args.empty() && args.front() == '{' && args.back() == '}') {
    try {
      parsed = Value::parse(args);
    } catch (...) {
      parsed = Value();
    }
  }
  if (!parsed.is_object()) {
    try {
      parsed = parse_kv(args, requires_args(entry->name));
    } catch (const Error& e) {
      throw ParserError(e.message());
    }
  }
  try {
    check_args(entry->name, entry->module->spec(), parsed);
  } catch (const Error& e) {
    throw ParserError(e.message(), {}, e.hint());
  }
  return parsed;
}

int run_adhoc(const inventory::Inventory& inv, const Config& config, const AdhocRequest& req,
              AdhocPrinter& printer) {
  std::vector<std::string> warnings;
  bool empty_inventory = inv.hosts().empty();
  if (empty_inventory && config.boolean("LOCALHOST_WARNING") && req.pattern != "localhost" &&
      req.pattern != "127.0.0.1" && req.pattern != "::1")
    printer.warning(inventory::kEmptyInventoryWarning);
  std::vector<const inventory::Host*> hosts = inv.select(req.pattern, req.limit, &warnings);
  for (const auto& w : warnings) printer.warning(w);
  if (hosts.empty()) {
    if (!req.limit.empty() && !empty_inventory) throw Error(inventory::kNoHostsLeftError);
    printer.warning(inventory::kNoHostsMatchedWarning);
  }
  if (req.list_hosts) {
    std::printf("  hosts (%zu):\n", hosts.size());
    for (const auto* h : hosts) std::printf("    %s\n", h->name.c_str());
    return 0;
  }

  // Everything about the task is checked before any host is touched.
  AdhocModules modules = AdhocModules::for_run(config);
  Value args = parse_adhoc_args(req.module, req.args, modules);
  const ModuleEntry* entry = modules.find(req.module);
  bool native = find_module(entry->name) == entry;
  if (hosts.empty()) return 0;

  tmpl::Engine engine;
  engine.set_jinja2_native(config.boolean("DEFAULT_JINJA2_NATIVE"));
  ConnectionPool pool;
  Value groups = inv.groups_value();
  std::atomic<int> ok{0}, changed{0}, failed{0}, unreachable{0}, skipped{0};

  files::ControllerFiles controller_files;  // copy's src read once for all hosts
  CancelWatch watch(req.cancel, pool);
  run_parallel(hosts.size(), req.forks, [&](size_t i) {
    if (req.cancel && req.cancel->load()) return;  // no new host once cancelled
    const inventory::Host& host = *hosts[i];
    HostResult hr;
    hr.host = host.name;
    hr.module = entry->name;
    hr.prints_as_command = entry->module->prints_as_command();
    try {
      Value vars = inv.vars_for(host);
      vars["inventory_hostname"] = host.name;
      vars["inventory_hostname_short"] = split(host.name, '.')[0];
      vars["group_names"] = inv.group_names(host);
      vars["groups"] = groups;
      vars["ansible_check_mode"] = req.check_mode;
      vars["ansible_diff_mode"] = req.diff_mode;
      vars["ansible_forks"] = req.forks;
      for (auto it = req.extra_vars.begin(); it != req.extra_vars.end(); ++it) vars[it.key()] = it.value();
      tmpl::ValueVariables raw(vars);
      tmpl::LazyVariables lazy(engine, raw);
      auto lookup = [&](const std::string& name) -> std::optional<Value> {
        const Value* v = lazy.lookup(name);
        if (!v) return std::nullopt;
        return *v;
      };
      ResolvedConnection rc = resolve_connection(host.name, lookup, req.connection, config);
      Value task_args = validate_args(entry->name, entry->module->spec(), engine.render_value(args, lazy));

      ModuleContext ctx;
      ctx.check_mode = req.check_mode;
      ctx.diff_mode = req.diff_mode;
      ctx.host = host.name;
      ctx.timeout_s = req.task_timeout_s;
      ctx.become = rc.become ? &*rc.become : nullptr;
      ctx.controller_files = &controller_files;
      ctx.cancel = req.cancel.get();
      if (!native) {
        // Ansible's modules read the host's variables (ansible_python_interpreter, ...).
        ctx.templar = &engine;
        ctx.vars = &lazy;
      }
      std::shared_ptr<Connection> conn;
      std::unique_ptr<AsyncJobConnection> async_conn;
      try {
        conn = pool.get(rc.spec);
        if (!conn->connected()) conn->connect();
        ctx.connection = conn.get();
        task_args = expand_path_options(entry->name, entry->module->spec(), std::move(task_args), ctx);
        if (req.async_s > 0) {
          // -B/-P: the module's commands run as a detached job, as a task's
          // async/poll; no poll lines, as ansible's minimal callback.
          AsyncJobOptions ao;
          ao.time_limit_s = req.async_s;
          ao.poll_s = req.poll_s;
          ao.cancel = ctx.cancel;
          ao.extra = async_job_extra(entry->name, task_args);
          ao.async_dir = async_dir_setting(nullptr);
          async_conn = std::make_unique<AsyncJobConnection>(*conn, std::move(ao));
          ctx.connection = async_conn.get();
        }
        hr.result = entry->module->run(task_args, ctx);
        if (async_conn && !async_conn->jid().empty()) add_async_job_fields(hr.result, *async_conn);
      } catch (const AsyncJobStarted& started) {
        hr.result = async_started_result(started);
      } catch (const UnreachableError& e) {
        pool.drop(host.name);
        hr.result = unreachable_result(e.message());
      }
    } catch (const CancelledError&) {
      return;  // cut short by ^C: nothing worth showing
    } catch (const Error& e) {
      hr.result = Value{{"failed", true}, {"msg", e.message()}};
    } catch (const std::exception& e) {
      hr.result = Value{{"failed", true}, {"msg", std::string("unexpected error: ") + e.what()}};
    }
    hr.status = status_of(hr.result);
    switch (hr.status) {
      case HostStatus::ok: ++ok; break;
      case HostStatus::changed: ++changed; break;
      case HostStatus::failed: ++failed; break;
      case HostStatus::unreachable: ++unreachable; break;
      case HostStatus::skipped: ++skipped; break;
    }
    printer.result(hr);
  });
  pool.close_all();
  if (req.cancel && req.cancel->load()) {
    printer.interrupted();
    return kExitInterrupted;
  }
  printer.finish(ok, changed, failed, unreachable, skipped);
  if (unreachable > 0) return 4;
  if (failed > 0) return 2;
  return 0;
}

}  // namespace drover
