#include "core/yaml.hpp"

#include <gtest/gtest.h>

#include "core/big_int.hpp"

namespace drover {
namespace {

Value load(const std::string& text) { return load_yaml_value_string(text, "t.yml"); }

TEST(Yaml, ResolvesYaml11BooleansLikeAnsible) {
  Value v = load("a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: 'yes'\ng: y\n");
  EXPECT_EQ(v["a"], true);
  EXPECT_EQ(v["b"], false);
  EXPECT_EQ(v["c"], true);
  EXPECT_EQ(v["d"], false);
  EXPECT_EQ(v["e"], true);
  EXPECT_EQ(v["f"], "yes");  // quoted stays a string
  EXPECT_EQ(v["g"], "y");    // PyYAML does not treat y as a bool
}

TEST(Yaml, ReadsOctalHexUnderscoreAndSexagesimalInts) {
  Value v = load("mode: 0644\nhex: 0x1F\nbig: 1_000\ntime: 1:30\nzero: 0\nnine: 09\n");
  EXPECT_EQ(v["mode"], 420);
  EXPECT_EQ(v["hex"], 31);
  EXPECT_EQ(v["big"], 1000);
  EXPECT_EQ(v["time"], 90);
  EXPECT_EQ(v["zero"], 0);
  EXPECT_EQ(v["nine"], "09");
}

// Python's ints are unbounded; a JSON value holds the nearest float (the
// hex and base-60 forms aborted drover before fuzz/yaml_fuzz found them).
TEST(Yaml, IntsPastInt64StayExactAsPythonsInts) {
  Value v = load("dec: 100000000000000000000\nhex: 0x10000000000000000\nsexa: 100000000000000000000009:9\n"
                 "neg: -0xffffffffffffffffff\nmin: -9223372036854775808\n");
  EXPECT_EQ(big_int_text(v["dec"]), "100000000000000000000");
  EXPECT_EQ(big_int_text(v["hex"]), "18446744073709551616");
  EXPECT_EQ(big_int_text(v["sexa"]), "6000000000000000000000549");
  EXPECT_EQ(big_int_text(v["neg"]), "-4722366482869645213695");
  EXPECT_TRUE(v["min"].is_number_integer());  // fits: an ordinary int
  EXPECT_EQ(v["min"].get<int64_t>(), INT64_MIN);
}

TEST(Yaml, KeepsExponentWithoutDotAsStringLikePyYaml) {
  Value v = load("a: 1e3\nb: 1.5e+3\nc: .5\nd: .inf\ne: 1.0\n");
  EXPECT_EQ(v["a"], "1e3");
  EXPECT_DOUBLE_EQ(v["b"].get<double>(), 1500.0);
  EXPECT_DOUBLE_EQ(v["c"].get<double>(), 0.5);
  EXPECT_TRUE(std::isinf(v["d"].get<double>()));
  EXPECT_TRUE(v["e"].is_number_float());
}

TEST(Yaml, NullsAndEmptyValues) {
  Value v = load("a:\nb: ~\nc: null\nd: ''\n");
  EXPECT_TRUE(v["a"].is_null());
  EXPECT_TRUE(v["b"].is_null());
  EXPECT_TRUE(v["c"].is_null());
  EXPECT_EQ(v["d"], "");
}

TEST(Yaml, AppliesMergeKeysWithExplicitKeysWinning) {
  Value v = load("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n");
  EXPECT_EQ(v["child"]["x"], 1);
  EXPECT_EQ(v["child"]["y"], 3);
}

TEST(Yaml, KeepsKeyOrder) {
  Value v = load("z: 1\na: 2\nm: 3\n");
  std::vector<std::string> keys;
  for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "m"}));
}

TEST(Yaml, SyntaxErrorSaysFileLineAndColumn) {
  try {
    load("a: 1\nb: [1, 2\nc: 3\n");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where().file, "t.yml");
    EXPECT_GT(e.where().line, 1);
    EXPECT_GT(e.where().column, 0);
    EXPECT_NE(std::string(e.what()).find("t.yml:"), std::string::npos);
  }
}

TEST(Yaml, BadIndentationIsAnErrorWithPosition) {
  try {
    load("- name: x\n  debug: msg=1\n bad: 2\n");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where().line, 3);
  }
}

// yaml-cpp 0.7 alone loops forever, allocating, on these (found by
// fuzz/yaml_fuzz); PyYAML says "did not find expected node content".
TEST(Yaml, ADocumentStartingWithACommaIsAnErrorNotAHang) {
  for (const char* text : {",b--", "[a]\n,", "&anchor ,", "\"s\",", "a: 1\n---\n, x\n"}) {
    try {
      load(text);
      FAIL() << "expected an error for " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("did not find expected node content"), std::string::npos) << e.what();
      EXPECT_GT(e.where().line, 0);
    }
  }
}

