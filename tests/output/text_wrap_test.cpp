// text_wrap: Python's textwrap.wrap (expectations checked with
// /usr/bin/python3's textwrap).
#include <gtest/gtest.h>

#include "output/text_wrap.hpp"

namespace drover {
namespace {

std::vector<std::string> wrap(const std::string& s, int width, bool drop = true) {
  WrapOptions o;
  o.width = width;
  o.drop_whitespace = drop;
  return text_wrap(s, o);
}

TEST(TextWrap, BreaksBetweenWordsAtTheWidth) {
  EXPECT_EQ(wrap("aaa bbb ccc ddd", 7), (std::vector<std::string>{"aaa bbb", "ccc ddd"}));
}

TEST(TextWrap, BreaksAfterHyphensBetweenLetters) {
  // textwrap.wrap("really-quite-long-indeed word", 12)
  EXPECT_EQ(wrap("really-quite-long-indeed word", 12),
            (std::vector<std::string>{"really-", "quite-long-", "indeed word"}));
}

TEST(TextWrap, CutsWordsLongerThanALine) {
  EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

TEST(TextWrap, NewlinesAndTabsBecomeSpaces) {
  EXPECT_EQ(wrap("a\nb\tc", 80), (std::vector<std::string>{"a b       c"}));
}

TEST(TextWrap, KeepsTrailingSpacesWhenNotDroppingWhitespace) {
  EXPECT_EQ(wrap("aaa bbb ccc", 4, false), (std::vector<std::string>{"aaa ", "bbb ", "ccc"}));
}

TEST(TextWrap, CountsCodePointsNotBytes) {
  EXPECT_EQ(wrap("ééé ééé", 3), (std::vector<std::string>{"ééé", "ééé"}));
}

}  // namespace
}  // namespace drover
