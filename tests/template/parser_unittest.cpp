#include <gtest/gtest.h>

#include "template/parser.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

TemplateError syntax_error(const std::string& src) {
  try {
    parse_template(src, SyntaxOptions{}, "site.conf.j2");
  } catch (const TemplateError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << src;
  return TemplateError(TemplateError::Kind::Syntax, "none");
}

TEST(TemplateParser, MissingPrintEndNamesWhatWasExpectedAndTheLine) {
  auto e = syntax_error("line one\nline {{ a b }}\n");
  EXPECT_EQ(e.kind(), TemplateError::Kind::Syntax);
  EXPECT_EQ(e.message(), "expected token 'end of print statement', got 'b'");
  EXPECT_EQ(e.where().file, "site.conf.j2");
  EXPECT_EQ(e.where().line, 2);
}

TEST(TemplateParser, UnclosedForSaysWhichTagsJinjaWasLookingFor) {
  auto e = syntax_error("{% for x in y %}\n{{ x }}\n");
  EXPECT_EQ(e.message(),
            "Unexpected end of template. Jinja was looking for the following tags: 'endfor' or 'else'. "
            "The innermost block that needs to be closed is 'for'.");
}

TEST(TemplateParser, UnknownTagIsReportedLikeJinja) {
  auto e = syntax_error("{% if a %}\n{% endfor %}");
  EXPECT_EQ(e.where().line, 2);
  EXPECT_NE(e.message().find("Encountered unknown tag 'endfor'."), std::string::npos);
}

TEST(TemplateParser, UnknownFilterFailsAtParseTimeLikeAnsible) {
  auto e = syntax_error("{% if false %}{{ x | no_such_filter }}{% endif %}");
  EXPECT_EQ(e.message(), "Could not load \"no_such_filter\": 'no_such_filter'");
}

TEST(TemplateParser, RecordsBlocksAndSingleExpressionTemplates) {
  auto t = parse_template("{% block a %}x{% endblock %}", SyntaxOptions{}, "t");
  EXPECT_EQ(t->blocks.count("a"), 1u);
  EXPECT_EQ(t->single_expression, nullptr);
  auto one = parse_template("{{ a | default(1) }}", SyntaxOptions{}, "t");
  EXPECT_NE(one->single_expression, nullptr);
}

TEST(TemplateParser, ForLoopNeedsItsLoopObjectOnlyWhenTheBodyNamesLoop) {
  auto uses_loop = [](const std::string& src) {
    return parse_template(src, SyntaxOptions{}, "t")->body.front()->uses_loop;
  };
  EXPECT_FALSE(uses_loop("{% for x in l %}{{ x.loop }}{% endfor %}{{ loop }}"));
  EXPECT_TRUE(uses_loop("{% for x in l %}{% if x %}{{ loop.index }}{% endif %}{% endfor %}"));
  EXPECT_TRUE(
      uses_loop("{% for x in l %}{% for y in x %}{{ loop.index }}{% endfor %}{% endfor %}"));
  EXPECT_TRUE(uses_loop("{% for x in l %}{% block b scoped %}{% endblock %}{% endfor %}"));
  EXPECT_TRUE(uses_loop("{% for x in l recursive %}{% endfor %}"));
}

TEST(TemplateParser, DeeplyNestedExpressionIsAnErrorNotACrash) {
  std::string src = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  auto e = syntax_error(src);
  EXPECT_EQ(e.message(), "expression nested too deeply");
}

}  // namespace
}  // namespace drover::tmpl
