#include <gtest/gtest.h>

#include "template/runtime_value.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

TEST(TemplateValue, PrintsLikePythonRepr) {
  EXPECT_EQ(to_str(Val::data(Value::parse(R"([1, "a", null, true, 1.0, {"k": "it's"}])"))),
            R"([1, 'a', None, True, 1.0, {'k': "it's"}])");
  EXPECT_EQ(to_str(Val::seq({Val::integer(1)}, true)), "(1,)");
  EXPECT_EQ(to_str(Val::flt(1e16)), "1e+16");
}

TEST(TemplateValue, PythonEqualityAcrossIntFloatAndBool) {
  EXPECT_TRUE(equals(Val::integer(1), Val::flt(1.0)));
  EXPECT_TRUE(equals(Val::boolean(true), Val::integer(1)));
  EXPECT_FALSE(equals(Val::str("1"), Val::integer(1)));
}

TEST(TemplateValue, OrderingMixedTypesIsATypeError) {
  try {
    compare(Val::integer(1), Val::str("a"));
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.message(), "'<' not supported between instances of 'int' and 'str'");
  }
}

TEST(TemplateValue, UsingAnUndefinedRaisesWithItsName) {
  try {
    Val::undefined("foo").truthy();
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.kind(), TemplateError::Kind::Undefined);
    EXPECT_EQ(e.message(), "'foo' is undefined");
  }
}

TEST(TemplateValue, BorrowedDataIsNotCopied) {
  Value big = Value::parse(R"({"hosts": [1, 2, 3]})");
  Val v = Val::data_ref(&big);
  EXPECT_EQ(&v.as_data(), &big);
  EXPECT_EQ(v.get("hosts").size(), 3u);
}

}  // namespace
}  // namespace drover::tmpl
