// ConnectionPool: the one connection per host for a whole run.
//
// get() returns the same Connection for a host name every time (as long as
// where and as whom to connect stay the same: a play with another
// remote_user gets its own session, as OpenSSH's ControlPath would), created
// unconnected: the worker that first uses it connects, so connects happen in
// parallel across the executor's forks. drop() forgets a host's connection
// after a failure, so a later get() makes a fresh one. A Connection is used
// by one thread at a time (the executor guarantees that); the pool itself is
// thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "transport/connection.hpp"

namespace drover {

class ConnectionPool {
 public:
  ConnectionPool() = default;
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // The connection for spec.name; made with make_connection(spec) on first
  // use. Throws Error for an unknown connection type.
  std::shared_ptr<Connection> get(const ConnectionSpec& spec);
  // Forgets the connection of host `name` (closing it once no one uses it).
  void drop(const std::string& name);
  // Closes every connection, in parallel; the pool is empty afterwards.
  void close_all();
  // Kills the commands running on every connection of the pool (made now
  // or later) and makes their later commands throw CancelledError; for
  // cancelling a run. Thread-safe; the pool stays interrupted.
  void interrupt();
  // How many connections are open (connected) right now, for /metrics.
  size_t open_count() const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  struct Entry {
    std::string identity;  // what makes two specs the same session
    std::shared_ptr<Connection> conn;
  };
  std::map<std::string, Entry> conns_;
  std::shared_ptr<Interrupt> interrupt_ = std::make_shared<Interrupt>();
};

}  // namespace drover
