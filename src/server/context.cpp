#include "server/context.hpp"

#include "server/router.hpp"

namespace drover::server {

store::AuditEntry audit_entry(const Call& call, const std::string& action, const std::string& resource,
                              const std::string& resource_id, Value details) {
  store::AuditEntry e;
  if (call.user.user_id != 0) e.user_id = call.user.user_id;
  e.username = call.user.username;
  e.address = call.address;
  e.action = action;
  e.resource = resource;
  e.resource_id = resource_id;
  e.details = std::move(details);
  return e;
}

}  // namespace drover::server
