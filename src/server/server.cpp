#include "server/server.hpp"

#include <httplib.h>

#include <iostream>

#include "core/error.hpp"
#include "server/bootstrap.hpp"
#include "server/components.hpp"
#include "server/credential_vault.hpp"

namespace drover::server {

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<store::Store> store;
  Metrics metrics;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<CredentialVault> vault;
  std::unique_ptr<ServerContext> context;
  std::unique_ptr<Router> router;
  std::unique_ptr<httplib::Server> http;
  std::vector<Component> components;
  std::atomic<bool> stop_requested{false};
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }

Server::~Server() = default;

void Server::run(const std::function<void(int port, const BootstrapSecrets&)>& on_listening) {
  Impl& s = *impl_;
  const ServerOptions& o = s.options;
  store::StoreOptions store_options;
  store_options.readers = std::max(4, std::min(o.http_threads, 16));
  s.store = std::make_unique<store::Store>(o.data_dir, store_options);
  s.vault = std::make_unique<CredentialVault>(o.data_dir);
  BootstrapSecrets secrets = bootstrap_admin(s.store->db());
  s.auth = std::make_unique<Authenticator>(s.store->db());
  s.context = std::unique_ptr<ServerContext>(new ServerContext{o, *s.store, s.metrics, *s.auth, *s.vault});
  s.router = std::make_unique<Router>(*s.auth, s.metrics);
  s.components = server_components();
  for (auto& c : s.components) c.add_routes(*s.router, *s.context);

  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    if (o.tls_cert.empty() || o.tls_key.empty()) throw Error("TLS needs both --tls-cert and --tls-key");
    auto ssl = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!ssl->is_valid())
      throw Error("cannot use the TLS certificate " + o.tls_cert + " and key " + o.tls_key +
                  " (unreadable, or they do not match)");
    s.http = std::move(ssl);
  } else {
    s.http = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *s.http;
  // One thread per open connection (cpp-httplib serves a keep-alive
  // connection on one thread until it closes), so the pool bounds how many
  // clients are served at once.
  int threads = o.http_threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_keep_alive_max_count(100000);
  http.set_keep_alive_timeout(30);
  // Small answers (202, 201, errors) leave in more than one write: without
  // TCP_NODELAY each waited for the client's delayed ACK (~40 ms on a
  // kept-alive connection).
  http.set_tcp_nodelay(true);
  // Bodies above this are refused before they are read; routes apply their
  // own smaller limits (request.hpp) with the error body.
  http.set_payload_max_length(64u << 20);
  s.router->install(http);

  size_t started = 0;
  int bound_port = -1;
  try {
    for (; started < s.components.size(); ++started)
      if (s.components[started].start) s.components[started].start(*s.context);
    bound_port = o.port == 0 ? http.bind_to_any_port(o.host.c_str()) : (http.bind_to_port(o.host.c_str(), o.port) ? o.port : -1);
    if (bound_port < 0)
      throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (address in use or not local?)");
  } catch (...) {
    for (size_t i = started; i-- > 0;)
      if (s.components[i].stop) s.components[i].stop();
    throw;
  }
  on_listening(bound_port, secrets);
  if (!s.stop_requested) http.listen_after_bind();
  for (size_t i = s.components.size(); i-- > 0;)
    if (s.components[i].stop) s.components[i].stop();
}

void Server::stop() {
  impl_->stop_requested = true;
  if (impl_->http) impl_->http->stop();
}

}  // namespace drover::server
