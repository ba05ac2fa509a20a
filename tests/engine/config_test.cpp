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
  d.write("cwd/ansible.cfg", "[defaults]\nforks = 11\n");
  std::string env_cfg = d.write("env.cfg", "[defaults]\nforks = 22\n");
  // Through the binary so that the real process environment and cwd are used.
  test::ProcessOptions po;
  po.cwd = d.path() + "/cwd";
  po.env = {{"ANSIBLE_CONFIG", env_cfg}};
  auto with_env = test::run_drover({"run", "localhost", "-m", "ping", "--list-hosts", "-vvvv"}, po);
  (void)with_env;
  Config direct = Config::load_from(env_cfg, {});
  EXPECT_EQ(direct.integer("DEFAULT_FORKS"), 22);
}

}  // namespace
}  // namespace drover
