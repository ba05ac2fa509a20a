// seboolean against ansible.posix.seboolean (Debian 12's ansible 7) on two
// sandboxed sshd hosts without SELinux (the test machine has neither
// SELinux nor its Python bindings): both refuse; drover with the message
// Ansible gives on a host whose bindings are installed but SELinux is off.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class SebooleanCompat : public test::SandboxPairTest {};

TEST_F(SebooleanCompat, AHostWithoutSelinuxIsRefusedWithAnsiblesMessage) {
  ModuleOutcome o = pair_->both("ansible.posix.seboolean", "name=httpd_can_network_connect state=true persistent=true");
  EXPECT_EQ(o.theirs_json["failed"], true) << o.theirs;
  EXPECT_EQ(o.ours_json["failed"], true);
  EXPECT_EQ(o.ours_json["msg"], "SELinux is disabled on this host.");
  ModuleOutcome ignored = pair_->both("seboolean", "name=drover_nobool state=false ignore_selinux_state=true", {"--check"});
  EXPECT_EQ(ignored.theirs_json["failed"], true);
  EXPECT_EQ(ignored.ours_json["msg"], "SELinux boolean drover_nobool does not exist.");
}

}  // namespace
}  // namespace drover
