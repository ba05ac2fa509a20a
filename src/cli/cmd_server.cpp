// `drover server`: the REST API, job workers and CMDB over a data directory.
//
// Settings, later ones winning: defaults (127.0.0.1:8080, ./var, 4 workers),
// a YAML config file (--config FILE or DROVER_CONFIG; keys listen, data,
// workers, http_threads, tls_cert, tls_key, keep_jobs_days, job_sandbox,
// job_user, job_memory_mb, job_timeout, job_show_paths, project_roots,
// admin_token_days), DROVER_LISTEN / DROVER_DATA / DROVER_WORKERS /
// DROVER_TLS_CERT / DROVER_TLS_KEY / DROVER_KEEP_JOBS_DAYS, then flags. Prints
// "drover server listening on URL" once serving, and the first admin's
// generated password and token once, at the first start. SIGINT/SIGTERM stop
// it cleanly (exit 0). It holds <data>/drover.lock while it runs: a second
// server on the same data directory refuses to start (exit 1, naming the
// first one's pid).
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/yaml.hpp"
#include "server/bootstrap.hpp"
#include "server/server.hpp"
#include "store/data_lock.hpp"

namespace drover::cli {
namespace {

struct ServerFlags {
  std::string config, listen, data, tls_cert, tls_key;
  int workers = -1;
  int http_threads = -1;
  std::vector<std::string> project_roots;
  int admin_token_days = -1;  // -1: DROVER_ADMIN_TOKEN_DAYS or the default
  int keep_jobs_days = -1;
  std::string job_sandbox, job_user;
  long job_memory_mb = -1;
  int job_timeout = -1;
  std::vector<std::string> job_show_paths;
};

// The first admin token's lifetime reaches bootstrap_admin through
// DROVER_ADMIN_TOKEN_DAYS (which it reads and wipes with the other
// DROVER_ADMIN_* variables).
void set_admin_token_days(int days) {
  if (days < 0) return;
  if (days > 36500) throw OptionsError("--admin-token-days must be 0 (never expires) .. 36500");
  ::setenv("DROVER_ADMIN_TOKEN_DAYS", std::to_string(days).c_str(), 1);
}

void parse_listen(const std::string& text, server::ServerOptions& o) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) throw OptionsError("--listen wants ADDR:PORT, not '" + text + "'");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw OptionsError("--listen wants ADDR:PORT, and '" + text.substr(colon + 1) + "' is not a port");
  }
  if (port < 0 || port > 65535) throw OptionsError("--listen port " + std::to_string(port) + " is out of range");
  o.host = host.empty() ? "0.0.0.0" : host;
  o.port = port;
}

int positive(const std::string& what, const std::string& text) {
  try {
    int n = std::stoi(text);
    if (n >= 1) return n;
  } catch (const std::exception&) {
  }
  throw OptionsError(what + " must be a positive integer, not '" + text + "'");
}

long non_negative(const std::string& what, const std::string& text) {
  try {
    size_t used = 0;
    long n = std::stol(text, &used);
    if (n >= 0 && used == text.size()) return n;
  } catch (const std::exception&) {
  }
  throw OptionsError(what + " must be 0 or a positive integer, not '" + text + "'");
}

