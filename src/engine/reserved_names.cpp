#include "engine/reserved_names.hpp"

#include <algorithm>
#include <set>

namespace drover {
namespace {

// get_reserved_names() of Play, Role, Block and Task, and the Templar's
// environment globals, as ansible-core 2.14 lists them.
constexpr std::string_view kReserved[] = {
    "action", "always", "any_errors_fatal", "args", "async", "async_val", "become", "become_exe",
    "become_flags", "become_method", "become_user", "block", "changed_when", "check_mode",
    "collections", "connection", "debugger", "delay", "delegate_facts", "delegate_to", "diff",
    "environment", "fact_path", "failed_when", "force_handlers", "gather_facts", "gather_subset",
    "gather_timeout", "handlers", "hosts", "ignore_errors", "ignore_unreachable", "local_action",
    "loop", "loop_control", "loop_with", "max_fail_percentage", "module_defaults", "name", "no_log",
    "notify", "order", "poll", "port", "post_tasks", "pre_tasks", "register", "remote_user",
    "rescue", "retries", "roles", "run_once", "serial", "strategy", "tags", "tasks", "throttle",
    "timeout", "until", "vars", "vars_files", "vars_prompt", "when", "with_",
    // Jinja2's and Ansible's template globals.
    "cycler", "dict", "joiner", "lipsum", "lookup", "namespace", "now", "q", "query", "range",
    "undef"};

void add_names(const Value& vars, std::set<std::string>& names) {
  if (!vars.is_object()) return;
  for (auto it = vars.begin(); it != vars.end(); ++it) names.insert(it.key());
}

// Role.get_default_vars() and get_vars(): the role's and its dependencies'.
void add_role_names(const Role& role, std::set<std::string>& names, std::set<const Role*>& seen) {
  if (!seen.insert(&role).second) return;
  for (const Role* dep : role.dependencies) add_role_names(*dep, names, seen);
  add_names(role.defaults, names);
  add_names(role.vars, names);
}

}  // namespace

bool is_reserved_variable_name(std::string_view name) {
  return std::find(std::begin(kReserved), std::end(kReserved), name) != std::end(kReserved);
}

std::vector<std::string> reserved_name_warnings(const Play& play, const Value& vars_files,
                                                const Value& extra_vars) {
  std::set<std::string> names;
  std::set<const Role*> seen;
  for (const Role* r : play.roles) add_role_names(*r, names, seen);
  add_names(play.scope ? play.scope->kw.vars : Value(), names);
  add_names(vars_files, names);
  add_names(extra_vars, names);
  std::vector<std::string> out;
  for (const auto& n : names)
    if (n != "vars" && is_reserved_variable_name(n))
      out.push_back("Found variable using reserved name: " + n);
  return out;
}

}  // namespace drover
