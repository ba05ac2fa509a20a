// git_config against community.general.git_config (Debian 12's ansible 7) on
// two sandboxed sshd hosts (private /etc and /root, so the system and global
// files are the sandbox's): results (changed, msg, config_value(s), diff)
// and the files left must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class GitConfigCompat : public test::SandboxPairTest {
 protected:
  void SetUp() override { prepare("rm -f /root/.gitconfig /etc/gitconfig"); }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("community.general.git_config", args, flags);
  }
};

TEST_F(GitConfigCompat, SetsAGlobalValueOnceReadsItAndListsTheScope) {
  ModuleOutcome set = same("name=user.email scope=global value=ops@example.org");
  EXPECT_EQ(set.ours_json["msg"], "setting changed") << set.ours;
  EXPECT_EQ(set.ours_json["diff"]["after"], "ops@example.org\n");
  EXPECT_EQ(same("name=user.email scope=global value=ops@example.org").ours_json["changed"], false);
  EXPECT_EQ(same("name=user.email scope=global").ours_json["config_value"], "ops@example.org");
  same("name=user.name scope=global value='Ops Team'");
  ModuleOutcome all = same("list_all=true scope=global");
  EXPECT_EQ(all.ours_json["config_values"]["user.name"], "Ops Team") << all.ours;
  same_state("cat /root/.gitconfig");
}

TEST_F(GitConfigCompat, CheckModeWritesNothingAndUnsetIsReported) {
  ModuleOutcome check = same("name=core.editor value=vim", {"--check"});
  EXPECT_EQ(check.ours_json["changed"], true);
  EXPECT_EQ(same_state("cat /etc/gitconfig 2>&1 | wc -l"), "1\n");
  same("name=core.editor value=vim");
  EXPECT_EQ(same_state("cat /etc/gitconfig"), "[core]\n\teditor = vim\n");
  ModuleOutcome unset = same("name=core.editor state=absent");
  EXPECT_EQ(unset.ours_json["changed"], true);
  EXPECT_EQ(same("name=core.editor state=absent").ours_json["msg"], "no setting to unset");
}

TEST_F(GitConfigCompat, ListingAMissingFileGivesNoValues) {
  ModuleOutcome o = same("list_all=true scope=global");
  EXPECT_EQ(o.ours_json["config_values"], Value::object()) << o.ours;
}

}  // namespace
}  // namespace drover
