// Authentication and accounts: POST /api/v1/login (username + password ->
// a 12-hour session token, rate limited), personal API tokens
// (/api/v1/tokens: create shows the token once; list; revoke), sessions
// (POST /api/v1/logout, /api/v1/sessions: list, revoke), users
// (/api/v1/users, admin only) and the audit log (GET /api/v1/audit, admin).
// A password change or a disabled user revokes all of that user's sessions
// and tokens; the last enabled admin cannot be demoted, disabled or
// deleted (409).
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace drover::server {

void add_auth_routes(Router& router, ServerContext& ctx);  // also adds the session routes
void add_session_routes(Router& router, ServerContext& ctx);
void add_user_routes(Router& router, ServerContext& ctx);
void add_audit_routes(Router& router, ServerContext& ctx);

}  // namespace drover::server
