// ini_file against community.general.ini_file (Debian 12's ansible 7) on
// two sandboxed sshd hosts (private /etc): each call is made by drover on
// host 0 and by ansible on host 1 on the same starting file; results
// (changed, msg, path, diff, backup_file) and the files left must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class IniFileCompat : public test::SandboxPairTest {
 protected:
  // Both sandboxes get /etc/drover-ini/app.ini with `content` (printf format).
  static void start_with(const std::string& content) {
    prepare("rm -rf /etc/drover-ini; mkdir /etc/drover-ini; printf '" + content + "' > /etc/drover-ini/app.ini");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("community.general.ini_file", args, flags);
  }
  // The files left (backups by a fixed name), equal on both sides.
  static std::string same_files() {
    return same_state(
        "cd /etc/drover-ini && for f in $(ls -A | sed 's/[.][0-9]*[.][0-9-]*@.*~$/.BACKUP/'); do echo \"== $f\"; done;"
        " stat -c '%a %U' app.ini 2>/dev/null; cat app.ini 2>/dev/null");
  }
};

const char* kApp = "; app settings\n[server]\nport = 80\n#host = example.org\n\n[client]\nretries=3\nretries=4\n";

TEST_F(IniFileCompat, SetsAnOptionInCheckModeThenForRealThenIsIdempotent) {
  start_with(kApp);
  ModuleOutcome c = same("path=/etc/drover-ini/app.ini section=server option=port value=8080", {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_NE(c.ours_json["diff"]["after"].get<std::string>().find("port = 8080"), std::string::npos);
  EXPECT_NE(same_files().find("port = 80\n"), std::string::npos);
  ModuleOutcome r = same("path=/etc/drover-ini/app.ini section=server option=port value=8080");
  EXPECT_EQ(r.ours_json["msg"], "option changed");
  ModuleOutcome again = same("path=/etc/drover-ini/app.ini section=server option=port value=8080", {"--diff"});
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_NE(same_files().find("port = 8080\n"), std::string::npos);
}

TEST_F(IniFileCompat, ACommentedOptionIsUncommentedAndNewOptionsGoAfterTheLastSetting) {
  start_with(kApp);
  same("path=/etc/drover-ini/app.ini section=server option=host value=example.org", {"--diff"});
  ModuleOutcome added = same("path=/etc/drover-ini/app.ini section=server option=workers value=4 no_extra_spaces=true");
  EXPECT_EQ(added.ours_json["msg"], "option added");
  std::string files = same_files();
  EXPECT_NE(files.find("host = example.org\nworkers=4\n\n[client]"), std::string::npos) << files;
}

TEST_F(IniFileCompat, RepeatedOptionsWithValuesAndExclusive) {
  start_with(kApp);
  ModuleOutcome keep = same("path=/etc/drover-ini/app.ini section=client option=retries values=5,3 exclusive=false", {"--diff"});
  EXPECT_EQ(keep.ours_json["changed"], true);
  ModuleOutcome excl = same("path=/etc/drover-ini/app.ini section=client option=retries values=5", {"--diff"});
  EXPECT_EQ(excl.ours_json["changed"], true);
  same("path=/etc/drover-ini/app.ini section=client option=retries value=9 state=absent exclusive=false");
  same("path=/etc/drover-ini/app.ini section=client option=retries value=5 state=absent exclusive=false", {"--diff"});
  EXPECT_EQ(same_files().find("retries"), std::string::npos);
}

TEST_F(IniFileCompat, NewSectionsNoSectionAndAllowNoValue) {
  start_with(kApp);
  ModuleOutcome sec = same("path=/etc/drover-ini/app.ini section=extra option=debug allow_no_value=true", {"--diff"});
  EXPECT_EQ(sec.ours_json["msg"], "section and option added");
  same("path=/etc/drover-ini/app.ini section=only", {"--diff"});
  same("path=/etc/drover-ini/app.ini option=top value=1", {"--diff"});
  ModuleOutcome gone = same("path=/etc/drover-ini/app.ini section=server state=absent", {"--diff"});
  EXPECT_EQ(gone.ours_json["msg"], "section removed");
  same_files();
}

TEST_F(IniFileCompat, CreatesAMissingFileWithModeAndBackupOrRefusesWithoutCreate) {
  start_with("");
  prepare("rm -f /etc/drover-ini/app.ini");
  ModuleOutcome no = same("path=/etc/drover-ini/app.ini section=a option=b value=c create=false");
  EXPECT_EQ(no.ours_json["rc"], 257);
  ModuleOutcome made = same("path=/etc/drover-ini/app.ini section=a option=b value=c mode=0600", {"--diff"});
  EXPECT_EQ(made.ours_json["changed"], true);
  prepare("printf 'x = 1' >> /etc/drover-ini/app.ini");  // no final newline: a change by itself
  ModuleOutcome nl = pair_->both("community.general.ini_file",
                                 "path=/etc/drover-ini/app.ini section=a option=b value=c backup=true");
  EXPECT_EQ(nl.ours_json["changed"], true);
  EXPECT_EQ(nl.ours_json.contains("backup_file"), nl.theirs_json.contains("backup_file"));
  EXPECT_EQ(nl.ours_json["msg"], nl.theirs_json["msg"]);
  std::string files = same_files();
  EXPECT_NE(files.find("== app.ini.BACKUP"), std::string::npos) << files;
  EXPECT_NE(files.find("600 root"), std::string::npos) << files;
}

TEST_F(IniFileCompat, AnswersByItsShortNameAsAnsibleRoutesIt) {
  start_with(kApp);
  ModuleOutcome o = pair_->both("ini_file", "path=/etc/drover-ini/app.ini section=server option=port value=81");
  EXPECT_EQ(o.ours, o.theirs);
  EXPECT_EQ(o.ours_json["changed"], true);
}

}  // namespace
}  // namespace drover
