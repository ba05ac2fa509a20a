// modprobe against community.general.modprobe (Debian 12's ansible 7) on two
// sandboxed sshd hosts. The test machine has no modprobe and no
// /proc/modules (and loading kernel modules is no test's business), so
// what is compared is the refusal: both fail, before touching anything.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class ModprobeCompat : public test::SandboxPairTest {};

TEST_F(ModprobeCompat, AHostWithoutModprobeIsRefusedAndLeftAlone) {
  ModuleOutcome o = pair_->both("community.general.modprobe", "name=dummy persistent=present", {"--check"});
  EXPECT_EQ(o.theirs_json["failed"], true) << o.theirs;
  EXPECT_EQ(o.ours_json["failed"], true) << o.ours;
  EXPECT_NE(o.ours_json["msg"].get<std::string>().find("modprobe"), std::string::npos) << o.ours;
  EXPECT_EQ(same_state("ls /etc/modules-load.d/dummy.conf /etc/modprobe.d/dummy.conf 2>&1 | wc -l"), "2\n");
}

}  // namespace
}  // namespace drover
