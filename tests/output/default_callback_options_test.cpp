// DefaultCallback's options and its behaviour under concurrent calls
// (expected texts taken from ansible-playbook 2.14 runs with the same
// settings).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "golden_support.hpp"
#include "output/default_callback.hpp"

namespace drover {
namespace {

using test::MemoryFile;

struct Captured {
  MemoryFile out, err;
};

TaskInfo make_task(const std::string& name, const std::string& action = "command") {
  TaskInfo t;
  t.id = 7;
  t.name = name;
  t.action = action;
  t.path = "/pb/site.yml:12";
  return t;
}

TaskEvent failed_event(const TaskInfo& task) {
  TaskEvent ev;
  ev.task = &task;
  ev.host = "web1";
  ev.status = HostStatus::failed;
  ev.result = {{"failed", true}, {"msg", "boom"}, {"changed", false}};
  return ev;
}

TEST(DefaultCallbackOptions, DisplayFailedStderrSendsFatalLinesToStderr) {
  DefaultCallbackOptions opt;
  opt.display_failed_stderr = true;
  Captured run;
  TaskInfo task = make_task("t");
  {
    DefaultCallback cb(opt, run.out.get(), run.err.get());
    cb.task_start(task);
    cb.runner_result(failed_event(task));
  }
  EXPECT_EQ(run.err.text(), "fatal: [web1]: FAILED! => {\"changed\": false, \"msg\": \"boom\"}\n");
  EXPECT_EQ(run.out.text().find("fatal"), std::string::npos);
}

TEST(DefaultCallbackOptions, ShowTaskPathOnFailurePrintsThePathBeforeTheFailure) {
  DefaultCallbackOptions opt;
  opt.show_task_path_on_failure = true;
  Captured run;
  TaskInfo task = make_task("t");
  {
    DefaultCallback cb(opt, run.out.get(), run.err.get());
    cb.task_start(task);
    cb.runner_result(failed_event(task));
  }
  EXPECT_NE(run.out.text().find("task path: /pb/site.yml:12\nfatal: [web1]"), std::string::npos);
}

TEST(DefaultCallbackOptions, DisplayArgsToStdoutShowsArgumentsInTheBannerUnlessNoLog) {
  DefaultCallbackOptions opt;
  opt.display_args_to_stdout = true;
  Captured run;
  TaskInfo task = make_task("t");
  task.args_text = "_raw_params=echo hi";
  TaskInfo secret = make_task("s");
  secret.id = 8;
  secret.args_text = "password=x";
  secret.no_log = true;
  {
    DefaultCallback cb(opt, run.out.get(), run.err.get());
    cb.task_start(task);
    cb.task_start(secret);
  }
  EXPECT_NE(run.out.text().find("\nTASK [t _raw_params=echo hi] **"), std::string::npos);
  EXPECT_NE(run.out.text().find("\nTASK [s] **"), std::string::npos);
  EXPECT_EQ(run.out.text().find("password"), std::string::npos);
}

TEST(DefaultCallbackOptions, HiddenOkAndSkippedHostsDelayTheBannerUntilSomethingShows) {
  DefaultCallbackOptions opt;
  opt.display_ok_hosts = false;
  opt.display_skipped_hosts = false;
  Captured run;
  TaskInfo quiet = make_task("quiet");
  TaskInfo loud = make_task("loud");
  loud.id = 8;
  loud.handler = true;
  {
    DefaultCallback cb(opt, run.out.get(), run.err.get());
    cb.task_start(quiet);
    TaskEvent ok;
    ok.task = &quiet;
    ok.host = "web1";
    ok.result = {{"changed", false}};
    cb.runner_result(ok);
    cb.task_start(loud);
    TaskEvent changed = ok;
    changed.task = &loud;
    changed.status = HostStatus::changed;
    changed.result = {{"changed", true}};
    cb.runner_result(changed);
  }
  EXPECT_EQ(run.out.text(),
            "\nRUNNING HANDLER [loud] *********************************************************\n"
            "changed: [web1]\n");
}

TEST(DefaultCallbackOptions, ShowPerHostStartAnnouncesEachHost) {
  DefaultCallbackOptions opt;
  opt.show_per_host_start = true;
  opt.display_ok_hosts = false;  // no banner
  Captured run;
  TaskInfo task = make_task("t");
  {
    DefaultCallback cb(opt, run.out.get(), run.err.get());
    cb.runner_start(task, "web1");
  }
  EXPECT_EQ(run.out.text(), " [started TASK: t on web1]\n");
}

TEST(DefaultCallbackOptions, TheSameWarningIsShownOnce) {
  Captured run;
  {
    DefaultCallback cb(DefaultCallbackOptions{}, run.out.get(), run.err.get());
    cb.warning("twice");
    cb.warning("twice");
  }
  EXPECT_EQ(run.err.text(), "[WARNING]: twice\n");
}

TEST(DefaultCallbackOptions, WarningsAreColouredBrightPurpleOnATerminal) {
  DefaultCallbackOptions opt;
  opt.color = true;
  Captured run;
  {
    DefaultCallback cb(opt, run.out.get(), run.err.get());
    cb.warning("w");
  }
  EXPECT_EQ(run.err.text(), "\033[1;35m[WARNING]: w\033[0m\n");
}

TEST(DefaultCallbackOptions, ExceptionsShowTheFullTracebackAtVvv) {
  DefaultCallbackOptions opt;
  opt.verbosity = 3;
  Captured run;
  TaskInfo task = make_task("t");
  {
    DefaultCallback cb(opt, run.out.get(), run.err.get());
    cb.task_start(task);
    TaskEvent ev = failed_event(task);
    ev.result["exception"] = "Traceback:\n  line\nValueError: x\n";
    cb.runner_result(ev);
  }
  EXPECT_NE(run.out.text().find("task path: /pb/site.yml:12\nThe full traceback is:\nTraceback:\n  line\nValueError: x\n"
                                "fatal: [web1]: FAILED! => {\n    \"changed\": false,\n    \"msg\": \"boom\"\n}\n"),
            std::string::npos)
      << run.out.text();
}

TEST(DefaultCallbackConcurrency, LinesFromManyThreadsNeverInterleave) {
  Captured run;
  TaskInfo task = make_task("t", "debug");
  constexpr int kThreads = 8, kPerThread = 200;
  {
    DefaultCallbackOptions opt;
    DefaultCallback cb(opt, run.out.get(), run.err.get());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          TaskEvent ev;
          ev.task = &task;
          ev.host = "h" + std::to_string(t) + "-" + std::to_string(i);
          ev.result = {{"msg", "line one\nline two"}, {"_ansible_verbose_always", true}, {"changed", false}};
          cb.runner_result(ev);
        }
      });
    for (auto& th : threads) th.join();
  }
  // Every result is its four lines together.
  std::string text = run.out.text();
  size_t count = 0;
  for (size_t pos = 0; (pos = text.find("ok: [h", pos)) != std::string::npos; ++pos) {
    size_t end = text.find("\n}\n", pos);
    ASSERT_NE(end, std::string::npos);
    std::string block = text.substr(pos, end + 3 - pos);
    EXPECT_NE(block.find("] => {\n    \"msg\": \"line one\\nline two\"\n}\n"), std::string::npos) << block;
    ++count;
  }
  EXPECT_EQ(count, static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace drover
