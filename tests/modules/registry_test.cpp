// The module registry: every module file registers itself with one line,
// and what the registry holds is what docs/MODULES.md documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "modules/registry.hpp"

namespace drover {
namespace {

// The first column of docs/MODULES.md's table: "| `name` | ...".
std::vector<std::string> documented_module_names() {
  std::ifstream in(std::string(DROVER_SOURCE_DIR) + "/docs/MODULES.md");
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("| `")) continue;
    size_t end = line.find('`', 3);
    if (end != std::string::npos) names.push_back(line.substr(3, end - 3));
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ModuleRegistry, HoldsExactlyTheModulesDocsModulesMdLists) {
  std::vector<std::string> documented = documented_module_names();
  ASSERT_GT(documented.size(), 50u);
  EXPECT_EQ(module_names(), documented);
}

TEST(ModuleRegistry, FindsAModuleByItsBuiltinAndLegacyNames) {
  const ModuleEntry* copy = find_module("copy");
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(find_module("ansible.builtin.copy"), copy);
  EXPECT_EQ(find_module("ansible.legacy.copy"), copy);
  EXPECT_EQ(copy->name, "copy");
  EXPECT_EQ(find_module("ansible.builtin.no_such_module"), nullptr);
}

TEST(ModuleRegistry, ACollectionNameRunsTheSameModuleAsTheShortName) {
  const ModuleEntry* short_name = find_module("sysctl");
  const ModuleEntry* full_name = find_module("ansible.posix.sysctl");
  ASSERT_NE(short_name, nullptr);
  ASSERT_NE(full_name, nullptr);
  EXPECT_EQ(short_name->module, full_name->module);
  EXPECT_EQ(full_name->name, "ansible.posix.sysctl");
}

}  // namespace
}  // namespace drover
