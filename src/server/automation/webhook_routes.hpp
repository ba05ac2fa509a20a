// Incoming webhooks per template: the "webhooks" entry of
// server_components().
//
//   GET/POST /api/v1/webhooks, GET/PATCH/DELETE /api/v1/webhooks/{id}
//       (viewer reads, operator writes) {name, template_id, service:
//       github|gitlab|gitee|generic, auth: hmac|token (generic), secret,
//       filters: {branches, tags, paths}, enabled}. Without a secret one is
//       made and returned in the 201 answer only; a secret is sealed with
//       the credential key and never returned (has_secret). The caller must
//       be able to launch the template now, and becomes the owner: a
//       delivery launches as the owner.
//   GET  /api/v1/webhooks/{id}/deliveries   the delivery log, newest first
//   POST /api/v1/hooks/{id}   public: where the service sends its events
//       (webhook_delivery.hpp checks them). 202 {outcome: launched, job_id};
//       200 {outcome: filtered|ping, reason}; 401 for a bad signature or
//       token; 409 for a delivery id already received; 404 for no enabled
//       webhook; 413 over kMaxWebhookPayload. Every answer but those two is
//       in the delivery log; of the rows without a replay key (forged,
//       keyless) only the newest 200 per webhook are kept.
#pragma once

#include <memory>

#include "server/automation/clock.hpp"
#include "server/components.hpp"

namespace drover::server {

inline constexpr size_t kMaxWebhookPayload = 2u << 20;  // bytes

Component webhooks_component(std::shared_ptr<const Clock> clock = nullptr);

}  // namespace drover::server
