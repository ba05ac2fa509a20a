// An incoming webhook delivery, checked and read: is it from the service
// that holds the secret (per service, below), what push does it describe,
// do the webhook's filters let it launch, and which extra vars it gives.
// Pure functions of headers, body, secret and time, so that they are tested
// without a server; webhook_routes.cpp does the HTTP and the database.
//
// Authenticity, per service (secrets compared in constant time):
//   github   X-Hub-Signature-256: sha256=HEX(HMAC-SHA256(secret, raw body));
//            X-GitHub-Delivery (required) is the replay key
//   gitlab   X-Gitlab-Token: the secret; X-Gitlab-Event-UUID or
//            Idempotency-Key, when sent, is the replay key
//   gitee    X-Gitee-Token: the password, or the sign
//            BASE64(HMAC-SHA256(secret, timestamp + "\n" + secret)) (also
//            URL-encoded); either way X-Gitee-Timestamp (ms) within
//            kDeliveryMaxAge; the timestamp is the replay key
//   generic  hmac: X-Drover-Signature: sha256=HEX(HMAC-SHA256(secret,
//            timestamp + "." + delivery + "." + raw body)) with
//            X-Drover-Timestamp (Unix seconds) within kDeliveryMaxAge and
//            X-Drover-Delivery (the replay key, required);
//            token: X-Drover-Token (or Authorization: Bearer) is the
//            secret; X-Drover-Delivery, or the payload's "delivery", when
//            given, is the replay key
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "server/automation/clock.hpp"

namespace drover::server {

using HeaderLookup = std::function<std::string(const std::string& name)>;  // "" when absent

inline constexpr std::chrono::seconds kDeliveryMaxAge{300};

struct WebhookAuth {
  std::string service;  // github gitlab gitee generic
  std::string mode;     // generic: hmac | token
  std::string secret;
};

struct DeliveryCheck {
  bool authentic = false;
  std::string why;          // when not: for the delivery log (never the secret)
  std::string delivery_id;  // the replay key; empty when the service sent none
};
DeliveryCheck check_delivery(const WebhookAuth& auth, const HeaderLookup& header, const std::string& body,
                             SysSeconds now);

struct PushEvent {
  std::string event;  // push, ping, or the service's name of another event
  std::string ref, branch, tag, commit, author, repository;
  std::vector<std::string> paths;  // files added, modified or removed by the pushed commits
  bool deleted = false;            // a branch or tag deleted
};
PushEvent read_push(const std::string& service, const HeaderLookup& header, const Value& payload);

struct WebhookFilters {
  std::vector<std::string> branches, tags, paths;  // glob patterns (fnmatch); empty: any
};
// Why the event launches nothing ("" when it launches): not a push, a
// deletion, a branch or tag or no changed path matching the filters.
std::string filtered_out(const WebhookFilters& filters, const PushEvent& event);

// The extra vars a launch gets: webhook_service, webhook_event,
// webhook_delivery, webhook_ref, webhook_branch, webhook_tag, webhook_commit,
// webhook_author, webhook_repository. Throws drover::Error for a value with
// template syntax ({{ {% {#}: a pushed branch name must not run as Jinja2 in
// the playbook.
Value webhook_vars(const std::string& service, const std::string& delivery_id, const PushEvent& event);

}  // namespace drover::server