void apply_config_file(const std::string& path, server::ServerOptions& o) {
  Value cfg = load_yaml_value_file(path);
  if (cfg.is_null()) return;
  if (!cfg.is_object()) throw OptionsError("config file " + path + " must be a mapping");
  for (auto it = cfg.begin(); it != cfg.end(); ++it) {
    std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    const std::string& k = it.key();
    if (k == "listen") parse_listen(text, o);
    else if (k == "data") o.data_dir = text;
    else if (k == "workers") o.workers = positive(path + ": workers", text);
    else if (k == "http_threads") o.http_threads = positive(path + ": http_threads", text);
    else if (k == "tls_cert") o.tls_cert = text;
    else if (k == "tls_key") o.tls_key = text;
    else if (k == "keep_jobs_days") o.keep_jobs_days = static_cast<int>(non_negative(path + ": keep_jobs_days", text));
    else if (k == "job_sandbox") o.job_sandbox = text;
    else if (k == "job_user") o.job_user = text;
    else if (k == "job_memory_mb") o.job_memory_mb = non_negative(path + ": job_memory_mb", text);
    else if (k == "job_timeout") o.job_timeout_s = static_cast<int>(non_negative(path + ": job_timeout", text));
    else if (k == "job_show_paths" && it->is_array())
      for (const auto& p : *it) o.job_show_paths.push_back(p.is_string() ? p.get<std::string>() : p.dump());
    else if (k == "project_roots") {
      if (!it->is_array()) throw OptionsError("config file " + path + ": project_roots must be a list of directories");
      for (const auto& root : *it) {
        if (!root.is_string()) throw OptionsError("config file " + path + ": project_roots must be a list of directories");
        o.project_roots.push_back(root.get<std::string>());
      }
    }
    else if (k == "admin_token_days") {
      if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
        throw OptionsError("config file " + path + ": admin_token_days must be a number of days (0: never expires)");
      set_admin_token_days(std::stoi(text));
    }
    else throw OptionsError("config file " + path + ": unknown key '" + k + "'");
  }
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

server::ServerOptions resolve(const ServerFlags& f) {
  server::ServerOptions o;
  std::string config = !f.config.empty() ? f.config : env("DROVER_CONFIG");
  if (!config.empty()) apply_config_file(config, o);
  if (!env("DROVER_LISTEN").empty()) parse_listen(env("DROVER_LISTEN"), o);
  if (!env("DROVER_DATA").empty()) o.data_dir = env("DROVER_DATA");
  if (!env("DROVER_WORKERS").empty()) o.workers = positive("DROVER_WORKERS", env("DROVER_WORKERS"));
  if (!env("DROVER_TLS_CERT").empty()) o.tls_cert = env("DROVER_TLS_CERT");
  if (!env("DROVER_TLS_KEY").empty()) o.tls_key = env("DROVER_TLS_KEY");
  if (!env("DROVER_KEEP_JOBS_DAYS").empty())
    o.keep_jobs_days = static_cast<int>(non_negative("DROVER_KEEP_JOBS_DAYS", env("DROVER_KEEP_JOBS_DAYS")));
  if (!f.listen.empty()) parse_listen(f.listen, o);
  if (!f.data.empty()) o.data_dir = f.data;
  if (f.workers > 0) o.workers = f.workers;
  if (f.http_threads > 0) o.http_threads = f.http_threads;
  if (!f.tls_cert.empty()) o.tls_cert = f.tls_cert;
  if (!f.tls_key.empty()) o.tls_key = f.tls_key;
  if (f.keep_jobs_days >= 0) o.keep_jobs_days = f.keep_jobs_days;
  if (!f.job_sandbox.empty()) o.job_sandbox = f.job_sandbox;
  if (!f.job_user.empty()) o.job_user = f.job_user;
  if (f.job_memory_mb >= 0) o.job_memory_mb = f.job_memory_mb;
  if (f.job_timeout >= 0) o.job_timeout_s = f.job_timeout;
  for (const auto& p : f.job_show_paths) o.job_show_paths.push_back(p);
  if (!f.project_roots.empty()) o.project_roots = f.project_roots;
  set_admin_token_days(f.admin_token_days);
  return o;
}

int run(const ServerFlags& flags) {
  server::ServerOptions options = resolve(flags);
  // Signals go to one thread that stops the server; every other thread
  // (HTTP, workers) inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // One server per data directory: a second one would fight the first for
  // the database and the job queue. Refused here, before anything opens.
  store::DataDirLock data_lock(options.data_dir);
  server::Server srv(options);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (sig == SIGINT || sig == SIGTERM) srv.stop();
  });
  bool tls = !options.tls_cert.empty();
  auto on_listening = [&](int port, const server::BootstrapSecrets& secrets) {
    if (secrets.created_admin) {
      std::cout << "First start: created user admin in " << options.data_dir << "\n";
      if (!secrets.password.empty()) std::cout << "  admin password: " << secrets.password << "\n";
      if (!secrets.token.empty()) std::cout << "  admin API token: " << secrets.token << "\n";
      std::cout << "  the admin API token "
                << (secrets.token_expires.empty() ? "never expires" : "expires " + secrets.token_expires) << "\n";
      if (!secrets.password.empty() || !secrets.token.empty())
        std::cout << "  (shown once: only their hashes are stored)\n";
    }
    std::string url = std::string(tls ? "https://" : "http://") + options.host + ":" + std::to_string(port);
    data_lock.publish_url(url);
    std::cout << "drover server listening on " << url << " (data " << options.data_dir << ", " << options.workers << " workers)" << std::endl;
  };
  int rc = 0;
  try {
    srv.run(on_listening);
  } catch (...) {
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    throw;
  }
  // Stopped by a signal (the waiter has returned) or by the server itself.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::cout << "drover server stopped" << std::endl;
  return rc;
}

}  // namespace

void add_server_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServerFlags>();
  CLI::App* cmd = app.add_subcommand("server", "run the REST API, job workers and CMDB (data in ./var)");
  cmd->add_option("--config", flags->config, "YAML config file (or DROVER_CONFIG)");
  cmd->add_option("--listen", flags->listen, "ADDR:PORT to listen on (default 127.0.0.1:8080, DROVER_LISTEN)");
  cmd->add_option("--data", flags->data, "data directory (default ./var, DROVER_DATA)");
  cmd->add_option("--workers", flags->workers, "job worker threads (default 4, DROVER_WORKERS)");
  cmd->add_option("--http-threads", flags->http_threads, "threads serving HTTP connections (default 32)");
  cmd->add_option("--tls-cert", flags->tls_cert, "PEM certificate: serve HTTPS (DROVER_TLS_CERT)");
  cmd->add_option("--tls-key", flags->tls_key, "PEM private key of --tls-cert (DROVER_TLS_KEY)");
  cmd->add_option("--keep-jobs-days", flags->keep_jobs_days,
                  "delete finished jobs (and their events) older than N days; 0 keeps them (default, "
                  "DROVER_KEEP_JOBS_DAYS)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--job-sandbox", flags->job_sandbox, "bwrap (default) or none: how jobs are isolated");
  cmd->add_option("--job-user", flags->job_user,
                  "user jobs run as when the server is root (default: drover if it exists, else nobody)");
  cmd->add_option("--job-memory-mb", flags->job_memory_mb, "memory limit of a job process (default 4096, 0: none)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--job-timeout", flags->job_timeout, "seconds a job may run before it is canceled (default 0: no limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--job-show-path", flags->job_show_paths, "a directory every job sees read-only (repeatable)");
  cmd->add_option("--project-root", flags->project_roots,
                  "a directory local projects may lie under (repeatable; default: only DATA/projects)");
  cmd->add_option("--admin-token-days", flags->admin_token_days,
                  "days until the first admin's API token expires (default 30; 0: never)");
  cmd->callback([flags, &exit_code] { exit_code = run(*flags); });
}

}  // namespace drover::cli
