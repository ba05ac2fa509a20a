#include "server/jobs/launch_checks.hpp"

#include <filesystem>

#include "server/api_error.hpp"
#include "server/jobs/job_template.hpp"
#include "server/project_paths.hpp"

namespace drover::server {
namespace {

void check_credential_use(ServerContext& ctx, const JobSpec& spec, const Principal& who) {
  if (!spec.credential_id) return;
  auto allowed = may_use_credential(ctx.store.db(), *spec.credential_id, who);
  if (!allowed)
    throw ApiError(400, "bad_value", "no credential " + std::to_string(*spec.credential_id),
                   {{"field", "credential_id"}});
  if (!*allowed)
    throw ApiError::forbidden("user '" + who.username + "' may not use credential " +
                              std::to_string(*spec.credential_id) +
                              " (its owner, allowed_users or allowed_roles)");
}

[[noreturn]] void refuse(const std::string& field, const std::string& why) {
  throw ApiError(400, "bad_value", why, {{"field", field}});
}

void check_project_paths(ServerContext& ctx, const JobSpec& spec) {
  if (spec.kind != JobSpec::Kind::playbook) return;
  auto roots = allowed_project_roots(ctx.options);
  roots.push_back(git_checkout_root(ctx.options));
  std::error_code ec;
  if (spec.project_dir.empty()) {
    std::filesystem::path book = std::filesystem::canonical(spec.playbook, ec);
    if (ec) return;  // the submit's precheck says that it does not exist
    if (!resolve_under(book.parent_path().string(), roots))
      refuse("playbook", "playbook " + spec.playbook + " is not under an allowed project root");
    return;
  }
  auto project = resolve_under(spec.project_dir, roots);
  if (!project)
    refuse("project_dir",
           "project " + spec.project_dir + " is not a directory under an allowed project root");
  std::string path = spec.playbook;
  if (!path.empty() && path[0] != '/') path = *project + "/" + path;
  std::filesystem::path book = std::filesystem::canonical(path, ec);
  if (!ec && !is_inside(book.string(), *project))
    refuse("playbook", "playbook " + spec.playbook + " leads outside its project");
  std::string link;
  try {
    link = find_escaping_symlink(*project);
  } catch (const Error& e) {
    refuse("project_dir", e.what());
  }
  if (!link.empty())
    refuse("project_dir", "the project has a symlink that leaves it (" + link + ")");
}

}  // namespace

void check_job_launch(ServerContext& ctx, const JobSpec& spec, const Principal& who) {
  if (spec.kind == JobSpec::Kind::sync)
    throw ApiError(400, "bad_request", "a project is synced with POST /api/v1/projects/{id}/sync",
                   {{"field", "kind"}});
  check_credential_use(ctx, spec, who);
  check_project_paths(ctx, spec);
}

}  // namespace drover::server
