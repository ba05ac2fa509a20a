// debconf against ansible.builtin.debconf (ansible-core 2.14) on two
// sandboxed sshd hosts with a copy of the machine's dpkg and debconf state
// (private /var): answers read and set, results (changed, msg, current,
// previous, diff) and the database left must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class DebconfCompat : public test::SandboxPairTest {
 protected:
  static void SetUpTestSuite() { start(true); }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("debconf", args, flags);
  }
  static std::string answers() { return same_state("debconf-show tzdata 2>&1 | sort"); }
};

TEST_F(DebconfCompat, SetsAnAnswerInCheckModeThenForRealThenIsIdempotent) {
  answers();
  ModuleOutcome c = same("name=tzdata question=tzdata/Areas vtype=select value=Asia", {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = same("name=tzdata question=tzdata/Areas vtype=select value=Asia", {"--diff"});
  EXPECT_EQ(r.ours_json["current"]["tzdata/Areas"], "Asia");
  ModuleOutcome again = same("name=tzdata question=tzdata/Areas vtype=select value=Asia");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_NE(answers().find("tzdata/Areas: Asia"), std::string::npos);
}

TEST_F(DebconfCompat, ReadsAPackagesAnswersAndAddsNewQuestionsUnseen) {
  same("name=tzdata question=tzdata/Areas vtype=select value=Europe");
  ModuleOutcome all = same("name=tzdata");
  EXPECT_TRUE(all.ours_json["current"].contains("tzdata/Areas")) << all.ours;
  ModuleOutcome added = same("name=tzdata question=tzdata/drover-flag vtype=boolean value=True unseen=true", {"--diff"});
  EXPECT_EQ(added.ours_json["changed"], true);
  same("name=tzdata question=tzdata/drover-flag vtype=boolean value=true");
  answers();
  // drover refuses this at load time, naming the module: the failure, not its words, is compared.
  ModuleOutcome bad = pair_->both("debconf", "name=tzdata question=tzdata/Areas");
  EXPECT_EQ(bad.ours_json["failed"], true);
  EXPECT_EQ(bad.theirs_json["failed"], true);
}

}  // namespace
}  // namespace drover
