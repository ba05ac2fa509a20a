#include "modules/free_form.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace drover {
namespace {

TEST(ParseKv, CommandOptionsAreSeparatedFromTheRawCommand) {
  Value v = parse_kv("chdir=/tmp ls -l creates=/x", true);
  EXPECT_EQ(v["chdir"], "/tmp");
  EXPECT_EQ(v["creates"], "/x");
  EXPECT_EQ(v["_raw_params"], "ls -l");
}

TEST(ParseKv, UnknownKeysStayInTheCommandForFreeFormModules) {
  Value v = parse_kv("echo a=b", true);
  EXPECT_FALSE(v.contains("a"));
  EXPECT_EQ(v["_raw_params"], "echo a=b");
}

TEST(ParseKv, QuotedValuesKeepSpacesAndLoseQuotes) {
  Value v = parse_kv("path=/tmp/x line='hello world' state=present", false);
  EXPECT_EQ(v["line"], "hello world");
  EXPECT_EQ(v["state"], "present");
}

TEST(ParseKv, JinjaBlocksAreNotSplit) {
  Value v = parse_kv("msg={{ a | default('x y') }} other=1", false);
  EXPECT_EQ(v["msg"], "{{ a | default('x y') }}");
  EXPECT_EQ(v["other"], "1");
}

TEST(ParseKv, UnbalancedQuotesAreAnError) {
  EXPECT_THROW(parse_kv("echo 'oops", true), Error);
}

TEST(SplitArgs, KeepsNewlinesOfMultiLineCommands) {
  EXPECT_EQ(join_args(split_args("echo a\necho b")), "echo a\necho b");
}

}  // namespace
}  // namespace drover
