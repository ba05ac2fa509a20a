// apt_key against ansible.builtin.apt_key (ansible-core 2.14) on two
// sandboxed sshd hosts: Debian's bookworm release key (from the machine's
// /usr/share/keyrings, read only) added to and removed from a keyring under
// the private /etc; results (changed, id, short_id, fp, key_id, before,
// after) and the keyring's keys must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class AptKeyCompat : public test::SandboxPairTest {
 protected:
  static void SetUpTestSuite() {
    start(false);
    prepare("rm -f /etc/apt/drover-test.gpg*");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("apt_key", "keyring=/etc/apt/drover-test.gpg " + args, flags);
  }
  static std::string keys() {
    return same_state("gpg --no-default-keyring --keyring /etc/apt/drover-test.gpg --list-keys --with-colons 2>/dev/null"
                      " | grep '^pub' | cut -d: -f5");
  }
};

const std::string kKeyFile = "file=/usr/share/keyrings/debian-archive-bookworm-stable.gpg ";

TEST_F(AptKeyCompat, AddsAKeyFromAFileInCheckModeThenForRealThenIsIdempotent) {
  ModuleOutcome c = same(kKeyFile, {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(keys(), "");
  ModuleOutcome r = same(kKeyFile);
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = same(kKeyFile);
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_NE(keys(), "");
}

TEST_F(AptKeyCompat, RemovesAKeyByIdAndRefusesABadId) {
  ModuleOutcome added = same(kKeyFile);
  const std::string id = added.ours_json["key_id"].get<std::string>();
  ModuleOutcome rm = same("id=" + id + " state=absent");
  EXPECT_EQ(rm.ours_json["changed"], true);
  ModuleOutcome again = same("id=" + id.substr(id.size() - 8) + " state=absent");
  EXPECT_EQ(again.ours_json["changed"], false);
  ModuleOutcome bad = same("id=12345 state=absent");
  EXPECT_EQ(bad.ours_json["msg"], "Invalid key_id");
}

}  // namespace
}  // namespace drover
