#include "transport/pool.hpp"

#include <thread>
#include <vector>

#include "core/strings.hpp"

namespace drover {

namespace {

// The settings that decide which session a spec needs. Timeouts and the
// display name do not; the destination and the credentials do.
std::string session_identity(const ConnectionSpec& s) {
  std::string id = s.type + '\0' + s.host + '\0' + std::to_string(s.port) + '\0' + s.user + '\0' +
                   join(s.identity_files, "\1") + '\0' + s.password + '\0' + s.proxy_command + '\0' +
                   s.proxy_jump + '\0' + join(s.ssh_args, "\1") + '\0' + s.known_hosts_file + '\0' +
                   s.ssh_config_file + '\0' + std::to_string(static_cast<int>(s.host_key_policy));
  return id;
}

}  // namespace

ConnectionPool::~ConnectionPool() { close_all(); }

std::shared_ptr<Connection> ConnectionPool::get(const ConnectionSpec& spec) {
  std::string identity = session_identity(spec);
  std::lock_guard lock(mu_);
  auto& entry = conns_[spec.name];
  if (!entry.conn || entry.identity != identity) {
    // A replaced connection lives on with whoever still holds it.
    entry.conn = make_connection(spec);
    entry.conn->set_interrupt(interrupt_);
    entry.identity = std::move(identity);
  }
  return entry.conn;
}

void ConnectionPool::drop(const std::string& name) {
  std::shared_ptr<Connection> gone;
  {
    std::lock_guard lock(mu_);
    auto it = conns_.find(name);
    if (it == conns_.end()) return;
    gone = std::move(it->second.conn);
    conns_.erase(it);
  }
  // Closed outside the lock; a worker still holding it closes it when done.
  if (gone.use_count() == 1) gone->close();
}

void ConnectionPool::close_all() {
  std::vector<std::shared_ptr<Connection>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [name, e] : conns_) all.push_back(std::move(e.conn));
    conns_.clear();
  }
  if (all.empty()) return;
  // A disconnect sends one packet and closes the socket; a few threads make
  // a 1,000-host pool close in milliseconds. Connections still held by a
  // worker close when it lets go of them.
  size_t threads = std::min<size_t>(8, (all.size() + 63) / 64);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t)
    workers.emplace_back([&all, t, threads] {
      for (size_t i = t; i < all.size(); i += threads)
        if (all[i].use_count() == 1) all[i]->close();
    });
  for (auto& w : workers) w.join();
}

void ConnectionPool::interrupt() { interrupt_->fire(); }

size_t ConnectionPool::open_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [name, e] : conns_) n += e.conn->connected() ? 1 : 0;
  return n;
}

size_t ConnectionPool::size() const {
  std::lock_guard lock(mu_);
  return conns_.size();
}

}  // namespace drover
