#include "server/jobs/job_template.hpp"

#include <map>

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

const std::vector<std::string>& launch_prompt_flags() {
  static const std::vector<std::string> flags = {
      "ask_credential_on_launch", "ask_inventory_on_launch", "ask_variables_on_launch", "ask_limit_on_launch",
      "ask_tags_on_launch",       "ask_skip_tags_on_launch", "ask_job_type_on_launch",  "ask_diff_mode_on_launch",
      "ask_verbosity_on_launch",  "ask_forks_on_launch"};
  return flags;
}

std::string launch_prompt_flag(const std::string& field) {
  // AWX's names: job_type (run/check) is our `check`, diff_mode our `diff`,
  // job_tags our `tags`; the remote user comes with the credential.
  static const std::map<std::string, std::string> by_field = {
      {"credential_id", "ask_credential_on_launch"}, {"remote_user", "ask_credential_on_launch"},
      {"vault_credential_ids", "ask_credential_on_launch"},
      {"inventory", "ask_inventory_on_launch"},      {"inventory_text", "ask_inventory_on_launch"},
      {"extra_vars", "ask_variables_on_launch"},     {"limit", "ask_limit_on_launch"},
      {"tags", "ask_tags_on_launch"},                {"skip_tags", "ask_skip_tags_on_launch"},
      {"check", "ask_job_type_on_launch"},           {"diff", "ask_diff_mode_on_launch"},
      {"verbosity", "ask_verbosity_on_launch"},      {"forks", "ask_forks_on_launch"}};
  auto it = by_field.find(field);
  return it == by_field.end() ? "" : it->second;
}

std::optional<std::set<std::string>> template_prompts(store::Database& db, int64_t template_id) {
  std::string columns;
  for (const auto& f : launch_prompt_flags()) columns += (columns.empty() ? "" : ", ") + f;
  return db.read([&](store::Connection& c) -> std::optional<std::set<std::string>> {
    auto s = c.prepare("SELECT " + columns + " FROM job_templates WHERE id = ?");
    s.bind(1, template_id);
    if (!s.step()) return std::nullopt;
    std::set<std::string> out;
    for (size_t i = 0; i < launch_prompt_flags().size(); ++i)
      if (s.integer(static_cast<int>(i)) != 0) out.insert(launch_prompt_flags()[i]);
    return out;
  });
}

void check_launch_overrides(const std::set<std::string>& prompts, const Value& overrides) {
  if (!overrides.is_object()) return;  // merge_job_spec says what is wrong
  for (auto it = overrides.begin(); it != overrides.end(); ++it) {
    if (it->is_null()) continue;
    std::string flag = launch_prompt_flag(it.key());
    if (flag.empty()) continue;  // not a launch field: merge_job_spec refuses or names it
    if (!prompts.count(flag))
      throw JobSpecError("bad_request", it.key(),
                         "Field is not configured to prompt on launch. (the template's " + flag + " is false)");
  }
}

Value narrow_launch_limit(store::Database& db, int64_t template_id, Value overrides) {
  if (!overrides.is_object() || !overrides.contains("limit") || !overrides["limit"].is_string()) return overrides;
  if (overrides.contains("inventory") || overrides.contains("inventory_text")) return overrides;
  std::string inventory = db.read([&](store::Connection& c) {
    auto s = c.prepare("SELECT inventory FROM job_templates WHERE id = ?");
    s.bind(1, template_id);
    return s.step() ? s.text(0) : std::string();
  });
  Value inv = Value::parse(inventory.empty() ? "{}" : inventory, nullptr, false);
  if (!inv.is_object() || !inv.contains("query") || !inv["query"].is_object()) return overrides;
  std::string query = query_limit(inv["query"]);
  std::string asked = overrides["limit"].get<std::string>();
  if (!query.empty()) overrides["limit"] = asked.empty() ? query : query + ":&" + asked;
  return overrides;
}

std::optional<JobSpec> template_job_spec(store::Database& db, int64_t template_id, const std::string& data_dir) {
  return db.read([&](store::Connection& c) -> std::optional<JobSpec> {
    auto s = c.prepare(
        "SELECT t.playbook, t.inventory, t.credential_id, t.extra_vars, t.forks, t.host_limit, t.tags, t.check_mode, "
        "p.path, p.kind, p.id, t.vault_credential_ids FROM job_templates t JOIN projects p ON p.id = t.project_id "
        "WHERE t.id = ?");
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
    Value vault = Value::parse(s.text(11).empty() ? "[]" : s.text(11), nullptr, false);
    if (vault.is_array() && !vault.empty()) spec["vault_credential_ids"] = vault;
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

std::optional<bool> may_use_credential(store::Database& db, int64_t credential_id, const Principal& who) {
  return db.read([&](store::Connection& c) -> std::optional<bool> {
    auto s = c.prepare("SELECT owner_id, allowed_roles, allowed_users FROM credentials WHERE id = ?");
    s.bind(1, credential_id);
    if (!s.step()) return std::nullopt;
    if (who.role == Role::Admin) return true;
    if (s.optional_integer(0) && s.integer(0) == who.user_id) return true;
    Value roles = Value::parse(s.text(1), nullptr, false);
    Value users = Value::parse(s.text(2), nullptr, false);
    if (roles.is_array())
      for (const auto& r : roles)
        if (r.is_string() && r.get<std::string>() == role_name(who.role)) return true;
    if (users.is_array())
      for (const auto& u : users)
        if (u.is_number_integer() && u.get<int64_t>() == who.user_id) return true;
    return false;
  });
}

std::optional<CredentialKind> credential_kind(store::Database& db, int64_t credential_id) {
  return db.read([&](store::Connection& c) -> std::optional<CredentialKind> {
    auto s = c.prepare("SELECT kind, vault_id FROM credentials WHERE id = ?");
    s.bind(1, credential_id);
    if (!s.step()) return std::nullopt;
    return CredentialKind{s.text(0), s.text(1)};
  });
}

JobSecrets credential_secrets(store::Database& db, const CredentialVault& vault, int64_t credential_id) {
  struct Row {
    std::string kind, username, secret, vault_id;
  };
  auto row = db.read([&](store::Connection& c) -> std::optional<Row> {
    auto s = c.prepare("SELECT kind, username, secret, vault_id FROM credentials WHERE id = ?");
    s.bind(1, credential_id);
    if (!s.step()) return std::nullopt;
    return Row{s.text(0), s.text(1), s.text(2), s.text(3)};
  });
  if (!row) throw Error("credential " + std::to_string(credential_id) + " does not exist");
  JobSecrets out;
  std::string secret;
  try {
    secret = vault.open(row->secret);
  } catch (const Error& e) {
    throw Error("credential " + std::to_string(credential_id) + " cannot be opened: " + e.message());
  }
  if (row->kind == "vault") {
    out.vault.push_back({row->vault_id.empty() ? "default" : row->vault_id, std::move(secret)});
    return out;
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
