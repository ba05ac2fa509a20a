// The controller's Python worker that runs lookup plugins drover lacks
// (engine/python_lookups.hpp), driven directly: one worker for many calls,
// a plugin's own directory, and a worker that dies is replaced.
#include "engine/python_lookups.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/process.hpp"

namespace drover {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

class PythonLookupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() + "/lookup_plugins");
    write(dir_.path() + "/lookup_plugins/pid_or_die.py", R"PY(
import os
from ansible.plugins.lookup import LookupBase

class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if terms and terms[0] == 'die':
            os._exit(3)
        return [os.getpid(), variables.get('who'), kwargs.get('k')]
)PY");
    if (!python_.available()) GTEST_SKIP() << "ansible-core is not installed";
  }
  PythonLookups::Outcome run(const Value& terms) {
    return python_.run("pid_or_die", terms, Value{{"k", "v"}}, Value{{"who", "world"}}, {dir_.path()});
  }
  test::TempDir dir_;
  PythonLookups python_{{}, std::make_shared<PythonWorker>(controller_python())};
};

TEST_F(PythonLookupsTest, OneWorkerAnswersEveryCallWithTheTaskVariablesAndKeywords) {
  auto a = run(Value::array());
  auto b = run(Value::array());
  ASSERT_FALSE(a.error) << a.error->message;
  ASSERT_FALSE(b.error) << b.error->message;
  EXPECT_EQ(a.ran[0], b.ran[0]);  // the same process
  EXPECT_EQ(a.ran[1], "world");
  EXPECT_EQ(a.ran[2], "v");
}

TEST_F(PythonLookupsTest, AWorkerThatDiesFailsThatLookupAndTheNextStartsAnother) {
  auto before = run(Value::array());
  ASSERT_FALSE(before.error) << before.error->message;
  auto died = run(Value::array({"die"}));
  ASSERT_TRUE(died.error);
  EXPECT_NE(died.error->message.find("exited with status 3"), std::string::npos) << died.error->message;
  auto after = run(Value::array());
  ASSERT_FALSE(after.error) << after.error->message;
  EXPECT_NE(after.ran[0], before.ran[0]);
}

TEST_F(PythonLookupsTest, AnUnknownPluginIsNotFoundAsAnsibleSaysIt) {
  auto o = python_.run("drover_no_such_lookup", Value::array(), Value::object(), Value::object(), {dir_.path()});
  ASSERT_TRUE(o.error);
  EXPECT_EQ(o.error->message, "lookup plugin (drover_no_such_lookup) not found");
  EXPECT_EQ(o.error->type, "<class 'ansible.errors.AnsibleError'>");
}

}  // namespace
}  // namespace drover
