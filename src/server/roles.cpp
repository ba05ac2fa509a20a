#include "server/roles.hpp"

namespace drover::server {

const char* role_name(Role role) {
  switch (role) {
    case Role::Public: return "public";
    case Role::Viewer: return "viewer";
    case Role::Operator: return "operator";
    case Role::Admin: return "admin";
  }
  return "public";
}

std::optional<Role> parse_user_role(const std::string& name) {
  if (name == "viewer") return Role::Viewer;
  if (name == "operator") return Role::Operator;
  if (name == "admin") return Role::Admin;
  return std::nullopt;
}

}  // namespace drover::server
