// getent against ansible.builtin.getent (ansible-core 2.14) on two
// sandboxed sshd hosts with the same private /etc: the facts (records split
// as Ansible splits them, duplicate keys as lists) and the failures must be
// equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class GetentCompat : public test::SandboxPairTest {
 protected:
  static void SetUpTestSuite() {
    start(false);
    // Two lines for one name in /etc/hosts: Ansible lists both records.
    prepare("echo '192.0.2.7 drover-twice.test' >> /etc/hosts; echo '192.0.2.8 drover-twice.test' >> /etc/hosts");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("getent", args, flags);
  }
};

TEST_F(GetentCompat, AUserRecordSplitOnColonsBecomesAFact) {
  ModuleOutcome o = same("database=passwd key=root", {"--check"});
  EXPECT_EQ(o.ours_json["ansible_facts"]["getent_passwd"]["root"][1], "0");
}

TEST_F(GetentCompat, AWholeDatabaseAndACustomSplit) {
  ModuleOutcome o = same("database=group");
  EXPECT_TRUE(o.ours_json["ansible_facts"]["getent_group"].contains("root"));
  same("database=passwd split=x key=root");
}

TEST_F(GetentCompat, TheSameKeyTwiceGivesAListOfRecords) {
  ModuleOutcome o = same("database=hosts key=drover-twice.test");
  EXPECT_EQ(o.ours_json["ansible_facts"]["getent_hosts"]["192.0.2.7"][0], "drover-twice.test");
  same("database=ahostsv4 key=drover-twice.test");
}

TEST_F(GetentCompat, AMissingKeyFailsOrIsNullWithoutFailKey) {
  ModuleOutcome missing = same("database=passwd key=drover-nobody");
  EXPECT_EQ(missing.ours_json["failed"], true);
  ModuleOutcome tolerated = same("database=passwd key=drover-nobody fail_key=false");
  EXPECT_TRUE(tolerated.ours_json["ansible_facts"]["getent_passwd"]["drover-nobody"].is_null());
  ModuleOutcome unknown = same("database=drover-nodb");
  EXPECT_EQ(unknown.ours_json["msg"], "Missing arguments, or database unknown.");
}

}  // namespace
}  // namespace drover
