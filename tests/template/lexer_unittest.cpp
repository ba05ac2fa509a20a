#include <gtest/gtest.h>

#include "template/lexer.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

TEST(TemplateLexer, DropsOneTrailingNewlineLikeJinja) {
  SyntaxOptions o;
  auto toks = tokenize("a\n\n", o, "t");
  ASSERT_EQ(toks[0].type, Tok::Data);
  EXPECT_EQ(toks[0].text, "a\n");
}

TEST(TemplateLexer, UnclosedCommentNamesTemplateAndLine) {
  SyntaxOptions o;
  try {
    tokenize("x\n{# never closed", o, "page.j2");
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.where().file, "page.j2");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.message(), "Missing end of comment tag");
  }
}

}  // namespace
}  // namespace drover::tmpl
