// timezone against community.general.timezone (Debian 12's ansible 7) on two
// sandboxed sshd hosts with private /etc and a copy of the dpkg database
// (the sandbox's PID 1 is not systemd, so both take Debian's way:
// /etc/timezone, the /etc/localtime link and dpkg-reconfigure tzdata).
// Results (changed, diff, msg, failures) and the files left must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class TimezoneCompat : public test::SandboxPairTest {
 protected:
  static void SetUpTestSuite() { start(true); }
  static void start_in_utc() {
    prepare("echo Etc/UTC > /etc/timezone; ln -sf /usr/share/zoneinfo/Etc/UTC /etc/localtime");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("community.general.timezone", args, flags);
  }
  static std::string zone_files() { return same_state("cat /etc/timezone; readlink /etc/localtime"); }
};

TEST_F(TimezoneCompat, SetsTheZoneInCheckModeThenForRealThenIsIdempotent) {
  start_in_utc();
  ModuleOutcome c = same("name=Europe/Paris", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(c.ours_json["diff"]["before"]["name"], "Etc/UTC");
  EXPECT_EQ(zone_files(), "Etc/UTC\n/usr/share/zoneinfo/Etc/UTC\n");
  ModuleOutcome r = same("name=Europe/Paris");
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = same("name=Europe/Paris");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_EQ(zone_files(), "Europe/Paris\n/usr/share/zoneinfo/Europe/Paris\n");
}

TEST_F(TimezoneCompat, AZoneLinkedElsewhereIsChangedAndAnUnknownZoneFails) {
  start_in_utc();
  prepare("echo America/New_York > /etc/timezone");  // the file says one zone, the link another
  ModuleOutcome c = same("name=America/New_York", {"--check"});
  EXPECT_EQ(c.ours_json["diff"]["before"]["name"], "Etc/UTC");
  ModuleOutcome bad = same("name=Mars/Olympus_Mons");
  EXPECT_EQ(bad.ours_json["failed"], true);
}

TEST_F(TimezoneCompat, TheHardwareClockSettingIsReadFromRcSAndAdjtime) {
  start_in_utc();
  prepare("echo UTC=yes > /etc/default/rcS; printf '0.0 0 0.0\\n0\\nLOCAL\\n' > /etc/adjtime");
  ModuleOutcome c = same("hwclock=UTC name=Etc/UTC", {"--check"});
  EXPECT_EQ(c.ours_json["diff"]["before"]["hwclock"], "local");
}

}  // namespace
}  // namespace drover
