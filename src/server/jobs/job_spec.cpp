#include "server/jobs/job_spec.hpp"

#include <set>

namespace drover::server {
namespace {

const char* type_name(const Value& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  return "null";
}

std::string get_string(const Value& body, const char* key, std::string fallback = {}) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_string()) throw JobSpecError("wrong_type", key, std::string("expected a string, got ") + type_name(*it));
  return it->get<std::string>();
}

bool get_bool(const Value& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw JobSpecError("wrong_type", key, std::string("expected a boolean, got ") + type_name(*it));
  return it->get<bool>();
}

std::optional<int64_t> get_int(const Value& body, const char* key, int64_t min, int64_t max) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer())
    throw JobSpecError("wrong_type", key, std::string("expected an integer, got ") + type_name(*it));
  int64_t v = it->get<int64_t>();
  if (v < min || v > max)
    throw JobSpecError("bad_request", key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return v;
}

// A list of ids (positive integers); null or absent: none.
std::vector<int64_t> get_ids(const Value& body, const char* key) {
  auto it = body.find(key);
  std::vector<int64_t> out;
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) throw JobSpecError("wrong_type", key, std::string("expected a list of ids, got ") + type_name(*it));
  for (const auto& item : *it) {
    if (!item.is_number_integer() || item.get<int64_t>() < 1)
      throw JobSpecError("wrong_type", key, "expected a list of ids (positive integers)");
    out.push_back(item.get<int64_t>());
  }
  return out;
}

// A list of strings, or one string (a comma list, as on the command line).
std::vector<std::string> get_strings(const Value& body, const char* key) {
  auto it = body.find(key);
  std::vector<std::string> out;
  if (it == body.end() || it->is_null()) return out;
  if (it->is_string()) {
    if (!it->get<std::string>().empty()) out.push_back(it->get<std::string>());
    return out;
  }
  if (!it->is_array()) throw JobSpecError("wrong_type", key, std::string("expected a list of strings, got ") + type_name(*it));
  for (const auto& item : *it) {
    if (!item.is_string())
      throw JobSpecError("wrong_type", key, std::string("expected a list of strings, found ") + type_name(item));
    out.push_back(item.get<std::string>());
  }
  return out;
}

const std::set<std::string>& known_fields() {
  static const std::set<std::string> fields = {
      "kind",      "project_dir", "playbook",   "module", "args",  "pattern",   "inventory",
      "inventory_text", "limit", "tags",       "skip_tags", "extra_vars", "forks", "check",
      "diff",      "verbosity",   "remote_user", "credential_id", "template_id", "project_id",
      "vault_credential_ids", "sealed_vars"};
  return fields;
}

}  // namespace

Value JobSpec::to_json() const {
  if (kind == Kind::sync) return {{"kind", "sync"}, {"project_id", project_id.value_or(0)}};
  Value v = {{"kind", kind == Kind::adhoc ? "adhoc" : "playbook"}};
  if (kind == Kind::playbook) {
    v["project_dir"] = project_dir;
    v["playbook"] = playbook;
  } else {
    v["module"] = module;
    v["args"] = args;
    v["pattern"] = pattern;
  }
  v["inventory"] = inventory;
  if (!inventory_text.empty()) v["inventory_text"] = inventory_text;
  v["limit"] = limit;
  v["tags"] = tags;
  v["skip_tags"] = skip_tags;
  v["extra_vars"] = extra_vars;
  if (!sealed_vars.empty()) v["sealed_vars"] = sealed_vars;
  v["forks"] = forks;
  v["check"] = check;
  v["diff"] = diff;
  v["verbosity"] = verbosity;
  if (remote_user) v["remote_user"] = *remote_user;
  if (credential_id) v["credential_id"] = *credential_id;
  if (!vault_credential_ids.empty()) v["vault_credential_ids"] = vault_credential_ids;
  if (template_id) v["template_id"] = *template_id;
  return v;
}

std::string JobSpec::label() const {
  if (kind == Kind::sync) return "sync project " + std::to_string(project_id.value_or(0));
  if (kind == Kind::playbook) return playbook;
  return args.empty() ? module : module + ": " + args;
}

