// The controller's Python worker that runs lookup plugins and action
// plugins drover lacks (engine/python_worker.hpp, python_lookups.hpp,
// python_actions.hpp), driven directly: one worker for many calls and both
// kinds, a plugin's own directory, a worker that dies is replaced, and a
// plugin that prints or reads stdin cannot disturb the channel.
#include "engine/python_lookups.hpp"

#include "engine/python_actions.hpp"
#include "template/engine.hpp"

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
import os, sys
from ansible.plugins.lookup import LookupBase

class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if terms and terms[0] == 'die':
            os._exit(3)
        if terms and terms[0] == 'noisy':
            print('{"ran": "not the answer"}')
            sys.stdin.read()
            os.system('echo from a command; cat')
        return [os.getpid(), variables.get('who'), kwargs.get('k')]
)PY");
    std::filesystem::create_directories(dir_.path() + "/action_plugins");
    write(dir_.path() + "/action_plugins/drover_pid.py", R"PY(
import os
from ansible.plugins.action import ActionBase

class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result['pid'] = os.getpid()
        result['transport'] = self._connection.transport
        result['said'] = self._low_level_execute_command('echo %s' % self._task.args['word'])['stdout'].strip()
        return result
)PY");
    if (!python_.available()) GTEST_SKIP() << "ansible-core is not installed";
  }
  PythonLookups::Outcome run(const Value& terms) {
    return python_.run("pid_or_die", terms, Value{{"k", "v"}}, Value{{"who", "world"}}, {dir_.path()});
  }
  test::TempDir dir_;
  std::shared_ptr<PythonWorker> worker_ = std::make_shared<PythonWorker>(controller_python());
  PythonLookups python_{{}, worker_};
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

TEST_F(PythonLookupsTest, APluginThatPrintsOrReadsStdinDoesNotDisturbTheAnswers) {
  auto noisy = run(Value::array({"noisy"}));
  ASSERT_FALSE(noisy.error) << noisy.error->message;
  EXPECT_EQ(noisy.ran[1], "world");
  auto after = run(Value::array());
  ASSERT_FALSE(after.error) << after.error->message;
  EXPECT_EQ(after.ran[0], noisy.ran[0]);
}

TEST_F(PythonLookupsTest, AnActionPluginRunsInTheSameWorkerWithItsConnectionPlugin) {
  auto lookup = run(Value::array());
  ASSERT_FALSE(lookup.error) << lookup.error->message;
  auto runtime = std::make_shared<PythonActionRuntime>(worker_);
  runtime->add_plugin_dir(dir_.path());
  auto action = make_python_action("drover_pid", dir_.path() + "/action_plugins/drover_pid.py", {}, runtime);
  Value variables{{"inventory_hostname", "localhost"}, {"ansible_connection", "local"},
                  {"ansible_python_interpreter", "/usr/bin/python3"}};
  tmpl::ValueVariables vars(variables);
  ModuleContext ctx;
  ctx.vars = &vars;
  ctx.search_path = {dir_.path()};
  ctx.play_context = Value{{"keywords", Value::object()}, {"cli", Value::object()}};
  Value result = action->run(Value{{"word", "hello"}}, ctx);
  EXPECT_EQ(result.value("said", ""), "hello") << result.dump();
  EXPECT_EQ(result.value("transport", ""), "local") << result.dump();
  EXPECT_EQ(result["pid"], lookup.ran[0]);  // one worker for lookups and actions
  EXPECT_EQ(result["changed"], false);
}

}  // namespace
}  // namespace drover
