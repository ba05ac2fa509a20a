// The live progress line: only when asked for (terminals), erased before
// every printed line so that the output stays Ansible's.
#include <gtest/gtest.h>

#include "golden_support.hpp"
#include "output/default_callback.hpp"
#include "output/progress_line.hpp"

#include <chrono>
#include <regex>
#include <thread>

namespace drover {
namespace {

using test::MemoryFile;

TEST(ProgressLine, ShowsDoneChangedFailedAndTotal) {
  MemoryFile out;
  ProgressLine p(out.get(), 100);
  p.start_task("TASK [x]", 5);
  p.host_done(true, false);
  p.host_done(false, true);
  EXPECT_NE(p.text().find("TASK [x]  hosts done 2/5  changed 1  failed 1"), std::string::npos);
}

TEST(ProgressLine, NeverLongerThanTheTerminalLine) {
  MemoryFile out;
  ProgressLine p(out.get(), 30);
  p.start_task("TASK [a very long task name that goes on and on]", 2000);
  EXPECT_LE(p.text().size(), 29u);
}

TEST(ProgressLine, IsErasedBeforeEachLineAndRedrawnAfter) {
  DefaultCallbackOptions opt;
  opt.progress_line = true;
  MemoryFile out, err;
  TaskInfo task;
  task.id = 1;
  task.name = "t";
  task.action = "command";
  {
    DefaultCallback cb(opt, out.get(), err.get());
    PlayInfo play;
    play.name = "p";
    play.host_count = 2;
    cb.play_start(play);
    cb.task_start(task);
    TaskEvent ev;
    ev.task = &task;
    ev.host = "h1";
    ev.status = HostStatus::changed;
    ev.result = {{"changed", true}};
    cb.runner_result(ev);
    RunStats st;
    cb.stats(st);
  }
  std::string text = out.text();
  // The line was drawn, then erased before "changed: [h1]".
  size_t drawn = text.find("hosts done 0/2");
  size_t line = text.find("\r\033[Kchanged: [h1]\n");
  ASSERT_NE(drawn, std::string::npos);
  ASSERT_NE(line, std::string::npos);
  EXPECT_LT(drawn, line);
  EXPECT_NE(text.find("hosts done 1/2  changed 1"), std::string::npos);
  // Ends with the recap, not with a progress line.
  EXPECT_EQ(text.substr(text.size() - 2), "\n\n");
}

TEST(ProgressLine, NothingButAnsiblesBytesWhenNotEnabled) {
  DefaultCallbackOptions opt;
  MemoryFile out, err;
  TaskInfo task;
  task.id = 1;
  task.name = "t";
  {
    DefaultCallback cb(opt, out.get(), err.get());
    cb.task_start(task);
  }
  EXPECT_EQ(out.text(), "\nTASK [t] ***********************************************************************\n");
}

}  // namespace
}  // namespace drover

namespace drover {
namespace {

TEST(ProgressLine, TruncatesWideTextByColumnsWithoutSplittingCharacters) {
  test::MemoryFile out;
  ProgressLine p(out.get(), 21);
  p.start_task("TASK [デプロイデプロイデプロイ]", 1);
  std::string text = p.text();
  EXPECT_EQ(text, "[0s] TASK [デプロイ");  // 19 columns: one more would be 21
}

}  // namespace
}  // namespace drover

namespace drover {
namespace {

TEST(ProgressLine, KeepsTickingWhileHostsAreBusyAndIsGoneAtTheEnd) {
  test::MemoryFile out, err;
  {
    DefaultCallbackOptions opt;
    opt.progress_line = true;
    DefaultCallback cb(opt, out.get(), err.get());
    TaskInfo task;
    task.id = 1;
    task.name = "slow";
    cb.task_start(task);
    // Ticks come every 500 ms; a loaded machine may delay some by a second.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  }
  std::string text = out.text();
  // Drawn at the start and redrawn by the ticker (the clock shows 1s or more).
  EXPECT_TRUE(std::regex_search(text, std::regex("\\[[1-9][0-9]*s\\] TASK \\[slow\\]"))) << text;
  // Erased when the callback goes away.
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K");
}

}  // namespace
}  // namespace drover
