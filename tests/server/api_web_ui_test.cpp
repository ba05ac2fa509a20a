// What the web UI needs from the server (issue 18), over HTTP with curl so
// that headers and raw bytes are seen as a browser sees them: the UI's files
// embedded in the binary with their CSP, gzip and ETag; the browser login's
// HttpOnly cookie; CSRF protection of cookie-authenticated writes; logout;
// /api/v1/me and the dashboard's /api/v1/hosts/summary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "harness/process.hpp"
#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

struct Answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; the last of each
  std::string body;
};

// curl -i with the given headers (and body); nothing decoded.
Answer curl(const std::string& method, const std::string& url,
            const std::vector<std::string>& headers = {}, const std::string& body = "") {
  std::vector<std::string> argv = {"curl", "-s", "-k", "-i", "-X", method};
  for (const auto& h : headers) argv.insert(argv.end(), {"-H", h});
  if (!body.empty()) argv.insert(argv.end(), {"--data-binary", body});
  argv.push_back(url);
  ProcessResult r = run_process(argv);
  Answer a;
  size_t end = r.out.find("\r\n\r\n");
  std::string head = r.out.substr(0, end);
  a.body = end == std::string::npos ? "" : r.out.substr(end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() > 12) a.status = std::stoi(status_line.substr(9, 3));
  size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    size_t e = head.find("\r\n", at);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(at, e - at);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      a.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    at = e + 2;
  }
  return a;
}

class WebUi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string url(const std::string& path) { return server_->url() + path; }
  // A browser login: the cookie's "drover_session=..." pair.
  static std::string cookie_login() {
    Answer a = curl("POST", url("/api/v1/login"), {"Content-Type: application/json"},
                    R"({"username": "admin", "password": ")" + std::string(kAdminPassword) +
                        R"(", "cookie": true})");
    EXPECT_EQ(a.status, 200) << a.body;
    std::string set = a.headers["set-cookie"];
    return set.substr(0, set.find(';'));
  }
  static ServerProcess* server_;
};
ServerProcess* WebUi::server_ = nullptr;

TEST_F(WebUi, TheRootServesThePageWithAContentSecurityPolicyThatForbidsInlineCode) {
  Answer a = curl("GET", url("/"));
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.headers["content-type"], "text/html; charset=utf-8");
  const std::string& csp = a.headers["content-security-policy"];
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("style-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
  EXPECT_EQ(a.headers["x-content-type-options"], "nosniff");
  // The page loads its code by relative URLs (a proxy's prefix keeps working)
  // and has no inline script or style.
  EXPECT_NE(a.body.find(R"(<script type="module" src="ui/js/app.js"></script>)"), std::string::npos)
      << a.body;
  EXPECT_EQ(a.body.find("<style"), std::string::npos);
  EXPECT_EQ(a.body.find("style="), std::string::npos);
  EXPECT_EQ(a.body.find("src=\"/"), std::string::npos);
}

TEST_F(WebUi, FilesAreSentGzippedToClientsThatAcceptItAndRevalidatedByEtag) {
  Answer plain = curl("GET", url("/ui/js/app.js"));
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  EXPECT_EQ(plain.headers["cache-control"], "no-cache");
  Answer gz = curl("GET", url("/ui/js/app.js"), {"Accept-Encoding: gzip, deflate, br"});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["content-encoding"], "gzip");
  EXPECT_EQ(gz.headers["vary"], "Accept-Encoding");
  ASSERT_GE(gz.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz.body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz.body[1]), 0x8b);
  EXPECT_LT(gz.body.size(), plain.body.size() / 2);
  EXPECT_EQ(curl("GET", url("/ui/js/app.js"), {"Accept-Encoding: gzip;q=0"})
                .headers.count("content-encoding"),
            0u);
  std::string etag = plain.headers["etag"];
  ASSERT_FALSE(etag.empty());
  Answer again = curl("GET", url("/ui/js/app.js"), {"If-None-Match: " + etag});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  Answer missing = curl("GET", url("/ui/js/no-such-file.js"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"not_found\""), std::string::npos);
}

