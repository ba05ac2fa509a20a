// package_facts against ansible.builtin.package_facts (ansible-core 2.14) on
// two sandboxed sshd hosts with a copy of the machine's dpkg database and
// apt state: Ansible reads them through python-apt, drover through
// dpkg-query and apt-cache; every package's record (name, version, arch,
// category, origin, source) must be equal. manager=apt is named: with the
// default "auto" Ansible's choice between apt and rpm (both on this
// machine) varies from run to run.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class PackageFactsCompat : public test::SandboxPairTest {
 protected:
  static void SetUpTestSuite() { start(true); }
};

TEST_F(PackageFactsCompat, EveryInstalledDebianPackageIsReportedAsAnsibleReportsIt) {
  ModuleOutcome o = pair_->both("package_facts", "manager=apt", {"--check"});
  const Value& ours = o.ours_json["ansible_facts"]["packages"];
  const Value& theirs = o.theirs_json["ansible_facts"]["packages"];
  ASSERT_TRUE(theirs.is_object()) << o.theirs;
  EXPECT_EQ(ours.size(), theirs.size());
  size_t differing = 0;
  for (auto it = theirs.begin(); it != theirs.end(); ++it) {
    if (!ours.contains(it.key()) || test::sorted_dump(ours[it.key()]) != test::sorted_dump(it.value())) {
      if (++differing <= 5)
        ADD_FAILURE() << it.key() << ": ours " << (ours.contains(it.key()) ? ours[it.key()].dump() : "missing")
                      << " theirs " << it.value().dump();
    }
  }
  EXPECT_EQ(differing, 0u);
  EXPECT_EQ(ours["dpkg"][0]["source"], "apt");
}

TEST_F(PackageFactsCompat, AnUnknownManagerIsRefusedWithAnsiblesMessage) {
  ModuleOutcome o = pair_->both("package_facts", "manager=drover-pm");
  EXPECT_EQ(o.ours, o.theirs);
  EXPECT_EQ(o.ours_json["msg"], "Unsupported package managers requested: drover-pm");
}

}  // namespace
}  // namespace drover
