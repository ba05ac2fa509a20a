// The file modules over a real SSH session (a private sshd from the test
// harness): content travels on the script's stdin; a big file is sent only
// when its checksum differs (a second round trip), never on an idempotent
// run; check mode and diff mode behave as over the local connection.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "modules/registry.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

class FilesOverSsh : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fleet_ = new test::SshdFleet(1); }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }
  void SetUp() override {
    ConnectionSpec s;
    const auto& h = fleet_->hosts().at(0);
    s.name = h.name;
    s.host = h.address;
    s.port = h.port;
    s.user = "root";
    s.identity_files = {fleet_->client_key_path()};
    s.known_hosts_file = fleet_->known_hosts_path();
    s.ssh_config_file = "none";
    s.use_agent = false;
    conn_ = make_connection(s);
    conn_->connect();
  }
  Value run(const std::string& module, Value args, bool check = false, bool diff = false) {
    const ModuleEntry* m = find_module(module);
    ModuleContext ctx;
    ctx.connection = conn_.get();
    ctx.check_mode = check;
    ctx.diff_mode = diff;
    ctx.search_path = {dir_.path()};
    return m->module->run(validate_args(m->name, m->module->spec(), args), ctx);
  }
  std::string p(const std::string& rel) const { return dir_.path() + "/" + rel; }

  static test::SshdFleet* fleet_;
  test::TempDir dir_;
  std::unique_ptr<Connection> conn_;
};
test::SshdFleet* FilesOverSsh::fleet_ = nullptr;

TEST_F(FilesOverSsh, BigContentIsWrittenThenLeftAloneAndBackedUp) {
  std::string big(1 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 64) big[i] = '\n';
  Value r = run("copy", Value{{"content", big}, {"dest", p("big")}, {"mode", "0600"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["size"], big.size());
  EXPECT_EQ(test::read_file(p("big")), big);
  r = run("copy", Value{{"content", big}, {"dest", p("big")}, {"mode", "0600"}});
  EXPECT_EQ(r["changed"], false) << r.dump();
  big[5] = 'y';
  r = run("copy", Value{{"content", big}, {"dest", p("big")}, {"backup", true}}, false, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["diff"][0]["dst_larger"], 104448);
  EXPECT_EQ(r["diff"][0]["src_larger"], 104448);
  EXPECT_TRUE(std::filesystem::exists(r["backup_file"].get<std::string>()));
  EXPECT_EQ(test::read_file(p("big")), big);
}

TEST_F(FilesOverSsh, DirectoryLineAndStatRoundTrips) {
  Value r = run("file", Value{{"path", p("etc/app")}, {"state", "directory"}, {"mode", "0755"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  r = run("lineinfile", Value{{"path", p("etc/app/a.conf")}, {"line", "k=v"}, {"create", true}}, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_FALSE(std::filesystem::exists(p("etc/app/a.conf")));
  r = run("lineinfile", Value{{"path", p("etc/app/a.conf")}, {"line", "k=v"}, {"create", true}});
  EXPECT_EQ(r["changed"], true);
  r = run("lineinfile", Value{{"path", p("etc/app/a.conf")}, {"line", "k=v"}, {"create", true}});
  EXPECT_EQ(r["changed"], false);
  r = run("stat", Value{{"path", p("etc/app/a.conf")}});
  EXPECT_EQ(r["stat"]["size"], 4);
  EXPECT_EQ(r["stat"]["pw_name"], "root");
}

}  // namespace
}  // namespace drover
