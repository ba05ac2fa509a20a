// Who the server's own launchers (schedules, webhooks) launch as: the
// user who last set them up, as the launch checks see a caller. A user
// deleted, disabled or no longer an operator launches nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "server/roles.hpp"
#include "store/sqlite.hpp"

namespace drover::server {

// nullopt with `why` set when the owner may not launch; `what` names the
// launcher in that sentence ("the schedule").
std::optional<Principal> launching_owner(store::Database& db, std::optional<int64_t> owner_id, const std::string& what,
                                         std::string& why);

}  // namespace drover::server
