#include "server/jobs/launch_checks.hpp"

#include <filesystem>
#include <map>

#include "server/api_error.hpp"
#include "server/jobs/job_template.hpp"
#include "server/project_paths.hpp"

namespace drover::server {
namespace {

void check_credential_use(ServerContext& ctx, int64_t id, const char* field, const Principal& who) {
  auto allowed = may_use_credential(ctx.store.db(), id, who);
  if (!allowed) throw ApiError(400, "bad_value", "no credential " + std::to_string(id), {{"field", field}});
  if (!*allowed)
    throw ApiError::forbidden("user '" + who.username + "' may not use credential " + std::to_string(id) +
                              " (its owner, allowed_users or allowed_roles)");
}

void check_credential_use(ServerContext& ctx, const JobSpec& spec, const Principal& who) {
  if (spec.credential_id) check_credential_use(ctx, *spec.credential_id, "credential_id", who);
  for (int64_t id : spec.vault_credential_ids) check_credential_use(ctx, id, "vault_credential_ids", who);
  check_credential_kinds(ctx.store.db(), spec.credential_id, spec.vault_credential_ids);
}

[[noreturn]] void refuse(const std::string& field, const std::string& why) {
  throw ApiError(400, "bad_value", why, {{"field", field}});
}

void check_project_paths(ServerContext& ctx, const JobSpec& spec) {
  if (spec.kind != JobSpec::Kind::playbook) return;
  std::error_code ec;
  if (spec.project_dir.empty()) {
    std::filesystem::path book = std::filesystem::canonical(spec.playbook, ec);
    if (ec) return;  // the submit's precheck says that it does not exist
    if (!resolve_project_dir(book.parent_path().string(), ctx.options, true))
      refuse("playbook", "playbook " + spec.playbook + " is not under an allowed project root");
    return;
  }
  auto project = resolve_project_dir(spec.project_dir, ctx.options, true);
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

// An inventory source that is a file (not a host list "a,b," nor an
// http(s) URL) stays inside the job's project when relative, under a
// project root when absolute; a CMDB source ("drover:DIR") is this
// server's own data directory.
void check_inventory_sources(ServerContext& ctx, const JobSpec& spec) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& src : spec.inventory) {
    if (src.find(',') != std::string::npos || src.rfind("http://", 0) == 0 ||
        src.rfind("https://", 0) == 0)
      continue;
    if (src.rfind("drover:", 0) == 0) {
      fs::path asked = fs::weakly_canonical(src.substr(7), ec);
      if (ec || asked != fs::weakly_canonical(ctx.options.data_dir, ec))
        refuse("inventory", "a drover: inventory source must be this server's own data directory");
      continue;
    }
    if (!src.empty() && src[0] == '/') {
      if (!is_allowed_project_file(src, ctx.options))
        refuse("inventory", "inventory " + src + " is not under an allowed project root");
      continue;
    }
    if (spec.project_dir.empty())
      refuse("inventory",
             "inventory " + src + " is a relative path and the job has no project_dir");
    auto project = fs::weakly_canonical(spec.project_dir, ec);
    std::string real = fs::weakly_canonical(fs::path(spec.project_dir) / src, ec).string();
    if (ec || !is_inside(real, project.string()))
      refuse("inventory", "inventory " + src + " leads outside its project");
  }
}

}  // namespace

void check_credential_kinds(store::Database& db, std::optional<int64_t> credential_id,
                            const std::vector<int64_t>& vault_credential_ids) {
  auto kind_of = [&db](int64_t id, const char* field) {
    auto k = credential_kind(db, id);
    if (!k) throw ApiError(400, "bad_value", "no credential " + std::to_string(id), {{"field", field}});
    return *k;
  };
  if (credential_id && kind_of(*credential_id, "credential_id").kind == "vault")
    refuse("credential_id", "credential " + std::to_string(*credential_id) +
                                " is a vault credential: name it in vault_credential_ids");
  std::map<std::string, int64_t> by_vault_id;
  for (int64_t id : vault_credential_ids) {
    CredentialKind k = kind_of(id, "vault_credential_ids");
    if (k.kind != "vault")
      refuse("vault_credential_ids", "credential " + std::to_string(id) + " is of kind " + k.kind + ", not vault");
    std::string label = k.vault_id.empty() ? "default" : k.vault_id;
    auto [it, fresh] = by_vault_id.emplace(label, id);
    if (!fresh)
      refuse("vault_credential_ids", "credentials " + std::to_string(it->second) + " and " + std::to_string(id) +
                                         " have the same vault id '" + label + "' (one vault credential per vault id)");
  }
}

void check_job_launch(ServerContext& ctx, const JobSpec& spec, const Principal& who) {
  if (spec.kind == JobSpec::Kind::sync)
    throw ApiError(400, "bad_request", "a project is synced with POST /api/v1/projects/{id}/sync",
                   {{"field", "kind"}});
  check_credential_use(ctx, spec, who);
  check_project_paths(ctx, spec);
  check_inventory_sources(ctx, spec);
}

}  // namespace drover::server
