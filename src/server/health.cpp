#include "server/health.hpp"

#include <memory>

namespace drover::server {

void Health::set(const std::string& part, bool running, const std::string& why) {
  std::lock_guard lock(mutex_);
  parts_[part] = running ? "" : (why.empty() ? "not running" : why);
}

std::map<std::string, std::string> Health::parts() const {
  std::lock_guard lock(mutex_);
  return parts_;
}

Health& health_of(const ServerContext& ctx) {
  static std::mutex mutex;
  static std::map<const ServerContext*, std::unique_ptr<Health>> all;
  std::lock_guard lock(mutex);
  auto& h = all[&ctx];
  if (!h) h = std::make_unique<Health>();
  return *h;
}

}  // namespace drover::server
