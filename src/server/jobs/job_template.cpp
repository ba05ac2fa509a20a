#include "server/jobs/job_template.hpp"

#include "server/credential_vault.hpp"

namespace drover::server {
namespace {

// {"role": "cache", "tag": "edge"} -> "role_cache:&edge"
std::string query_limit(const Value& query) {
  std::string pattern;
  for (auto it = query.begin(); it != query.end(); ++it) {
    if (!it.value().is_string()) continue;
    std::string group = it.key() == "tag" ? it.value().get<std::string>() : it.key() + "_" + it.value().get<std::string>();
    pattern += pattern.empty() ? group : ":&" + group;
  }
  return pattern;
}

}  // namespace

std::optional<JobSpec> template_job_spec(store::Database& db, int64_t template_id, const std::string& data_dir) {
  return db.read([&](store::Connection& c) -> std::optional<JobSpec> {
    auto s = c.prepare(
        "SELECT t.playbook, t.inventory, t.credential_id, t.extra_vars, t.forks, t.host_limit, t.tags, t.check_mode, "
        "p.path, p.kind, p.id FROM job_templates t JOIN projects p ON p.id = t.project_id WHERE t.id = ?");
    s.bind(1, template_id);
    if (!s.step()) return std::nullopt;
    // A git project is cloned into <data>/projects/<id> (docs/SERVER.md).
    std::string project_dir = s.text(8);
    if (s.text(9) == "git" && project_dir.empty())
      project_dir = data_dir + "/projects/" + std::to_string(s.integer(10));
    Value spec = {{"kind", "playbook"}, {"playbook", s.text(0)}, {"project_dir", project_dir}};
    Value inv = Value::parse(s.text(1).empty() ? "{}" : s.text(1), nullptr, false);
    if (inv.is_object()) {
      if (inv.contains("sources")) spec["inventory"] = inv["sources"];
      if (inv.contains("file")) spec["inventory"] = Value::array({inv["file"]});
      if (inv.contains("text")) spec["inventory_text"] = inv["text"];
      if (inv.contains("query") && inv["query"].is_object()) {
        spec["inventory"] = Value::array({"drover:" + data_dir});
        spec["limit"] = query_limit(inv["query"]);
      }
    }
    if (auto cred = s.optional_integer(2)) spec["credential_id"] = *cred;
    spec["extra_vars"] = Value::parse(s.text(3).empty() ? "{}" : s.text(3), nullptr, false);
    spec["forks"] = s.integer(4);
    if (!s.text(5).empty()) {
      std::string limit = spec.value("limit", "");
      spec["limit"] = limit.empty() ? s.text(5) : limit + ":&" + s.text(5);
    }
    if (!s.text(6).empty()) spec["tags"] = s.text(6);
    spec["check"] = s.integer(7) != 0;
    spec["template_id"] = template_id;
    return parse_job_spec(spec, true);
  });
}

JobSecrets credential_secrets(store::Database& db, const CredentialVault& vault, int64_t credential_id) {
  struct Row {
    std::string kind, username, secret;
  };
  auto row = db.read([&](store::Connection& c) -> std::optional<Row> {
    auto s = c.prepare("SELECT kind, username, secret FROM credentials WHERE id = ?");
    s.bind(1, credential_id);
    if (!s.step()) return std::nullopt;
    return Row{s.text(0), s.text(1), s.text(2)};
  });
  if (!row) throw Error("credential " + std::to_string(credential_id) + " does not exist");
  JobSecrets out;
  std::string secret;
  try {
    secret = vault.open(row->secret);
  } catch (const Error& e) {
    throw Error("credential " + std::to_string(credential_id) + " cannot be opened: " + e.message());
  }
  if (!row->username.empty()) out.remote_user = row->username;
  if (row->kind == "ssh_key")
    out.ssh_private_key = std::move(secret);
  else if (row->kind == "password")
    out.password = std::move(secret);
  else
    out.become_password = std::move(secret);
  return out;
}

}  // namespace drover::server
