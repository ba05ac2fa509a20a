#include "server/jobs/job_launch.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/adhoc.hpp"
#include "engine/config.hpp"
#include "inventory/inventory.hpp"
#include "server/credential_vault.hpp"
#include "server/jobs/job_template.hpp"
#include "server/jobs/launch_checks.hpp"
#include "server/jobs/launch_form.hpp"
#include "store/audit.hpp"
#include "store/cmdb_inventory.hpp"

namespace drover::server {
namespace {

// Checks what can be checked without running: the module and its
// arguments, the playbook file. Cheap, so that submission stays fast.
void precheck(const JobSpec& spec) {
  if (spec.kind == JobSpec::Kind::adhoc) {
    std::string args = spec.args;
    if (args.find_first_not_of(" \t\r\n") != std::string::npos && args[args.find_first_not_of(" \t\r\n")] == '{')
      return;  // JSON arguments are checked by the loader when the job runs
    try {
      // Modules of the collections and the ansible-core the server sees too
      // (the job's own ansible.cfg may add library paths when it runs).
      std::string dir = spec.project_dir.empty() ? "." : spec.project_dir;
      parse_adhoc_args(spec.module, spec.args, AdhocModules::for_run(Config::load_from("", {}), dir));
    } catch (const Error& e) {
      throw ApiError::bad_request(e.what(), {{"field", "module"}});
    }
    return;
  }
  std::string path = spec.playbook;
  if (!path.empty() && path[0] != '/' && !spec.project_dir.empty()) path = spec.project_dir + "/" + path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ApiError::bad_request("playbook " + path + " does not exist", {{"field", "playbook"}});
}

std::vector<FormQuestion> read_launch_form(store::Database& db, int64_t template_id) {
  return parse_stored_form(db.read([&](store::Connection& c) {
    auto s = c.prepare("SELECT launch_form FROM job_templates WHERE id = ?");
    s.bind(1, template_id);
    return s.step() ? s.text(0) : std::string();
  }));
}

// The CMDB's answer to a `hosts` question: "" when the pattern matches.
std::string cmdb_hosts_match(ServerContext& ctx, const std::string& pattern) {
  inventory::Inventory inv;
  store::load_cmdb_inventory(inv, ctx.store.db());
  std::vector<std::string> warnings;
  std::vector<const inventory::Host*> hosts;
  try {
    hosts = inv.select(pattern, {}, &warnings);
  } catch (const Error& e) {
    return "host pattern '" + pattern + "': " + e.message();
  }
  if (!warnings.empty() || hosts.empty()) return "host pattern '" + pattern + "' does not match hosts of the CMDB";
  return "";
}

// The launch's extra vars as the form sees them: only its questions may be
// answered unless the template prompts for variables; the answers are
// checked, the defaults filled in, the passwords sealed.
Value answer_form(ServerContext& ctx, const std::vector<FormQuestion>& form, const std::set<std::string>& prompts,
                  const JobSpec& base, Value& overrides) {
  Value given = overrides.is_object() && overrides.contains("extra_vars") ? overrides["extra_vars"] : Value(nullptr);
  if (!given.is_null() && !given.is_object())
    throw ApiError(400, "wrong_type", "extra_vars: expected an object", {{"field", "extra_vars"}});
  bool free_vars = prompts.count("ask_variables_on_launch") > 0;
  Value extra = base.extra_vars;
  if (given.is_object())
    for (auto it = given.begin(); it != given.end(); ++it) {
      bool asked = std::any_of(form.begin(), form.end(), [&](const FormQuestion& q) { return q.variable == it.key(); });
      if (!asked && !free_vars)
        throw ApiError(400, "bad_request",
                       "extra_vars." + it.key() +
                           ": not a question of the template's launch form, and the template does not prompt for "
                           "variables (ask_variables_on_launch)",
                       {{"field", "extra_vars." + it.key()}});
      if (!asked) extra[it.key()] = *it;
    }
  auto hosts_match = [&](const std::string& pattern) { return cmdb_hosts_match(ctx, pattern); };
  FormAnswers answers;
  try {
    answers = answer_launch_form(form, given, hosts_match);
  } catch (const LaunchFormError& e) {
    throw ApiError(400, "bad_value", e.what(), {{"field", e.field()}});
  }
  for (auto it = answers.vars.begin(); it != answers.vars.end(); ++it) extra[it.key()] = *it;
  Value sealed = answers.sealed;
  for (auto it = answers.passwords.begin(); it != answers.passwords.end(); ++it)
    sealed[it.key()] = ctx.vault.seal(it->get<std::string>());
  overrides.erase("extra_vars");
  return {{"extra_vars", extra}, {"sealed_vars", sealed}};
}

}  // namespace

ApiError spec_error(const JobSpecError& e) {
  Value details = Value::object();
  if (!e.field().empty()) details["field"] = e.field();
  return ApiError(400, e.code(), e.what(), details);
}

JobSpec template_launch_spec(ServerContext& ctx, int64_t template_id, const Value& overrides) {
  try {
    auto base = template_job_spec(ctx.store.db(), template_id, ctx.options.data_dir);
    if (!base) throw ApiError::not_found("no template " + std::to_string(template_id));
    if (overrides.is_object() && overrides.contains("sealed_vars"))
      throw JobSpecError("unknown_field", "sealed_vars", "unknown field");
    auto prompts = template_prompts(ctx.store.db(), template_id).value_or(std::set<std::string>{});
    auto form = read_launch_form(ctx.store.db(), template_id);
    if (form.empty()) {
      check_launch_overrides(prompts, overrides);
      return merge_job_spec(*base, narrow_launch_limit(ctx.store.db(), template_id, overrides));
    }
    Value rest = overrides;
    Value vars = answer_form(ctx, form, prompts, *base, rest);
    check_launch_overrides(prompts, rest);
    JobSpec spec = merge_job_spec(*base, narrow_launch_limit(ctx.store.db(), template_id, rest));
    spec.extra_vars = vars["extra_vars"];
    spec.sealed_vars = vars["sealed_vars"];
    return spec;
  } catch (const JobSpecError& e) {
    throw spec_error(e);
  }
}

JobSpec template_workflow_spec(ServerContext& ctx, int64_t template_id, const Value& vars, const std::string& limit) {
  try {
    auto base = template_job_spec(ctx.store.db(), template_id, ctx.options.data_dir);
    if (!base) throw ApiError::not_found("no template " + std::to_string(template_id));
    JobSpec spec = *base;
    auto form = read_launch_form(ctx.store.db(), template_id);
    FormAnswers answers;
    try {
      answers = answer_launch_form(form, vars, [&](const std::string& p) { return cmdb_hosts_match(ctx, p); });
    } catch (const LaunchFormError& e) {
      throw ApiError(400, "bad_value", e.what(), {{"field", e.field()}});
    }
    for (auto it = vars.begin(); it != vars.end(); ++it)
      if (!answers.passwords.contains(it.key())) spec.extra_vars[it.key()] = *it;
    for (auto it = answers.vars.begin(); it != answers.vars.end(); ++it) spec.extra_vars[it.key()] = *it;
    spec.sealed_vars = answers.sealed;
    for (auto it = answers.passwords.begin(); it != answers.passwords.end(); ++it)
      spec.sealed_vars[it.key()] = ctx.vault.seal(it->get<std::string>());
    if (!limit.empty()) spec.limit = limit;
    return spec;
  } catch (const JobSpecError& e) {
    throw spec_error(e);
  }
}

int64_t queue_job(ServerContext& ctx, store::JobStore& jobs, const JobLaunch& launch,
                  const store::AlsoInTransaction& also) {
  const JobSpec& spec = launch.spec;
  check_job_launch(ctx, spec, launch.who);
  precheck(spec);
  const char* kind = spec.kind == JobSpec::Kind::adhoc ? "adhoc" : "playbook";
  std::optional<int64_t> user;
  if (launch.who.user_id > 0) user = launch.who.user_id;
  Value details = launch.audit_details;
  details["kind"] = kind;
  details["name"] = spec.label();
  return jobs.submit(kind, spec.template_id, spec.to_json().dump(), user,
                     [&](store::Connection& c, int64_t job_id) {
                       store::AuditEntry e;
                       e.user_id = user;
                       e.username = launch.who.username;
                       e.address = launch.address;
                       e.action = launch.action;
                       e.resource = "jobs";
                       e.resource_id = std::to_string(job_id);
                       e.details = details;
                       store::append_audit(c, e);
                       if (also) also(c, job_id);
                     });
}

}  // namespace drover::server
