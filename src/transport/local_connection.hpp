// The local transport (ansible_connection=local): commands run on the
// controller through `/bin/sh -c`, with the same semantics as ssh: streamed
// stdin, separate stdout/stderr, exit status and signal, command timeout
// (the whole process group is killed), become through sudo/su.
#pragma once

#include <atomic>

#include "transport/connection.hpp"

namespace drover {

class LocalConnection final : public Connection {
 public:
  explicit LocalConnection(ConnectionSpec spec) : Connection(std::move(spec)) {}

  void connect() override { connected_ = true; }
  bool connected() const override { return connected_.load(); }
  ExecResult exec(const std::string& command, const ExecOptions& opts = {}) override;
  void close() override { connected_ = false; }

 private:
  std::atomic<bool> connected_{false};
};

}  // namespace drover
