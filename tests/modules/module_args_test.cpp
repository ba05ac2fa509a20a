// ModuleArgs, the typed reader of a task's arguments, and the file options
// Ansible's file modules share, declared once.
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/error.hpp"
#include "modules/arg_spec.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

TEST(ModuleArgs, ReadsBooleansAsAnsiblesBooleanDoes) {
  Value v = {{"a", "yes"}, {"b", "off"}, {"c", 1}, {"d", "True"}, {"e", "n"}, {"f", true}};
  ModuleArgs args(v);
  EXPECT_TRUE(args.flag("a"));
  EXPECT_FALSE(args.flag("b"));
  EXPECT_TRUE(args.flag("c"));
  EXPECT_TRUE(args.flag("d"));
  EXPECT_FALSE(args.flag("e"));
  EXPECT_TRUE(args.flag("f"));
}

TEST(ModuleArgs, AValueThatIsNoBooleanFailsWithAnsiblesMessage) {
  Value v = {{"force", "maybe"}};
  try {
    ModuleArgs(v).flag("force");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("The value 'maybe' is not a valid boolean"), std::string::npos) << e.message();
  }
}

TEST(ModuleArgs, ReadsIntegersAndListsFromStrings) {
  Value v = {{"n", "3"}, {"bad", "3x"}, {"groups", "adm,staff"}, {"one", 7}};
  ModuleArgs args(v);
  EXPECT_EQ(args.integer("n"), 3);
  EXPECT_THROW(args.integer("bad"), Error);
  EXPECT_EQ(args.strings("groups"), (std::vector<std::string>{"adm", "staff"}));
  EXPECT_EQ(args.strings("one"), (std::vector<std::string>{"7"}));
  EXPECT_EQ(args.str("one"), "7");
}

TEST(ModuleArgs, AnOptionNeitherGivenNorDefaultedReadsAsAbsent) {
  Value v = {{"owner", nullptr}, {"force", nullptr}, {"n", nullptr}, {"groups", nullptr}};
  ModuleArgs args(v);
  EXPECT_FALSE(args.has("owner"));
  EXPECT_EQ(args.str("owner"), "");
  EXPECT_EQ(args.optional_str("owner"), std::nullopt);
  EXPECT_FALSE(args.flag("force"));
  EXPECT_EQ(args.optional_flag("force"), std::nullopt);
  EXPECT_EQ(args.integer("n", 5), 5);
  EXPECT_TRUE(args.strings("groups").empty());
}

TEST(ModuleArgs, ReadingAnOptionTheSpecDoesNotDeclareIsAModuleBug) {
  Value v = {{"force", true}};
  EXPECT_THROW(ModuleArgs(v).flag("forse"), std::logic_error);
}

// Ansible appends FILE_COMMON_ARGUMENTS to a file module's argument_spec:
// its invocation lists them last, in this order.
TEST(FileCommonOptions, EveryFileModuleTakesThemAndListsThemLastInAnsiblesOrder) {
  const std::vector<std::string> common = {"mode",    "owner",  "group",         "seuser",    "serole",
                                           "selevel", "setype", "unsafe_writes", "attributes"};
  for (const char* name : {"copy", "template", "file", "lineinfile", "blockinfile", "replace", "assemble",
                           "unarchive", "get_url", "ini_file", "yum_repository"}) {
    const ModuleEntry* m = find_module(name);
    ASSERT_NE(m, nullptr) << name;
    Value args = {{"dest", "/tmp/x"}, {"path", "/tmp/x"}, {"src", "/tmp/s"}, {"content", "c"},
                  {"url", "http://h/x"}, {"line", "l"}, {"block", "b"}, {"regexp", "r"}, {"name", "n"}, {"attr", "+i"}};
    for (auto it = args.begin(); it != args.end();)
      it = m->module->spec().find(it.key()) ? std::next(it) : args.erase(it);
    if (std::string(name) == "copy") args.erase("src");
    Value validated = validate_args(name, m->module->spec(), args);
    std::vector<std::string> last;
    for (auto it = validated.begin(); it != validated.end(); ++it) last.push_back(it.key());
    ASSERT_GE(last.size(), common.size()) << name;
    last.erase(last.begin(), last.end() - static_cast<long>(common.size()));
    EXPECT_EQ(last, common) << name;
    EXPECT_EQ(validated["attributes"], "+i") << name;
    EXPECT_EQ(validated["unsafe_writes"], false) << name;
  }
}

}  // namespace
}  // namespace drover
