// command / shell / raw / ping through the local connection: the scripts the
// modules build, run by a real /bin/sh.
#include <gtest/gtest.h>

#include <fstream>

#include "harness/process.hpp"
#include "modules/registry.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

class CommandModuleTest : public ::testing::Test {
 protected:
  Value run(const std::string& module, Value args, bool check = false) {
    const ModuleEntry* m = find_module(module);
    EXPECT_NE(m, nullptr);
    ConnectionSpec spec;
    spec.name = "localhost";
    spec.type = "local";
    auto conn = make_connection(spec);
    conn->connect();
    ModuleContext ctx;
    ctx.connection = conn.get();
    ctx.check_mode = check;
    return m->module->run(validate_args(m->name, m->module->spec(), args), ctx);
  }
  test::TempDir dir;
};

TEST_F(CommandModuleTest, CommandRunsWithoutAShell) {
  Value r = run("command", Value{{"_raw_params", "echo $HOME 'a  b'"}});
  EXPECT_EQ(r["stdout"], "$HOME a  b");
  EXPECT_EQ(r["rc"], 0);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["cmd"], (Value{"echo", "$HOME", "a  b"}));
  EXPECT_EQ(r["stdout_lines"], (Value{"$HOME a  b"}));
  EXPECT_FALSE(r.contains("failed"));
}

TEST_F(CommandModuleTest, ShellExpandsAndReportsNonZeroExit) {
  Value r = run("shell", Value{{"_raw_params", "echo out; echo err >&2; exit 3"}});
  EXPECT_EQ(r["stdout"], "out");
  EXPECT_EQ(r["stderr"], "err");
  EXPECT_EQ(r["rc"], 3);
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"], "non-zero return code");
  EXPECT_EQ(r["cmd"], "echo out; echo err >&2; exit 3");
}

TEST_F(CommandModuleTest, CreatesSkipsWhenTheFileExists) {
  std::string f = dir.write("exists", "x");
  Value r = run("command", Value{{"_raw_params", "touch " + dir.path() + "/ran"}, {"creates", f}});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(r["msg"], "Did not run command since '" + f + "' exists");
  EXPECT_EQ(r["stdout"], "skipped, since " + f + " exists");
  EXPECT_FALSE(std::ifstream(dir.path() + "/ran").good());
}

TEST_F(CommandModuleTest, RemovesSkipsWhenNothingMatchesTheGlob) {
  Value r = run("shell", Value{{"_raw_params", "echo ran"}, {"removes", dir.path() + "/nothing*"}});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(r["rc"], 0);
  dir.write("nothing-here", "");
  r = run("shell", Value{{"_raw_params", "echo ran"}, {"removes", dir.path() + "/nothing*"}});
  EXPECT_EQ(r["stdout"], "ran");
}

TEST_F(CommandModuleTest, ChdirAndStdin) {
  Value r = run("command", Value{{"_raw_params", "cat"}, {"stdin", "hello"}, {"chdir", dir.path()}});
  EXPECT_EQ(r["stdout"], "hello");
  r = run("command", Value{{"_raw_params", "pwd"}, {"chdir", dir.path()}});
  EXPECT_EQ(r["stdout"], dir.path());
  r = run("command", Value{{"_raw_params", "pwd"}, {"chdir", dir.path() + "/missing"}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_NE(r["msg"].get<std::string>().find("Unable to change directory before execution"), std::string::npos);
}

TEST_F(CommandModuleTest, MissingExecutableFailsLikeAnsible) {
  Value r = run("command", Value{{"_raw_params", "no-such-program-xyz --flag"}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["rc"], 2);
  EXPECT_EQ(r["msg"], "[Errno 2] No such file or directory: b'no-such-program-xyz'");
}

TEST_F(CommandModuleTest, CheckModeRunsNothing) {
  Value r = run("shell", Value{{"_raw_params", "touch " + dir.path() + "/ran"}}, true);
  EXPECT_EQ(r["skipped"], true);
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(r["msg"], "Command would have run if not in check mode");
  EXPECT_FALSE(std::ifstream(dir.path() + "/ran").good());
}

TEST_F(CommandModuleTest, StripEmptyEndsCanBeTurnedOff) {
  Value r = run("shell", Value{{"_raw_params", "printf 'a\\n\\n'"}, {"strip_empty_ends", false}});
  EXPECT_EQ(r["stdout"], "a\n\n");
}

TEST_F(CommandModuleTest, RawAndPing) {
  Value r = run("raw", Value{{"_raw_params", "echo raw; exit 1"}});
  EXPECT_EQ(r["stdout"], "raw\n");
  EXPECT_EQ(r["rc"], 1);
  EXPECT_EQ(r["failed"], true);
  r = run("ping", Value::object());
  EXPECT_EQ(r["ping"], "pong");
  EXPECT_EQ(r["changed"], false);
}

}  // namespace
}  // namespace drover
