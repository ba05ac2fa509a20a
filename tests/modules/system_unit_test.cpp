// The system modules (user, group, cron, ...) without a target: the scripts
// they build (shell syntax, the options they pass) and how they shape
// Ansible's result from a script's answer, through a connection that
// records scripts and replies with canned answers. CronTab's text editing
// is tested here too. The modules' effects on real systems are tested in
// system_compat_test.cpp against throw-away sandboxes.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "modules/answer_script.hpp"
#include "modules/cron_tab.hpp"
#include "modules/file_attrs.hpp"
#include "modules/registry.hpp"
#include "modules/uri.hpp"
#include "recording_connection.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

using test::answer;
using test::RecordingConnection;

class SystemModule : public ::testing::Test {
 protected:
  Value run(const std::string& module, const Value& args, std::vector<std::string> answers, bool check = false,
            bool diff = false) {
    const ModuleEntry* m = find_module(module);
    EXPECT_NE(m, nullptr) << module;
    conn.answers = std::move(answers);
    conn.next = 0;
    ModuleContext ctx;
    ctx.connection = &conn;
    ctx.check_mode = check;
    ctx.diff_mode = diff;
    return m->module->run(validate_args(module, m->module->spec(), args), ctx);
  }
  // `sh -n`: the script is valid POSIX shell.
  static void expect_valid_shell(const std::string& script) {
    test::TempDir d;
    std::string path = d.write("s.sh", script);
    auto r = test::run_process({"/bin/sh", "-n", path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  RecordingConnection conn;
};

TEST(AnswerFields, SplitAtRecordSeparatorsAndKeepNewlinesInValues) {
  auto f = parse_answer("noise\x1e" "a\n1\x1e" "b\nline1\nline2\n\x1e" "c");
  EXPECT_EQ(f["a"], "1");
  EXPECT_EQ(f["b"], "line1\nline2\n");
  EXPECT_EQ(f.count("c"), 1u);
  EXPECT_EQ(f.count("noise"), 0u);
}

TEST(AnswerFields, ShellAssignQuotesAndTurnsBooleansIntoTestableWords) {
  EXPECT_EQ(shell_assign("x", Value("it's")), "x='it'\"'\"'s'\n");
  EXPECT_EQ(shell_assign("x", Value(true)), "x=1\n");
  EXPECT_EQ(shell_assign("x", Value(false)), "x=''\n");
  EXPECT_EQ(shell_assign("x", Value()), "x=''\n");
}

// One protocol: a file module's script answers with the functions every
// module script has, and its failure reads the same way.
TEST(AnswerFields, FileModuleScriptsAnswerWithTheSameFunctionsAsSystemModules) {
  test::TempDir d;
  std::string path = d.write("s.sh", files::script_prelude(false) +
                                         "_out a 'x\ny'; _changed; echo oops >&2; _dr_die 'cannot write'\n");
  auto r = test::run_process({"/bin/sh", path});
  AnswerFields f = parse_answer(r.out);
  EXPECT_EQ(f["a"], "x\ny");
  EXPECT_EQ(f.count("changed"), 1u);
  ExecResult exec;
  exec.exit_status = r.exit_code;
  exec.err = r.err;
  EXPECT_EQ(script_failure(f, exec)["msg"], "cannot write: oops");
}

TEST_F(SystemModule, ARefusedBecomeIsTheTasksMessage) {
  conn.become_error = "Incorrect sudo password";
  Value r = run("group", Value{{"name", "staff"}}, {""});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"], "Incorrect sudo password");
}

TEST_F(SystemModule, UserScriptIsValidShellAndCarriesTheOptions) {
  run("user", Value{{"name", "alice"}, {"shell", "/bin/zsh"}, {"groups", Value{"adm", "staff"}}, {"uid", 1500},
                    {"password", "$6$salt$hash"}},
      {""});
  ASSERT_EQ(conn.scripts.size(), 1u);
  const std::string& s = conn.scripts[0];
  EXPECT_NE(s.find("n=alice"), std::string::npos);
  EXPECT_NE(s.find("o_shell=/bin/zsh"), std::string::npos);
  EXPECT_NE(s.find("o_groups=adm,staff"), std::string::npos);
  EXPECT_NE(s.find("o_uid=1500"), std::string::npos);
  EXPECT_NE(s.find("o_password='$6$salt$hash'"), std::string::npos);
  EXPECT_NE(s.find("useradd"), std::string::npos);
  expect_valid_shell(s);
}

TEST_F(SystemModule, UserCreatedReportsAnsiblesFields) {
  Value r = run("user", Value{{"name", "alice"}, {"password", "x"}},
                {answer({{"created", ""}, {"changed", "1"}, {"rc", "0"}, {"stdout", ""}, {"stderr", ""},
                         {"uid", "1001"}, {"gid", "1001"}, {"comment", ""}, {"home", "/home/alice"},
                         {"shell", "/bin/sh"}})});
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["uid"], 1001);
  EXPECT_EQ(r["group"], 1001);
  EXPECT_EQ(r["home"], "/home/alice");
  EXPECT_EQ(r["system"], false);
  EXPECT_EQ(r["create_home"], true);
  EXPECT_EQ(r["password"], "NOT_LOGGING_PASSWORD");
  EXPECT_FALSE(r.contains("append"));
  EXPECT_FALSE(r.contains("stdout"));
}

TEST_F(SystemModule, UserInCheckModeReportsOnlyChangedWhenItWouldCreate) {
  Value r = run("user", Value{{"name", "alice"}}, {answer({{"created", ""}, {"changed", "1"}})}, true);
  EXPECT_EQ(r, (Value{{"changed", true}}));
  EXPECT_NE(conn.scripts[0].find("check=1"), std::string::npos);
}

TEST_F(SystemModule, UserCommandFailureCarriesItsStderr) {
  Value r = run("user", Value{{"name", "alice"}, {"uid", 0}},
                {answer({{"created", ""}, {"changed", "1"}, {"rc", "4"}, {"stderr", "useradd: UID 0 is not unique"}})});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"], "useradd: UID 0 is not unique");
  EXPECT_EQ(r["rc"], 4);
  EXPECT_EQ(r["name"], "alice");
}

TEST_F(SystemModule, UserScriptFailureNamesTheProblem) {
  Value r = run("user", Value{{"name", "alice"}, {"group", "nope"}},
                {answer({{"created", ""}, {"failed", "Group nope does not exist"}})});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"], "Group nope does not exist");
}

TEST_F(SystemModule, UserRemovedReportsForceAndRemove) {
  Value r = run("user", Value{{"name", "alice"}, {"state", "absent"}, {"remove", true}},
                {answer({{"existed", ""}, {"changed", "1"}, {"rc", "0"}})});
  EXPECT_EQ(r, (Value{{"name", "alice"}, {"state", "absent"}, {"force", false}, {"remove", true}, {"changed", true}}));
}

TEST_F(SystemModule, UserAbsentAlreadyIsUnchanged) {
  Value r = run("user", Value{{"name", "alice"}, {"state", "absent"}}, {""});
  EXPECT_EQ(r, (Value{{"name", "alice"}, {"state", "absent"}, {"changed", false}}));
}

TEST_F(SystemModule, UserSshKeyFieldsAndWarnings) {
  Value r = run("user", Value{{"name", "bob"}, {"generate_ssh_key", true}},
                {answer({{"uid", "1002"}, {"gid", "1002"}, {"comment", ""}, {"home", "/home/bob"}, {"shell", "/bin/sh"},
                         {"ssh_key_file", "/home/bob/.ssh/id_rsa"},
                         {"warn_key", "Found existing ssh key private file \"/home/bob/.ssh/id_rsa\", no force, so "
                                      "skipping ssh-keygen generation"},
                         {"ssh_fingerprint", "3072 SHA256:abc x (RSA)\n"}, {"ssh_public_key", "ssh-rsa AAA x\n"}})});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(r["ssh_fingerprint"], "3072 SHA256:abc x (RSA)");
  EXPECT_EQ(r["ssh_public_key"], "ssh-rsa AAA x");
  EXPECT_EQ(r["warnings"].size(), 1u);
  EXPECT_EQ(r["append"], false);
}

TEST_F(SystemModule, GroupCreatedAndInspected) {
  Value r = run("group", Value{{"name", "ops"}, {"gid", 2000}},
                {answer({{"created", ""}, {"changed", "1"}, {"rc", "0"}, {"gid", "2000"}})});
  EXPECT_EQ(r, (Value{{"name", "ops"}, {"state", "present"}, {"changed", true}, {"system", false}, {"gid", 2000}}));
  expect_valid_shell(conn.scripts[0]);
}

TEST_F(SystemModule, GroupNonUniqueNeedsAGid) {
  const ModuleEntry* m = find_module("group");
  EXPECT_THROW(validate_args("group", m->module->spec(), Value{{"name", "x"}, {"non_unique", true}}), Error);
}

TEST_F(SystemModule, CronAddsANamedJobWithOneReadAndOneWrite) {
  Value r = run("cron", Value{{"name", "backup"}, {"minute", "5"}, {"hour", "2"}, {"job", "/usr/bin/backup"}},
                {answer({{"whoami", "root"}, {"rc", "0"}, {"content", "MAILTO=x\nx"}}), ""}, false, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["jobs"], (Value{"backup"}));
  EXPECT_EQ(r["envs"], (Value{"MAILTO"}));
  EXPECT_EQ(r["diff"]["before"], "MAILTO=x\n");
  EXPECT_EQ(r["diff"]["after"], "MAILTO=x\n#Ansible: backup\n5 2 * * * /usr/bin/backup\n");
  EXPECT_EQ(r["diff"]["after_header"], "crontab");
  ASSERT_EQ(conn.scripts.size(), 2u);
  EXPECT_NE(conn.scripts[1].find("#Ansible: backup\n5 2 * * * /usr/bin/backup\n"), std::string::npos);
  expect_valid_shell(conn.scripts[0]);
  expect_valid_shell(conn.scripts[1]);
}

TEST_F(SystemModule, CronUnchangedJobNeedsNoWrite) {
  Value r = run("cron", Value{{"name", "b"}, {"job", "true"}},
                {answer({{"rc", "0"}, {"content", "#Ansible: b\n* * * * * true\nx"}})});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(conn.scripts.size(), 1u);
}

TEST_F(SystemModule, CronRejectsSpecialTimeWithTimeFields) {
  Value r = run("cron", Value{{"name", "b"}, {"job", "true"}, {"special_time", "daily"}, {"hour", "3"}}, {});
  EXPECT_EQ(r["msg"], "You must specify time and date fields or special time.");
}

TEST(CronTabText, DropsHeaderLinesThatCrontabListPrints) {
  CronTab t("# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# (/tmp/crontab.x installed on now)\n"
            "# (Cron version -- $Id$)\n* * * * * a\n",
            false);
  EXPECT_EQ(t.existing(), "* * * * * a\n");
  EXPECT_EQ(t.render(), "* * * * * a\n");
}

TEST(CronTabText, AdoptsAnUnnamedIdenticalJobByAddingItsMarker) {
  CronTab t("0 1 * * * x\n", false);
  auto f = t.find_job("n", "0 1 * * * x");
  EXPECT_TRUE(f.found);
  EXPECT_TRUE(f.inserted_header);
  EXPECT_EQ(t.render(), "#Ansible: n\n0 1 * * * x\n");
}

TEST(CronTabText, UpdateReplacesTheLineUnderTheMarkerAndRemoveDropsBoth) {
  CronTab t("#Ansible: a\n* * * * * old\n#Ansible: b\n@daily b\n", false);
  t.update_job("a", "1 * * * * new");
  EXPECT_EQ(t.render(), "#Ansible: a\n1 * * * * new\n#Ansible: b\n@daily b\n");
  t.remove_job("b");
  EXPECT_EQ(t.render(), "#Ansible: a\n1 * * * * new\n");
}

TEST(CronTabText, JobLinesInCronFilesCarryTheUser) {
  CronTab t("", true);
  EXPECT_EQ(t.job_line("*", "*", "*", "*", "*", "x\n", "", true, "root"), "#* * * * * root x");
  EXPECT_EQ(t.job_line("*", "*", "*", "*", "*", "x", "reboot", false, "root"), "@reboot root x");
}

TEST(CronTabText, EnvironmentLinesGoFirstOrBesideAnother) {
  CronTab t("A=1\n* * * * * x\n", false);
  EXPECT_EQ(t.add_env("B=\"2\"", "A", ""), "");
  EXPECT_EQ(t.add_env("C=\"3\"", "", ""), "");
  EXPECT_EQ(t.add_env("D=\"4\"", "", "Z"), "Variable named 'Z' not found.");
  EXPECT_EQ(t.render(), "C=\"3\"\nA=1\nB=\"2\"\n* * * * * x\n");
  EXPECT_EQ(t.env_names(), (Value{"C", "A", "B"}));
  t.remove_env("A");
  EXPECT_EQ(t.render(), "C=\"3\"\nB=\"2\"\n* * * * * x\n");
}

TEST_F(SystemModule, KnownHostsAppendsANewKeyAndShowsTheDiff) {
  Value r = run("known_hosts", Value{{"name", "web"}, {"key", "web ssh-ed25519 AAAA"}},
                {answer({{"path", "/root/.ssh/known_hosts"}, {"content", "other ssh-rsa BBBB\nx"}, {"frc", "1"},
                         {"fout", ""}, {"ferr", ""}}),
                 ""},
                false, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["diff"]["before"], "other ssh-rsa BBBB\n");
  EXPECT_EQ(r["diff"]["after"], "other ssh-rsa BBBB\nweb ssh-ed25519 AAAA\n");
  EXPECT_EQ(r["path"], "/root/.ssh/known_hosts");
  ASSERT_EQ(conn.scripts.size(), 2u);
  EXPECT_NE(conn.scripts[1].find("new='other ssh-rsa BBBB\nweb ssh-ed25519 AAAA\n'"), std::string::npos);
  expect_valid_shell(conn.scripts[0]);
  expect_valid_shell(conn.scripts[1]);
}

TEST_F(SystemModule, KnownHostsReplacesTheKeyOfTheSameTypeOnItsLine) {
  Value r = run("known_hosts", Value{{"name", "web"}, {"key", "web ssh-ed25519 NEW"}},
                {answer({{"path", "/k"}, {"content", "a ssh-rsa X\nweb ssh-ed25519 OLD\nx"}, {"frc", "0"},
                         {"fout", "# Host web found: line 2\nweb ssh-ed25519 OLD\n"}, {"ferr", ""}}),
                 ""},
                false, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["diff"]["after"], "a ssh-rsa X\nweb ssh-ed25519 NEW\n");
}

TEST_F(SystemModule, KnownHostsSameKeyIsUnchangedWithoutAWrite) {
  Value r = run("known_hosts", Value{{"name", "web"}, {"key", "web ssh-ed25519 K"}},
                {answer({{"path", "/k"}, {"content", "web ssh-ed25519 K\nx"}, {"frc", "0"},
                         {"fout", "# Host web found: line 1\nweb ssh-ed25519 K\n"}, {"ferr", ""}})});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(conn.scripts.size(), 1u);
}

// Ansible reports the file's attributes after `ssh-keygen -R`, not before.
TEST_F(SystemModule, KnownHostsRemovingEveryKeyOfAHostReportsTheFileAfterwards) {
  Value r = run("known_hosts", Value{{"name", "web"}, {"state", "absent"}},
                {answer({{"path", "/k"}, {"content", "web ssh-ed25519 K\nx"}, {"frc", "0"},
                         {"fout", "# Host web found: line 1\nweb ssh-ed25519 K\n"}, {"ferr", ""},
                         {"st", "81a4 0 0 18 1 root root"}}),
                 answer({{"st", "81a4 0 0 0 1 root root"}})});
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["size"], 0);
  ASSERT_EQ(conn.scripts.size(), 2u);
  EXPECT_NE(conn.scripts[1].find("ssh-keygen -R"), std::string::npos);
  expect_valid_shell(conn.scripts[1]);
}

TEST_F(SystemModule, AuthorizedKeyAddsAfterExistingKeysWithOptionsAndComment) {
  Value r = run("authorized_key", Value{{"user", "alice"}, {"key", "ssh-ed25519 NEW"}, {"key_options", "no-pty"},
                                        {"comment", "c"}},
                {answer({{"uid", "1001"}, {"gid", "1001"}, {"home", "/home/alice"},
                         {"keyfile", "/home/alice/.ssh/authorized_keys"}, {"content", "# mine\nssh-rsa OLD me\nx"}}),
                 ""},
                false, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["keyfile"], "/home/alice/.ssh/authorized_keys");
  EXPECT_EQ(r["diff"]["after"], "# mine\nssh-rsa OLD me\nno-pty ssh-ed25519 NEW c\n");
  expect_valid_shell(conn.scripts[1]);
}

TEST_F(SystemModule, AuthorizedKeyExclusiveDropsOtherKeys) {
  Value r = run("authorized_key", Value{{"user", "alice"}, {"key", "ssh-rsa OLD me"}, {"exclusive", true}},
                {answer({{"uid", "1"}, {"gid", "1"}, {"home", "/h"}, {"keyfile", "/h/.ssh/authorized_keys"},
                         {"content", "ssh-ed25519 A a\nssh-rsa OLD me\nx"}}),
                 ""},
                false, true);
  EXPECT_EQ(r["diff"]["after"], "ssh-rsa OLD me\n");
}

TEST_F(SystemModule, AuthorizedKeyUnknownUserFailsLikeAnsible) {
  Value r = run("authorized_key", Value{{"user", "bob"}, {"key", "ssh-rsa K"}}, {answer({{"nouser", ""}})});
  EXPECT_EQ(r["msg"], "Failed to lookup user bob: \"getpwnam(): name not found: 'bob'\"");
}

TEST_F(SystemModule, SysctlRewritesTheFileAndSetsTheKernel) {
  Value r = run("sysctl", Value{{"name", "kernel.msgmax"}, {"value", "16384"}, {"sysctl_set", true}},
                {answer({{"proc", "8192"}, {"content", "# c\nkernel.msgmax = 1\nkernel.msgmax=2\nx"}}), ""});
  EXPECT_EQ(r, (Value{{"changed", true}}));
  ASSERT_EQ(conn.scripts.size(), 2u);
  EXPECT_NE(conn.scripts[1].find("new='# c\nkernel.msgmax=16384\n'"), std::string::npos);
  EXPECT_NE(conn.scripts[1].find("set_proc=1"), std::string::npos);
  expect_valid_shell(conn.scripts[1]);
}

TEST_F(SystemModule, SysctlValueAlreadyEverywhereIsUnchanged) {
  Value r = run("sysctl", Value{{"name", "kernel.msgmax"}, {"value", "yes"}},
                {answer({{"proc", "1"}, {"content", "kernel.msgmax=1\nx"}})});
  EXPECT_EQ(r, (Value{{"changed", false}}));
  EXPECT_EQ(conn.scripts.size(), 1u);
}

TEST_F(SystemModule, WaitForTimeoutMessagesAndMatchGroups) {
  Value r = run("wait_for", Value{{"path", "/x"}, {"timeout", 1}}, {answer({{"elapsed", "1"}})});
  EXPECT_EQ(r["msg"], "Timeout when waiting for file /x");
  EXPECT_EQ(r["elapsed"], 1);
  Value m = run("wait_for", Value{{"path", "/x"}, {"search_regex", "port=(?P<port>[0-9]+)"}},
                {answer({{"elapsed", "0"}, {"ok", ""}, {"matched", "ready port=8080"}})});
  EXPECT_EQ(m["match_groups"], (Value{"8080"}));
  EXPECT_EQ(m["match_groupdict"], (Value{{"port", "8080"}}));
  EXPECT_EQ(m["changed"], false);
}

// The target's grep gets Python's pattern for -P and a POSIX extended
// translation for a grep without it; match groups count like Python's.
TEST_F(SystemModule, WaitForSendsPythonsRegexAndItsExtendedTranslation) {
  Value m = run("wait_for", Value{{"path", "/x"}, {"search_regex", R"((?:v|w)\d+ (?P<n>\w[\s\d]*)\S$)"}},
                {answer({{"elapsed", "0"}, {"ok", ""}, {"matched", "at v12 a1 2x"}})});
  ASSERT_EQ(conn.scripts.size(), 1u);
  const std::string& s = conn.scripts[0];
  EXPECT_NE(s.find(R"(re_py='(?:v|w)\d+ (?P<n>\w[\s\d]*)\S$')"), std::string::npos) << s;
  EXPECT_NE(s.find("re='(v|w)[0-9]+ ([[:alnum:]_][[:space:]0-9]*)[^[:space:]]$'"), std::string::npos) << s;
  EXPECT_EQ(m["match_groups"], (Value{"a1 2"}));
  EXPECT_EQ(m["match_groupdict"], (Value{{"n", "a1 2"}}));
  expect_valid_shell(s);
}

// Ansible's uri keeps an error response's body as `body` only when it does
// not read the content itself (JSON, return_content, an unexpected status).
TEST_F(SystemModule, UriErrorBodyIsBodyOrContentAsInAnsible) {
  const std::string headers = "HTTP/1.0 404 File not found\r\nContent-Type: text/html\r\nContent-Length: 4\r\n\r\n";
  auto reply = [&] {
    return answer({{"rc", "0"}, {"w", "404 http://x/m"}, {"err", ""}, {"headers", headers}, {"body", "gone" "x"}});
  };
  Value listed = run("uri", Value{{"url", "http://x/m"}, {"status_code", Value{404}}}, {reply()});
  EXPECT_EQ(listed["body"], "gone");
  EXPECT_FALSE(listed.contains("failed"));
  EXPECT_EQ(listed["msg"], "HTTP Error 404: File not found");
  Value unexpected = run("uri", Value{{"url", "http://x/m"}}, {reply()});
  EXPECT_FALSE(unexpected.contains("body"));
  EXPECT_EQ(unexpected["failed"], true);
  EXPECT_EQ(unexpected["msg"], "Status code was 404 and not [200]: HTTP Error 404: File not found");
  Value content = run("uri", Value{{"url", "http://x/m"}, {"return_content", true}}, {reply()});
  EXPECT_FALSE(content.contains("body"));
  EXPECT_EQ(content["content"], "gone");
}

TEST_F(SystemModule, UriDestReportsTheFileAndCreatesSkipsWithStdoutLines) {
  Value r = run("uri", Value{{"url", "http://x/f"}, {"dest", "/root/f"}},
                {answer({{"rc", "0"}, {"w", "200 http://x/f"}, {"err", ""},
                         {"headers", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n"}, {"body", "hix"},
                         {"dest", "/root/f"}, {"written", ""}, {"st", "81a4 0 0 2 1 root root"}})});
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["path"], "/root/f");
  EXPECT_EQ(r["mode"], "0644");
  EXPECT_EQ(r["size"], 2);
  EXPECT_EQ(r["state"], "file");
  Value s = run("uri", Value{{"url", "http://x/f"}, {"creates", "/etc"}}, {answer({{"skip_creates", "1"}})});
  EXPECT_EQ(s["stdout_lines"], (Value{"skipped, since '/etc' exists"}));
}

// urls.py get_response_filename(): Content-Disposition's filename (its last
// part) when it has one, else the final URL's unquoted basename.
TEST(UriResponse, FilenameFromContentDispositionElseTheUrlsBasename) {
  auto name = [](const std::string& disposition, const std::string& url) {
    std::vector<std::string> headers{"Content-Type: text/plain"};
    if (!disposition.empty()) headers.push_back("Content-Disposition: " + disposition);
    return response_filename(headers, url);
  };
  EXPECT_EQ(name("attachment; filename=\"a b.txt\"", "http://h/x"), "a b.txt");
  EXPECT_EQ(name("attachment; FILENAME=plain.txt; size=3", "http://h/x"), "plain.txt");
  EXPECT_EQ(name("attachment; filename=\"q\\\"x;y.txt\"", "http://h/x"), "q\"x;y.txt");
  EXPECT_EQ(name("attachment; filename*=UTF-8''na%20me.txt", "http://h/x"), "na me.txt");
  EXPECT_EQ(name("attachment; filename=\"\"", "http://h/dir/f%20g.tgz?x=1#y"), "f g.tgz");
  EXPECT_EQ(name("inline", "http://h/dir/sub/"), "sub");
  EXPECT_EQ(name("", "http://h/a;type=x"), "a");
  EXPECT_EQ(name("", "http://h"), "");
  EXPECT_EQ(name("", "http://h/"), "");
  // The server names the file, never the directory it lands in.
  EXPECT_EQ(name("attachment; filename=\"/etc/cron.d/evil\"", "http://h/x"), "evil");
  EXPECT_EQ(name("attachment; filename=\"../../x.sh\"", "http://h/y"), "x.sh");
  EXPECT_EQ(name("attachment; filename=\"sub/..\"", "http://h/z"), "z");
  EXPECT_EQ(join_path("/root/d", "f"), "/root/d/f");
  EXPECT_EQ(join_path("/root/d/", "f"), "/root/d/f");
  EXPECT_EQ(join_path("/root/d", "/etc/f"), "/etc/f");  // os.path.join, as Ansible
}

TEST(UriResponse, LastHeaderBlockIsTheFinalResponses) {
  std::string status;
  auto block = last_header_block("HTTP/1.1 302 Found\r\nLocation: /b\r\n\r\nHTTP/1.0 200 OK\r\nA: 1\r\n\r\n", &status);
  EXPECT_EQ(block, (std::vector<std::string>{"A: 1"}));
  EXPECT_EQ(status, "HTTP/1.0 200 OK");
}

// A directory dest: the first trip keeps the body on the target, the second
// writes it under the name the response gives.
TEST_F(SystemModule, UriDestDirectoryWritesTheFileTheResponseNames) {
  const std::string headers = "HTTP/1.0 200 OK\r\nContent-Disposition: attachment; filename=\"r.csv\"\r\n\r\n";
  Value r = run("uri", Value{{"url", "http://x/get?id=1"}, {"dest", "/root/dl"}},
                {answer({{"rc", "0"}, {"w", "200 http://x/get?id=1"}, {"err", ""}, {"headers", headers}, {"body", "a,bx"},
                         {"dest_dir", "1"}, {"body_file", "/tmp/tmp.X1"}}),
                 answer({{"written", ""}, {"dest", "/root/dl/r.csv"}, {"st", "81a4 0 0 3 1 root root"}})});
  ASSERT_EQ(conn.scripts.size(), 2u);
  EXPECT_NE(conn.scripts[1].find("_d=/root/dl/r.csv\n"), std::string::npos);
  EXPECT_NE(conn.scripts[1].find("_b=/tmp/tmp.X1\n"), std::string::npos);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["path"], "/root/dl/r.csv");
  EXPECT_EQ(r["size"], 3);
  expect_valid_shell(conn.scripts[1]);
  Value plain = run("uri", Value{{"url", "http://x/"}, {"dest", "/root/dl/"}},
                    {answer({{"rc", "0"}, {"w", "200 http://x/"}, {"err", ""}, {"headers", "HTTP/1.0 200 OK\r\n\r\n"},
                             {"body", "x"}, {"dest_dir", "1"}, {"body_file", "/tmp/tmp.X2"}}),
                     answer({{"dest", "/root/dl/index.html"}, {"st", ""}})});
  EXPECT_NE(conn.scripts[3].find("_d=/root/dl/index.html\n"), std::string::npos);
  EXPECT_EQ(plain["changed"], false);
  // An accepted error status: the file gets the empty, already read body.
  run("uri", Value{{"url", "http://x/m"}, {"dest", "/root/m"}, {"status_code", Value{404}}},
      {answer({{"rc", "0"}, {"w", "404 http://x/m"}, {"err", ""}, {"headers", "HTTP/1.0 404 Not Found\r\n\r\n"},
               {"body", "gonex"}, {"body_file", "/tmp/tmp.X3"}}),
       answer({{"dest", "/root/m"}, {"written", ""}, {"st", ""}})});
  EXPECT_NE(conn.scripts[5].find("_d=/root/m\n"), std::string::npos);
  EXPECT_NE(conn.scripts[5].find("_empty=1\n"), std::string::npos);
}

