// The engine hands DefaultCallback raw results (internal _ansible_* keys,
// failed/skipped flags still in them); the callback must clean them as
// Ansible's TaskResult.clean_copy does before printing.
#include <gtest/gtest.h>

#include "golden_support.hpp"
#include "output/default_callback.hpp"

namespace drover {
namespace {

using test::MemoryFile;

std::string run_events(const std::function<void(DefaultCallback&)>& events, int verbosity = 0) {
  DefaultCallbackOptions opt;
  opt.verbosity = verbosity;
  MemoryFile out, err;
  {
    DefaultCallback cb(opt, out.get(), err.get());
    events(cb);
  }
  // The task banner comes first (Ansible prints it before a task's first
  // line); the tests look at what follows it.
  std::string text = out.text();
  size_t end = text.find("*\n");
  EXPECT_NE(end, std::string::npos);
  return end == std::string::npos ? text : text.substr(end + 2);
}

TaskInfo task_named(const std::string& name, const std::string& action) {
  TaskInfo t;
  t.id = 1;
  t.name = name;
  t.action = action;
  return t;
}

TEST(DefaultCallbackRawResults, DebugShowsOnlyTheMessage) {
  TaskInfo task = task_named("d", "ansible.builtin.debug");
  std::string out = run_events([&](DefaultCallback& cb) {
    TaskEvent ev;
    ev.task = &task;
    ev.host = "h";
    ev.result = {{"msg", "hi"},        {"_ansible_verbose_always", true}, {"_ansible_no_log", false},
                 {"changed", false},   {"failed", false},                 {"invocation", {{"module_args", {}}}}};
    cb.runner_result(ev);
  });
  EXPECT_EQ(out, "ok: [h] => {\n    \"msg\": \"hi\"\n}\n");
}

TEST(DefaultCallbackRawResults, FailedFlagAndInternalKeysAreNotShown) {
  TaskInfo task = task_named("c", "command");
  std::string out = run_events([&](DefaultCallback& cb) {
    TaskEvent ev;
    ev.task = &task;
    ev.host = "h";
    ev.status = HostStatus::failed;
    ev.ignore_errors = true;
    ev.result = {{"failed", true}, {"rc", 1}, {"_ansible_no_log", false}, {"changed", true},
                 {"nested", {{"_ansible_x", 1}, {"y", Value::array({Value{{"_ansible_z", 2}, {"k", 3}}})}}}};
    cb.runner_result(ev);
  });
  EXPECT_EQ(out, "fatal: [h]: FAILED! => {\"changed\": true, \"nested\": {\"y\": [{\"k\": 3}]}, \"rc\": 1}\n...ignoring\n");
}

TEST(DefaultCallbackRawResults, LoopItemsUseTheLabelAndTheFinalResultPrintsNothing) {
  TaskInfo task = task_named("l", "command");
  task.loop = true;
  std::string out = run_events([&](DefaultCallback& cb) {
    TaskEvent item;
    item.task = &task;
    item.host = "h";
    item.status = HostStatus::changed;
    item.result = {{"changed", true}, {"item", {{"name", "a"}}}, {"_ansible_item_label", "a"}, {"ansible_loop_var", "item"}};
    cb.item_result(item);
    TaskEvent final_ev = item;
    final_ev.result = {{"changed", true}, {"results", Value::array({item.result})}, {"msg", "All items completed"}};
    cb.runner_result(final_ev);
  });
  EXPECT_EQ(out, "changed: [h] => (item=a)\n");
}

TEST(DefaultCallbackRawResults, NoLogItemsShowNoneAsTheirLabel) {
  TaskInfo task = task_named("l", "command");
  task.loop = true;
  task.no_log = true;
  std::string out = run_events(
      [&](DefaultCallback& cb) {
        TaskEvent item;
        item.task = &task;
        item.host = "h";
        item.status = HostStatus::ok;
        item.result = {{"changed", false}, {"item", "secret"}, {"_ansible_no_log", true}, {"stdout", "secret"}};
        cb.item_result(item);
      },
      1);
  EXPECT_EQ(out,
            "ok: [h] => (item=None) => {\"censored\": \"the output has been hidden due to the fact that 'no_log: true' "
            "was specified for this result\", \"changed\": false}\n");
}

TEST(DefaultCallbackRawResults, SetupResultsStayShortAtVerbosityOne) {
  TaskInfo task = task_named("Gathering Facts", "gather_facts");
  std::string out = run_events(
      [&](DefaultCallback& cb) {
        TaskEvent ev;
        ev.task = &task;
        ev.host = "h";
        ev.result = {{"ansible_facts", {{"a", 1}}}, {"_ansible_verbose_override", true}, {"changed", false}};
        cb.runner_result(ev);
      },
      1);
  EXPECT_EQ(out, "ok: [h]\n");
}

}  // namespace
}  // namespace drover
