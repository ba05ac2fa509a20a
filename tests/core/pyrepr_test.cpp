#include "core/pyrepr.hpp"

#include <gtest/gtest.h>

#include "core/pyjson.hpp"

namespace drover {
namespace {

TEST(PythonRepr, PrintsListsAndDictsAsPython) {
  Value v = Value::parse(R"({"a": [1, "x", true, null, 1.5], "b": {}})");
  EXPECT_EQ(python_repr(v), "{'a': [1, 'x', True, None, 1.5], 'b': {}}");
}

TEST(PythonRepr, ChoosesQuotesAsPython) {
  EXPECT_EQ(python_repr(Value("it's")), "\"it's\"");
  EXPECT_EQ(python_repr(Value("say \"hi\"")), "'say \"hi\"'");
  EXPECT_EQ(python_repr(Value("both ' and \"")), "'both \\' and \"'");
  EXPECT_EQ(python_repr(Value("tab\there\n")), "'tab\\there\\n'");
  EXPECT_EQ(python_repr(Value("caf\xc3\xa9")), "'caf\xc3\xa9'");
}

TEST(PythonRepr, FloatsUseShortestRoundTripForm) {
  EXPECT_EQ(python_float_repr(1.0), "1.0");
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(0.00001), "1e-05");
  EXPECT_EQ(python_float_repr(-2.5), "-2.5");
  EXPECT_EQ(python_float_repr(123456789.125), "123456789.125");
}

TEST(PythonJson, IndentedSortedDumpMatchesAnsibleCallbackOutput) {
  Value v = Value::parse(R"({"changed": false, "ping": "pong", "a": [], "b": {"y": 1, "x": [1, 2]}})");
  JsonDumpOptions o;
  o.indent = 4;
  o.sort_keys = true;
  o.ensure_ascii = false;
  EXPECT_EQ(python_json_dumps(v, o),
            "{\n    \"a\": [],\n    \"b\": {\n        \"x\": [\n            1,\n            2\n        ],\n"
            "        \"y\": 1\n    },\n    \"changed\": false,\n    \"ping\": \"pong\"\n}");
}

TEST(PythonJson, OneLineDefaultEscapesNonAscii) {
  Value v = Value::parse(R"({"k": "caf\u00e9 \ud83d\ude00", "n": 1.0})");
  EXPECT_EQ(python_json_dumps(v), "{\"k\": \"caf\\u00e9 \\ud83d\\ude00\", \"n\": 1.0}");
}

}  // namespace
}  // namespace drover
