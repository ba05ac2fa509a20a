#include "server/automation/webhook_delivery.hpp"

#include <fnmatch.h>

#include <set>

#include "core/error.hpp"
#include "server/automation/signatures.hpp"

namespace drover::server {
namespace {

constexpr size_t kMaxDeliveryId = 200;

DeliveryCheck refuse(const std::string& why) { return {false, why, ""}; }

DeliveryCheck accept(const std::string& delivery_id) {
  if (delivery_id.size() > kMaxDeliveryId) return refuse("the delivery id is longer than 200 characters");
  return {true, "", delivery_id};
}

// A timestamp header (seconds, or milliseconds when `millis`) within
// kDeliveryMaxAge of now, either way.
std::string stale(const std::string& text, bool millis, SysSeconds now) {
  if (text.empty() || text.size() > 16 || text.find_first_not_of("0123456789") != std::string::npos)
    return "no valid timestamp";
  long long t = std::stoll(text);
  if (millis) t /= 1000;
  long long age = now.time_since_epoch().count() - t;
  if (age > kDeliveryMaxAge.count() || -age > kDeliveryMaxAge.count())
    return "the timestamp is more than 5 minutes from the server's time";
  return "";
}

std::string text_at(const Value& v, std::initializer_list<const char*> path) {
  const Value* p = &v;
  for (const char* key : path) {
    if (!p->is_object() || !p->contains(key)) return "";
    p = &(*p)[key];
  }
  return p->is_string() ? p->get<std::string>() : "";
}

std::string first_of(std::initializer_list<std::string> values) {
  for (const auto& v : values)
    if (!v.empty()) return v;
  return "";
}

std::vector<std::string> changed_paths(const Value& payload) {
  std::set<std::string> out;
  if (payload.contains("commits") && payload["commits"].is_array())
    for (const auto& commit : payload["commits"])
      for (const char* key : {"added", "modified", "removed"})
        if (commit.is_object() && commit.contains(key) && commit[key].is_array())
          for (const auto& p : commit[key])
            if (p.is_string()) out.insert(p.get<std::string>());
  if (payload.contains("paths") && payload["paths"].is_array())  // generic
    for (const auto& p : payload["paths"])
      if (p.is_string()) out.insert(p.get<std::string>());
  return {out.begin(), out.end()};
}

bool any_match(const std::vector<std::string>& patterns, const std::string& text) {
  for (const auto& p : patterns)
    if (fnmatch(p.c_str(), text.c_str(), 0) == 0) return true;
  return false;
}

}  // namespace

DeliveryCheck check_delivery(const WebhookAuth& auth, const HeaderLookup& header, const std::string& body,
                             SysSeconds now) {
  if (auth.service == "github") {
    std::string sig = header("X-Hub-Signature-256");
    if (sig.empty()) return refuse("no X-Hub-Signature-256 header");
    if (!constant_time_equal(sig, "sha256=" + to_hex(hmac_sha256(auth.secret, body))))
      return refuse("X-Hub-Signature-256 does not match the body and the secret");
    std::string id = header("X-GitHub-Delivery");
    if (id.empty()) return refuse("no X-GitHub-Delivery header");
    return accept("github:" + id);
  }
  if (auth.service == "gitlab") {
    std::string token = header("X-Gitlab-Token");
    if (token.empty()) return refuse("no X-Gitlab-Token header");
    if (!constant_time_equal(token, auth.secret)) return refuse("X-Gitlab-Token is not the secret");
    std::string id = first_of({header("X-Gitlab-Event-UUID"), header("Idempotency-Key")});
    return accept(id.empty() ? "" : "gitlab:" + id);
  }
  if (auth.service == "gitee") {
    std::string token = header("X-Gitee-Token");
    std::string ts = header("X-Gitee-Timestamp");
    if (token.empty()) return refuse("no X-Gitee-Token header");
    bool password = constant_time_equal(token, auth.secret);
    if (!password) {
      std::string sign = to_base64(hmac_sha256(auth.secret, ts + "\n" + auth.secret));
      if (!constant_time_equal(token, sign) && !constant_time_equal(token, url_encode(sign)))
        return refuse("X-Gitee-Token is neither the password nor the sign of X-Gitee-Timestamp");
    }
    if (auto why = stale(ts, true, now); !why.empty()) return refuse("X-Gitee-Timestamp: " + why);
    return accept("gitee:" + ts);
  }
  if (auth.service == "generic") {
    std::string id = header("X-Drover-Delivery");
    if (auth.mode == "token") {
      std::string token = header("X-Drover-Token");
      std::string bearer = header("Authorization");
      if (token.empty() && bearer.rfind("Bearer ", 0) == 0) token = bearer.substr(7);
      if (token.empty()) return refuse("no X-Drover-Token or Authorization: Bearer header");
      if (!constant_time_equal(token, auth.secret)) return refuse("X-Drover-Token is not the secret");
      return accept(id.empty() ? "" : "generic:" + id);
    }
    std::string sig = header("X-Drover-Signature");
    std::string ts = header("X-Drover-Timestamp");
    if (sig.empty()) return refuse("no X-Drover-Signature header");
    if (id.empty()) return refuse("no X-Drover-Delivery header");
    if (!constant_time_equal(sig, "sha256=" + to_hex(hmac_sha256(auth.secret, ts + "." + id + "." + body))))
      return refuse("X-Drover-Signature does not match the timestamp, delivery, body and secret");
    if (auto why = stale(ts, false, now); !why.empty()) return refuse("X-Drover-Timestamp: " + why);
    return accept("generic:" + id);
  }
  return refuse("unknown service " + auth.service);
}

PushEvent read_push(const std::string& service, const HeaderLookup& header, const Value& payload) {
  PushEvent e;
  std::string name = service == "github"   ? header("X-GitHub-Event")
                     : service == "gitlab" ? header("X-Gitlab-Event")
                     : service == "gitee"  ? header("X-Gitee-Event")
                                           : first_of({header("X-Drover-Event"), "push"});
  if (name == "push" || name == "Push Hook" || name == "Tag Push Hook")
    e.event = "push";
  else if (name == "ping")
    e.event = "ping";
  else
    e.event = name.empty() ? "unknown" : name;
  e.ref = text_at(payload, {"ref"});
  if (e.ref.rfind("refs/heads/", 0) == 0) e.branch = e.ref.substr(11);
  if (e.ref.rfind("refs/tags/", 0) == 0) e.tag = e.ref.substr(10);
  e.commit = first_of({text_at(payload, {"checkout_sha"}), text_at(payload, {"after"}), text_at(payload, {"commit"})});
  e.author = first_of({text_at(payload, {"head_commit", "author", "username"}),
                       text_at(payload, {"user_username"}), text_at(payload, {"pusher", "name"}),
                       text_at(payload, {"user_name"}), text_at(payload, {"head_commit", "author", "name"}),
                       text_at(payload, {"author"})});
  e.repository = first_of({text_at(payload, {"repository", "full_name"}),
                           text_at(payload, {"project", "path_with_namespace"}), text_at(payload, {"repository"})});
  e.paths = changed_paths(payload);
  e.deleted = (payload.contains("deleted") && payload["deleted"].is_boolean() && payload["deleted"].get<bool>()) ||
              e.commit == std::string(40, '0');
  return e;
}

std::string filtered_out(const WebhookFilters& f, const PushEvent& e) {
  if (e.event != "push") return "not a push (" + e.event + ")";
  if (e.deleted) return "a deletion of " + e.ref;
  if (!e.branch.empty() && !f.branches.empty() && !any_match(f.branches, e.branch))
    return "branch " + e.branch + " matches no branch filter";
  if (!e.tag.empty() && !f.tags.empty() && !any_match(f.tags, e.tag)) return "tag " + e.tag + " matches no tag filter";
  if (e.branch.empty() && e.tag.empty()) return "ref '" + e.ref + "' is neither a branch nor a tag";
  if (!f.paths.empty()) {
    bool any = false;
    for (const auto& p : e.paths) any = any || any_match(f.paths, p);
    if (!any) return "no changed path matches the path filters";
  }
  return "";
}

Value webhook_vars(const std::string& service, const std::string& delivery_id, const PushEvent& e) {
  Value v = {{"webhook_service", service},  {"webhook_event", e.event},   {"webhook_delivery", delivery_id},
             {"webhook_ref", e.ref},        {"webhook_branch", e.branch}, {"webhook_tag", e.tag},
             {"webhook_commit", e.commit},  {"webhook_author", e.author}, {"webhook_repository", e.repository}};
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string s = it->get<std::string>();
    for (const char* mark : {"{{", "{%", "{#"})
      if (s.find(mark) != std::string::npos)
        throw Error("the payload's " + it.key().substr(8) + " contains template syntax (" + mark + ")");
  }
  return v;
}

}  // namespace drover::server
