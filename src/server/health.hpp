// What /healthz and /readyz report beyond the database: the server's parts
// that run in the background (the job workers) say here whether they run.
//
// One Health per ServerContext (health_of(ctx)); parts set their check when
// they start and stop. A check that was never set does not count against
// readiness (a server without that part).
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace drover::server {

struct ServerContext;

class Health {
 public:
  void set(const std::string& part, bool running, const std::string& why = "");
  // part -> "" when running, else why not.
  std::map<std::string, std::string> parts() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> parts_;
};

Health& health_of(const ServerContext& ctx);

}  // namespace drover::server
