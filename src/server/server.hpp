// `drover server`: the HTTP API over the store, with its components.
//
// Server::run opens the store (migrating it), creates the first admin when
// there is no user yet, registers every component's routes, starts the
// components, and serves HTTP (or HTTPS when a certificate and key are
// given) until stop() is called (from a signal handler thread or a test).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "server/context.hpp"

namespace drover::server {

struct BootstrapSecrets;

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();

  // Blocks until stop(). `on_listening` runs once the socket is bound, with
  // the bound port and what the first start created (admin password/token
  // when they were generated, to print once). Throws drover::Error when the
  // store cannot open or the address cannot be bound.
  void run(const std::function<void(int port, const BootstrapSecrets&)>& on_listening);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace drover::server
