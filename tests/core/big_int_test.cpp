// BigInt: Python's int arithmetic past int64, and its Value form (printed
// by its digits by json.dumps, repr and the YAML loader's ints).
#include "core/big_int.hpp"

#include <gtest/gtest.h>

#include "core/pyjson.hpp"
#include "core/pyrepr.hpp"
#include "core/yaml.hpp"

namespace drover {
namespace {

BigInt big(const char* digits) {
  return *BigInt::parse(digits);
}

TEST(BigInt, PrintsPowersOfTwoPastSixtyFourBits) {
  EXPECT_EQ(BigInt(2).pow(64).to_string(), "18446744073709551616");
  EXPECT_EQ((-BigInt(2).pow(100)).to_string(), "-1267650600228229401496703205376");
  EXPECT_EQ(BigInt(INT64_MIN).to_string(), "-9223372036854775808");
}

TEST(BigInt, FloorDivisionAndModuloFollowPython) {
  BigInt q, r;
  BigInt::floor_divmod(BigInt(10).pow(30), BigInt(7), q, r);
  EXPECT_EQ(q.to_string(), "142857142857142857142857142857");
  EXPECT_EQ(r.to_string(), "1");
  BigInt::floor_divmod(BigInt(2).pow(64), BigInt(-3), q, r);
  EXPECT_EQ(q.to_string(), "-6148914691236517206");
  EXPECT_EQ(r.to_string(), "-2");
  BigInt::floor_divmod(BigInt(3).pow(100), BigInt(2).pow(70), q, r);  // a divisor of several words
  EXPECT_EQ(q.to_string(), "436541740334249833235548125");
  EXPECT_EQ(r.to_string(), "993139557134778242001");
}

TEST(BigInt, ParsesAnyBaseAndConvertsToDoubleAsPython) {
  EXPECT_EQ(BigInt::parse("ffffffffffffffffffffffff", 16)->to_string(),
            "79228162514264337593543950335");
  EXPECT_FALSE(BigInt::parse("12a"));
  EXPECT_EQ(*(BigInt(2).pow(70) * BigInt(3)).to_double(), 3541774862152233910272.0);
  EXPECT_FALSE(BigInt(2).pow(1024).to_double());  // OverflowError in Python
  EXPECT_EQ(BigInt::from_double(1e30).to_string(), "1000000000000000019884624838656");
}

TEST(BigInt, ComparesExactlyWithDoubles) {
  BigInt n = BigInt(2).pow(53) + BigInt(1);
  EXPECT_EQ(compare(n, 9007199254740992.0), 1);
  EXPECT_EQ(compare(BigInt(2).pow(64), 18446744073709551616.0), 0);
  EXPECT_EQ(compare(big("-5"), -4.5), -1);
}

TEST(BigInt, ValueIsAnIntWhenItFitsAndDigitsWhenItDoesNot) {
  EXPECT_TRUE(big_int_value(BigInt(2).pow(62)).is_number_integer());
  Value v = big_int_value(BigInt(2).pow(64));
  EXPECT_TRUE(is_big_int(v));
  Value doc = Value::object();
  doc["n"] = v;
  doc["l"] = Value::array({v, 1});
  EXPECT_EQ(python_json_dumps(doc),
            R"({"n": 18446744073709551616, "l": [18446744073709551616, 1]})");
  EXPECT_EQ(python_repr(doc), "{'n': 18446744073709551616, 'l': [18446744073709551616, 1]}");
  EXPECT_EQ(big_int_of(v), BigInt(2).pow(64));
}

TEST(BigInt, YamlIntsPastInt64StayExactInts) {
  Value doc = load_yaml_value_string(
      "a: 123456789012345678901234567890\nb: -0x10000000000000000\nc: 9223372036854775807\n",
      "t.yml");
  EXPECT_EQ(
      python_json_dumps(doc),
      R"({"a": 123456789012345678901234567890, "b": -18446744073709551616, "c": 9223372036854775807})");
}

}  // namespace
}  // namespace drover
