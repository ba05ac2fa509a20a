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

namespace drover::tmpl {
namespace {

TEST(TemplateLexer, TrimBlocksEatsOneNewlineAfterABlockTag) {
  SyntaxOptions o;
  o.trim_blocks = true;
  auto toks = tokenize("{% if x %}\n\nA{% endif %}", o, "t");
  ASSERT_EQ(toks[4].type, Tok::Data);
  EXPECT_EQ(toks[4].text, "\nA");
}

TEST(TemplateLexer, MinusStripsWhitespaceAcrossLines) {
  SyntaxOptions o;
  auto toks = tokenize("a  \n  {{- x -}}  \n b", o, "t");
  EXPECT_EQ(toks[0].text, "a");
  EXPECT_EQ(toks.back().type, Tok::Eof);
  EXPECT_EQ(toks[toks.size() - 2].text, "b");
}

TEST(TemplateLexer, StringEscapesDecodeLikePython) {
  SyntaxOptions o;
  auto toks = tokenize(R"({{ 'a\tb\u00e9\x41' }})", o, "t");
  EXPECT_EQ(toks[1].text, "a\tb\xc3\xa9" "A");
}

TEST(TemplateLexer, UnbalancedBracketIsASyntaxError) {
  SyntaxOptions o;
  EXPECT_THROW(tokenize("{{ (1] }}", o, "t"), TemplateError);
}

TEST(TemplateLexer, NewlineSequenceRewritesDataNewlines) {
  SyntaxOptions o;
  o.newline_sequence = "\r\n";
  auto toks = tokenize("a\nb\n", o, "t");
  EXPECT_EQ(toks[0].text, "a\r\nb");
}

}  // namespace
}  // namespace drover::tmpl
