// capabilities against community.general.capabilities (Debian 12's
// ansible 7) on two sandboxed sshd hosts, on a copy of a binary in the
// sandbox's private /root: results (changed, state, msg, stdout) and the
// capabilities left (getcap) must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class CapabilitiesCompat : public test::SandboxPairTest {
 protected:
  void SetUp() override { prepare("rm -f /root/drover-ping; cp /bin/true /root/drover-ping"); }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("community.general.capabilities", args, flags);
  }
  static std::string caps() { return same_state("getcap -v /root/drover-ping"); }
};

TEST_F(CapabilitiesCompat, AddsACapabilityOnceAndCheckModeOnlyReports) {
  EXPECT_EQ(same("path=/root/drover-ping capability=cap_net_raw+ep", {"--check"}).ours_json["changed"], true);
  EXPECT_EQ(caps(), "/root/drover-ping\n");
  ModuleOutcome set = same("path=/root/drover-ping capability=cap_net_raw+ep");
  EXPECT_EQ(set.ours_json["msg"], "capabilities changed");
  EXPECT_EQ(caps(), "/root/drover-ping cap_net_raw=ep\n");
  // getcap prints "=ep": the same capability asked as "+ep" is not found as is.
  same("path=/root/drover-ping capability=cap_net_raw=ep");
  EXPECT_EQ(same("path=/root/drover-ping capability=cap_net_raw=ep").ours_json["changed"], false);
}

TEST_F(CapabilitiesCompat, KeepsTheOthersAndRemovesOne) {
  same("path=/root/drover-ping capability=cap_net_raw=ep");
  same("path=/root/drover-ping capability=cap_net_bind_service=ep");
  std::string both = caps();
  EXPECT_NE(both.find("cap_net_bind_service,cap_net_raw=ep"), std::string::npos) << both;
  ModuleOutcome rm = same("path=/root/drover-ping capability=cap_net_raw state=absent");
  EXPECT_EQ(rm.ours_json["changed"], true);
  EXPECT_EQ(caps(), "/root/drover-ping cap_net_bind_service=ep\n");
  EXPECT_EQ(same("path=/root/drover-ping capability=cap_net_raw state=absent").ours_json["changed"], false);
}

TEST_F(CapabilitiesCompat, AMissingFileFails) {
  ModuleOutcome o = same("path=/root/drover-missing capability=cap_net_raw+ep");
  EXPECT_EQ(o.ours_json["msg"], "Unable to get capabilities of /root/drover-missing");
}

}  // namespace
}  // namespace drover
