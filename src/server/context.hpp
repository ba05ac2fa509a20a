// What every part of the server shares: options, the store, metrics, the
// authenticator and the credential vault. One ServerContext lives as long as
// the server; routes and workers keep references to it.
#pragma once

#include <string>
#include <vector>

#include "server/authenticator.hpp"
#include "server/metrics.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace drover::server {

class CredentialVault;
struct Call;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data_dir = "./var";
  int workers = 4;                // job worker threads
  int http_threads = 32;          // threads serving HTTP connections
  std::string tls_cert, tls_key;  // both set: HTTPS
  int keep_jobs_days = 0;         // > 0: finished jobs older than this are deleted
  // Jobs (docs/SERVER.md, "How a job runs"): each runs as `drover job-exec`
  // in a bubblewrap sandbox ("none": without one), as job_user when the
  // server is root (empty: "drover" if that user exists, else "nobody"),
  // limited to job_memory_mb (0: no limit) and job_timeout_s (0: none),
  // seeing job_show_paths read-only besides its own files.
  std::string job_sandbox = "bwrap";
  std::string job_user;
  long job_memory_mb = 4096;
  int job_timeout_s = 0;
  std::vector<std::string> job_show_paths;
  // Directories under which local projects (and a job's playbook) may lie;
  // empty: only <data_dir>/projects (project_paths.hpp).
  std::vector<std::string> project_roots;
};

struct ServerContext {
  ServerOptions options;
  store::Store& store;
  Metrics& metrics;
  Authenticator& auth;
  CredentialVault& vault;
};

// An audit entry for a change made by this call (who, from where); append it
// with store::append_audit inside the change's write transaction.
store::AuditEntry audit_entry(const Call& call, const std::string& action, const std::string& resource,
                              const std::string& resource_id, Value details = Value::object());

}  // namespace drover::server
