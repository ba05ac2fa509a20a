#include "engine/task_executor.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/unsafe.hpp"
#include "core/vault.hpp"
#include "engine/config.hpp"
#include "engine/error_context.hpp"
#include "engine/loops.hpp"
#include "engine/lookups.hpp"
#include "engine/python_actions.hpp"
#include "engine/python_lookups.hpp"
#include "engine/task_vars.hpp"
#include "inventory/inventory.hpp"
#include "modules/async_job.hpp"
#include "modules/path_options.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"
#include "template/template_error.hpp"
#include "transport/pool.hpp"

namespace drover {
// Ansible's Conditional warns about a condition written with template
// delimiters ({{ }}, {% %}, {# #}): it is templated twice.
void warn_if_templated_condition(const PlayContext& ctx, const Value& cond);

namespace {

// The actions whose Ansible action plugin does not set _supports_async:
// ActionBase.run fails them with "async is not supported for this task."
// before they do anything (ansible-core 2.14; command, shell, package,
// service, reboot, uri, yum and modules without an action plugin run
// async).
bool refuses_async(const std::string& action) {
  static const std::set<std::string> names = {
      "add_host", "assemble",   "assert",   "async_status", "copy",     "debug",    "fail",
      "fetch",    "gather_facts", "group_by", "include_vars", "pause",  "raw",      "script",
      "set_fact", "set_stats",  "template", "unarchive",    "validate_argument_spec", "wait_for_connection"};
  return names.count(action) > 0;
}

// One mutex per connection object, for the steps that share a session
// (delegate_to). Entries are never removed: a few bytes per host per run.
std::mutex& connection_mutex(const Connection* conn) {
  static std::mutex map_mu;
  static std::map<const Connection*, std::unique_ptr<std::mutex>> locks;
  std::lock_guard<std::mutex> lock(map_mu);
  auto& slot = locks[conn];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

using KeywordMember = Value Keywords::*;

// The roles around a task, innermost first (its own, then the roles whose
// blocks contain it).
std::vector<const Role*> role_chain(const Task& t) {
  std::vector<const Role*> out;
  auto add = [&](const Role* r) {
    if (r && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  };
  add(t.role);
  for (const Block* b = t.parent; b; b = b->parent) add(b->role);
  return out;
}

bool bool_keyword(const Task& t, KeywordMember m, tmpl::Engine& templar, tmpl::VariableSource& vars, bool dflt) {
  const Value& v = t.inherited(m);
  if (v.is_null()) return dflt;
  Value r = templar.render_value(v, vars);
  auto b = to_bool(r);
  if (!b) throw Error("the value " + to_display_string(r) + " is not a valid boolean");
  return *b;
}

std::optional<std::string> string_keyword(const Task& t, KeywordMember m, tmpl::Engine& templar,
                                          tmpl::VariableSource& vars) {
  const Value& v = t.inherited(m);
  if (v.is_null()) return std::nullopt;
  Value r = templar.render_value(v, vars);
  if (r.is_null()) return std::nullopt;
  return to_display_string(r);
}

// Removes values that templated to the omit placeholder, recursively in
// dicts and lists, as Ansible's remove_omit does.
Value remove_omit(const Value& v) {
  const std::string& omit = tmpl::omit_placeholder();
  if (v.is_object()) {
    Value out = Value::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.value().is_string() && it.value().get_ref<const ValueString&>() == omit) continue;
      out[it.key()] = remove_omit(it.value());
    }
    return out;
  }
  if (v.is_array()) {
    Value out = Value::array();
    for (const auto& e : v) {
      if (e.is_string() && e.get_ref<const ValueString&>() == omit) continue;
      out.push_back(remove_omit(e));
    }
    return out;
  }
  return v;
}

// module_defaults of the task's keyword chain, outermost first so that
// inner ones win, for `action` (short or ansible.builtin./legacy. names).
Value module_defaults_for(const Task& t, tmpl::Engine& templar, tmpl::VariableSource& vars) {
  std::vector<const Value*> chain = t.inherited_all(&Keywords::module_defaults);
  Value out = Value::object();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    Value md = templar.render_value(**it, vars);
    std::vector<Value> entries;
    if (md.is_array()) for (auto& e : md) entries.push_back(e);
    else entries.push_back(md);
    for (auto& e : entries) {
      if (!e.is_object()) continue;
      for (auto d = e.begin(); d != e.end(); ++d) {
        if (short_module_name(d.key()) != t.action || !d.value().is_object()) continue;
        for (auto o = d.value().begin(); o != d.value().end(); ++o) out[o.key()] = o.value();
      }
    }
  }
  return out;
}

Value environment_for(const Task& t, tmpl::Engine& templar, tmpl::VariableSource& vars) {
  std::vector<const Value*> chain = t.inherited_all(&Keywords::environment);
  Value out = Value::object();
  // Each entry's values are templated one by one: one that needs
  // ansible_env before facts are gathered is left out (Ansible's
  // _post_validate_environment).
  auto render = [&](const Value& raw) {
    if (!raw.is_object()) return templar.render_value(raw, vars);
    Value env = Value::object();
    for (auto kv = raw.begin(); kv != raw.end(); ++kv) {
      try {
        env[kv.key()] = templar.render_value(kv.value(), vars);
      } catch (const tmpl::TemplateError& e) {
        if (e.kind() != tmpl::TemplateError::Kind::Undefined || e.message().find("ansible_env") == std::string::npos)
          throw;
      }
    }
    return env;
  };
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    Value env;
    if ((*it)->is_array()) {
      env = Value::array();
      for (const auto& e : **it) env.push_back(render(e));
    } else {
      env = render(**it);
    }
    std::vector<Value> entries;
    if (env.is_array()) for (auto& e : env) entries.push_back(e);
    else entries.push_back(env);
    for (auto& e : entries) {
      if (e.is_null()) continue;
      if (!e.is_object()) throw Error("environment must be a dictionary, received " + to_display_string(e));
      for (auto kv = e.begin(); kv != e.end(); ++kv) out[kv.key()] = to_display_string(kv.value());
    }
  }
  return out;
}

Value skipped_result() {
  return Value{{"changed", false}, {"skipped", true}, {"skip_reason", "Conditional result was False"}};
}

int to_int(const Value& v, const char* what) {
  if (v.is_number()) return static_cast<int>(v.get<double>());
  try {
    return std::stoi(to_display_string(v));
  } catch (const std::exception&) {
    throw Error(std::string("the task's ") + what + " must be a number, not " + to_display_string(v));
  }
}

// Ansible wraps an undefined variable's message in its own exception
// with the original as cause: "'x' is undefined. 'x' is undefined".
std::string undefined_detail(const Error& e) {
  auto* te = dynamic_cast<const tmpl::TemplateError*>(&e);
  if (te && te->kind() == tmpl::TemplateError::Kind::Undefined) return e.message() + ". " + e.message();
  return e.message();
}

