// unified_diff against Python's difflib.unified_diff on random edits,
// including files of 200+ lines where difflib's autojunk heuristic decides
// the hunks.
#include <gtest/gtest.h>

#include <random>

#include "harness/process.hpp"
#include "output/diff_text.hpp"

namespace drover {
namespace {

std::vector<std::string> random_lines(std::mt19937& rng, size_t n, int vocabulary) {
  std::vector<std::string> out;
  std::uniform_int_distribution<int> word(0, vocabulary - 1);
  for (size_t i = 0; i < n; ++i) out.push_back("l" + std::to_string(word(rng)) + "\n");
  return out;
}

std::vector<std::string> mutate(std::mt19937& rng, std::vector<std::string> lines, int edits) {
  std::uniform_int_distribution<int> kind(0, 2);
  for (int e = 0; e < edits; ++e) {
    size_t pos = lines.empty() ? 0 : rng() % (lines.size() + 1);
    int k = kind(rng);
    if (k == 0 || lines.empty()) lines.insert(lines.begin() + static_cast<long>(pos), "new" + std::to_string(e) + "\n");
    else if (k == 1 && pos < lines.size()) lines.erase(lines.begin() + static_cast<long>(pos));
    else if (pos < lines.size()) lines[pos] = "changed" + std::to_string(e) + "\n";
  }
  return lines;
}

TEST(DiffTextCompat, HunksEqualPythonDifflibOnRandomEdits) {
  std::mt19937 rng(4242);
  Value cases = Value::array();
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> pairs;
  for (int i = 0; i < 60; ++i) {
    size_t n = i < 40 ? 1 + rng() % 40 : 200 + rng() % 150;
    int vocabulary = i % 3 == 0 ? 4 : 1000;  // few distinct lines: popular ones
    auto a = random_lines(rng, n, vocabulary);
    auto b = mutate(rng, a, 1 + static_cast<int>(rng() % 8));
    cases.push_back({{"a", a}, {"b", b}, {"n", static_cast<int>(i % 4)}});
    pairs.emplace_back(a, b);
  }
  test::ProcessOptions opts;
  opts.stdin_data = cases.dump();
  auto py = test::run_process(
      {test::kSystemPython, "-c",
       "import sys, json, difflib\n"
       "out = [list(difflib.unified_diff(c['a'], c['b'], 'before', 'after', n=c['n'])) for c in json.load(sys.stdin)]\n"
       "print(json.dumps(out))\n"},
      opts);
  ASSERT_EQ(py.exit_code, 0) << py.err;
  Value expected = Value::parse(py.out);
  ASSERT_EQ(expected.size(), pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto got = unified_diff(pairs[i].first, pairs[i].second, "before", "after", static_cast<int>(i % 4));
    EXPECT_EQ(Value(got), expected[i]) << "case " << i;
  }
}

}  // namespace
}  // namespace drover
