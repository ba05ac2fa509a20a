#include "core/strings.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace drover {
namespace {

TEST(ShellQuote, LeavesSafeWordsAndQuotesTheRest) {
  EXPECT_EQ(shell_quote("abc/def.txt"), "abc/def.txt");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\"'\"'s'");
  EXPECT_EQ(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
}

TEST(ShlexSplit, SplitsLikePythonShlex) {
  EXPECT_EQ(shlex_split("echo 'a b' \"c \\\"d\\\"\" e\\ f"),
            (std::vector<std::string>{"echo", "a b", "c \"d\"", "e f"}));
  EXPECT_EQ(shlex_split("  a   b  "), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(shlex_split("a''b"), (std::vector<std::string>{"ab"}));
  EXPECT_THROW(shlex_split("echo 'open"), Error);
}

TEST(SplitLines, BehavesLikePythonSplitlines) {
  EXPECT_EQ(split_lines("a\nb\r\nc\rd\n"), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(split_lines(""), std::vector<std::string>{});
  EXPECT_EQ(split_lines("\n\n"), (std::vector<std::string>{"", ""}));
}

TEST(Utf8, InvalidBytesBecomeTheReplacementCharacterAndValidTextIsKept) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xbc\xe4\xb8\xad\xf0\x9f\x98\x80"));  // ü 中 😀
  EXPECT_EQ(to_valid_utf8("\xc3\xbc\xe4\xb8\xad"), "\xc3\xbc\xe4\xb8\xad");
  EXPECT_FALSE(is_valid_utf8("a\xff" "b"));
  EXPECT_EQ(to_valid_utf8("a\xff" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(to_valid_utf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");   // overlong '/'
  EXPECT_EQ(to_valid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
  EXPECT_EQ(to_valid_utf8("\xe4\xb8"), "\xef\xbf\xbd\xef\xbf\xbd");  // cut short
}

TEST(ParseDecimal, WholeNumbersOnlyAndNoOverflow) {
  EXPECT_EQ(parse_decimal("8022"), 8022);
  EXPECT_EQ(parse_decimal("-3", true), -3);
  EXPECT_EQ(parse_decimal("+3", true), 3);
  EXPECT_FALSE(parse_decimal("-3"));
  EXPECT_FALSE(parse_decimal(""));
  EXPECT_FALSE(parse_decimal("12a"));
  EXPECT_FALSE(parse_decimal(" 12"));
  EXPECT_EQ(parse_decimal("9223372036854775807"), 9223372036854775807LL);
  EXPECT_FALSE(parse_decimal("9223372036854775808"));
  EXPECT_FALSE(parse_decimal(std::string(40, '6')));
}

}  // namespace
}  // namespace drover