// Variables that note whether a template read unsafe data or ran a lookup
// whose answer is unsafe (Ansible's AnsibleContext.unsafe): its result is
// then unsafe too (wrap_var), never templated again.
class UnsafeWatch : public tmpl::VariableSource {
 public:
  explicit UnsafeWatch(tmpl::VariableSource& vars) : vars_(vars), lookups_(tmpl::unsafe_answers()) {}
  const Value* lookup(std::string_view name) override {
    const Value* v = vars_.lookup(name);
    // hostvars is a mapping Ansible does not look into (HostVars is no dict).
    if (v && !read_unsafe_ && !vars_.entries_template_alone(name)) read_unsafe_ = holds_unsafe_text(*v);
    return v;
  }
  std::vector<std::string> names() override { return vars_.names(); }
  bool entries_template_alone(std::string_view name) override { return vars_.entries_template_alone(name); }
  bool seen() const { return read_unsafe_ || tmpl::unsafe_answers() != lookups_; }

 private:
  tmpl::VariableSource& vars_;
  uint64_t lookups_;
  bool read_unsafe_ = false;
};

// Why a condition could not be evaluated, after "The error was: ". Ansible
// 2.14's _check_conditional words undefined variables as "error while
// evaluating conditional (...)" and lets the Templar's own errors (a type
// error) through as they are.
std::string conditional_detail(const std::string& condition, const Error& e) {
  auto* te = dynamic_cast<const tmpl::TemplateError*>(&e);
  if (te && te->kind() == tmpl::TemplateError::Kind::TypeReported) return e.message();
  return "error while evaluating conditional (" + condition + "): " + undefined_detail(e);
}

// One run of the task's action with the given variables (one loop item, or
// the whole task without a loop).
class ItemRun {
 public:
  ItemRun(const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt, const TaskPosition& pos,
          const TaskInfo& info, Value loop_vars)
      : ctx_(ctx), host_(host), rt_(rt), pos_(pos), task_(*pos.task), info_(info), loop_vars_(std::move(loop_vars)) {}

  // set_fact's values, templated. A value whose template read unsafe data
  // (a registered result, a with_<lookup> loop's item) or ran a lookup is
  // kept as unsafe text, never templated again (Ansible's wrap_var of an
  // unsafe context; issue 64169).
  Value render_fact_values(tmpl::LazyVariables& vars) const {
    if (!task_.args.is_object()) return ctx_.templar->render_value(task_.args, vars);
    Value out = Value::object();
    for (auto it = task_.args.begin(); it != task_.args.end(); ++it) {
      UnsafeWatch watch(vars);
      Value v = ctx_.templar->render_value(it.value(), watch);
      out[it.key()] = watch.seen() ? unsafe_value(v) : std::move(v);
    }
    return out;
  }

  Value template_keys(const Value& args, tmpl::LazyVariables& vars) const {
    Value out = Value::object();
    for (auto it = args.begin(); it != args.end(); ++it) {
      const std::string& k = it.key();
      bool templated = k.find("{{") != std::string::npos || k.find("{%") != std::string::npos;
      out[templated ? ctx_.templar->render_string(k, vars) : k] = it.value();
    }
    return out;
  }

  Value run(std::string& delegated_to) {
    TaskVars raw;
    stack_task_vars(raw, ctx_, host_, rt_, pos_, loop_vars_.empty() ? nullptr : &loop_vars_);
    tmpl::LazyVariables vars(*ctx_.templar, raw);
    LookupScope lookups(*ctx_.templar, vars, task_search_path(ctx_, task_));
    try {
      if (!task_conditions_hold(ctx_, task_, vars)) return skipped_result();
    } catch (const Error& e) {
      return Value{{"failed", true}, {"msg", conditional_error(e)}};
    }
    const ModuleEntry* entry = task_.module ? task_.module : find_module(task_.action);
    if (!entry) return Value{{"failed", true}, {"msg", "no action named '" + task_.action + "'"}};
    Value args;
    if (auto failure = render_args(vars, args)) return *failure;
    Value module_args = validate_args(entry->name, entry->module->spec(), args);
    if (!task_.async_seconds.is_null() && refuses_async(entry->name) &&
        to_int(ctx_.templar->render_value(task_.async_seconds, vars), "async") > 0)
      // AnsibleActionFail's result: its traceback.format_exc() ran with no
      // exception being handled.
      return Value{{"failed", true}, {"changed", false}, {"msg", "async is not supported for this task."},
                   {"exception", "NoneType: None\n"}};
    // delegate_to applies to every action (set_fact with delegate_facts too).
    auto target = string_keyword(task_, &Keywords::delegate_to, *ctx_.templar, vars);
    if (target && *target == host_.name) target.reset();
    if (target) delegated_to = *target;

    ModuleContext mctx = module_context(vars);
    // An action plugin run in Python (engine/python_actions.hpp).
    if (entry->module->needs_play_context())
      mctx.play_context = python_play_context([this](KeywordMember m) -> const Value& { return task_.inherited(m); },
                                              ctx_.options->connection, mctx.verbosity, rt_.connection_fallback,
                                              target, *ctx_.templar, vars);
    TaskConnection tc;
    if (entry->module->needs_connection()) {
      open_connection(*entry, target, vars, mctx, tc);
      try {
        module_args = expand_path_options(entry->name, entry->module->spec(), std::move(module_args), mctx);
      } catch (const Error& e) {
        return Value{{"failed", true}, {"msg", e.message()}};
      }
    }
    // async: the module's commands run as a detached job on the target.
    std::unique_ptr<AsyncJobConnection> async_conn;
    if (!task_.async_seconds.is_null() && tc.conn) async_conn = async_connection(*entry, module_args, vars, mctx, *tc.conn);
    Value result = run_attempts(*entry, module_args, vars, mctx, async_conn.get());
    if (target) result["_ansible_delegated_vars"] = delegated_vars(*target);
    return result;
  }

 private:
  // The connection a task's module runs on, held for the run: a session
  // serves one command at a time.
  struct TaskConnection {
    std::shared_ptr<Connection> conn;
    std::unique_lock<std::mutex> lock;
    std::optional<BecomeSpec> become;
  };

