// INI values go through Python's ast.literal_eval; these are the answers
// Python 3.11 gives.
#include "inventory/python_literal.hpp"

#include <gtest/gtest.h>

namespace drover::inventory {
namespace {

Value lit(std::string_view s) { return ini_value(s); }

TEST(PythonLiteral, IntegersInEveryBase) {
  EXPECT_EQ(lit("1"), 1);
  EXPECT_EQ(lit("-5"), -5);
  EXPECT_EQ(lit("+5"), 5);
  EXPECT_EQ(lit("0x10"), 16);
  EXPECT_EQ(lit("0o17"), 15);
  EXPECT_EQ(lit("0b101"), 5);
  EXPECT_EQ(lit("1_000"), 1000);
  EXPECT_EQ(lit("0"), 0);
  EXPECT_EQ(lit("00"), 0);
}

TEST(PythonLiteral, LeadingZeroDecimalStaysText) {
  EXPECT_EQ(lit("022"), "022");
  EXPECT_EQ(lit("0755"), "0755");
}

TEST(PythonLiteral, Floats) {
  EXPECT_EQ(lit("1.5"), 1.5);
  EXPECT_EQ(lit(".5"), 0.5);
  EXPECT_EQ(lit("5."), 5.0);
  EXPECT_EQ(lit("1e3"), 1000.0);
  EXPECT_TRUE(lit("1e3").is_number_float());
  EXPECT_EQ(lit("-2.5e-1"), -0.25);
}

TEST(PythonLiteral, ConstantsAreCaseSensitive) {
  EXPECT_EQ(lit("True"), true);
  EXPECT_EQ(lit("False"), false);
  EXPECT_TRUE(lit("None").is_null());
  EXPECT_EQ(lit("true"), "true");
  EXPECT_EQ(lit("yes"), "yes");
}

TEST(PythonLiteral, StringsWithQuotesEscapesAndPrefixes) {
  EXPECT_EQ(lit("'a b'"), "a b");
  EXPECT_EQ(lit("\"x\""), "x");
  EXPECT_EQ(lit("'a\\nb'"), "a\nb");
  EXPECT_EQ(lit("r'a\\nb'"), "a\\nb");
  EXPECT_EQ(lit("b'bytes'"), "bytes");
  EXPECT_EQ(lit("'a' 'b'"), "ab");
  EXPECT_EQ(lit("'''tri'ple'''"), "tri'ple");
  EXPECT_EQ(lit("'\\x41\\u00e9'"), "A\xc3\xa9");
  EXPECT_EQ(lit("'\\d'"), "\\d");
}

TEST(PythonLiteral, ContainersNest) {
  EXPECT_EQ(lit("[1, 'a', [True]]"), Value::parse(R"([1, "a", [true]])"));
  EXPECT_EQ(lit("(1,)"), Value::parse("[1]"));
  EXPECT_EQ(lit("(1)"), 1);
  EXPECT_EQ(lit("()"), Value::array());
  EXPECT_EQ(lit("{'a': 1, 'b': [2]}"), Value::parse(R"({"a": 1, "b": [2]})"));
  EXPECT_EQ(lit("{}"), Value::object());
  EXPECT_EQ(lit("[1, 2,]"), Value::parse("[1, 2]"));
}

TEST(PythonLiteral, DictKeysThatAreNotStringsTakeTheirJsonSpelling) {
  EXPECT_EQ(lit("{1: 'a', True: 2, None: 3}"), Value::parse(R"({"1": "a", "true": 2, "null": 3})"));
}

TEST(PythonLiteral, CommentsEndTheExpression) {
  EXPECT_EQ(lit("\"quoted\" # comment"), "quoted");
  EXPECT_EQ(lit("5 # five"), 5);
}

TEST(PythonLiteral, AnythingElseKeepsItsText) {
  EXPECT_EQ(lit("hello"), "hello");
  EXPECT_EQ(lit("hello # not a comment"), "hello # not a comment");
  EXPECT_EQ(lit("1 + 2"), "1 + 2");
  EXPECT_EQ(lit("1j"), "1j");
  EXPECT_EQ(lit(""), "");
  EXPECT_EQ(lit("[1, 2"), "[1, 2");
  EXPECT_EQ(lit("f'x'"), "f'x'");
  EXPECT_EQ(lit("-True"), "-True");
  EXPECT_EQ(lit("--1"), "--1");
  EXPECT_EQ(lit("1.2.3"), "1.2.3");
  EXPECT_EQ(lit("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(lit("'a' b'c'"), "'a' b'c'");
  EXPECT_EQ(lit("/usr/bin/python3"), "/usr/bin/python3");
}

}  // namespace
}  // namespace drover::inventory
