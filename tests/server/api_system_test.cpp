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
  EXPECT_NE(r.body.find("\ndrover_ssh_connections_open 0\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\ndrover_http_connections_open "), std::string::npos) << r.body;
}

// A self-signed certificate for 127.0.0.1: the server speaks HTTPS with it,
// and `-i https://SERVER` checks the server against it (DROVER_CA_CERT),
// refusing the server when the certificate is not trusted.
TEST(ServerSystem, TlsServesHttpsThatTheInventoryClientVerifies) {
  TempDir dir;
  auto made = run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                           "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                           dir.path() + "/key.pem", "-out", dir.path() + "/cert.pem"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ServerProcessOptions o;
  o.extra_args = {"--tls-cert", dir.path() + "/cert.pem", "--tls-key", dir.path() + "/key.pem"};
  ServerProcess srv(o);
  ASSERT_EQ(srv.url().rfind("https://", 0), 0u) << srv.url();
  ApiClient api(srv.url(), srv.admin_token());
  EXPECT_EQ(api.get("/healthz").status, 200);
  ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "c1"}, {"role", "cache"}}).status, 201);

  ProcessOptions trusted;
  trusted.env = {{"DROVER_TOKEN", srv.admin_token()}, {"DROVER_CA_CERT", dir.path() + "/cert.pem"}};
  auto r = run_drover({"inventory", "-i", srv.url(), "--list"}, trusted);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Value::parse(r.out)["role_cache"]["hosts"], Value({"c1"}));
  ProcessOptions untrusted;
  untrusted.env = {{"DROVER_TOKEN", srv.admin_token()}};
  auto refused = run_drover({"inventory", "-i", srv.url(), "--list"}, untrusted);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("cannot reach the server"), std::string::npos) << refused.err;
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