TEST_F(WebUi, ABrowserLoginKeepsTheSessionOnlyInAnHttpOnlySameSiteStrictCookie) {
  Answer a = curl("POST", url("/api/v1/login"), {"Content-Type: application/json"},
                  R"({"username": "admin", "password": ")" + std::string(kAdminPassword) +
                      R"(", "cookie": true})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body.find("\"token\""), std::string::npos)
      << "the token must not reach scripts: " << a.body;
  const std::string& set = a.headers["set-cookie"];
  EXPECT_EQ(set.rfind("drover_session=drv_", 0), 0u) << set;
  EXPECT_NE(set.find("; HttpOnly"), std::string::npos) << set;
  EXPECT_NE(set.find("; SameSite=Strict"), std::string::npos) << set;
  EXPECT_NE(set.find("; Path=/"), std::string::npos) << set;
  EXPECT_EQ(set.find("Secure"), std::string::npos) << "plain HTTP: no Secure flag";
  Answer me = curl("GET", url("/api/v1/me"), {"Cookie: other=1; " + set.substr(0, set.find(';'))});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_NE(me.body.find("\"role\":\"admin\""), std::string::npos) << me.body;
  // A Bearer login is unchanged: the token in the body, no cookie.
  Answer bearer =
      curl("POST", url("/api/v1/login"), {"Content-Type: application/json"},
           R"({"username": "admin", "password": ")" + std::string(kAdminPassword) + R"("})");
  EXPECT_NE(bearer.body.find("\"token\""), std::string::npos);
  EXPECT_EQ(bearer.headers.count("set-cookie"), 0u);
}

// Over HTTPS the cookie is also Secure: a browser never sends it over plain
// HTTP.
TEST(WebUiTls, ABrowserLoginOverHttpsSetsASecureCookie) {
  TempDir dir;
  auto made = run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                           "-subj", "/CN=127.0.0.1", "-keyout", dir.path() + "/key.pem", "-out",
                           dir.path() + "/cert.pem"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ServerProcessOptions o;
  o.extra_args = {"--tls-cert", dir.path() + "/cert.pem", "--tls-key", dir.path() + "/key.pem"};
  ServerProcess srv(o);
  Answer a = curl("POST", srv.url() + "/api/v1/login", {"Content-Type: application/json"},
                  R"({"username": "admin", "password": ")" + std::string(kAdminPassword) +
                      R"(", "cookie": true})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.headers["set-cookie"].find("; HttpOnly; SameSite=Strict; Secure"), std::string::npos)
      << a.headers["set-cookie"];
  EXPECT_NE(
      curl("GET", srv.url() + "/").headers["content-security-policy"].find("script-src 'self'"),
      std::string::npos);
}

TEST_F(WebUi, ACookieAuthenticatedWriteNeedsTheCsrfHeaderWhileBearerClientsDoNot) {
  std::string cookie = "Cookie: " + cookie_login();
  const std::string json = "Content-Type: application/json";
  Answer forged = curl("POST", url("/api/v1/hosts"), {cookie, json}, R"({"hostname": "csrf1"})");
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_NE(forged.body.find("X-Drover-CSRF"), std::string::npos) << forged.body;
  EXPECT_EQ(curl("GET", url("/api/v1/hosts?q=csrf1"), {cookie}).body.find("csrf1"),
            std::string::npos)
      << "the refused write wrote nothing";
  Answer ok = curl("POST", url("/api/v1/hosts"), {cookie, json, "X-Drover-CSRF: 1"},
                   R"({"hostname": "csrf1"})");
  EXPECT_EQ(ok.status, 201) << ok.body;
  Answer bearer =
      curl("POST", url("/api/v1/hosts"), {"Authorization: Bearer " + server_->admin_token(), json},
           R"({"hostname": "csrf2"})");
  EXPECT_EQ(bearer.status, 201) << bearer.body;
  // Reads need no header.
  EXPECT_EQ(curl("GET", url("/api/v1/hosts"), {cookie}).status, 200);
}

TEST_F(WebUi, LogoutEndsTheCookieSessionAndClearsTheCookie) {
  std::string cookie = "Cookie: " + cookie_login();
  Answer out = curl("POST", url("/api/v1/logout"), {cookie, "X-Drover-CSRF: 1"});
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(out.headers["set-cookie"].rfind("drover_session=; Path=/; Max-Age=0", 0), 0u)
      << out.headers["set-cookie"];
  EXPECT_EQ(curl("GET", url("/api/v1/me"), {cookie}).status, 401);
}