JobSpec parse_job_spec(const Value& body, bool allow_template_id) {
  if (!body.is_object()) throw JobSpecError("wrong_type", "", std::string("expected a JSON object, got ") + type_name(body));
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!known_fields().count(it.key())) {
      std::vector<std::string> names(known_fields().begin(), known_fields().end());
      std::string hint = closest_match(it.key(), names);
      throw JobSpecError("unknown_field", it.key(), "unknown field" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  }
  JobSpec s;
  std::string kind = get_string(body, "kind", body.contains("module") ? "adhoc" : "playbook");
  if (kind == "adhoc") {
    s.kind = JobSpec::Kind::adhoc;
  } else if (kind == "sync") {
    for (auto it = body.begin(); it != body.end(); ++it)
      if (it.key() != "kind" && it.key() != "project_id")
        throw JobSpecError("bad_request", it.key(), "a sync job has only kind and project_id");
    s.kind = JobSpec::Kind::sync;
    s.project_id = get_int(body, "project_id", 1, INT64_MAX);
    if (!s.project_id) throw JobSpecError("missing_field", "project_id", "required for a sync job");
    return s;
  } else if (kind != "playbook") {
    throw JobSpecError("bad_request", "kind", "expected 'playbook' or 'adhoc', got '" + kind + "'");
  }
  if (body.contains("project_id")) throw JobSpecError("bad_request", "project_id", "only for sync jobs");
  if (s.kind == JobSpec::Kind::playbook) {
    for (const char* k : {"module", "args", "pattern"})
      if (body.contains(k) && !body[k].is_null()) throw JobSpecError("bad_request", k, "only for ad-hoc jobs (kind adhoc)");
    s.project_dir = get_string(body, "project_dir");
    s.playbook = get_string(body, "playbook");
    if (s.playbook.empty() && !(allow_template_id && body.contains("template_id")))
      throw JobSpecError("missing_field", "playbook", "required (or template_id, or module for an ad-hoc run)");
  } else {
    for (const char* k : {"project_dir", "playbook"})
      if (body.contains(k) && !body[k].is_null()) throw JobSpecError("bad_request", k, "only for playbook jobs");
    s.module = get_string(body, "module");
    if (s.module.empty()) throw JobSpecError("missing_field", "module", "required for an ad-hoc job");
    s.args = get_string(body, "args");
    s.pattern = get_string(body, "pattern", "all");
    if (s.pattern.empty()) throw JobSpecError("bad_request", "pattern", "must not be empty");
  }
  s.inventory = get_strings(body, "inventory");
  s.inventory_text = get_string(body, "inventory_text");
  s.limit = get_string(body, "limit");
  s.tags = get_strings(body, "tags");
  s.skip_tags = get_strings(body, "skip_tags");
  if (auto it = body.find("extra_vars"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) throw JobSpecError("wrong_type", "extra_vars", std::string("expected an object, got ") + type_name(*it));
    s.extra_vars = *it;
  }
  if (auto it = body.find("sealed_vars"); it != body.end() && !it->is_null()) {
    // Only the server's stored specs carry sealed values (template launches).
    if (!allow_template_id) throw JobSpecError("unknown_field", "sealed_vars", "unknown field");
    if (!it->is_object()) throw JobSpecError("wrong_type", "sealed_vars", "expected an object");
    for (auto v = it->begin(); v != it->end(); ++v)
      if (!v->is_string()) throw JobSpecError("wrong_type", "sealed_vars", "expected sealed strings");
    s.sealed_vars = *it;
  }
  s.forks = static_cast<int>(get_int(body, "forks", 1, 10000).value_or(5));
  s.check = get_bool(body, "check");
  s.diff = get_bool(body, "diff");
  s.verbosity = static_cast<int>(get_int(body, "verbosity", 0, 4).value_or(0));
  if (body.contains("remote_user") && !body["remote_user"].is_null()) s.remote_user = get_string(body, "remote_user");
  s.credential_id = get_int(body, "credential_id", 1, INT64_MAX);
  s.vault_credential_ids = get_ids(body, "vault_credential_ids");
  if (body.contains("template_id") && !allow_template_id && !body["template_id"].is_null() &&
      !body["template_id"].is_number_integer())
    throw JobSpecError("wrong_type", "template_id", "expected an integer");
  s.template_id = get_int(body, "template_id", 1, INT64_MAX);
  if (s.inventory.empty() && s.inventory_text.empty() && !(allow_template_id && s.template_id))
    throw JobSpecError("missing_field", "inventory", "required: inventory sources or inventory_text");
  return s;
}

JobSpec merge_job_spec(const JobSpec& base, const Value& overrides) {
  if (!overrides.is_object()) throw JobSpecError("wrong_type", "", std::string("expected a JSON object, got ") + type_name(overrides));
  Value merged = base.to_json();
  for (auto it = overrides.begin(); it != overrides.end(); ++it) {
    if (it.key() == "sealed_vars") throw JobSpecError("unknown_field", it.key(), "unknown field");
    if (it.key() == "kind" || it.key() == "project_dir" || it.key() == "playbook" || it.key() == "module")
      throw JobSpecError("bad_request", it.key(), "cannot be overridden for a job from a template");
    merged[it.key()] = it.value();
  }
  return parse_job_spec(merged, true);
}

bool is_inventory_path(const std::string& source) {
  if (source.empty() || source.find(',') != std::string::npos) return false;
  if (source.rfind("drover:", 0) == 0) return false;
  auto scheme = source.find("://");
  return scheme == std::string::npos || source.find('/') < scheme;
}

}  // namespace drover::server
