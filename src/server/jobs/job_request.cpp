#include "server/jobs/job_request.hpp"

#include "core/error.hpp"

namespace drover::server {
namespace {

void put(Value& v, const char* key, const std::optional<std::string>& s) {
  if (s) v[key] = *s;
}

std::optional<std::string> take(const Value& v, const char* key) {
  auto it = v.find(key);
  if (it == v.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::string encode_job_request(const JobRequest& r) {
  Value secrets = Value::object();
  put(secrets, "remote_user", r.secrets.remote_user);
  put(secrets, "ssh_private_key", r.secrets.ssh_private_key);
  put(secrets, "password", r.secrets.password);
  put(secrets, "become_password", r.secrets.become_password);
  if (!r.secrets.vault.empty()) {
    Value vault = Value::array();
    for (const auto& v : r.secrets.vault) vault.push_back({{"vault_id", v.vault_id}, {"password", v.password}});
    secrets["vault"] = std::move(vault);
  }
  Value v = {
      {"job_id", r.job_id}, {"spec", r.spec}, {"work_dir", r.work_dir}, {"secrets", secrets}};
  return v.dump();
}

JobRequest decode_job_request(const std::string& line) {
  Value v = Value::parse(line, nullptr, false);
  if (!v.is_object() || !v.contains("spec") || !v["spec"].is_object() || !v.contains("work_dir") ||
      !v["work_dir"].is_string())
    throw Error("job-exec: the job request on stdin is not valid");
  JobRequest r;
  r.job_id = v.value("job_id", int64_t{0});
  r.spec = v["spec"];
  r.work_dir = v["work_dir"].get<std::string>();
  if (v.contains("secrets") && v["secrets"].is_object()) {
    const Value& s = v["secrets"];
    r.secrets.remote_user = take(s, "remote_user");
    r.secrets.ssh_private_key = take(s, "ssh_private_key");
    r.secrets.password = take(s, "password");
    r.secrets.become_password = take(s, "become_password");
    if (s.contains("vault") && s["vault"].is_array())
      for (const auto& v : s["vault"]) {
        auto id = take(v, "vault_id");
        auto password = take(v, "password");
        if (id && password) r.secrets.vault.push_back({*id, *password});
      }
  }
  return r;
}

std::string encode_ssh_count(int64_t open) {
  return Value{{kSshCountKey, open}}.dump();
}

std::string encode_job_outcome(const JobOutcome& o) {
  Value v = {
      {"state", job_state_name(o.state)}, {"rc", o.rc}, {"error", o.error}, {"recap", o.recap}};
  return Value{{"outcome", v}}.dump();
}

std::optional<JobOutcome> decode_job_outcome(const Value& line) {
  if (!line.is_object() || !line.contains("outcome")) return std::nullopt;
  const Value& v = line["outcome"];
  auto state = v.is_object() && v.contains("state") && v["state"].is_string()
                   ? parse_job_state(v["state"].get<std::string>())
                   : std::nullopt;
  if (!state || !is_final(*state))
    throw Error("the job process sent a malformed outcome: " + line.dump());
  JobOutcome o;
  o.state = *state;
  o.rc = v.value("rc", 1);
  o.error = v.value("error", "");
  if (v.contains("recap") && v["recap"].is_object()) o.recap = v["recap"];
  return o;
}

}  // namespace drover::server
