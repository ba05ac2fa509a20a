#include "engine/config.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "harness/process.hpp"

namespace drover {
namespace {

TEST(Config, DefaultsMatchAnsible) {
  Config c = Config::load_from("", {});
  EXPECT_EQ(c.integer("DEFAULT_FORKS"), 5);
  EXPECT_EQ(c.integer("DEFAULT_TIMEOUT"), 10);
  EXPECT_TRUE(c.boolean("HOST_KEY_CHECKING"));
  EXPECT_FALSE(c.is_set("DEFAULT_REMOTE_USER"));
  EXPECT_EQ(c.list("DEFAULT_HOST_LIST"), std::vector<std::string>{"/etc/ansible/hosts"});
}

TEST(Config, FileValuesAreReadFromTheirSections) {
  test::TempDir d;
  std::string f = d.write("ansible.cfg",
                          "[defaults]\nforks = 50 ; inline comment\ninventory = ./hosts,./more\n"
                          "remote_user: deploy\nhost_key_checking = False\n"
                          "# comment\n[privilege_escalation]\nbecome = yes\n"
                          "[ssh_connection]\npipelining = True\n");
  Config c = Config::load_from(f, {});
  EXPECT_EQ(c.integer("DEFAULT_FORKS"), 50);
  EXPECT_EQ(c.str("DEFAULT_REMOTE_USER"), "deploy");
  EXPECT_FALSE(c.boolean("HOST_KEY_CHECKING"));
  EXPECT_TRUE(c.boolean("DEFAULT_BECOME"));
  EXPECT_TRUE(c.boolean("ANSIBLE_PIPELINING"));
  EXPECT_EQ(c.list("DEFAULT_HOST_LIST"), (std::vector<std::string>{"./hosts", "./more"}));
}

TEST(Config, EnvironmentBeatsTheFile) {
  test::TempDir d;
  std::string f = d.write("ansible.cfg", "[defaults]\nforks = 50\n");
  Config c = Config::load_from(f, {{"ANSIBLE_FORKS", "7"}, {"ANSIBLE_HOST_KEY_CHECKING", "false"}});
  EXPECT_EQ(c.integer("DEFAULT_FORKS"), 7);
  EXPECT_FALSE(c.boolean("HOST_KEY_CHECKING"));
}

TEST(Config, MalformedLineSaysWhere) {
  try {
    parse_ini_config("[defaults]\nforks 50\n", "a.cfg");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where().line, 2);
  }
}

TEST(Config, SearchOrderPrefersAnsibleConfigThenCurrentDirectory) {
  test::TempDir d;
  d.write("cwd/ansible.cfg", "[defaults]\ninventory = ./cwd_hosts\n");
  d.write("cwd/cwd_hosts", "from-cwd-1\nfrom-cwd-2\n");
  d.write("other/ansible.cfg", "[defaults]\ninventory = " + d.path() + "/other/env_hosts\n");
  d.write("other/env_hosts", "from-env\n");
  test::ProcessOptions po;
  po.cwd = d.path() + "/cwd";
  po.env = {{"HOME", d.path()}};
  auto res = test::run_drover({"run", "all", "--list-hosts"}, po);
  EXPECT_EQ(res.exit_code, 0) << res.err;
  EXPECT_EQ(res.out, "  hosts (2):\n    from-cwd-1\n    from-cwd-2\n");
  // ANSIBLE_CONFIG may name a directory holding ansible.cfg; it wins.
  po.env["ANSIBLE_CONFIG"] = d.path() + "/other";
  res = test::run_drover({"run", "all", "--list-hosts"}, po);
  EXPECT_EQ(res.out, "  hosts (1):\n    from-env\n");
  // ANSIBLE_INVENTORY beats the file.
  po.env["ANSIBLE_INVENTORY"] = d.path() + "/cwd/cwd_hosts";
  res = test::run_drover({"run", "all", "--list-hosts"}, po);
  EXPECT_EQ(res.out, "  hosts (2):\n    from-cwd-1\n    from-cwd-2\n");
}

}  // namespace
}  // namespace drover
