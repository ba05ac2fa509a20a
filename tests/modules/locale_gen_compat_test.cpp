// locale_gen against community.general.locale_gen (Debian 12's ansible 7) on
// two sandboxed sshd hosts (private /etc/locale.gen). locale-gen itself
// writes /usr/lib/locale, which the sandbox shares with the machine, so no
// test lets it run: what is compared is the decision (check mode), the
// runs that need no generation and the refusals.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class LocaleGenCompat : public test::SandboxPairTest {
 protected:
  static void SetUpTestSuite() {
    start(false);
    prepare("printf '# fr_FR.UTF-8 UTF-8\\n# de_DE ISO-8859-1\\n' > /etc/locale.gen");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("community.general.locale_gen", args, flags);
  }
};

TEST_F(LocaleGenCompat, AListedLocaleWouldBeGeneratedAndAnAbsentOneIsLeftAlone) {
  ModuleOutcome c = same("name=fr_FR.UTF-8", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome absent = same("name=de_DE state=absent");
  EXPECT_EQ(absent.ours_json["changed"], false);
  EXPECT_EQ(absent.ours_json["msg"], "OK");
  EXPECT_EQ(same_state("cat /etc/locale.gen"), "# fr_FR.UTF-8 UTF-8\n# de_DE ISO-8859-1\n");
}

TEST_F(LocaleGenCompat, AnUnlistedLocaleOrAMissingLocaleGenIsRefused) {
  ModuleOutcome unknown = same("name=xx_YY.UTF-8", {"--check"});
  EXPECT_EQ(unknown.ours_json["msg"], "The locale you've entered is not available on your system.");
  prepare("mv /etc/locale.gen /etc/locale.gen.drover");
  ModuleOutcome missing = same("name=fr_FR.UTF-8", {"--check"});
  EXPECT_EQ(missing.ours_json["failed"], true);
  prepare("mv /etc/locale.gen.drover /etc/locale.gen");
}

}  // namespace
}  // namespace drover
