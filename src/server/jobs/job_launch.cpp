#include "server/jobs/job_launch.hpp"

#include <filesystem>

#include "engine/adhoc.hpp"
#include "engine/config.hpp"
#include "server/jobs/job_template.hpp"
#include "server/jobs/launch_checks.hpp"
#include "store/audit.hpp"

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
    check_launch_overrides(template_prompts(ctx.store.db(), template_id).value_or(std::set<std::string>{}),
                           overrides);
    return merge_job_spec(*base, narrow_launch_limit(ctx.store.db(), template_id, overrides));
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
