// Notifications per template and the notifier thread: the "notifications"
// entry of server_components().
//
//   GET/POST /api/v1/notifications, GET/PATCH/DELETE .../{id}
//       (viewer reads, operator writes) {name, template_id, kind:
//       dingtalk|wecom|feishu|slack|email|webhook, url, secret, config,
//       events: [started, succeeded, failed], enabled}; the secret (a robot's
//       signing secret, an SMTP password, a webhook's HMAC key) is sealed
//       with the credential key and never returned (has_secret).
//   GET /api/v1/notifications/{id}/deliveries   the delivery log, newest first
// How each kind is sent: notification_message.hpp.
#pragma once

#include <memory>

#include "server/automation/clock.hpp"
#include "server/components.hpp"

namespace drover::server {

Component notifications_component(std::shared_ptr<const Clock> clock = nullptr);

}  // namespace drover::server
