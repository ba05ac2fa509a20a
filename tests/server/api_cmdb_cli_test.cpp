// `drover hosts` on a data directory, the CMDB as an inventory
// (`-i drover:DIR`, `-i http://SERVER` with DROVER_TOKEN), and the CLI and the server sharing one data directory.
#include <gtest/gtest.h>

#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

TEST(HostsCli, AddListExportAndImport) {
  TempDir dir;
  std::string data = dir.path() + "/var";
  auto r = run_drover({"hosts", "--data", data, "add", "cache1", "--ip", "10.0.0.1", "--role", "cache", "--line",
                       "telecom", "--idc", "bj1", "--tag", "edge", "--var", "port=8080"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_drover({"hosts", "--data", data, "ls", "--role", "cache"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cache1"), std::string::npos) << r.out;
  r = run_drover({"hosts", "--data", data, "export", "--format", "csv"});
  EXPECT_NE(r.out.find("cache1,10.0.0.1,cache,,,telecom,bj1,,online,edge,\"{\"\"port\"\":\"\"8080\"\"}\""),
            std::string::npos)
      << r.out;
  std::string csv = dir.write("more.csv", "hostname,role\nweb1,web\nweb2,web\n");
  r = run_drover({"hosts", "--data", data, "import", csv});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 created"), std::string::npos) << r.out;
}

TEST(HostsCli, BadCsvRowIsReportedAndNothingIsImported) {
  TempDir dir;
  std::string data = dir.path() + "/var";
  std::string csv = dir.write("bad.csv", "hostname,status\nok1,online\nbad1,sleeping\n");
  auto r = run_drover({"hosts", "--data", data, "import", csv});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("row 3, column status"), std::string::npos) << r.err;
  r = run_drover({"hosts", "--data", data, "ls", "--json"});
  EXPECT_EQ(r.out, "[]\n");
}

TEST(CmdbInventory, GroupsComeFromFieldValuesAndTagsAndFieldsAreHostVars) {
  TempDir dir;
  std::string data = dir.path() + "/var";
  ASSERT_EQ(run_drover({"hosts", "--data", data, "add", "cache1", "--ip", "10.0.0.1", "--role", "cache", "--line",
                        "telecom", "--idc", "bj1", "--tag", "edge"})
                .exit_code,
            0);
  ASSERT_EQ(run_drover({"hosts", "--data", data, "add", "web1", "--role", "web", "--platform", "debian-12"}).exit_code,
            0);
  auto r = run_drover({"inventory", "-i", "drover:" + data, "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Value inv = Value::parse(r.out);
  EXPECT_EQ(inv["role_cache"]["hosts"], Value({"cache1"}));
  EXPECT_EQ(inv["line_telecom"]["hosts"], Value({"cache1"}));
  EXPECT_EQ(inv["idc_bj1"]["hosts"], Value({"cache1"}));
  EXPECT_EQ(inv["edge"]["hosts"], Value({"cache1"}));
  EXPECT_EQ(inv["platform_debian_12"]["hosts"], Value({"web1"}));
  Value vars = inv["_meta"]["hostvars"]["cache1"];
  EXPECT_EQ(vars["ansible_host"], "10.0.0.1");
  EXPECT_EQ(vars["role"], "cache");
  EXPECT_EQ(vars["tags"], Value({"edge"}));
  r = run_drover({"inventory", "-i", "drover:" + data, "--graph", "role_web"});
  EXPECT_NE(r.out.find("web1"), std::string::npos) << r.out << r.err;
}

TEST(CmdbInventory, SavedQueryGroupsBecomeInventoryGroups) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "c1"}, {"role", "cache"}, {"line", "unicom"}}).status, 201);
  ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "c2"}, {"role", "cache"}, {"line", "telecom"}}).status, 201);
  auto g = api.post("/api/v1/groups", {{"name", "unicom_caches"}, {"query", {{"role", "cache"}, {"line", "unicom"}}},
                                        {"vars", {{"ntp", "10.9.9.9"}}}});
  ASSERT_EQ(g.status, 201) << g.body;
  auto s = api.post("/api/v1/groups", {{"name", "pinned"}, {"hosts", {"c2"}}});
  ASSERT_EQ(s.status, 201) << s.body;
  EXPECT_EQ(api.post("/api/v1/groups", {{"name", "ghost"}, {"hosts", {"nope"}}}).status, 400);
  auto members = api.get("/api/v1/groups/" + std::to_string(g.json()["id"].get<int64_t>()) + "/hosts").json();
  ASSERT_EQ(members["total"], 1);
  EXPECT_EQ(members["items"][0]["hostname"], "c1");
  auto r = run_drover({"inventory", "-i", "drover:" + srv.data_dir(), "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Value inv = Value::parse(r.out);
  EXPECT_EQ(inv["unicom_caches"]["hosts"], Value({"c1"}));
  EXPECT_EQ(inv["_meta"]["hostvars"]["c1"]["ntp"], "10.9.9.9");
  EXPECT_EQ(inv["pinned"]["hosts"], Value({"c2"}));
}

TEST(CmdbInventory, TheServersUrlWithATokenIsTheSameInventoryAsItsDataDirectory) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "c1"}, {"ip", "10.0.0.7"}, {"role", "cache"}, {"tags", {"edge"}},
                                       {"vars", {{"port", 8080}}}})
                .status,
            201);
  ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "w1"}, {"role", "web"}, {"idc", "bj1"}}).status, 201);
  ASSERT_EQ(api.post("/api/v1/groups", {{"name", "pinned"}, {"hosts", {"w1"}}, {"vars", {{"ntp", "10.9.9.9"}}}}).status,
            201);
  auto local = run_drover({"inventory", "-i", "drover:" + srv.data_dir(), "--list"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  ProcessOptions with_token;
  with_token.env["DROVER_TOKEN"] = srv.admin_token();
  auto remote = run_drover({"inventory", "-i", srv.url(), "--list"}, with_token);
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  EXPECT_EQ(remote.out, local.out);
  Value inv = Value::parse(remote.out);
  EXPECT_EQ(inv["role_cache"]["hosts"], Value({"c1"}));
  EXPECT_EQ(inv["_meta"]["hostvars"]["c1"]["port"], 8080);
  EXPECT_EQ(inv["_meta"]["hostvars"]["w1"]["ntp"], "10.9.9.9");

  // No token, a wrong token, a server that is not there: the error says so.
  auto none = run_drover({"inventory", "-i", srv.url(), "--list"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("DROVER_TOKEN"), std::string::npos) << none.err;
  ProcessOptions bad_token;
  bad_token.env["DROVER_TOKEN"] = "drv_not_a_token";
  auto refused = run_drover({"inventory", "-i", srv.url(), "--list"}, bad_token);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("401"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("drv_not_a_token"), std::string::npos) << "the token was printed: " << refused.err;
  auto gone = run_drover({"inventory", "-i", "http://127.0.0.1:1", "--list"}, with_token);
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.err.find("cannot reach the server"), std::string::npos) << gone.err;
}

TEST(CmdbInventory, AMissingDataDirectoryIsAnError) {
  auto r = run_drover({"inventory", "-i", "drover:/nonexistent/var", "--list"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/nonexistent/var"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace drover::test
