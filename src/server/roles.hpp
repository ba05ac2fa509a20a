// Roles and who is calling.
//
// viewer reads everything that is not secret; operator also runs jobs and
// edits the CMDB, projects and templates; admin also manages users,
// credentials and settings. Roles are ordered: a route that needs operator
// accepts admin too. Public routes (login, healthz, metrics, openapi) need
// no token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace drover::server {

enum class Role : int { Public = 0, Viewer = 1, Operator = 2, Admin = 3 };

// "viewer", "operator", "admin" ("public" for Public).
const char* role_name(Role role);
// The user role of a name; nullopt for anything else (including "public").
std::optional<Role> parse_user_role(const std::string& name);

// The caller of a request, from its Bearer token.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::Viewer;
  int64_t token_id = 0;
};

}  // namespace drover::server
