// Incoming webhook deliveries without a server (automation/webhook_delivery):
// each service's signature or token computed as the service computes it
// (HMAC-SHA256 checked against RFC 4231's vector), wrong secrets, tampered
// bodies and stale timestamps refused, pushes read from each service's
// payload, the filters, and payload values kept out of Jinja2.
#include <gtest/gtest.h>

#include <map>

#include "core/error.hpp"
#include "server/automation/signatures.hpp"
#include "server/automation/webhook_delivery.hpp"

namespace drover::server {
namespace {

using namespace std::chrono;

const SysSeconds kNow = SysSeconds{seconds{1796558400}};  // 2026-12-06T12:00:00Z

HeaderLookup headers(std::map<std::string, std::string> h) {
  return [h](const std::string& name) {
    auto it = h.find(name);
    return it == h.end() ? std::string() : it->second;
  };
}

TEST(WebhookSignatures, HmacSha256MatchesRfc4231) {
  // RFC 4231 test case 2.
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_base64("\x01\x02\x03"), "AQID");
  EXPECT_EQ(url_encode("a+b/c=="), "a%2Bb%2Fc%3D%3D");
}

TEST(WebhookDelivery, GitHubSignatureOverTheRawBodyIsCheckedAndWrongSecretsRefused) {
  std::string body = R"({"ref":"refs/heads/main"})";
  std::string sig = "sha256=" + to_hex(hmac_sha256("right-secret", body));
  auto ok = check_delivery({"github", "", "right-secret"},
                           headers({{"X-Hub-Signature-256", sig}, {"X-GitHub-Delivery", "guid-1"}}), body, kNow);
  EXPECT_TRUE(ok.authentic) << ok.why;
  EXPECT_EQ(ok.delivery_id, "github:guid-1");
  auto wrong = check_delivery({"github", "", "other-secret"},
                              headers({{"X-Hub-Signature-256", sig}, {"X-GitHub-Delivery", "guid-1"}}), body, kNow);
  EXPECT_FALSE(wrong.authentic);
  auto tampered = check_delivery({"github", "", "right-secret"},
                                 headers({{"X-Hub-Signature-256", sig}, {"X-GitHub-Delivery", "guid-1"}}),
                                 body + " ", kNow);
  EXPECT_FALSE(tampered.authentic);
  EXPECT_FALSE(check_delivery({"github", "", "right-secret"}, headers({}), body, kNow).authentic);
}

TEST(WebhookDelivery, GitLabTokenAndGiteeSignWithTimestampAreChecked) {
  EXPECT_TRUE(check_delivery({"gitlab", "", "tok-0123456789abcdef"},
                             headers({{"X-Gitlab-Token", "tok-0123456789abcdef"}}), "{}", kNow)
                  .authentic);
  EXPECT_FALSE(check_delivery({"gitlab", "", "tok-0123456789abcdef"},
                              headers({{"X-Gitlab-Token", "tok-0123456789abcdeX"}}), "{}", kNow)
                   .authentic);
  std::string ts = std::to_string(kNow.time_since_epoch().count() * 1000);
  std::string sign = to_base64(hmac_sha256("gitee-secret", ts + "\n" + "gitee-secret"));
  auto ok = check_delivery({"gitee", "", "gitee-secret"},
                           headers({{"X-Gitee-Token", sign}, {"X-Gitee-Timestamp", ts}}), "{}", kNow);
  EXPECT_TRUE(ok.authentic) << ok.why;
  EXPECT_EQ(ok.delivery_id, "gitee:" + ts);
  EXPECT_TRUE(check_delivery({"gitee", "", "gitee-secret"},
                             headers({{"X-Gitee-Token", url_encode(sign)}, {"X-Gitee-Timestamp", ts}}), "{}", kNow)
                  .authentic);
  auto late = check_delivery({"gitee", "", "gitee-secret"},
                             headers({{"X-Gitee-Token", sign}, {"X-Gitee-Timestamp", ts}}), "{}", kNow + minutes(6));
  EXPECT_FALSE(late.authentic);
  EXPECT_NE(late.why.find("5 minutes"), std::string::npos);
  EXPECT_FALSE(check_delivery({"gitee", "", "other"}, headers({{"X-Gitee-Token", sign}, {"X-Gitee-Timestamp", ts}}),
                              "{}", kNow)
                   .authentic);
}

TEST(WebhookDelivery, GenericHmacSignsTimestampDeliveryAndBody) {
  std::string body = R"({"ref":"refs/tags/v1"})";
  std::string ts = std::to_string(kNow.time_since_epoch().count());
  std::string sig = "sha256=" + to_hex(hmac_sha256("generic-secret", ts + ".d-7." + body));
  auto h = headers({{"X-Drover-Signature", sig}, {"X-Drover-Timestamp", ts}, {"X-Drover-Delivery", "d-7"}});
  EXPECT_TRUE(check_delivery({"generic", "hmac", "generic-secret"}, h, body, kNow).authentic);
  EXPECT_FALSE(check_delivery({"generic", "hmac", "generic-secret"}, h, body, kNow + minutes(10)).authentic)
      << "a replay after the window";
  auto other_id = headers({{"X-Drover-Signature", sig}, {"X-Drover-Timestamp", ts}, {"X-Drover-Delivery", "d-8"}});
  EXPECT_FALSE(check_delivery({"generic", "hmac", "generic-secret"}, other_id, body, kNow).authentic)
      << "the delivery id is signed too";
  EXPECT_TRUE(check_delivery({"generic", "token", "generic-secret"},
                             headers({{"Authorization", "Bearer generic-secret"}}), body, kNow)
                  .authentic);
}

TEST(WebhookPush, ReadsBranchCommitAuthorAndPathsFromEachService) {
  Value github = Value::parse(R"({"ref":"refs/heads/main","after":"abc123","deleted":false,
    "repository":{"full_name":"ops/site"},"pusher":{"name":"alice"},
    "head_commit":{"author":{"name":"Alice","username":"alice"}},
    "commits":[{"added":["roles/web/tasks/main.yml"],"modified":["site.yml"],"removed":[]}]})");
  auto e = read_push("github", headers({{"X-GitHub-Event", "push"}}), github);
  EXPECT_EQ(e.event, "push");
  EXPECT_EQ(e.branch, "main");
  EXPECT_EQ(e.commit, "abc123");
  EXPECT_EQ(e.author, "alice");
  EXPECT_EQ(e.repository, "ops/site");
  EXPECT_EQ(e.paths, (std::vector<std::string>{"roles/web/tasks/main.yml", "site.yml"}));
  Value gitlab = Value::parse(R"({"ref":"refs/tags/v2.0","checkout_sha":"def456","user_username":"bob",
    "project":{"path_with_namespace":"ops/site"},"commits":[]})");
  auto t = read_push("gitlab", headers({{"X-Gitlab-Event", "Tag Push Hook"}}), gitlab);
  EXPECT_EQ(t.tag, "v2.0");
  EXPECT_EQ(t.commit, "def456");
  EXPECT_EQ(t.author, "bob");
  EXPECT_EQ(read_push("github", headers({{"X-GitHub-Event", "ping"}}), Value::object()).event, "ping");
}

