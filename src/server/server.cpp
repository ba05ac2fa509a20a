#include "server/server.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "server/bootstrap.hpp"
#include "server/components.hpp"
#include "server/credential_vault.hpp"
#include "server/http/http_server.hpp"
#include "server/log.hpp"
#include "server/web_ui.hpp"

namespace drover::server {

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<store::Store> store;
  Metrics metrics;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<CredentialVault> vault;
  std::unique_ptr<ServerContext> context;
  std::unique_ptr<Router> router;
  std::unique_ptr<WebUi> web_ui;
  std::vector<Component> components;
  std::mutex http_mu;  // guards `http` against stop() from another thread
  std::unique_ptr<HttpServer> http;
  std::atomic<bool> stop_requested{false};
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }

Server::~Server() = default;

namespace {

// The handlers are CPU-bound or wait on SQLite's one writer: more workers
// than about two per core only add threads that compete for the cores
// (measured: 4 instead of 16 on 2 cores halved /healthz p50 under load).
int worker_threads(const ServerOptions& o) {
  if (o.http_threads > 0) return o.http_threads;
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(2 * cores, 4, 16);
}

HttpServerOptions http_options(const ServerOptions& o) {
  HttpServerOptions h;
  h.host = o.host;
  h.port = o.port;
  h.io_threads = o.io_threads;
  h.workers = worker_threads(o);
  h.max_connections = o.max_connections;
  h.max_connections_per_address = o.max_connections_per_address;
  h.header_timeout = std::chrono::seconds(o.header_timeout_s);
  h.body_timeout = std::chrono::seconds(o.body_timeout_s);
  h.idle_timeout = std::chrono::seconds(o.idle_timeout_s);
  h.limits.max_body = o.max_body;
  h.tls_cert = o.tls_cert;
  h.tls_key = o.tls_key;
  return h;
}

}  // namespace

void Server::run(const std::function<void(int port, const BootstrapSecrets&)>& on_listening) {
  Impl& s = *impl_;
  const ServerOptions& o = s.options;
  store::StoreOptions store_options;
  store_options.readers = std::max(4, std::min(worker_threads(o), 16));
  s.store = std::make_unique<store::Store>(o.data_dir, store_options);
  s.vault = std::make_unique<CredentialVault>(o.data_dir);
  BootstrapSecrets secrets = bootstrap_admin(s.store->db());
  s.auth = std::make_unique<Authenticator>(s.store->db());
  s.context = std::unique_ptr<ServerContext>(new ServerContext{o, *s.store, s.metrics, *s.auth, *s.vault});
  s.router = std::make_unique<Router>(*s.auth, s.metrics);
  s.components = server_components();
  for (auto& c : s.components) c.add_routes(*s.router, *s.context);

  Router& router = *s.router;
  s.web_ui = std::make_unique<WebUi>();
  const WebUi& web_ui = *s.web_ui;
  size_t default_body_limit = o.max_body;
  HttpServerOptions ho = http_options(o);
  ho.body_limit = [&router, default_body_limit](const std::string& method, const std::string& path) {
    return router.body_limit(method, path, default_body_limit);
  };
  // Health probes go ahead of queued requests: a busy server is not a dead one.
  ho.urgent = [](const std::string& method, const std::string& path) {
    return (method == "GET" || method == "HEAD") && (path == "/healthz" || path == "/livez" || path == "/readyz");
  };
  {
    std::lock_guard<std::mutex> lock(s.http_mu);
    s.http = std::make_unique<HttpServer>(std::move(ho), [&router, &web_ui](const HttpRequest& req, HttpResponse& res) {
      // The UI's files first (GET / and /ui/...), then the API.
      if (web_ui.serve(req, res)) {
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - req.received).count();
        log_request({req.method, req.path == "/" ? "/" : "/ui/*", res.status, ms, "-", req.remote_addr});
        return;
      }
      router.handle(req, res);
    });
    if (s.stop_requested) s.http->stop();
  }
  HttpServer& http = *s.http;
  s.metrics.add_collector([&http](std::string& out) {
    out += "# HELP drover_http_connections_open HTTP connections open (SSE streams included)\n"
           "# TYPE drover_http_connections_open gauge\n"
           "drover_http_connections_open " + std::to_string(http.open_connections()) + "\n";
    HttpServer::Refusals r = http.refusals();
    out += "# HELP drover_http_refused_total What the HTTP transport refused, by reason\n"
           "# TYPE drover_http_refused_total counter\n"
           "drover_http_refused_total{reason=\"connections\"} " + std::to_string(r.connections) + "\n"
           "drover_http_refused_total{reason=\"overloaded\"} " + std::to_string(r.overloaded) + "\n"
           "drover_http_refused_total{reason=\"limits\"} " + std::to_string(r.limits) + "\n";
  });
  size_t started = 0;
  int bound_port = -1;
  try {
    for (; started < s.components.size(); ++started)
      if (s.components[started].start) s.components[started].start(*s.context);
    bound_port = s.http->listen();
  } catch (...) {
    for (size_t i = started; i-- > 0;)
      if (s.components[i].stop) s.components[i].stop();
    throw;
  }
  on_listening(bound_port, secrets);
  s.http->run();
  for (size_t i = s.components.size(); i-- > 0;)
    if (s.components[i].stop) s.components[i].stop();
}

void Server::stop() {
  impl_->stop_requested = true;
  std::lock_guard<std::mutex> lock(impl_->http_mu);
  if (impl_->http) impl_->http->stop();
}

}  // namespace drover::server