  // The task's arguments, templated, merged with `args: "{{ dict }}"`,
  // omitted values removed, inline vault values revealed and
  // module_defaults filled in; or the failed result that stops the task.
  std::optional<Value> render_args(tmpl::LazyVariables& vars, Value& args) const {
    // assert's list of conditions reaches it untemplated in Ansible (the
    // action's untemplated_args), so they get the conditional warning too;
    // a lone condition string is templated first (assert.py 2.14), so
    // "{{ x.failed }}" is a bool by then and warns of nothing.
    if (task_.is(ActionKind::assert_) && task_.args.contains("that") && task_.args["that"].is_array())
      for (const auto& c : task_.args["that"]) warn_if_templated_condition(ctx_, c);
    try {
      // set_fact templates its variable names too (its action plugin).
      args = task_.is(ActionKind::set_fact) ? template_keys(render_fact_values(vars), vars)
                                            : ctx_.templar->render_value(task_.args, vars);
    } catch (const Error& e) {
      return args_error(e, vars);
    }
    if (args.contains("_variable_params")) {
      Value extra = args["_variable_params"];
      args.erase("_variable_params");
      if (!extra.is_object())
        return Value{{"failed", true}, {"msg", "Complex args must be a dictionary or variable string (\"{{var}}\")."}};
      for (auto it = extra.begin(); it != extra.end(); ++it)
        if (!args.contains(it.key())) args[it.key()] = it.value();
    }
    args = remove_omit(args);
    // A module gets the plaintext of inline !vault values given as they
    // are (not through a template); set_fact keeps them vault values, as
    // Ansible's does.
    if (!task_.is(ActionKind::set_fact)) {
      try {
        args = reveal_vault_values(args);
      } catch (const VaultError& e) {
        return Value{{"failed", true}, {"msg", e.message()}};
      }
    }
    Value defaults = module_defaults_for(task_, *ctx_.templar, vars);
    for (auto it = defaults.begin(); it != defaults.end(); ++it)
      if (!args.contains(it.key())) args[it.key()] = it.value();
    return std::nullopt;
  }

  // What a module is told besides its arguments (no connection yet).
  ModuleContext module_context(tmpl::LazyVariables& vars) const {
    ModuleContext mctx;
    mctx.host = host_.name;
    mctx.verbosity = ctx_.options->verbosity;
    mctx.templar = ctx_.templar;
    mctx.vars = &vars;
    mctx.search_path = task_search_path(ctx_, task_);
    mctx.check_mode = bool_keyword(task_, &Keywords::check_mode, *ctx_.templar, vars, ctx_.options->check_mode);
    mctx.diff_mode = bool_keyword(task_, &Keywords::diff, *ctx_.templar, vars, ctx_.options->diff_mode);
    mctx.no_log = info_.no_log;
    PlaybookCallback* cb = ctx_.callback;
    mctx.display = [cb](const std::string& s) { cb->display(s, 0); };
    mctx.cancel = ctx_.options->cancel.get();
    mctx.controller_files = ctx_.controller_files;
    return mctx;
  }

  // Takes the connection to the host (or the delegated `target`) from the
  // pool, connected unless the module connects itself, into `tc`, and
  // tells `mctx` of it. Throws UnreachableError.
  void open_connection(const ModuleEntry& entry, const std::optional<std::string>& target,
                       tmpl::LazyVariables& vars, ModuleContext& mctx, TaskConnection& tc) {
    mctx.environment = environment_for(task_, *ctx_.templar, vars);
    ResolvedConnection rc = connection_for(target, vars);
    if (mctx.verbosity >= 3) {
      // ansible-playbook -vvv's line as each task takes its connection.
      bool local = rc.spec.type == "local";
      std::string user = rc.spec.user;
      if (local && user.empty())
        if (const passwd* pw = getpwuid(geteuid())) user = pw->pw_name;
      ctx_.callback->display("<" + (rc.spec.host.empty() ? rc.spec.name : rc.spec.host) + "> ESTABLISH " +
                                 (local ? "LOCAL" : "SSH") + " CONNECTION FOR USER: " + (user.empty() ? "None" : user),
                             0);
    }
    tc.become = rc.become;
    mctx.become = tc.become ? &*tc.become : nullptr;
    tc.conn = ctx_.pool->get(rc.spec);
    // Hosts delegating to the same host (or to a host that runs its own
    // task meanwhile) take turns.
    if (rc.spec.type != "local") tc.lock = std::unique_lock<std::mutex>(connection_mutex(tc.conn.get()));
    if (!tc.conn->connected() && !entry.module->connects_itself()) {
      try {
        tc.conn->connect();
      } catch (const UnreachableError&) {
        ctx_.pool->drop(rc.spec.name);
        throw;
      }
    }
    mctx.connection = tc.conn.get();
    const Value& timeout = task_.inherited(&Keywords::timeout);
    if (!timeout.is_null()) mctx.timeout_s = static_cast<int>(ctx_.templar->render_value(timeout, vars).get<double>());
  }

  // With `async` above 0, the connection that runs the module's commands as
  // a detached job on the target (mctx then uses it); null otherwise.
  std::unique_ptr<AsyncJobConnection> async_connection(const ModuleEntry& entry, const Value& module_args,
                                                       tmpl::LazyVariables& vars, ModuleContext& mctx,
                                                       Connection& conn) {
    int async_s = to_int(ctx_.templar->render_value(task_.async_seconds, vars), "async");
    if (async_s <= 0) return nullptr;
    AsyncJobOptions ao;
    ao.time_limit_s = async_s;
    ao.poll_s = task_.poll.is_null() ? 15 : to_int(ctx_.templar->render_value(task_.poll, vars), "poll");
    ao.cancel = mctx.cancel;
    ao.extra = async_job_extra(entry.name, module_args);
    ao.async_dir = async_dir_setting(vars.lookup("ansible_async_dir"));
    // A module of Ansible's answers in JSON: async_status reads it so.
    if (!find_module(entry.name)) ao.extra = Value{{kAsyncModuleOutput, true}};
    ao.on_poll = [this](const Value& status, int elapsed) {
      TaskEvent ev;
      ev.task = &info_;
      ev.host = host_.name;
      ev.result = status;
      ctx_.callback->async_poll(ev, elapsed);
    };
    auto async_conn = std::make_unique<AsyncJobConnection>(conn, std::move(ao));
    mctx.connection = async_conn.get();
    return async_conn;
  }

  // Runs the module once, or until its `until` condition holds, as Ansible
  // 2.14's TaskExecutor: `retries: n` makes n+1 attempts (4 when unset: the
  // keyword defaults to 3; 1 when not positive); the until condition is checked only when there are
  // several attempts, after changed_when/failed_when; a run out of attempts
  // reports attempts = n.
  Value run_attempts(const ModuleEntry& entry, const Value& module_args, tmpl::LazyVariables& vars,
                     ModuleContext& mctx, AsyncJobConnection* async_conn) {
    int attempts = 1;
    double delay = 5;
    if (!task_.until.is_null()) {
      if (task_.retries.is_null()) {
        attempts = 4;
      } else {
        int r = std::stoi(to_display_string(ctx_.templar->render_value(task_.retries, vars)));
        attempts = r <= 0 ? 1 : r + 1;
      }
      if (!task_.delay.is_null()) delay = std::stod(to_display_string(ctx_.templar->render_value(task_.delay, vars)));
      if (delay < 0) delay = 1;
    }
    Value result;
    for (int attempt = 1;; ++attempt) {
      result = run_module_once(entry, module_args, mctx, async_conn);
      if (!task_.until.is_null()) result["attempts"] = attempt;
      apply_conditions(result);
      if (attempts <= 1) break;
      if (evaluate_with_result(task_.until, result)) break;
      if (attempt >= attempts) {
        result["attempts"] = attempts - 1;
        result["failed"] = true;
        break;
      }
      TaskEvent ev;
      ev.task = &info_;
      ev.host = host_.name;
      ev.result = result;
      ev.result["retries"] = attempts;
      ctx_.callback->retry(ev, attempt, attempts);
      if (!sleep_unless_cancelled(*ctx_.options, delay)) break;
    }
    return result;
  }