TEST(WebhookFilters, BranchTagAndPathGlobsDecideWhatLaunches) {
  PushEvent e;
  e.event = "push";
  e.ref = "refs/heads/release/1.2";
  e.branch = "release/1.2";
  e.paths = {"docs/readme.md", "roles/web/tasks/main.yml"};
  EXPECT_EQ(filtered_out({}, e), "");
  EXPECT_EQ(filtered_out({{"release/*"}, {}, {}}, e), "");
  EXPECT_NE(filtered_out({{"main"}, {}, {}}, e), "");
  EXPECT_EQ(filtered_out({{}, {}, {"roles/*"}}, e), "");
  EXPECT_NE(filtered_out({{}, {}, {"inventory/*"}}, e), "");
  e.deleted = true;
  EXPECT_NE(filtered_out({}, e), "") << "a deleted branch launches nothing";
  PushEvent tag;
  tag.event = "push";
  tag.ref = "refs/tags/v1.0";
  tag.tag = "v1.0";
  EXPECT_EQ(filtered_out({{"main"}, {"v*"}, {}}, tag), "");
  EXPECT_NE(filtered_out({{}, {"release-*"}, {}}, tag), "");
}

TEST(WebhookVars, PayloadFieldsBecomeExtraVarsButNeverTemplates) {
  PushEvent e;
  e.event = "push";
  e.branch = "main";
  e.commit = "abc";
  e.author = "alice";
  Value v = webhook_vars("github", "github:1", e);
  EXPECT_EQ(v["webhook_branch"], "main");
  EXPECT_EQ(v["webhook_commit"], "abc");
  EXPECT_EQ(v["webhook_author"], "alice");
  e.author = "{{ lookup('pipe', 'id') }}";
  EXPECT_THROW(webhook_vars("github", "github:1", e), Error);
}

}  // namespace
}  // namespace drover::server
