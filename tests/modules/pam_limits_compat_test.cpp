// pam_limits against community.general.pam_limits (Debian 12's ansible 7) on
// two sandboxed sshd hosts (private /etc): results (changed, msg, diff) and
// the limits files left must be equal, Ansible's quirks included.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class PamLimitsCompat : public test::SandboxPairTest {
 protected:
  // Both sandboxes get /etc/drover-pam/limits.conf with `content` (printf format).
  static void start_with(const std::string& content) {
    prepare("rm -rf /etc/drover-pam; mkdir /etc/drover-pam; printf '" + content + "' > /etc/drover-pam/limits.conf");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    ModuleOutcome o = pair_->both("community.general.pam_limits", "dest=/etc/drover-pam/limits.conf " + args, flags);
    // Backup names hold a process id and the time.
    for (Value* r : {&o.ours_json, &o.theirs_json})
      if (r->contains("backup_file")) (*r)["backup_file"] = "BACKUP";
    EXPECT_EQ(test::sorted_dump(o.ours_json), test::sorted_dump(o.theirs_json)) << args;
    return o;
  }
  static std::string same_file() {
    return same_state("ls /etc/drover-pam | sed 's/[.][0-9]*[.][0-9-]*@.*~$/.BACKUP/'; cat /etc/drover-pam/limits.conf");
  }
};

const char* kLimits = "# limits\n*   soft   core   0\n@admins hard nofile 4096 # raised\n\nroot - nproc unlimited\n";

TEST_F(PamLimitsCompat, AddsALimitInCheckModeThenForRealThenIsIdempotent) {
  start_with(kLimits);
  ModuleOutcome c = same("domain=joe limit_type=soft limit_item=nofile value=1024", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(same_file().find("joe"), std::string::npos);
  ModuleOutcome r = same("domain=joe limit_type=soft limit_item=nofile value=1024 comment=web");
  EXPECT_EQ(r.ours_json["msg"], "joe\tsoft\tnofile\t1024\t#web\n");
  ModuleOutcome again = same("domain=joe limit_type=soft limit_item=nofile value=1024 comment=web");
  EXPECT_EQ(again.ours_json["changed"], false);
  same_file();
}

TEST_F(PamLimitsCompat, ChangesAnExistingLimitWithUseMaxAndUseMin) {
  start_with(kLimits);
  ModuleOutcome lower = same("domain=@admins limit_type=hard limit_item=nofile value=2048 use_max=true");
  EXPECT_EQ(lower.ours_json["changed"], false);
  ModuleOutcome higher = same("domain=@admins limit_type=hard limit_item=nofile value=8192 use_max=true");
  EXPECT_EQ(higher.ours_json["changed"], true);
  same("domain=root limit_type=- limit_item=nproc value=100 use_min=true");
  same("domain=* limit_type=soft limit_item=core value=unlimited backup=true");
  std::string file = same_file();
  EXPECT_NE(file.find("limits.conf.BACKUP"), std::string::npos) << file;
}

TEST_F(PamLimitsCompat, RefusesBadValuesAndBadFiles) {
  start_with(kLimits);
  ModuleOutcome bad = same("domain=joe limit_type=soft limit_item=nice value=40");
  EXPECT_EQ(bad.ours_json["failed"], true);
  same("domain=joe limit_type=soft limit_item=nofile value=lots");
  same("domain=joe limit_type=soft limit_item=nofile value=1 use_max=true use_min=true");
  start_with("joe soft nofile many\n");
  ModuleOutcome broken = same("domain=joe limit_type=soft limit_item=nofile value=1");
  EXPECT_EQ(broken.ours_json["failed"], true);
  prepare("rm -rf /etc/drover-pam");
  ModuleOutcome nodir = same("domain=joe limit_type=soft limit_item=nofile value=1");
  EXPECT_EQ(nodir.ours_json["failed"], true);
}

TEST_F(PamLimitsCompat, AMissingFileIsCreatedEvenInCheckMode) {
  start_with("");
  prepare("rm -f /etc/drover-pam/limits.conf");
  ModuleOutcome c = same("domain=joe limit_type=hard limit_item=core value=0", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(same_file(), "limits.conf\n");
}

}  // namespace
}  // namespace drover