  // One run of the module: its result with Ansible's defaults filled in.
  Value run_module_once(const ModuleEntry& entry, const Value& module_args, ModuleContext& mctx,
                        AsyncJobConnection* async_conn) {
    Value result;
    try {
      result = entry.module->run(module_args, mctx);
      if (async_conn && !async_conn->jid().empty()) {
        add_async_job_fields(result, *async_conn);
        TaskEvent ev;
        ev.task = &info_;
        ev.host = host_.name;
        ev.result = result;
        ev.status = status_of(result);
        ctx_.callback->async_finished(ev);
      }
    } catch (const UnreachableError&) {
      throw;
    } catch (const AsyncJobStarted& started) {
      // poll: 0 -- the job's handle is the result, as Ansible returns it.
      result = async_started_result(started);
    } catch (const Error& e) {
      result = Value{{"failed", true}, {"msg", e.message()}};
    }
    // A Python action's result is already TaskExecutor.run's (its errors
    // have no `changed`).
    normalize(result, !entry.module->needs_play_context());
    // A module of Ansible's returns its own invocation (no_log values
    // censored, defaults filled in): kept as it is.
    if (!result.contains("invocation")) result["invocation"] = Value{{"module_args", module_args}};
    return result;
  }

  // What callbacks show of the delegated host (Ansible's
  // _ansible_delegated_vars): its name and connection variables.
  Value delegated_vars(const std::string& target) const {
    Value dv = {{"ansible_delegated_host", target}};
    if (const inventory::Host* dh = ctx_.inventory->get_host(target)) {
      Value hv = ctx_.inventory->vars_for(*dh);
      for (const char* k : {"ansible_host", "ansible_port", "ansible_user", "ansible_connection"})
        if (hv.contains(k)) dv[k] = hv[k];
    }
    return dv;
  }

  std::string conditional_error(const Error& e) const {
    std::string conds;
    for (const auto& c : task_.kw.when) conds += (conds.empty() ? "" : " and ") + to_display_string(c);
    return "The conditional check '" + conds + "' failed. The error was: " + conditional_detail(conds, e) + located();
  }

  // The task's arguments failed to template. Ansible 2.14 words it by
  // the error's kind: an undefined variable as a task option error with
  // the task's position; a template syntax error (an unknown filter too)
  // with the string that failed; a filter's own error (mandatory...) as is.
  Value args_error(const Error& e, tmpl::VariableSource& vars) const {
    auto* te = dynamic_cast<const tmpl::TemplateError*>(&e);
    if (te && te->kind() == tmpl::TemplateError::Kind::Syntax) {
      std::string source = failing_string(task_.args, vars);
      return Value{{"failed", true},
                   {"msg", "template error while templating string: " + e.message() + ". String: " + source + ". " +
                               e.message()}};
    }
    // A Python exception Ansible does not wrap fails the task with its
    // traceback and no msg (TaskExecutor's catch-all).
    if (te && !te->python_type().empty())
      return Value{{"failed", true},
                   {"changed", false},
                   {"exception", "Traceback (most recent call last):\n  File \"<template>\", line " +
                                     std::to_string(std::max(1, te->where().line)) + ", in root\n" + te->python_type() +
                                     ": " + e.message() + "\n"}};
    if (te && te->kind() != tmpl::TemplateError::Kind::Undefined) return Value{{"failed", true}, {"msg", e.message()}};
    return Value{{"failed", true},
                 {"msg", "The task includes an option with an undefined variable. The error was: " +
                             undefined_detail(e) + located()}};
  }

  // The first string in `v` that does not template (for error messages).
  std::string failing_string(const Value& v, tmpl::VariableSource& vars) const {
    if (v.is_string()) {
      const std::string& s = v.get_ref<const ValueString&>();
      if (s.find("{{") == std::string::npos && s.find("{%") == std::string::npos) return "";
      try {
        ctx_.templar->render_string(s, vars);
      } catch (const Error&) {
        return s;
      }
      return "";
    }
    if (v.is_object() || v.is_array())
      for (const auto& item : v)
        if (auto s = failing_string(item, vars); !s.empty()) return s;
    return "";
  }

  // "\n\nThe error appears to be in ..." for the task's position.
  std::string located() const {
    std::string ctx = ansible_error_context(task_.where);
    return ctx.empty() ? "" : "\n\n" + ctx;
  }

  // Ansible's defaults: failed from rc when absent, changed false when absent.
  static void normalize(Value& r, bool add_changed = true) {
    if (!r.is_object()) r = Value{{"msg", to_display_string(r)}};
    if (!r.contains("failed")) {
      bool rc_failed = r.contains("rc") && !r["rc"].is_null() && r["rc"] != 0 && r["rc"] != "0";
      r["failed"] = rc_failed;
    }
    if (add_changed && !r.contains("changed")) r["changed"] = false;
  }

  // Evaluates a condition with the result registered under task.register.
  bool evaluate_with_result(const Value& cond, const Value& result) {
    Value layer = loop_vars_.is_object() ? loop_vars_ : Value::object();
    if (!task_.register_as.empty()) layer[task_.register_as] = registered_value(result);
    // changed_when/failed_when/until may use the result's keys directly too.
    TaskVars raw;
    stack_task_vars(raw, ctx_, host_, rt_, pos_, &layer);
    tmpl::LazyVariables vars(*ctx_.templar, raw);
    LookupScope lookups(*ctx_.templar, vars, task_search_path(ctx_, task_));
    auto holds = [&](const Value& c) {
      warn_if_templated_condition(ctx_, c);
      try {
        return ctx_.templar->evaluate_condition(c, vars);
      } catch (const Error& e) {
        std::string text = to_display_string(c);
        throw Error("The conditional check '" + text + "' failed. The error was: " + conditional_detail(text, e));
      }
    };
    if (cond.is_array()) {
      for (const auto& c : cond)
        if (!holds(c)) return false;
      return true;
    }
    return holds(cond);
  }

