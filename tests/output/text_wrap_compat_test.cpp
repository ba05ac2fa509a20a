// text_wrap against Python's textwrap.wrap on random texts with hyphens,
// long words, tabs, newlines and non-ASCII letters.
#include <gtest/gtest.h>

#include <random>

#include "core/value.hpp"
#include "harness/process.hpp"
#include "output/text_wrap.hpp"

namespace drover {
namespace {

std::string random_text(std::mt19937& rng) {
  static const char* pieces[] = {"word", "a", "long-hyphenated-word", "x-y", "--", "-lead", "trail-", "é-ü",
                                 "supercalifragilisticexpialidocious", "\t", "\n", " ", "  ", "1-2", "ab-cd-ef",
                                 "héllo", "a--b", "end."};
  std::string s;
  int n = 1 + static_cast<int>(rng() % 30);
  for (int i = 0; i < n; ++i) {
    s += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    if (rng() % 3) s += ' ';
  }
  return s;
}

TEST(TextWrapCompat, LinesEqualPythonTextwrapOnRandomTexts) {
  std::mt19937 rng(7);
  Value cases = Value::array();
  for (int i = 0; i < 2000; ++i)
    cases.push_back({{"text", random_text(rng)}, {"width", 5 + static_cast<int>(rng() % 40)}, {"drop", i % 2 == 0}});
  test::ProcessOptions opts;
  opts.stdin_data = cases.dump();
  auto py = test::run_process(
      {test::kSystemPython, "-c",
       "import sys, json, textwrap\n"
       "out = [textwrap.wrap(c['text'], c['width'], drop_whitespace=c['drop']) for c in json.load(sys.stdin)]\n"
       "print(json.dumps(out))\n"},
      opts);
  ASSERT_EQ(py.exit_code, 0) << py.err;
  Value expected = Value::parse(py.out);
  for (size_t i = 0; i < cases.size(); ++i) {
    WrapOptions o;
    o.width = cases[i]["width"].get<int>();
    o.drop_whitespace = cases[i]["drop"].get<bool>();
    EXPECT_EQ(Value(text_wrap(cases[i]["text"].get<std::string>(), o)), expected[i])
        << "text: " << cases[i]["text"] << " width " << o.width << " drop " << o.drop_whitespace;
  }
}

}  // namespace
}  // namespace drover
