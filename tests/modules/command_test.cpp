// command / shell / raw / ping through the local connection: the scripts the
// modules build, run by a real /bin/sh.
#include <gtest/gtest.h>

#include <cstdlib>
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
  Value r = run("command", Value{{"_raw_params", "echo 'a  b' ';' '*' `x` \"$(id)\""}});
  EXPECT_EQ(r["stdout"], "a  b ; * `x` $(id)");
  EXPECT_EQ(r["rc"], 0);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["cmd"], (Value{"echo", "a  b", ";", "*", "`x`", "$(id)"}));
  EXPECT_EQ(r["stdout_lines"], (Value{"a  b ; * `x` $(id)"}));
  EXPECT_FALSE(r.contains("failed"));
}

// Ansible 2.14's run_command expands environment variables (even quoted
// ones) and a leading ~ in every argument; unset variables stay as written.
// Expected values from `ansible localhost -m command` with the same line.
TEST_F(CommandModuleTest, CommandExpandsVariablesAndHomeAsAnsibleDoes) {
  const char* home = std::getenv("HOME");
  ASSERT_NE(home, nullptr);
  std::string h = home;
  ::setenv("DROVER_T_SPACED", "a  b*", 1);
  ::unsetenv("DROVER_T_NOPE");
  Value r = run("command", Value{{"_raw_params",
                                  "printf '%s|' $HOME '$HOME' $DROVER_T_NOPE ${HOME} ${DROVER_T_NOPE} ~ ~root/x "
                                  "~nouser_zz/y a$HOME.b $1 '${A B}' x~ $DROVER_T_SPACED '$' '${'"}});
  EXPECT_EQ(r["stdout"], h + "|" + h + "|$DROVER_T_NOPE|" + h + "|${DROVER_T_NOPE}|" + h +
                             "|/root/x|~nouser_zz/y|a" + h + ".b|$1|${A B}|x~|a  b*|$|${|");
  EXPECT_EQ(r["cmd"][2], "$HOME");  // cmd is what was asked, unexpanded
  Value argv = run("command", Value{{"argv", Value{"printf", "%s|", "$HOME", "~/z"}}});
  EXPECT_EQ(argv["stdout"], h + "|" + h + "/z|");
}

// The script's own variables (the guards' and the command line's) are gone
// before the words expand: Ansible's run_command sees only the environment.
TEST_F(CommandModuleTest, CommandWordsDoNotSeeTheScriptsVariables) {
  Value r = run("command", Value{{"_raw_params", "printf '%s|' $_c_line ${_c_creates} $_c_first"},
                                 {"creates", dir.path() + "/never*"},
                                 {"chdir", dir.path()}});
  EXPECT_EQ(r["stdout"], "$_c_line|${_c_creates}|$_c_first|");
}

// creates/removes are Python globs: spaces, quotes and $ are literal, a
// backslash too; only * ? [ ] match.
TEST_F(CommandModuleTest, CreatesGlobsTakeOddNamesLiterally) {
  dir.write("a b'$x\\y.txt", "");
  Value r = run("command", Value{{"_raw_params", "echo ran"}, {"creates", dir.path() + "/a b'$x\\y.t?t"}});
  EXPECT_EQ(r["changed"], false) << r.dump();
  r = run("command", Value{{"_raw_params", "echo ran"}, {"creates", dir.path() + "/a b'$x\\y.txt"}});
  EXPECT_EQ(r["changed"], false) << r.dump();
  r = run("command", Value{{"_raw_params", "echo ran"}, {"creates", dir.path() + "/a b'$x*z"}});
  EXPECT_EQ(r["stdout"], "ran");
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
  EXPECT_EQ(r["cmd"], "no-such-program-xyz --flag");
  EXPECT_FALSE(r.contains("start"));
  EXPECT_FALSE(r.contains("delta"));
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