  void apply_conditions(Value& result) {
    if (result.contains("skipped") && truthy(result["skipped"])) return;
    // A condition that cannot be evaluated fails the task, the error as
    // its <which>_when_result (Ansible's TaskExecutor).
    std::string which = "changed";
    try {
      if (!task_.changed_when.is_null()) result["changed"] = evaluate_with_result(task_.changed_when, result);
      which = "failed";
      if (!task_.failed_when.is_null()) {
        bool f = evaluate_with_result(task_.failed_when, result);
        result["failed_when_result"] = f;
        result["failed"] = f;
      }
    } catch (const Error& e) {
      result["failed"] = true;
      result[which + "_when_result"] = e.message();
      if (!result.contains("msg")) result["msg"] = "";
    }
  }

  ResolvedConnection connection_for(const std::optional<std::string>& target, tmpl::VariableSource& vars) {
    ConnectionOptions copts = ctx_.options->connection;
    auto set = [&](KeywordMember m, std::optional<std::string>& field) {
      if (auto v = string_keyword(task_, m, *ctx_.templar, vars)) field = *v;
    };
    set(&Keywords::remote_user, copts.remote_user);
    set(&Keywords::connection, copts.connection);
    set(&Keywords::become_method, copts.become_method);
    set(&Keywords::become_user, copts.become_user);
    const Value& b = task_.inherited(&Keywords::become);
    if (!b.is_null()) copts.become = bool_keyword(task_, &Keywords::become, *ctx_.templar, vars, false);
    if (!target) {
      auto lookup = [&](const std::string& name) -> std::optional<Value> {
        const Value* v = vars.lookup(name);
        if (!v) return std::nullopt;
        return *v;
      };
      return resolve_connection(host_.name, lookup, copts, *ctx_.config);
    }
    // delegate_to: connection variables come from the delegated host.
    Value dvars = Value::object();
    if (const inventory::Host* dh = ctx_.inventory->get_host(*target)) {
      dvars = ctx_.inventory->vars_for(*dh);
      if (dh->implicit && !dvars.contains("ansible_connection")) dvars["ansible_connection"] = "local";
    } else if (*target == "localhost" || *target == "127.0.0.1") {
      dvars["ansible_connection"] = "local";
    }
    if (ctx_.hostvars && ctx_.hostvars->contains(*target)) {
      for (auto it = (*ctx_.hostvars)[*target].begin(); it != (*ctx_.hostvars)[*target].end(); ++it)
        if (!dvars.contains(it.key())) dvars[it.key()] = it.value();
    }
    tmpl::ValueVariables draw(dvars);
    tmpl::LazyVariables dlazy(*ctx_.templar, draw);
    auto lookup = [&](const std::string& name) -> std::optional<Value> {
      const Value* v = dlazy.lookup(name);
      if (!v) return std::nullopt;
      return *v;
    };
    return resolve_connection(*target, lookup, copts, *ctx_.config);
  }

  const PlayContext& ctx_;
  const inventory::Host& host_;
  HostRuntime& rt_;
  const TaskPosition& pos_;
  const Task& task_;
  const TaskInfo& info_;
  Value loop_vars_;
};

}  // namespace

std::vector<std::string> task_search_path(const PlayContext& ctx, const Task& task) {
  std::vector<std::string> out;
  for (const Role* r : role_chain(task)) out.push_back(r->path);
  // The task file's directory, then the playbook's, even when they are the
  // same (Ansible's path stack and basedir).
  const std::string& file = task.where.file;
  if (!file.empty() && file[0] == '/') out.push_back(file.substr(0, file.rfind('/')));
  else if (!file.empty()) out.push_back(std::filesystem::absolute(file).parent_path().lexically_normal().string());
  if (ctx.play) out.push_back(ctx.play->playbook_dir);
  return out;
}

void warn_if_templated_condition(const PlayContext& ctx, const Value& cond) {
  if (!cond.is_string() || !ctx.callback) return;
  const std::string& text = cond.get_ref<const ValueString&>();
  if (text.find("{{") == std::string::npos && text.find("{%") == std::string::npos &&
      text.find("{#") == std::string::npos)
    return;
  ctx.callback->warning("conditional statements should not include jinja2 templating delimiters such as {{ }} or "
                        "{% %}. Found: " + text);
}

bool task_conditions_hold(const PlayContext& ctx, const Task& task, tmpl::VariableSource& vars) {
  std::vector<const std::vector<Value>*> chain;
  for (const Block* b = task.parent; b; b = b->parent) chain.push_back(&b->kw.when);
  auto holds = [&](const Value& c) {
    warn_if_templated_condition(ctx, c);
    return ctx.templar->evaluate_condition(c, vars);
  };
  // Outer conditions first, as Ansible evaluates inherited ones first.
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    for (const auto& c : **it)
      if (!holds(c)) return false;
  for (const auto& c : task.kw.when)
    if (!holds(c)) return false;
  return true;
}

void post_process_whens(const PlayContext& ctx, const inventory::Host& host, const TaskPosition& pos, Value& result) {
  const Task& task = *pos.task;
  if (task.changed_when.is_null() && task.failed_when.is_null()) return;
  HostRuntime& rt = ctx.runtime(host.name);
  auto one = [&](Value& r, Value layer) {
    if (!r.is_object() || (r.contains("skipped") && truthy(r["skipped"]))) return;
    if (!task.register_as.empty()) layer[task.register_as] = registered_value(r);
    TaskVars raw;
    stack_task_vars(raw, ctx, host, rt, pos, &layer);
    tmpl::LazyVariables vars(*ctx.templar, raw);
    LookupScope lookups(*ctx.templar, vars, task_search_path(ctx, task));
    auto holds = [&](const Value& cond) {
      if (!cond.is_array()) {
        warn_if_templated_condition(ctx, cond);
        return ctx.templar->evaluate_condition(cond, vars);
      }
      for (const auto& c : cond) {
        warn_if_templated_condition(ctx, c);
        if (!ctx.templar->evaluate_condition(c, vars)) return false;
      }
      return true;
    };
    try {
      if (!task.changed_when.is_null()) r["changed"] = holds(task.changed_when);
      if (!task.failed_when.is_null()) r["failed_when_result"] = r["failed"] = holds(task.failed_when);
    } catch (const Error&) {
    }
  };
  if (result.contains("results") && result["results"].is_array()) {
    for (auto& item : result["results"]) {
      Value layer = Value::object();
      if (item.is_object() && item.contains("ansible_loop_var")) {
        std::string loop_var = to_display_string(item["ansible_loop_var"]);
        layer[loop_var] = item.value(loop_var, Value());
        layer["ansible_loop_var"] = loop_var;
        if (item.contains("ansible_index_var")) {
          std::string index_var = to_display_string(item["ansible_index_var"]);
          layer[index_var] = item.value(index_var, Value());
        }
      }
      one(item, layer);
    }
  } else {
    one(result, Value::object());
  }
}

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