TEST_F(WebUi, TheHostSummaryCountsHostsPerStatusLineIdcAndRole) {
  ApiClient api(server_->url(), server_->admin_token());
  std::string csv =
      "hostname,role,line,idc,status\nsum1,cache,telecom,bj1,online\nsum2,cache,unicom,bj1,"
      "offline\n"
      "sum3,web,telecom,sh2,online\n";
  ASSERT_EQ(api.request("POST", "/api/v1/hosts/import", csv, "text/csv").status, 200);
  Value s = api.get("/api/v1/hosts/summary").json();
  int64_t total = s["total"].get<int64_t>();
  EXPECT_GE(total, 3);
  EXPECT_EQ(s["role"]["cache"], 2);
  EXPECT_EQ(s["role"]["web"], 1);
  EXPECT_EQ(s["line"]["telecom"], 2);
  EXPECT_EQ(s["idc"]["bj1"], 2);
  EXPECT_EQ(s["status"]["offline"], 1);
  EXPECT_EQ(ApiClient(server_->url()).get("/api/v1/hosts/summary").status, 401);
}

TEST_F(WebUi, AProjectListsItsPlaybooksForTheTemplateForm) {
  const std::string root = server_->data_dir() + "/projects/books";
  auto write = [&](const std::string& rel, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(root + "/" + rel).parent_path());
    std::ofstream(root + "/" + rel) << text;
  };
  write("site.yml", "---\n# the site\n- hosts: all\n  tasks: []\n");
  write("sub/deploy.yaml", "- hosts: web\n  tasks: []\n");
  write("vars.yml", "port: 80\n");                        // a mapping: not a playbook
  write("roles/web/tasks/main.yml", "- debug: msg=x\n");  // a role's tasks
  write(".hidden/x.yml", "- hosts: all\n");
  write("notes.txt", "- not yaml\n");
  ApiClient api(server_->url(), server_->admin_token());
  auto project =
      api.post("/api/v1/projects", {{"name", "books"}, {"kind", "local"}, {"path", root}});
  ASSERT_EQ(project.status, 201) << project.body;
  std::string path =
      "/api/v1/projects/" + std::to_string(project.json()["id"].get<int64_t>()) + "/playbooks";
  auto r = api.get(path);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["items"], Value::array({"site.yml", "sub/deploy.yaml"})) << r.body;
  EXPECT_EQ(api.get("/api/v1/projects/424242/playbooks").status, 404);
}

TEST_F(WebUi, AHostsJobHistoryListsTheJobsThatRanOnItNewestFirst) {
  ApiClient api(server_->url(), server_->admin_token());
  auto host = api.post("/api/v1/hosts", {{"hostname", "localhost"}});
  ASSERT_EQ(host.status, 201) << host.body;
  auto other = api.post("/api/v1/hosts", {{"hostname", "idle1"}});
  std::vector<int64_t> ids;
  for (int i = 0; i < 2; ++i) {
    auto job =
        api.post("/api/v1/jobs",
                 {{"module", "ping"}, {"inventory_text", "localhost ansible_connection=local\n"}});
    ASSERT_EQ(job.status, 202) << job.body;
    ids.push_back(job.json()["id"].get<int64_t>());
  }
  for (int64_t id : ids)
    for (int i = 0;
         i < 600 && api.get("/api/v1/jobs/" + std::to_string(id)).json()["finished"].is_null(); ++i)
      usleep(100 * 1000);
  std::string path = "/api/v1/hosts/" + std::to_string(host.json()["id"].get<int64_t>()) + "/jobs";
  Value page = api.get(path).json();
  ASSERT_EQ(page["total"], 2) << page.dump();
  EXPECT_EQ(page["items"][0]["id"], ids[1]);
  EXPECT_EQ(page["items"][1]["id"], ids[0]);
  EXPECT_EQ(api.get(path + "?limit=1").json()["items"].size(), 1u);
  Value none =
      api.get("/api/v1/hosts/" + std::to_string(other.json()["id"].get<int64_t>()) + "/jobs")
          .json();
  EXPECT_EQ(none["total"], 0);
  EXPECT_EQ(api.get("/api/v1/hosts/424242/jobs").status, 404);
}

}  // namespace
}  // namespace drover::test
