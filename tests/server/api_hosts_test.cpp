// The CMDB's hosts over HTTP: CRUD, filters, pagination, import/export and
// the bad inputs that must answer 4xx without writing anything.
#include <gtest/gtest.h>

#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

class HostsApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    // Each test starts from an empty CMDB.
    auto all = api().get("/api/v1/hosts?limit=1000").json();
    for (const auto& h : all["items"]) api().del("/api/v1/hosts/" + std::to_string(h["id"].get<int64_t>()));
  }
  static ApiClient api() { return ApiClient(server_->url(), server_->admin_token()); }
  static ServerProcess* server_;
};
ServerProcess* HostsApi::server_ = nullptr;

Value host(const std::string& name, const std::string& role = "cache", const std::string& line = "telecom") {
  return {{"hostname", name}, {"ip", "10.0.0.1"}, {"role", role}, {"line", line}, {"idc", "bj1"}, {"tags", {"edge"}}};
}

TEST_F(HostsApi, CreateAnswers201WithTheRecord) {
  auto r = api().post("/api/v1/hosts", host("cache1"));
  ASSERT_EQ(r.status, 201) << r.body;
  Value h = r.json();
  EXPECT_GT(h["id"].get<int64_t>(), 0);
  EXPECT_EQ(h["hostname"], "cache1");
  EXPECT_EQ(h["status"], "online");
  EXPECT_EQ(h["tags"], Value({"edge"}));
  EXPECT_EQ(h["vars"], Value::object());
  EXPECT_FALSE(h["created"].get<std::string>().empty());
  auto got = api().get("/api/v1/hosts/" + std::to_string(h["id"].get<int64_t>()));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.json(), h);
}

