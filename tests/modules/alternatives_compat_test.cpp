// alternatives against community.general.alternatives (Debian 12's ansible
// 7) on two sandboxed sshd hosts: the links live under the private /etc
// (/etc/drover-alt) and update-alternatives' database in the private /var,
// so nothing of the machine's own alternatives changes. Results (changed,
// msg, diff) and `update-alternatives --display` must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class AlternativesCompat : public test::SandboxPairTest {
 protected:
  static void start_empty() {
    prepare("rm -rf /etc/drover-alt /var/lib/dpkg/alternatives/drover-*; rm -f /etc/alternatives/drover-*;"
            " mkdir -p /etc/drover-alt /var/lib/dpkg/alternatives /etc/alternatives");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("community.general.alternatives", args, flags);
  }
  static std::string display() {
    return same_state("LC_ALL=C update-alternatives --display drover-editor 2>&1; readlink /etc/drover-alt/editor");
  }
};

const std::string kTrue = "name=drover-editor link=/etc/drover-alt/editor path=/bin/true ";
const std::string kFalse = "name=drover-editor link=/etc/drover-alt/editor path=/bin/false ";

TEST_F(AlternativesCompat, InstallsAndSelectsInCheckModeThenForRealThenIsIdempotent) {
  start_empty();
  ModuleOutcome c = same(kTrue + "priority=10", {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = same(kTrue + "priority=10", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = same(kTrue + "priority=10", {"--diff"});
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_NE(display().find("link currently points to /bin/true"), std::string::npos);
}

TEST_F(AlternativesCompat, PresentSelectedAutoAndAbsent) {
  start_empty();
  same(kTrue + "priority=10 state=present");
  ModuleOutcome hi = same(kFalse + "priority=20 state=present", {"--diff"});
  EXPECT_EQ(hi.ours_json["msg"], "Install alternative '/bin/false' for 'drover-editor'.");
  same(kTrue + "state=selected", {"--diff"});
  EXPECT_NE(display().find("manual mode"), std::string::npos);
  ModuleOutcome au = same(kTrue + "state=auto", {"--diff"});
  EXPECT_EQ(au.ours_json["changed"], true);
  same(kFalse + "priority=30 state=present", {"--diff"});
  ModuleOutcome rm = same(kFalse + "state=absent", {"--diff"});
  EXPECT_EQ(rm.ours_json["changed"], true);
  display();
}

TEST_F(AlternativesCompat, FollowersAndAMissingPath) {
  start_empty();
  ModuleOutcome f = pair_->both("community.general.alternatives",
                                R"({"name": "drover-editor", "link": "/etc/drover-alt/editor", "path": "/bin/true",)"
                                R"( "subcommands": [{"name": "drover-editor.1", "link": "/etc/drover-alt/editor.1",)"
                                R"( "path": "/bin/echo"}]})",
                                {"--diff"});
  EXPECT_EQ(f.ours, f.theirs);
  same("name=drover-editor path=/bin/true", {"--diff"});
  display();
  ModuleOutcome missing = same(kTrue + "path=/drover/no/such/file");
  EXPECT_EQ(missing.ours_json["msg"], "Specified path /drover/no/such/file does not exist");
}

}  // namespace
}  // namespace drover
