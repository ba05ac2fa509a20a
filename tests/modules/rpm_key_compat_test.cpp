// rpm_key against ansible.builtin.rpm_key (ansible-core 2.14) on two
// sandboxed sshd hosts (private /var, so rpm's database is the sandbox's):
// Debian's bookworm release key, armored into the private /etc, imported
// and dropped; results and the gpg-pubkey packages left must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class RpmKeyCompat : public test::SandboxPairTest {
 protected:
  static void SetUpTestSuite() {
    start(false);
    prepare("gpg --batch --no-default-keyring --keyring /usr/share/keyrings/debian-archive-bookworm-stable.gpg"
            " --export --armor > /etc/drover-rpm.asc 2>/dev/null; grep -q 'BEGIN PGP' /etc/drover-rpm.asc");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("rpm_key", args, flags);
  }
  static std::string pubkeys() { return same_state("rpm -q gpg-pubkey 2>&1"); }
};

TEST_F(RpmKeyCompat, ImportsAKeyFileInCheckModeThenForRealThenIsIdempotent) {
  ModuleOutcome c = same("key=/etc/drover-rpm.asc", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  same("key=/etc/drover-rpm.asc");
  ModuleOutcome again = same("key=/etc/drover-rpm.asc");
  EXPECT_EQ(again.ours_json["changed"], false) << again.ours;
  pubkeys();
}

TEST_F(RpmKeyCompat, DropsAKeyByIdAndRefusesAWrongFingerprintOrANonKey) {
  same("key=/etc/drover-rpm.asc fingerprint='0000 1111'");
  same("key=/etc/drover-nothing");
  same("key=/etc/drover-rpm.asc");
  auto id = pair_->state("gpg --batch --with-colons --fixed-list-mode /etc/drover-rpm.asc 2>/dev/null | grep ^pub | cut -d: -f5");
  ModuleOutcome rm = same("key=" + id.first.substr(0, id.first.find('\n')) + " state=absent");
  EXPECT_EQ(rm.ours_json["changed"], rm.theirs_json["changed"]);
  pubkeys();
}

}  // namespace
}  // namespace drover
