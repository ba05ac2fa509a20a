#include <gtest/gtest.h>

#include "template/yaml_dump.hpp"

namespace drover::tmpl {
namespace {

TEST(TemplateYamlDump, NiceYamlMatchesPyYamlLayout) {
  YamlDumpOptions o;
  o.indent = 4;
  o.default_flow_style = false;
  Value v = Value::parse(R"({"b": [1, {"x": 1, "y": [2]}], "a": "yes", "e": []})");
  EXPECT_EQ(python_yaml_dump(v, o), "a: 'yes'\nb:\n- 1\n-   x: 1\n    y:\n    - 2\ne: []\n");
}

TEST(TemplateYamlDump, DefaultFlowStyleUsesFlowForLeafCollections) {
  YamlDumpOptions o;
  EXPECT_EQ(python_yaml_dump(Value::parse(R"({"l": [1, 2], "m": {"k": null}})"), o), "l: [1, 2]\nm: {k: null}\n");
}

TEST(TemplateYamlDump, MultiLineStringsAreSingleQuotedWithBlankLines) {
  YamlDumpOptions o;
  o.default_flow_style = false;
  EXPECT_EQ(python_yaml_dump(Value::parse(R"({"m": "a\nb"})"), o), "m: 'a\n\n  b'\n");
}

}  // namespace
}  // namespace drover::tmpl
