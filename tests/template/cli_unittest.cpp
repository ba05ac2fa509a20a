#include <gtest/gtest.h>

#include "harness/process.hpp"

namespace drover::test {
namespace {

TEST(DroverTemplateCommand, RendersAFileWithExtraVarsLikeTheTemplateModule) {
  TempDir dir;
  std::string tpl = dir.write("motd.j2", "{% for u in users %}\n{{ u }}@{{ host }}\n{% endfor %}\n");
  std::string vars = dir.write("vars.yml", "users: [ann, bob]\n");
  auto r = run_drover({"template", tpl, "-e", "@" + vars, "-e", "host=web1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ann@web1\nbob@web1\n");
}

TEST(DroverTemplateCommand, JsonExtraVarsKeepTheirTypes) {
  auto r = run_drover({"template", "-x", "n + 1", "-e", R"({"n": 41})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
}

TEST(DroverTemplateCommand, ExpressionPrintsPythonRepr) {
  auto r = run_drover({"template", "-x", "[1, 'a'] + [none]"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[1, 'a', None]\n");
}

TEST(DroverTemplateCommand, RenderErrorGoesToStderrWithNonZeroExit) {
  TempDir dir;
  std::string tpl = dir.write("bad.j2", "ok\n{{ missing_var }}\n");
  auto r = run_drover({"template", tpl});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("'missing_var' is undefined"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.j2:2"), std::string::npos) << r.err;
}

TEST(DroverTemplateCommand, SyntaxErrorNamesLine) {
  auto r = run_drover({"template", "-x", "1 +"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("ERROR!"), std::string::npos);
}

TEST(DroverTemplateCommand, NeedsAFileOrAnExpression) {
  auto r = run_drover({"template"});
  EXPECT_EQ(r.exit_code, 5);
}

TEST(DroverTemplateCommand, MissingFileIsAnError) {
  auto r = run_drover({"template", "/nonexistent/x.j2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("could not find"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace drover::test