TEST_F(HostsApi, DuplicateHostnameAnswers409) {
  ASSERT_EQ(api().post("/api/v1/hosts", host("dup")).status, 201);
  auto r = api().post("/api/v1/hosts", host("dup"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json()["error"]["code"], "conflict");
}

TEST_F(HostsApi, FiltersByFieldsTagAndText) {
  api().post("/api/v1/hosts", host("c1", "cache", "telecom"));
  api().post("/api/v1/hosts", host("c2", "cache", "unicom"));
  Value w = host("w1", "web", "telecom");
  w["tags"] = {"origin"};
  w["status"] = "maintenance";
  api().post("/api/v1/hosts", w);
  auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    // The page must outlive the loop: a range-for over a member of a
    // temporary dangles.
    Value page = api().get("/api/v1/hosts?" + query).json();
    for (const auto& h : page["items"]) out.push_back(h["hostname"]);
    return out;
  };
  EXPECT_EQ(names("role=cache"), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(names("role=cache&line=telecom"), (std::vector<std::string>{"c1"}));
  EXPECT_EQ(names("tag=origin"), (std::vector<std::string>{"w1"}));
  EXPECT_EQ(names("status=maintenance"), (std::vector<std::string>{"w1"}));
  EXPECT_EQ(names("q=c"), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(names("sort=hostname&order=desc"), (std::vector<std::string>{"w1", "c2", "c1"}));
}

TEST_F(HostsApi, PagesCarryTheTotal) {
  for (int i = 0; i < 7; ++i) api().post("/api/v1/hosts", host("h" + std::to_string(i)));
  Value page = api().get("/api/v1/hosts?limit=3&offset=6").json();
  EXPECT_EQ(page["total"], 7);
  EXPECT_EQ(page["limit"], 3);
  EXPECT_EQ(page["offset"], 6);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["hostname"], "h6");
}

TEST_F(HostsApi, PatchChangesOnlyTheGivenFields) {
  int64_t id = api().post("/api/v1/hosts", host("p1")).json()["id"];
  auto r = api().patch("/api/v1/hosts/" + std::to_string(id), {{"status", "offline"}, {"vars", {{"a", 1}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "offline");
  EXPECT_EQ(r.json()["role"], "cache");
  EXPECT_EQ(r.json()["vars"]["a"], 1);
}

TEST_F(HostsApi, DeleteThenGetAnswers404) {
  int64_t id = api().post("/api/v1/hosts", host("d1")).json()["id"];
  EXPECT_EQ(api().del("/api/v1/hosts/" + std::to_string(id)).status, 204);
  auto r = api().get("/api/v1/hosts/" + std::to_string(id));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["error"]["code"], "not_found");
  EXPECT_EQ(api().del("/api/v1/hosts/" + std::to_string(id)).status, 404);
  EXPECT_EQ(api().get("/api/v1/hosts/notanumber").status, 404);
}

TEST_F(HostsApi, BadBodiesAnswer400AndWriteNothing) {
  struct Case {
    std::string body, code;
  };
  std::vector<Case> cases = {
      {"{not json", "invalid_json"},
      {"[1,2]", "wrong_type"},
      {R"({"hostname": "x", "colour": "red"})", "unknown_field"},
      {R"({"hostname": 42})", "bad_value"},
      {R"({"hostname": "x", "status": "sleeping"})", "bad_value"},
      {R"({"hostname": "x", "tags": "edge"})", "bad_value"},
      {R"({"hostname": "x", "vars": []})", "bad_value"},
      {R"({"hostname": "has space"})", "bad_value"},
      {R"({"ip": "10.0.0.9"})", "bad_value"},
      {R"({"hostname": "x", "id": 7})", "bad_value"},
  };
  for (const auto& c : cases) {
    auto r = api().request("POST", "/api/v1/hosts", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], c.code) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(api().get("/api/v1/hosts").json()["total"], 0);
}

TEST_F(HostsApi, OversizedBodyAnswers413) {
  std::string big = R"({"hostname": "big", "vars": {"blob": ")" + std::string(2 << 20, 'x') + "\"}}";
  auto r = api().request("POST", "/api/v1/hosts", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json()["error"]["code"], "payload_too_large");
}

TEST_F(HostsApi, BadQueryParametersAnswer400) {
  for (std::string q : {"limit=0", "limit=abc", "limit=100000", "offset=-1", "colour=red", "status=sleeping",
                        "sort=password", "order=sideways", "limit=1&limit=2"}) {
    auto r = api().get("/api/v1/hosts?" + q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.json()["error"]["code"], "bad_query") << q << " " << r.body;
  }
}

TEST_F(HostsApi, CsvImportCreatesAndUpdatesByHostname) {
  api().post("/api/v1/hosts", host("old1", "web"));
  std::string csv =
      "hostname,ip,role,line,idc,tags,vars\n"
      "old1,10.1.0.1,cache,telecom,bj1,edge;ssd,\n"
      "new1,10.1.0.2,cache,unicom,sh1,edge,\"{\"\"port\"\": 8080}\"\n";
  auto r = api().request("POST", "/api/v1/hosts/import", csv, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["created"], 1);
  EXPECT_EQ(r.json()["updated"], 1);
  Value items = api().get("/api/v1/hosts?role=cache").json()["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["hostname"], "new1");
  EXPECT_EQ(items[0]["vars"]["port"], 8080);
  EXPECT_EQ(items[1]["tags"], Value({"edge", "ssd"}));
}

TEST_F(HostsApi, InvalidCsvRowReportsRowAndColumnAndWritesNothing) {
  std::string csv =
      "hostname,role,status\n"
      "ok1,cache,online\n"
      "ok2,cache,sleeping\n";
  auto r = api().request("POST", "/api/v1/hosts/import", csv, "text/csv");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "invalid_import");
  EXPECT_EQ(r.json()["error"]["details"]["row"], 3);
  EXPECT_EQ(r.json()["error"]["details"]["column"], "status");
  EXPECT_EQ(api().get("/api/v1/hosts").json()["total"], 0);
}

TEST_F(HostsApi, ExportRoundTripsThroughImport) {
  api().post("/api/v1/hosts", host("e1"));
  Value v = host("e2", "web");
  v["vars"] = {{"k", "a,b \"q\""}};
  api().post("/api/v1/hosts", v);
  auto csv = api().get("/api/v1/hosts/export?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\n')), "hostname,ip,role,platform,machine_type,line,idc,region,status,tags,vars");
  auto json = api().get("/api/v1/hosts/export?format=json").json();
  SetUp();  // empty the CMDB
  ASSERT_EQ(api().request("POST", "/api/v1/hosts/import", csv.body, "text/csv").status, 200);
  auto again = api().get("/api/v1/hosts/export?format=json").json();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[1]["vars"], json[1]["vars"]);
  EXPECT_EQ(again[0]["tags"], json[0]["tags"]);
  SetUp();
  ASSERT_EQ(api().request("POST", "/api/v1/hosts/import", json.dump()).status, 200);
  EXPECT_EQ(api().get("/api/v1/hosts").json()["total"], 2);
}

TEST_F(HostsApi, ChangesAreAudited) {
  api().post("/api/v1/hosts", host("a1"));
  Value log = api().get("/api/v1/audit?resource=hosts&action=create").json();
  ASSERT_GE(log["total"].get<int>(), 1);
  EXPECT_EQ(log["items"][0]["username"], "admin");
  EXPECT_EQ(log["items"][0]["address"], "127.0.0.1");
  EXPECT_EQ(log["items"][0]["details"]["hostname"], "a1");
}

TEST(HostsPersistence, HostsSurviveARestart) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  ASSERT_EQ(api.post("/api/v1/hosts", host("keep1")).status, 201);
  srv.restart();
  ApiClient again(srv.url(), srv.admin_token());
  Value page = again.get("/api/v1/hosts").json();
  ASSERT_EQ(page["total"], 1);
  EXPECT_EQ(page["items"][0]["hostname"], "keep1");
}

}  // namespace
}  // namespace drover::test