TEST_F(SystemModule, UriSrcIsTheBodyFromTheControllerOrTheTarget) {
  test::TempDir d;
  const std::string local = d.write("payload.txt", "controller bytes");
  run("uri", Value{{"url", "http://x/"}, {"method", "POST"}, {"src", local}}, {""});
  EXPECT_NE(conn.scripts[0].find("has_body=1\n"), std::string::npos);
  run("uri", Value{{"url", "http://x/"}, {"src", "/srv/p"}, {"remote_src", true}}, {""});
  EXPECT_NE(conn.scripts[1].find("src_file=/srv/p\n"), std::string::npos);
  expect_valid_shell(conn.scripts[1]);
  Value missing = run("uri", Value{{"url", "http://x/"}, {"src", "nowhere.bin"}}, {});
  EXPECT_EQ(missing["failed"], true);
  EXPECT_EQ(missing["msg"].get<std::string>().rfind("Could not find or access 'nowhere.bin'", 0), 0u);
  EXPECT_EQ(conn.scripts.size(), 2u);
  Value gone = run("uri", Value{{"url", "http://x/"}, {"src", "/nowhere"}, {"remote_src", true}},
                   {answer({{"src_missing", "1"}, {"failed", "Unable to open source file /nowhere"}})});
  EXPECT_EQ(gone, (Value{{"failed", true}, {"msg", "Unable to open source file /nowhere"}, {"elapsed", 0}}));
}

