// What a job runs: a playbook of a project, or one module on a host pattern
// (an ad-hoc run), with the inventory, limit, tags, extra vars, forks and
// check mode of ansible-playbook's command line.
//
// A JobSpec is complete when it is stored: a job made from a template holds
// the template's values with the request's overrides already applied, so a
// job runs the same way after a restart even if the template changed. The
// spec never holds secrets: a credential is named by id and decrypted only
// when a worker starts the job.
//
// parse_job_spec() is strict, as the API promises: an unknown field, a
// wrong type or a missing required field is a JobSpecError naming the
// field, and nothing is queued.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"

namespace drover::server {

class JobSpecError : public Error {
 public:
  // `code` is the API's error code: unknown_field, wrong_type,
  // missing_field or bad_request.
  JobSpecError(std::string code, std::string field, const std::string& message)
      : Error(field.empty() ? message : field + ": " + message), code_(std::move(code)), field_(std::move(field)) {}
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  std::string code_;
  std::string field_;
};

struct JobSpec {
  // sync: a project's git clone/pull (or a local project's check), queued
  // by POST /api/v1/projects/{id}/sync; only project_id is set.
  enum class Kind { playbook, adhoc, sync };
  Kind kind = Kind::playbook;
  std::optional<int64_t> project_id;  // sync only

  // playbook: the file, relative to project_dir (or absolute).
  std::string project_dir;
  std::string playbook;
  // adhoc: `drover run PATTERN -m MODULE -a ARGS`.
  std::string module;
  std::string args;
  std::string pattern = "all";

  // Inventory sources (files, directories, "h1,h2" lists) and/or inventory
  // text (INI or YAML; a CMDB query's inventory), written to the job's
  // directory when it runs.
  std::vector<std::string> inventory;
  std::string inventory_text;

  std::string limit;
  std::vector<std::string> tags, skip_tags;
  Value extra_vars = Value::object();
  // Launch-form password answers (launch_form.hpp): variable -> the value
  // sealed by the credential vault, opened into extra_vars only by the
  // worker that starts the job. Never taken from a request body.
  Value sealed_vars = Value::object();
  int forks = 5;
  bool check = false;
  bool diff = false;
  int verbosity = 0;
  std::optional<std::string> remote_user;
  std::optional<int64_t> credential_id;
  // Vault credentials (kind vault), at most one per vault id (AWX's rule).
  std::vector<int64_t> vault_credential_ids;
  std::optional<int64_t> template_id;  // where it came from, for listings

  // The stored form (every field, "kind" included).
  Value to_json() const;
  // A short label for listings: the playbook path or "module: args".
  std::string label() const;
};

// Reads a spec from its stored form or from a request body. `kind` is
// inferred when absent ("module" present: adhoc, else playbook). With
// `allow_template_id` a body may carry "template_id" (the caller merges the
// template); it is kept in the spec. Throws JobSpecError.
JobSpec parse_job_spec(const Value& body, bool allow_template_id = false);

// Lays the fields of `overrides` (a request body's keys) over `base` (a
// template's spec) with the same checks as parse_job_spec.
JobSpec merge_job_spec(const JobSpec& base, const Value& overrides);

// Whether an inventory source names a file or directory: not a host list
// ("h1,h2"), not a source with a scheme ("drover:DATA", "https://...").
// Only those are taken relative to the project directory.
bool is_inventory_path(const std::string& source);

}  // namespace drover::server
