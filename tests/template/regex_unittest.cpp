#include <gtest/gtest.h>

#include "template/regex.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

TEST(TemplateRegex, NamedGroupsAndPythonReplacementSyntax) {
  auto re = Regex::compile(R"((?P<key>\w+)=(?P<val>\d+))");
  EXPECT_EQ(re->sub("a=1 b=2", R"(\g<val>:\g<key>)"), "1:a 2:b");
  EXPECT_EQ(re->sub("a=1", R"(\2-\1)"), "1-a");
}

TEST(TemplateRegex, EmptyMatchesFollowPython37Rules) {
  EXPECT_EQ(Regex::compile("x*")->sub("abxd", "-"), "-a-b--d-");
}

TEST(TemplateRegex, PythonBackslashZIsEndOfStringOnly) {
  auto re = Regex::compile(R"(b\Z)");
  EXPECT_FALSE(re->search("ab\n").has_value());
  EXPECT_TRUE(re->search("ab").has_value());
}

TEST(TemplateRegex, LookbehindAndFlags) {
  EXPECT_EQ(Regex::compile(R"((?<=price)\d+)")->sub("price100", "N"), "priceN");
  EXPECT_TRUE(Regex::compile("HELLO", true)->match("hello").has_value());
  EXPECT_TRUE(Regex::compile("^b", false, true)->search("a\nb").has_value());
}

TEST(TemplateRegex, UnicodeWordCharacters) {
  auto all = Regex::compile(R"(\w+)")->find_all("ünï cödé");
  ASSERT_EQ(all.size(), 2u);
}

TEST(TemplateRegex, BadPatternIsATemplateError) {
  EXPECT_THROW(Regex::compile("("), TemplateError);
}

TEST(TemplateRegex, EscapeMatchesPythonReEscape) { EXPECT_EQ(regex_escape("a.b*c d"), R"(a\.b\*c\ d)"); }

}  // namespace
}  // namespace drover::tmpl
