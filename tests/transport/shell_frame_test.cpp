// The persistent shell's frames, run through the local /bin/sh, and the
// scanner that finds a frame's end in output that arrives in pieces.
#include "transport/shell_frame.hpp"

#include <gtest/gtest.h>

#include "harness/process.hpp"

namespace drover::test {
namespace {

TEST(FrameEndScanner, PassesOutputOnAndStopsAtTheTokenSplitAcrossChunks) {
  FrameEndScanner s("TOKEN");
  std::string out;
  for (std::string_view chunk : {"abc TOK", "E", "TO", "K", "EN:1", "7", "\n", "late"}) out += s.feed(chunk);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(out, "abc TOKE");
  EXPECT_EQ(s.trailer(), ":17");
}

TEST(FrameEndScanner, HoldsBackOnlyWhatCouldStartTheToken) {
  FrameEndScanner s("TOKEN");
  EXPECT_EQ(s.feed("hello world"), "hello w");
  EXPECT_FALSE(s.done());
  EXPECT_EQ(s.rest(), "orld");
}

TEST(ShellFrame, OnlyNulFreeInputWithinTheLimitFits) {
  EXPECT_TRUE(fits_shell_frame("echo", std::string(kShellFrameMaxInput, 'x')));
  EXPECT_FALSE(fits_shell_frame("echo", std::string(kShellFrameMaxInput + 1, 'x')));
  EXPECT_FALSE(fits_shell_frame("echo", std::string("a\0b", 3)));
  EXPECT_FALSE(fits_shell_frame(std::string("echo\0", 5), ""));
}

TEST(ShellFrame, FramesRunBackToBackInOneShell) {
  std::string token = random_shell_token();
  std::string script = shell_frame("printf 'a'\\''b'; exit 3", "", token) +
                       shell_frame("echo (", "", token) +            // a syntax error
                       shell_frame("cat; echo", "x'y\n$z", token) +  // stdin
                       shell_frame("cat", "", token);                // EOF, not the next frame
  ProcessOptions opts;
  opts.stdin_data = script;
  ProcessResult r = run_process({"/bin/sh"}, opts);
  EXPECT_EQ(r.out, "a'b" + token + ":3\n" + token + ":2\n" + "x'y\n$z\n" + token + ":0\n" + token + ":0\n");
  EXPECT_NE(r.err.find("Syntax error"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace drover::test
