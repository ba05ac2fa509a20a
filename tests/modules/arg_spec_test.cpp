#include "modules/arg_spec.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace drover {
namespace {

ArgSpec file_like() {
  ArgSpec s;
  s.options = {opt("path", OptionType::path).req().alias({"dest", "name"}),
               opt("state").def("file").one_of({"absent", "directory", "file", "touch"}),
               opt("recurse", OptionType::boolean).def(false), opt("mode", OptionType::octal_mode),
               opt("count", OptionType::integer), opt("groups", OptionType::list).of(OptionType::str)};
  s.mutually_exclusive = {{"count", "mode"}};
  return s;
}

TEST(ArgSpec, UnknownOptionIsRejectedWithAClosestNameHint) {
  try {
    check_args("file", file_like(), Value{{"path", "/x"}, {"staet", "touch"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Unsupported parameters for (file) module: staet"), std::string::npos);
    EXPECT_NE(e.hint().find("state"), std::string::npos);
  }
}

TEST(ArgSpec, BadChoiceIsCaughtAtLoadTimeButTemplatedValuesWait) {
  EXPECT_THROW(check_args("file", file_like(), Value{{"path", "/x"}, {"state", "touched"}}), Error);
  EXPECT_NO_THROW(check_args("file", file_like(), Value{{"path", "/x"}, {"state", "{{ st }}"}}));
}

TEST(ArgSpec, MissingRequiredOptionIsNamed) {
  try {
    check_args("file", file_like(), Value{{"state", "touch"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing required arguments: path"), std::string::npos);
  }
}

TEST(ArgSpec, ValidationResolvesAliasesConvertsTypesAndFillsDefaults) {
  Value v = validate_args("file", file_like(), Value{{"dest", "/x"}, {"recurse", "yes"}, {"count", "3"}, {"groups", "a,b"}});
  EXPECT_EQ(v["path"], "/x");
  EXPECT_EQ(v["recurse"], true);
  EXPECT_EQ(v["count"], 3);
  EXPECT_EQ(v["state"], "file");
  EXPECT_EQ(v["groups"], (Value{"a", "b"}));
}

TEST(ArgSpec, NonBooleanIsATypeError) {
  EXPECT_THROW(validate_args("file", file_like(), Value{{"path", "/x"}, {"recurse", "maybe"}}), Error);
}

TEST(ArgSpec, MutuallyExclusiveOptionsAreRejected) {
  EXPECT_THROW(validate_args("file", file_like(), Value{{"path", "/x"}, {"count", 1}, {"mode", "0644"}}), Error);
}

}  // namespace
}  // namespace drover
