#include "transport/become.hpp"

#include <gtest/gtest.h>

namespace drover {
namespace {

TEST(Become, SudoWithoutPasswordUsesAnsiblesDefaultFlags) {
  BecomeSpec b;
  b.user = "nobody";
  BecomePlan p = plan_become(&b, "id -un");
  EXPECT_EQ(p.command, "sudo -H -S -n -u nobody /bin/sh -c 'id -un'");
  EXPECT_FALSE(p.dialog);
  EXPECT_FALSE(p.needs_pty);
}

TEST(Become, SudoWithPasswordPromptsWithAMarkerAndNeverPutsThePasswordOnTheCommandLine) {
  BecomeSpec b;
  b.password = "hunter2";
  BecomePlan p = plan_become(&b, "true");
  EXPECT_TRUE(p.dialog);
  EXPECT_EQ(p.command.find("hunter2"), std::string::npos);
  EXPECT_EQ(p.command.find(" -n "), std::string::npos);
  EXPECT_NE(p.command.find("-p '" + p.prompt + "'"), std::string::npos) << p.command;
  EXPECT_NE(p.command.find(p.marker), std::string::npos);
}

TEST(Become, SuWithPasswordNeedsATerminal) {
  BecomeSpec b;
  b.method = "su";
  b.user = "app";
  b.password = "pw";
  BecomePlan p = plan_become(&b, "echo 'x'");
  EXPECT_TRUE(p.needs_pty);
  EXPECT_EQ(p.command.rfind("su app -c ", 0), 0u) << p.command;
}

TEST(BecomeDialog, AnswersTheFirstPromptAndHoldsOutputUntilTheMarker) {
  BecomeSpec b;
  b.password = "pw";
  BecomePlan p = plan_become(&b, "cmd");
  BecomeDialog d(p, "pw", "sudo");
  EXPECT_EQ(d.on_stderr(p.prompt), "");
  EXPECT_EQ(d.take_reply(), "pw\n");
  EXPECT_EQ(d.take_reply(), "");
  EXPECT_FALSE(d.running());
  EXPECT_EQ(d.on_stdout(p.marker + "\nhello\n"), "hello\n");
  EXPECT_TRUE(d.running());
  EXPECT_EQ(d.on_stderr("warning\n"), "warning\n");
}

TEST(BecomeDialog, ASecondPromptMeansAWrongPassword) {
  BecomeSpec b;
  b.password = "pw";
  BecomePlan p = plan_become(&b, "cmd");
  BecomeDialog d(p, "pw", "sudo");
  d.on_stderr(p.prompt);
  d.take_reply();
  d.on_stderr("Sorry, try again.\n" + p.prompt);
  EXPECT_TRUE(d.failed());
  std::string out, err;
  EXPECT_EQ(d.finish(out, err, -1), "Incorrect sudo password");
  EXPECT_EQ(err.find(p.prompt), std::string::npos);
}

TEST(BecomeDialog, SudoRefusingWithoutPasswordIsReportedAsMissingPassword) {
  BecomeSpec b;
  BecomePlan p = plan_become(&b, "cmd");
  BecomeDialog d(p, "", "sudo");
  std::string out, err = d.on_stderr("sudo: a password is required\n");
  EXPECT_EQ(d.finish(out, err, 1), "Missing sudo password");
}

}  // namespace
}  // namespace drover
