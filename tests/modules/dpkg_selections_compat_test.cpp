// dpkg_selections against ansible.builtin.dpkg_selections (ansible-core
// 2.14) on two sandboxed sshd hosts with a copy of the machine's dpkg
// database: results (changed, before, after) and the selections left must
// be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class DpkgSelectionsCompat : public test::SandboxPairTest {
 protected:
  static void SetUpTestSuite() { start(true); }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("dpkg_selections", args, flags);
  }
};

TEST_F(DpkgSelectionsCompat, HoldsAPackageOnceAndCheckModeOnlyReports) {
  ModuleOutcome check = same("name=rsync selection=hold", {"--check"});
  EXPECT_EQ(check.ours_json["changed"], true);
  EXPECT_EQ(check.ours_json["before"], "install");
  EXPECT_EQ(same_state("dpkg --get-selections rsync"), "rsync\t\t\t\t\t\tinstall\n");
  EXPECT_EQ(same("name=rsync selection=hold").ours_json["changed"], true);
  EXPECT_EQ(same("name=rsync selection=hold").ours_json["changed"], false);
  EXPECT_EQ(same_state("dpkg --get-selections rsync"), "rsync\t\t\t\t\t\thold\n");
  EXPECT_EQ(same("name=rsync selection=install").ours_json["before"], "hold");
}

TEST_F(DpkgSelectionsCompat, AnUnknownPackageIsNotPresentBefore) {
  ModuleOutcome o = same("name=drover-no-such-package selection=install", {"--check"});
  EXPECT_EQ(o.ours_json["before"], "not present");
  EXPECT_EQ(o.ours_json["changed"], true);
}

}  // namespace
}  // namespace drover
