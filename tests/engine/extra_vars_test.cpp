#include "engine/extra_vars.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "harness/process.hpp"

namespace drover {
namespace {

TEST(ExtraVars, KeyValueJsonYamlAndFilesMergeInOrder) {
  test::TempDir d;
  std::string f = d.write("vars.yml", "from_file: 1\nshared: file\n");
  Value v = parse_extra_vars({"a=1 b='two words'", "{\"c\": [1, 2], \"shared\": \"json\"}", "@" + f});
  EXPECT_EQ(v["a"], "1");  // k=v values are strings, as in Ansible
  EXPECT_EQ(v["b"], "two words");
  EXPECT_EQ(v["c"], (Value{1, 2}));
  EXPECT_EQ(v["from_file"], 1);
  EXPECT_EQ(v["shared"], "file");
}

TEST(ExtraVars, ListIsNotADictionary) { EXPECT_THROW(parse_extra_vars({"[1, 2]"}), Error); }

TEST(ExtraVars, MissingFileIsAnError) { EXPECT_THROW(parse_extra_vars({"@/nonexistent/vars.yml"}), Error); }

}  // namespace
}  // namespace drover