Value task_loop_control(const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt, const TaskPosition& pos) {
  const Value& lc = pos.task->loop_control;
  if (!lc.is_object()) return Value::object();
  if (lc.dump().find("{{") == std::string::npos) return lc;
  TaskVars raw;
  stack_task_vars(raw, ctx, host, rt, pos, nullptr);
  tmpl::LazyVariables vars(*ctx.templar, raw);
  // label is templated per item, with the loop variable.
  Value out = lc;
  for (auto it = out.begin(); it != out.end(); ++it)
    if (it.key() != "label") it.value() = ctx.templar->render_value(it.value(), vars);
  return out;
}

Value loop_item_vars(const Value& items, size_t i, const Value& loop_control) {
  const Value lc = loop_control.is_object() ? loop_control : Value::object();
  std::string loop_var = lc.contains("loop_var") ? to_display_string(lc["loop_var"]) : "item";
  Value lv = Value::object();
  lv[loop_var] = items[i];
  lv["ansible_loop_var"] = loop_var;
  if (lc.contains("index_var")) lv[to_display_string(lc["index_var"])] = static_cast<int64_t>(i);
  if (lc.contains("extended") && truthy(lc["extended"])) {
    int64_t n = static_cast<int64_t>(items.size());
    int64_t idx = static_cast<int64_t>(i);
    lv["ansible_loop"] = Value{{"allitems", items}, {"index", idx + 1}, {"index0", idx},
                               {"revindex", n - idx}, {"revindex0", n - idx - 1}, {"first", i == 0},
                               {"last", idx == n - 1}, {"length", n}};
    if (i > 0) lv["ansible_loop"]["previtem"] = items[i - 1];
    if (idx < n - 1) lv["ansible_loop"]["nextitem"] = items[i + 1];
    if (lc.contains("extended_allitems") && !truthy(lc["extended_allitems"])) lv["ansible_loop"].erase("allitems");
  }
  return lv;
}

Value play_magic_vars(const Play& play, const Config& config) {
  std::set<const Role*> deps;
  std::function<void(const Role*)> add_deps = [&](const Role* r) {
    for (const Role* d : r->dependencies)
      if (deps.insert(d).second) add_deps(d);
  };
  for (const Role* r : play.roles) add_deps(r);
  Value play_names = Value::array(), dep_names = Value::array(), all_names = Value::array();
  auto add_unique = [](Value& list, const std::string& n) {
    if (std::find(list.begin(), list.end(), Value(n)) == list.end()) list.push_back(n);
  };
  for (const Role* r : play.roles) {
    if (deps.count(r)) continue;
    play_names.push_back(r->name);
    add_unique(all_names, r->name);
  }
  for (const Role* d : deps) {
    add_unique(dep_names, d->name);
    add_unique(all_names, d->name);
  }
  Value m = Value::object();
  m["role_names"] = play_names;
  m["ansible_play_role_names"] = play_names;
  m["ansible_dependent_role_names"] = dep_names;
  m["ansible_role_names"] = all_names;
  // The Python that runs ansible-playbook: here the controller's python3.
  m["ansible_playbook_python"] = controller_python();
  if (!config.file().empty()) m["ansible_config_file"] = std::filesystem::absolute(config.file()).string();
  else m["ansible_config_file"] = Value();
  return m;
}

// The host's connection_fallback_vars for the task's connection and
// remote_user keywords (a templated keyword counts as unset here), kept
// while the keywords stay the same.
const Value& connection_fallback(const PlayContext& ctx, const Task& task, const inventory::Host& host, HostRuntime& rt) {
  ConnectionOptions copts = ctx.options->connection;
  std::string key;
  for (auto [m, field] : {std::pair{&Keywords::connection, &copts.connection}, {&Keywords::remote_user, &copts.remote_user}}) {
    const Value& v = task.inherited(m);
    if (v.is_string() && v.get_ref<const ValueString&>().find("{{") == std::string::npos) *field = v.get<std::string>();
    key += (*field).value_or("") + '\n';
  }
  if (rt.connection_fallback.is_null() || rt.connection_fallback_key != key) {
    rt.connection_fallback = connection_fallback_vars(host.name, copts, *ctx.config);
    rt.connection_fallback_key = key;
  }
  return rt.connection_fallback;
}

