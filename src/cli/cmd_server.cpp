// `drover server`: the REST API, job workers and CMDB over a data directory.
//
// Settings, later ones winning: defaults (127.0.0.1:8080, ./var, 4 workers),
// a YAML config file (--config FILE or DROVER_CONFIG; keys listen, data,
// workers, http_threads, io_threads, tls_cert, tls_key, log_format,
// log_level, max_connections, max_connections_per_address, header_timeout,
// body_timeout, idle_timeout (seconds), max_body (bytes)), DROVER_LISTEN / DROVER_DATA /
// DROVER_WORKERS / DROVER_TLS_CERT / DROVER_TLS_KEY, then flags. Prints
// "drover server listening on URL" once serving, and the first admin's
// generated password and token once, at the first start. SIGINT/SIGTERM stop
// it cleanly (exit 0).
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/yaml.hpp"
#include "server/bootstrap.hpp"
#include "server/log.hpp"
#include "server/server.hpp"

namespace drover::cli {
namespace {

struct ServerFlags {
  std::string config, listen, data, tls_cert, tls_key, log_format, log_level;
  int workers = -1;
  int http_threads = -1;
  int io_threads = -1;
  int max_connections = -1;
  int max_connections_per_address = -1;
  int64_t max_body = -1;
};

struct LogSettings {
  server::LogFormat format = server::LogFormat::text;
  server::LogLevel level = server::LogLevel::info;
};

void set_log_format(const std::string& where, const std::string& word, LogSettings& log) {
  if (!server::parse_log_format(word, log.format))
    throw OptionsError(where + " must be text or json, not '" + word + "'");
}

void set_log_level(const std::string& where, const std::string& word, LogSettings& log) {
  if (!server::parse_log_level(word, log.level))
    throw OptionsError(where + " must be debug, info, warn or error, not '" + word + "'");
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

void apply_config_file(const std::string& path, server::ServerOptions& o, LogSettings& log) {
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
    else if (k == "io_threads") o.io_threads = positive(path + ": io_threads", text);
    else if (k == "log_format") set_log_format(path + ": log_format", text, log);
    else if (k == "log_level") set_log_level(path + ": log_level", text, log);
    else if (k == "max_connections") o.max_connections = static_cast<size_t>(positive(path + ": " + k, text));
    else if (k == "max_connections_per_address")
      o.max_connections_per_address = static_cast<size_t>(positive(path + ": " + k, text));
    else if (k == "header_timeout") o.header_timeout_s = positive(path + ": " + k, text);
    else if (k == "body_timeout") o.body_timeout_s = positive(path + ": " + k, text);
    else if (k == "idle_timeout") o.idle_timeout_s = positive(path + ": " + k, text);
    else if (k == "max_body") o.max_body = static_cast<size_t>(positive(path + ": " + k, text));
    else throw OptionsError("config file " + path + ": unknown key '" + k + "'");
  }
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

server::ServerOptions resolve(const ServerFlags& f, LogSettings& log) {
  server::ServerOptions o;
  std::string config = !f.config.empty() ? f.config : env("DROVER_CONFIG");
  if (!config.empty()) apply_config_file(config, o, log);
  if (!env("DROVER_LISTEN").empty()) parse_listen(env("DROVER_LISTEN"), o);
  if (!env("DROVER_DATA").empty()) o.data_dir = env("DROVER_DATA");
  if (!env("DROVER_WORKERS").empty()) o.workers = positive("DROVER_WORKERS", env("DROVER_WORKERS"));
  if (!env("DROVER_TLS_CERT").empty()) o.tls_cert = env("DROVER_TLS_CERT");
  if (!env("DROVER_TLS_KEY").empty()) o.tls_key = env("DROVER_TLS_KEY");
  if (!f.listen.empty()) parse_listen(f.listen, o);
  if (!f.data.empty()) o.data_dir = f.data;
  if (f.workers > 0) o.workers = f.workers;
  if (f.http_threads > 0) o.http_threads = f.http_threads;
  if (f.io_threads > 0) o.io_threads = f.io_threads;
  if (f.max_connections > 0) o.max_connections = static_cast<size_t>(f.max_connections);
  if (f.max_connections_per_address > 0) o.max_connections_per_address = static_cast<size_t>(f.max_connections_per_address);
  if (f.max_body > 0) o.max_body = static_cast<size_t>(f.max_body);
  if (!f.log_format.empty()) set_log_format("--log-format", f.log_format, log);
  if (!f.log_level.empty()) set_log_level("--log-level", f.log_level, log);
  if (!f.tls_cert.empty()) o.tls_cert = f.tls_cert;
  if (!f.tls_key.empty()) o.tls_key = f.tls_key;
  return o;
}

int run(const ServerFlags& flags) {
  LogSettings log;
  server::ServerOptions options = resolve(flags, log);
  server::configure_log(log.format, log.level);
  // Signals go to one thread that stops the server; every other thread
  // (HTTP, workers) inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

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
      if (!secrets.password.empty() || !secrets.token.empty())
        std::cout << "  (shown once: only their hashes are stored)\n";
    }
    std::cout << "drover server listening on " << (tls ? "https://" : "http://") << options.host << ":" << port
              << " (data " << options.data_dir << ", " << options.workers << " workers)" << std::endl;
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
  cmd->add_option("--http-threads", flags->http_threads, "worker threads running API requests (default 2 per core, 4..16)");
  cmd->add_option("--io-threads", flags->io_threads, "threads doing every connection's I/O (default 2)");
  cmd->add_option("--max-connections", flags->max_connections, "open connections at most (default 16384)");
  cmd->add_option("--max-connections-per-address", flags->max_connections_per_address,
                  "open connections from one client address at most (default 2048)");
  cmd->add_option("--max-body", flags->max_body,
                  "request body bytes at most, for routes without their own limit (default 8 MiB)");
  cmd->add_option("--log-format", flags->log_format, "log lines on stderr: text (default) or json");
  cmd->add_option("--log-level", flags->log_level, "debug, info (default: one line per request), warn, error");
  cmd->add_option("--tls-cert", flags->tls_cert, "PEM certificate: serve HTTPS (DROVER_TLS_CERT)");
  cmd->add_option("--tls-key", flags->tls_key, "PEM private key of --tls-cert (DROVER_TLS_KEY)");
  cmd->callback([flags, &exit_code] { exit_code = run(*flags); });
}

}  // namespace drover::cli