TEST(Yaml, UnsafeStringsComeBackAsTemplatesOfTheirOwnText) {
  Value v = load("a: !unsafe '{{ x }}'\nb: !unsafe ['c{% d', plain, 1]\ne: !unsafe {f: '{# endraw }}'}\n");
  EXPECT_EQ(v["a"], "{% raw %}{{ x }}{% endraw %}");
  EXPECT_EQ(v["b"], Value::array({"{% raw %}c{% d{% endraw %}", "plain", 1}));
  EXPECT_EQ(v["e"]["f"], "{{ '{# endraw }}' }}");
}

TEST(Yaml, BytesThatAreNotUtf8ReadAsTheReplacementCharacter) {
  Value v = load("a: \"x\xff\"\n\xfe: 1\n");
  EXPECT_EQ(v["a"], "x\xef\xbf\xbd");
  EXPECT_EQ(v.dump(), "{\"a\":\"x\xef\xbf\xbd\",\"\xef\xbf\xbd\":1}");
}

// DUPLICATE_YAML_DICT_KEY, with Ansible 2.14's texts (ansible-playbook
// printed them for the same documents).
struct DuplicateKeyPolicy {
  std::vector<std::string> warnings;
  explicit DuplicateKeyPolicy(DuplicateKeys mode) {
    YamlPolicy p;
    p.duplicate_keys = mode;
    p.warn = [this](const std::string& w) { warnings.push_back(w); };
    set_process_yaml_policy(std::move(p));
  }
  ~DuplicateKeyPolicy() { set_process_yaml_policy({}); }
};

TEST(YamlDuplicateKeys, WarnNamesTheMappingsPositionAndKeepsTheLastValue) {
  DuplicateKeyPolicy policy(DuplicateKeys::warn);
  Value v = load_yaml_value_string("top: 0\nvars:\n  v: 1\n  w: 0\n  v: 2\ne: {k: 1, k: 2}\n", "/x/t.yml");
  EXPECT_EQ(v["vars"]["v"], 2);
  EXPECT_EQ(v["e"]["k"], 2);
  ASSERT_EQ(policy.warnings.size(), 2u);
  EXPECT_EQ(policy.warnings[0],
            "While constructing a mapping from /x/t.yml, line 3, column 3, found a duplicate dict key (v). "
            "Using last defined value only.");
  EXPECT_EQ(policy.warnings[1],
            "While constructing a mapping from /x/t.yml, line 6, column 4, found a duplicate dict key (k). "
            "Using last defined value only.");
}

TEST(YamlDuplicateKeys, NodeLookupsSeeTheLastValueToo) {
  DuplicateKeyPolicy policy(DuplicateKeys::ignore);
  auto docs = load_yaml_string("tasks: [a]\nname: x\ntasks: [b]\n", "t.yml");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["tasks"][0].Scalar(), "b");
  EXPECT_EQ(docs[0].size(), 2u);
  EXPECT_TRUE(policy.warnings.empty());
}

TEST(YamlDuplicateKeys, AKeyAlsoMergedInIsADuplicateAsPyYamlFlattensMerges) {
  DuplicateKeyPolicy policy(DuplicateKeys::warn);
  Value v = load_yaml_value_string("base: &b {x: 1, y: 1}\nd:\n  <<: *b\n  x: 2\nok:\n  <<: *b\n  z: 3\n", "/t.yml");
  EXPECT_EQ(v["d"], Value::parse(R"({"x": 2, "y": 1})"));
  ASSERT_EQ(policy.warnings.size(), 1u);
  EXPECT_NE(policy.warnings[0].find("line 3, column 3, found a duplicate dict key (x)"), std::string::npos);
}

TEST(YamlDuplicateKeys, ErrorStopsTheLoadAtTheMapping) {
  DuplicateKeyPolicy policy(DuplicateKeys::error);
  try {
    load_yaml_value_string("a: 1\nb:\n  - {c: 1, c: 2}\n", "/t.yml");
    FAIL() << "no error";
  } catch (const ParserError& e) {
    EXPECT_EQ(e.message(),
              "Syntax Error while loading YAML.\n  While constructing a mapping from /t.yml, line 3, column 5, "
              "found a duplicate dict key (c). Using last defined value only.");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().column, 5);
  }
}

TEST(YamlDuplicateKeys, JsonTextAndTheFromYamlReaderTakeTheLastValueSilently) {
  DuplicateKeyPolicy policy(DuplicateKeys::error);
  EXPECT_EQ(load_yaml_value_string("{\"a\": 1, \"a\": 2}", "/t.json")["a"], 2);
  EXPECT_EQ(load_yaml_value_string_plain("a: 1\na: 2\n", "<from_yaml>")["a"], 2);
}

TEST(YamlDuplicateKeys, CommandLineTextIsNamedString) {
  DuplicateKeyPolicy policy(DuplicateKeys::warn);
  load_yaml_value_string("{r: 1, r: 2}", "<extra vars>");
  ASSERT_EQ(policy.warnings.size(), 1u);
  EXPECT_EQ(policy.warnings[0].rfind("While constructing a mapping from <string>, line 1, column 1,", 0), 0u);
}

}  // namespace
}  // namespace drover