void stack_task_vars(TaskVars& vars, const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt,
                     const TaskPosition& pos, const Value* loop_vars) {
  const Task& task = *pos.task;
  const Play& play = *ctx.play;
  // Magic variables.
  vars.set_magic("inventory_hostname", host.name);
  vars.set_magic("inventory_hostname_short", split(host.name, '.')[0]);
  vars.set_magic("group_names", ctx.inventory->group_names(host));
  if (ctx.groups) vars.set_magic_ref("groups", ctx.groups);
  if (ctx.hostvars) vars.set_magic_ref("hostvars", ctx.hostvars);
  if (ctx.play_hosts) vars.set_magic_ref("ansible_play_hosts", ctx.play_hosts);
  if (ctx.play_hosts_all) vars.set_magic_ref("ansible_play_hosts_all", ctx.play_hosts_all);
  if (ctx.play_batch) {
    // play_hosts is the deprecated name of ansible_play_batch.
    vars.set_magic_ref("ansible_play_batch", ctx.play_batch);
    vars.set_magic_ref("play_hosts", ctx.play_batch);
  }
  vars.set_magic_ref("ansible_facts", &rt.facts);
  vars.set_magic("playbook_dir", play.playbook_dir);
  vars.set_magic("ansible_play_name", play.name);
  vars.set_magic("ansible_check_mode", ctx.options->check_mode);
  vars.set_magic("ansible_diff_mode", ctx.options->diff_mode);
  vars.set_magic("ansible_verbosity", ctx.options->verbosity);
  vars.set_magic("ansible_forks", ctx.options->forks);
  vars.set_magic("omit", tmpl::omit_placeholder());
  vars.set_magic("ansible_version", Value{{"full", "2.14.18"}, {"major", 2}, {"minor", 14}, {"revision", 18},
                                          {"string", "2.14.18"}});
  Value run_tags = Value::array(), skip_tags = Value::array();
  for (auto& t : ctx.options->tags.only) run_tags.push_back(t);
  for (auto& t : ctx.options->tags.skip) skip_tags.push_back(t);
  vars.set_magic("ansible_run_tags", run_tags);
  vars.set_magic("ansible_skip_tags", skip_tags);
  if (!ctx.options->limit.empty()) vars.set_magic("ansible_limit", ctx.options->limit);
  if (ctx.play_magic)
    for (auto it = ctx.play_magic->begin(); it != ctx.play_magic->end(); ++it) vars.set_magic_ref(it.key(), &it.value());
  std::vector<const Role*> roles = role_chain(task);
  {
    // ansible_search_path: the roles' directories, innermost first, the
    // task file's, the playbook's, each once.
    Value search = Value::array();
    for (const auto& dir : task_search_path(ctx, task))
      if (std::find(search.begin(), search.end(), Value(dir)) == search.end()) search.push_back(dir);
    vars.set_magic("ansible_search_path", std::move(search));
  }
  if (!roles.empty()) {
    // role_name is a collection's role's own name; ansible_role_name its FQCN.
    const Role& r = *roles[0];
    vars.set_magic("role_name", r.collection.empty() ? r.name : r.name.substr(r.collection.size() + 1));
    vars.set_magic("role_path", roles[0]->path);
    vars.set_magic("ansible_role_name", roles[0]->name);
    // A role included or imported by another role knows its parents,
    // innermost first (IncludeRole.get_include_params); a dependency does
    // not.
    Value parent_names = Value::array(), parent_paths = Value::array();
    for (size_t i = 0; i + 1 < roles.size(); ++i) {
      const auto& deps = roles[i + 1]->dependencies;
      if (std::find(deps.begin(), deps.end(), roles[i]) != deps.end()) break;
      parent_names.push_back(roles[i + 1]->name);
      parent_paths.push_back(roles[i + 1]->path);
    }
    if (!parent_names.empty()) {
      vars.set_magic("ansible_parent_role_names", std::move(parent_names));
      vars.set_magic("ansible_parent_role_paths", std::move(parent_paths));
    }
  }
  // Layers, highest precedence first.
  vars.push_layer(loop_vars);
  vars.push_layer(&ctx.options->extra_vars);
  for (auto it = pos.include_vars.rbegin(); it != pos.include_vars.rend(); ++it) vars.push_layer(*it);
  for (const Block* b = task.parent; b && b != play.scope.get(); b = b->parent)
    if (!b->include_params.empty()) vars.push_layer(&b->include_params);
  for (const Role* r : roles) vars.push_layer(&r->params);
  vars.push_layer(&rt.set_facts);
  vars.push_layer(&rt.include_vars);
  vars.push_layer(&task.kw.vars);
  for (const Block* b = task.parent; b && b != play.scope.get(); b = b->parent) vars.push_layer(&b->kw.vars);
  for (const Role* r : roles) vars.push_layer(&r->vars);
  // Every play role's vars (its entry's vars: and vars/main) are play-wide
  // below the task's own role chain, later roles winning (Ansible 2.14 with
  // DEFAULT_PRIVATE_ROLE_VARS off: imported roles count too).
  for (auto r = play.roles.rbegin(); r != play.roles.rend(); ++r) vars.push_layer(&(*r)->vars);
  if (ctx.play_vars_files) vars.push_layer(ctx.play_vars_files);
  vars.push_layer(&play.scope->kw.vars);
  vars.push_layer(&rt.fact_vars);
  vars.push_layer(&rt.inventory_vars);
  for (const Role* r : roles) vars.push_layer(&r->defaults);
  // Defaults of the play's other roles are visible too (Ansible exposes
  // every role's defaults to the play).
  for (auto r = play.roles.rbegin(); r != play.roles.rend(); ++r) vars.push_layer(&(*r)->defaults);
  vars.set_fallback(&connection_fallback(ctx, task, host, rt));
}

LoopItems task_loop_items(const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt,
                          const TaskPosition& pos) {
  const Task& task = *pos.task;
  TaskVars raw;
  stack_task_vars(raw, ctx, host, rt, pos, nullptr);
  tmpl::LazyVariables vars(*ctx.templar, raw);
  LookupScope lookups(*ctx.templar, vars, task_search_path(ctx, task));
  UnsafeWatch watch(vars);
  Value terms = ctx.templar->render_value(task.loop, watch);
  bool with = !task.loop_with.empty();
  if (with && terms.is_string() && task.loop_with != "sequence" && task.loop_with != "fileglob")
    terms = Value::array({terms});
  // with_<lookup> beyond the loop kinds: the lookup plugin's list.
  static const std::set<std::string> loop_kinds = {"",       "items",    "list",   "indexed_items", "dict",
                                                   "together", "nested", "cartesian", "subelements", "sequence",
                                                   "fileglob"};
  LoopItems out;
  out.shown = loop_kinds.count(task.loop_with) ? loop_items(task.loop_with, terms, task_search_path(ctx, task))
                                               : query_lookup(*ctx.templar, task.loop_with, terms);
  // TaskExecutor._get_loop_items: with_* wraps the lookup's answer, loop:
  // is as its template left it.
  if (with || watch.seen()) out.unsafe = unsafe_value(out.shown);
  return out;
}

Value registered_value(const Value& result) {
  if (!result.is_object()) return result;
  Value out = Value::object();
  for (auto it = result.begin(); it != result.end(); ++it) {
    const std::string& k = it.key();
    if (k == "invocation" || k.rfind("_ansible_", 0) == 0) continue;
    if (k == "results" && it.value().is_array()) {
      Value items = Value::array();
      for (const auto& item : it.value()) {
        Value clean = Value::object();
        if (item.is_object()) {
          for (auto e = item.begin(); e != item.end(); ++e)
            if (e.key() != "invocation" && (e.key().rfind("_ansible_", 0) != 0 || e.key() == "_ansible_item_label" ||
                                            e.key() == "_ansible_no_log"))
              clean[e.key()] = e.value();
        } else {
          clean = item;
        }
        items.push_back(clean);
      }
      out[k] = items;
      continue;
    }
    out[k] = it.value();
  }
  return out;
}

namespace {

// A run's notify names: Ansible templates `notify` with the task's
// variables (the loop item's too), and a name that templates to a list
// notifies each name in it. A name that cannot be templated stays as written.
void add_notify_names(const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt, const TaskPosition& pos,
                      const Value* loop_vars, std::vector<std::string>& out) {
  const auto& notify = pos.task->notify;
  auto add = [&](const std::string& n) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  auto is_template = [](const std::string& n) {
    return n.find("{{") != std::string::npos || n.find("{%") != std::string::npos;
  };
  if (std::none_of(notify.begin(), notify.end(), is_template)) {
    for (const auto& n : notify) add(n);
    return;
  }
  TaskVars raw;
  stack_task_vars(raw, ctx, host, rt, pos, loop_vars);
  tmpl::LazyVariables vars(*ctx.templar, raw);
  for (const auto& n : notify) {
    if (!is_template(n)) {
      add(n);
      continue;
    }
    try {
      Value v = ctx.templar->render_value(Value(n), vars);
      if (v.is_array()) {
        for (const auto& e : v) add(to_display_string(e));
      } else {
        add(to_display_string(v));
      }
    } catch (const Error&) {
      add(n);
    }
  }
}

}  // namespace

