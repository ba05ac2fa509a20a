#include "transport/pool.hpp"

#include <thread>
#include <vector>

namespace drover {

ConnectionPool::~ConnectionPool() { close_all(); }

std::shared_ptr<Connection> ConnectionPool::get(const ConnectionSpec& spec) {
  std::lock_guard lock(mu_);
  auto& slot = conns_[spec.name];
  if (!slot) slot = make_connection(spec);
  return slot;
}

void ConnectionPool::drop(const std::string& name) {
  std::shared_ptr<Connection> gone;
  {
    std::lock_guard lock(mu_);
    auto it = conns_.find(name);
    if (it == conns_.end()) return;
    gone = std::move(it->second);
    conns_.erase(it);
  }
  // Closed outside the lock; a worker still holding it closes it when done.
  if (gone.use_count() == 1) gone->close();
}

void ConnectionPool::close_all() {
  std::vector<std::shared_ptr<Connection>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [name, c] : conns_) all.push_back(std::move(c));
    conns_.clear();
  }
  if (all.empty()) return;
  // A disconnect sends one packet and closes the socket; a few threads make
  // a 1,000-host pool close in milliseconds.
  size_t threads = std::min<size_t>(8, (all.size() + 63) / 64);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t)
    workers.emplace_back([&all, t, threads] {
      for (size_t i = t; i < all.size(); i += threads)
        if (all[i].use_count() == 1 || !all[i]->connected()) all[i]->close();
    });
  for (auto& w : workers) w.join();
}

size_t ConnectionPool::open_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [name, c] : conns_) n += c->connected() ? 1 : 0;
  return n;
}

size_t ConnectionPool::size() const {
  std::lock_guard lock(mu_);
  return conns_.size();
}

}  // namespace drover
