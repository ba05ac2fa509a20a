#include "server/automation/launch_owner.hpp"

#include "store/users.hpp"

namespace drover::server {

std::optional<Principal> launching_owner(store::Database& db, std::optional<int64_t> owner_id, const std::string& what,
                                         std::string& why) {
  if (!owner_id) {
    why = what + "'s owner was deleted; edit it to take it over";
    return std::nullopt;
  }
  auto user = db.read([&](store::Connection& c) { return store::find_user(c, *owner_id); });
  if (!user || user->disabled) {
    why = what + "'s owner (user " + std::to_string(*owner_id) + ") is disabled or deleted";
    return std::nullopt;
  }
  Principal p;
  p.user_id = user->id;
  p.username = user->username;
  p.role = parse_user_role(user->role).value_or(Role::Viewer);
  if (p.role < Role::Operator) {
    why = what + "'s owner '" + user->username + "' is no longer an operator";
    return std::nullopt;
  }
  return p;
}

}  // namespace drover::server
