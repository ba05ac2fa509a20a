#include <gtest/gtest.h>

#include <thread>

#include "harness/process.hpp"
#include "template/engine.hpp"

namespace drover::tmpl {
namespace {

Value render(const Engine& e, const std::string& tpl, const Value& vars) {
  ValueVariables src(vars);
  LazyVariables lazy(e, src);
  return e.render_value(Value(tpl), lazy);
}

TEST(TemplateEngine, SingleVariableKeepsItsNativeType) {
  Engine e;
  Value vars = Value::parse(R"({"port": 80, "on": true, "none": null, "l": [1]})");
  EXPECT_EQ(render(e, "{{ port }}", vars), Value(80));
  EXPECT_EQ(render(e, "{{ on }}", vars), Value(true));
  EXPECT_TRUE(render(e, "{{ none }}", vars).is_null());
  EXPECT_EQ(render(e, "{{ port + 1 }}", vars), Value("81"));  // an expression gives text
  EXPECT_EQ(render(e, "{{ l + [2] }}", vars), Value::parse("[1, 2]"));
  EXPECT_EQ(render(e, "[{{ port }}, 2]", vars), Value::parse("[80, 2]"));
}

TEST(TemplateEngine, DictKeysAreNotTemplatedButValuesAre) {
  Engine e;
  Value vars = Value::parse(R"({"x": "v"})");
  ValueVariables src(vars);
  Value out = e.render_value(Value::parse(R"({"{{ x }}": "{{ x }}", "l": ["{{ x }}", 3]})"), src);
  EXPECT_EQ(out, Value::parse(R"({"{{ x }}": "v", "l": ["v", 3]})"));
}

TEST(TemplateEngine, LazyVariablesTemplateOnUseAndDetectRecursion) {
  Engine e;
  Value vars = Value::parse(R"({"a": "{{ b }}", "b": "{{ a }}", "name": "x", "greet": "hi {{ name }}"})");
  EXPECT_EQ(render(e, "{{ greet }}", vars), Value("hi x"));
  EXPECT_THROW(render(e, "{{ a }}", vars), TemplateError);
}

TEST(TemplateEngine, WhenConditionsFollowAnsible) {
  Engine e;
  Value vars = Value::parse(R"({"n": 5, "flag": "{{ n > 1 }}"})");
  ValueVariables src(vars);
  LazyVariables lazy(e, src);
  EXPECT_TRUE(e.evaluate_condition(Value("n == 5"), lazy));
  EXPECT_FALSE(e.evaluate_condition(Value("n is undefined"), lazy));
  EXPECT_TRUE(e.evaluate_condition(Value("flag"), lazy));
  EXPECT_TRUE(e.evaluate_condition(Value(true), lazy));
  EXPECT_THROW(e.evaluate_condition(Value("missing_var"), lazy), TemplateError);
}

TEST(TemplateEngine, UndefinedErrorNamesTheVariableAndLine) {
  Engine e;
  NoVariables none;
  RenderOptions o = RenderOptions::template_module();
  o.name = "motd.j2";
  try {
    e.render_string("ok\n{{ missing }}\n", none, o);
    FAIL();
  } catch (const TemplateError& err) {
    EXPECT_EQ(err.message(), "'missing' is undefined");
    EXPECT_EQ(err.where().file, "motd.j2");
    EXPECT_EQ(err.where().line, 2);
  }
}

TEST(TemplateEngine, ParseCacheReturnsTheSameTreeForTheSameSource) {
  Engine e;
  SyntaxOptions s;
  auto a = e.parse("{{ x }}", s, "t");
  auto b = e.parse("{{ x }}", s, "t");
  EXPECT_EQ(a.get(), b.get());
}

TEST(TemplateEngine, RendersFromManyThreadsAtOnce) {
  Engine e;
  Value vars = Value::parse(R"({"items": [1, 2, 3]})");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        ValueVariables src(vars);
        if (e.render_string("{% for i in items %}{{ i * 2 }},{% endfor %}{{ 'x' ~ " + std::to_string(i % 7) + " }}", src,
                            RenderOptions::template_module()) == "2,4,6,x" + std::to_string(i % 7))
          ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 800);
}

TEST(TemplateEngine, TemplateFileKeepsAnsibleTrailingNewlines) {
  test::TempDir dir;
  std::string path = dir.write("a.j2", "{% if true %}\nx\n{% endif %}\n\n");
  Engine e;
  NoVariables none;
  EXPECT_EQ(e.render_template_file(path, none), "x\n\n");
}

TEST(TemplateEngine, RegisteredGlobalsAreCallable) {
  Engine e;
  e.register_global("lookup", [](const std::vector<Value>& args, const std::vector<std::pair<std::string, Value>>&) {
    return Value("looked up " + args.at(1).get<std::string>());
  });
  NoVariables none;
  EXPECT_EQ(e.render_string("{{ lookup('env', 'HOME') }}", none), "looked up HOME");
}

TEST(TemplateEngine, RunawayOutputAndRecursionAreErrors) {
  Engine e;
  NoVariables none;
  RenderOptions o = RenderOptions::template_module();
  o.max_output = 1000;
  EXPECT_THROW(e.render_string("{% for i in range(100000) %}xxxxxxxxxx{% endfor %}", none, o), TemplateError);
  EXPECT_THROW(e.render_string("{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}", none, o), TemplateError);
}

TEST(TemplateEngine, OmitPlaceholderLooksLikeAnsibles) {
  EXPECT_EQ(omit_placeholder().rfind("__omit_place_holder__", 0), 0u);
}

}  // namespace
}  // namespace drover::tmpl
