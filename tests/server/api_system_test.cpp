// The server's own endpoints and its first start: health, metrics, the
// OpenAPI document, the admin created from the environment, restarts.
#include <gtest/gtest.h>

#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

TEST(ServerSystem, HealthzAnswersOkWithoutAToken) {
  ServerProcess srv;
  ApiClient api(srv.url());
  auto r = api.get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["status"], "ok");
}

TEST(ServerSystem, MetricsAreInPrometheusTextFormat) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  api.get("/api/v1/hosts");
  auto r = api.get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("# TYPE drover_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(r.body.find("drover_jobs{state=\"pending\"} 0"), std::string::npos);
  EXPECT_NE(r.body.find("drover_job_queue_depth 0"), std::string::npos);
}

TEST(ServerSystem, UnknownPathsAnswer404WithTheErrorBody) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  auto r = api.get("/api/v1/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["error"]["code"], "not_found");
  EXPECT_TRUE(r.json()["error"]["details"].is_object());
}

TEST(ServerSystem, AWrongMethodOnAKnownPathAnswers405) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  auto r = api.request("PUT", "/healthz");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.json()["error"]["code"], "method_not_allowed");
}

TEST(ServerSystem, FirstStartPrintsGeneratedAdminSecretsOnlyWhenNotProvided) {
  TempDir dir;
  {
    ServerProcess srv({dir.path() + "/var", {{"DROVER_ADMIN_TOKEN", ""}, {"DROVER_ADMIN_PASSWORD", ""}}, {}});
    const std::string& out = srv.startup_output();
    EXPECT_NE(out.find("admin password: "), std::string::npos) << out;
    size_t at = out.find("admin API token: ");
    ASSERT_NE(at, std::string::npos) << out;
    std::string token = out.substr(at + 17, out.find('\n', at) - at - 17);
    EXPECT_EQ(ApiClient(srv.url(), token).get("/api/v1/users").status, 200);
    srv.restart();
    EXPECT_EQ(srv.startup_output().find("admin"), std::string::npos) << "secrets are printed only once";
    EXPECT_EQ(ApiClient(srv.url(), token).get("/api/v1/users").status, 200) << "the token survives a restart";
  }
}

TEST(ServerSystem, ProvidedAdminTokenIsNeverPrinted) {
  ServerProcess srv;
  EXPECT_EQ(srv.startup_output().find(kAdminToken), std::string::npos);
  EXPECT_EQ(srv.startup_output().find(kAdminPassword), std::string::npos);
}

TEST(ServerSystem, CredentialKeyFileIsCreatedPrivate) {
  ServerProcess srv;
  auto r = run_shell("stat -c %a " + srv.data_dir() + "/secret.key");
  EXPECT_EQ(r.out, "600\n");
}

TEST(ServerSystem, SigtermStopsTheServerCleanly) {
  ServerProcess srv;
  srv.stop();
  EXPECT_EQ(srv.last_exit_code(), 0);
}

}  // namespace
}  // namespace drover::test
