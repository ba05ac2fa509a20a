// selinux against ansible.posix.selinux (Debian 12's ansible 7) on two
// sandboxed sshd hosts without SELinux, with /etc/selinux/config in the
// private /etc. Ansible's module needs Python's SELinux bindings, which the
// test machine lacks, so it refuses; drover's, which needs none, does what
// Ansible's does on such a host when the bindings are there (the config
// file rewritten, a reboot required): that is checked against the values
// Ansible's code gives.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class SelinuxCompat : public test::SandboxPairTest {
 protected:
  // Every test starts from an enforcing configuration.
  void SetUp() override {
    prepare("mkdir -p /etc/selinux; printf '# selinux\\nSELINUX=enforcing\\nSELINUXTYPE=targeted\\n' > /etc/selinux/config");
  }
};

TEST_F(SelinuxCompat, DisablingOnAHostWithoutSelinuxRewritesTheConfigAndAsksForNothingMore) {
  ModuleOutcome o = pair_->both("ansible.posix.selinux", "state=disabled");
  EXPECT_EQ(o.theirs_json["failed"], true) << o.theirs;  // no libselinux-python here
  EXPECT_EQ(o.ours_json["changed"], true) << o.ours;
  EXPECT_EQ(o.ours_json["msg"], "Config SELinux state changed from 'enforcing' to 'disabled'");
  EXPECT_EQ(o.ours_json["reboot_required"], false);
  EXPECT_EQ(pair_->state("cat /etc/selinux/config").first, "# selinux\nSELINUX=disabled\nSELINUXTYPE=targeted\n");
  Value again = pair_->ours("selinux", "state=disabled");
  EXPECT_EQ(again["changed"], false) << again.dump();
}

TEST_F(SelinuxCompat, EnforcingNeedsAPolicyAndAReboot) {
  Value no_policy = pair_->ours("selinux", "state=enforcing");
  EXPECT_EQ(no_policy["msg"], "Policy is required if state is not 'disabled'");
  Value check = pair_->ours("selinux", "state=enforcing policy=targeted", {"--check"});
  EXPECT_EQ(check["changed"], false);  // the configuration says enforcing already
  EXPECT_EQ(check["warnings"][0], "Reboot is required to set SELinux state to 'enforcing'") << check.dump();
  EXPECT_EQ(check["reboot_required"], true);
}

}  // namespace
}  // namespace drover