TEST_F(SystemModule, UriPassesAuthProxyTlsAndEncodingOptionsToCurl) {
  run("uri", Value{{"url", "http://x/"}, {"url_username", "u"}, {"url_password", "p"}, {"use_proxy", false},
                   {"ca_path", "/etc/ca.pem"}, {"ciphers", Value{"A", "B"}}},
      {""});
  run("uri", Value{{"url", "http://x/"}, {"url_username", "u"}, {"force_basic_auth", true}, {"decompress", false}}, {""});
  const std::string& first = conn.scripts[0];
  EXPECT_NE(first.find("--anyauth -u u:p"), std::string::npos);
  EXPECT_NE(first.find("--noproxy"), std::string::npos);
  EXPECT_NE(first.find("--cacert /etc/ca.pem"), std::string::npos);
  EXPECT_NE(first.find("--ciphers A:B"), std::string::npos);
  EXPECT_NE(first.find("--compressed -H"), std::string::npos);
  EXPECT_NE(conn.scripts[1].find("--basic -u u:"), std::string::npos);
  EXPECT_EQ(conn.scripts[1].find("--compressed"), std::string::npos);
  for (const auto& s : conn.scripts) expect_valid_shell(s);
}

TEST_F(SystemModule, EveryScriptIsValidShell) {
  run("hostname", Value{{"name", "web"}}, {""});
  run("service", Value{{"name", "x"}, {"state", "started"}}, {""});
  run("systemd", Value{{"name", "x"}, {"state", "started"}}, {""});
  run("uri", Value{{"url", "http://x/"}}, {""});
  run("wait_for", Value{{"port", 1}}, {""});
  run("group", Value{{"name", "g"}}, {""});
  for (const auto& s : conn.scripts) expect_valid_shell(s);
}

TEST_F(SystemModule, SystemdParsesShowOutputIntoStatus) {
  Value r = run("systemd", Value{{"name", "web"}, {"state", "started"}},
                {answer({{"show", "Id=web.service\nActiveState=active\nExecStart={ path=/bin/true ;\n x }\nA=b"}})});
  EXPECT_EQ(r["status"]["ActiveState"], "active");
  EXPECT_EQ(r["status"]["ExecStart"], "{ path=/bin/true ;\n x }");
  EXPECT_EQ(r["state"], "started");
  EXPECT_EQ(r["changed"], false);
}

}  // namespace
}  // namespace drover