TaskOutcome execute_task(const PlayContext& ctx, const inventory::Host& host, const TaskPosition& pos,
                         const TaskInfo& info) {
  const Task& task = *pos.task;
  HostRuntime& rt = ctx.runtime(host.name);
  TaskOutcome out;
  try {
    if (task.loop.is_null()) {
      if (!task.notify.empty()) add_notify_names(ctx, host, rt, pos, nullptr, out.notify);
      ItemRun run(ctx, host, rt, pos, info, Value());
      out.result = run.run(out.delegated_to);
    } else {
      LoopItems items;
      try {
        items = task_loop_items(ctx, host, rt, pos);
      } catch (const tmpl::TemplateError& e) {
        // A loop that cannot be templated fails only a task whose
        // condition holds (Ansible's _loop_eval_error).
        TaskVars raw;
        stack_task_vars(raw, ctx, host, rt, pos, nullptr);
        tmpl::LazyVariables vars(*ctx.templar, raw);
        bool holds = true;
        try {
          holds = task_conditions_hold(ctx, task, vars);
        } catch (const Error&) {
        }
        if (holds) throw Error(undefined_detail(e));
        out.result = skipped_result();
        out.status = HostStatus::skipped;
        return out;
      }
      // set_fact and include_vars in a loop: each item sees the variables
      // the items before it set (Ansible's _run_loop updates its variables).
      bool carries_facts = task.is(ActionKind::set_fact) || task.is(ActionKind::include_vars);
      Value carried = Value::object();
      Value lc = task_loop_control(ctx, host, rt, pos);
      std::string loop_var = lc.contains("loop_var") ? to_display_string(lc["loop_var"]) : "item";
      std::string index_var = lc.contains("index_var") ? to_display_string(lc["index_var"]) : "";
      bool extended = lc.contains("extended") && truthy(lc["extended"]);
      double pause = lc.contains("pause") ? std::stod(to_display_string(lc["pause"])) : 0;
      Value results = Value::array();
      for (size_t i = 0; i < items.size(); ++i) {
        if (ctx.options->cancelled()) break;
        if (i > 0 && pause > 0 && !sleep_unless_cancelled(*ctx.options, pause)) break;
        Value lv = carried;
        Value item_vars = loop_item_vars(items.for_vars(), i, lc);
        for (auto it = item_vars.begin(); it != item_vars.end(); ++it) lv[it.key()] = it.value();
        if (!task.notify.empty()) add_notify_names(ctx, host, rt, pos, &lv, out.notify);
        ItemRun run(ctx, host, rt, pos, info, lv);
        std::string delegated;
        Value r;
        try {
          r = run.run(delegated);
        } catch (const UnreachableError&) {
          throw;
        } catch (const Error& e) {
          r = Value{{"failed", true}, {"msg", e.message()}};
        }
        out.delegated_to = delegated;
        if (carries_facts && r.contains("ansible_facts") && r["ansible_facts"].is_object())
          for (auto it = r["ansible_facts"].begin(); it != r["ansible_facts"].end(); ++it)
            carried[it.key()] = it.value();
        r[loop_var] = items.shown[i];
        r["ansible_loop_var"] = loop_var;
        if (!index_var.empty()) {
          r[index_var] = static_cast<int64_t>(i);
          r["ansible_index_var"] = index_var;
        }
        if (extended)
          r["ansible_loop"] = items.unsafe.is_null() ? lv["ansible_loop"]
                                                     : loop_item_vars(items.shown, i, lc)["ansible_loop"];
        // Every item has a label: loop_control.label, else the loop
        // variable (Ansible 2.14 templates '{{ <loop_var> }}').
        {
          Value label = lc.contains("label") && !lc["label"].is_null() ? lc["label"] : Value("{{" + loop_var + "}}");
          TaskVars lraw;
          stack_task_vars(lraw, ctx, host, rt, pos, &lv);
          tmpl::LazyVariables lvars(*ctx.templar, lraw);
          try {
            r["_ansible_item_label"] = ctx.templar->render_value(label, lvars);
          } catch (const Error& e) {
            r["failed"] = true;
            r["msg"] = "Failed to template loop_control.label: " + e.message();
          }
        }
        TaskEvent ev;
        ev.task = &info;
        ev.host = host.name;
        ev.delegated_to = delegated;
        ev.result = r;
        ev.status = status_of(r);
        ev.is_item = true;
        ctx.callback->item_result(ev);
        results.push_back(std::move(r));
      }
      Value res = Value::object();
      if (items.size() == 0) {
        res = Value{{"changed", false}, {"skipped", true}, {"skipped_reason", "No items in the list"},
                    {"results", Value::array()}};
      } else {
        res["results"] = results;
        bool skipped = true, changed = false, failed = false;
        for (const auto& r : results) {
          if (r.contains("changed") && truthy(r["changed"])) changed = true;
          if (!(r.contains("skipped") && truthy(r["skipped"]))) skipped = false;
          if (r.contains("failed") && truthy(r["failed"])) failed = true;
        }
        res["skipped"] = skipped;
        if (changed) res["changed"] = true;
        if (failed) {
          res["failed"] = true;
          res["msg"] = "One or more items failed";
        } else {
          res["msg"] = skipped ? "All items skipped" : "All items completed";
        }
        if (!res.contains("changed")) res["changed"] = false;
      }
      out.result = std::move(res);
    }
  } catch (const UnreachableError& e) {
    out.result = Value{{"unreachable", true}, {"msg", e.message()}, {"changed", false}};
  } catch (const Error& e) {
    out.result = Value{{"failed", true}, {"msg", e.message()}};
  } catch (const std::exception& e) {
    out.result = Value{{"failed", true}, {"msg", std::string("unexpected error: ") + e.what()}};
  }
  // Ansible checks the register name once the action ran (a skipped task's
  // register fails the playbook: apply_outcome).
  if (!task.register_as.empty() && !is_identifier(task.register_as) &&
      !(out.result.contains("skipped") && truthy(out.result["skipped"])) && !out.result.contains("unreachable"))
    out.result = Value{{"failed", true},
                       {"msg", "Invalid variable name in 'register' specified: '" + task.register_as + "'"}};
  out.status = status_of(out.result);
  if (out.status == HostStatus::failed || out.status == HostStatus::unreachable) {
    try {
      TaskVars raw;
      stack_task_vars(raw, ctx, host, rt, pos, nullptr);
      tmpl::LazyVariables vars(*ctx.templar, raw);
      if (out.status == HostStatus::failed)
        out.ignored = bool_keyword(task, &Keywords::ignore_errors, *ctx.templar, vars, false);
      else
        out.ignored = bool_keyword(task, &Keywords::ignore_unreachable, *ctx.templar, vars, false);
    } catch (const Error&) {
    }
  }
  return out;
}

}  // namespace drover
