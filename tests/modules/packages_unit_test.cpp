// The package modules (apt, dnf/yum, package) and git without a target: the
// scripts they build (valid shell, the options they pass) and the results
// they shape from a script's answer, through a connection that records
// scripts and replies with canned answers. Their effects on real systems
// are tested in apt_compat_test.cpp, dnf_test.cpp and git_test.cpp.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "modules/packages.hpp"
#include "modules/registry.hpp"
#include "recording_connection.hpp"
#include "template/engine.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

using test::answer;
using test::RecordingConnection;

ScriptAnswer answered(const std::vector<std::pair<std::string, std::string>>& fields) {
  ScriptAnswer a;
  a.exec.exit_status = 0;
  a.fields = parse_answer(answer(fields));
  return a;
}

Value validated(const std::string& module, const Value& args) {
  const ModuleEntry* m = find_module(module);
  EXPECT_NE(m, nullptr) << module;
  return validate_args(module, m->module->spec(), args);
}

void expect_valid_shell(const std::string& script) {
  test::TempDir d;
  std::string path = d.write("s.sh", answer_prelude() + script);
  auto r = test::run_process({"/bin/sh", "-n", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

class PackageModule : public ::testing::Test {
 protected:
  Value run(const std::string& module, const Value& args, std::vector<std::string> answers,
            bool check = false, bool diff = false) {
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
  RecordingConnection conn;
};

// ---- apt ----------------------------------------------------------------

TEST(AptScript, IsValidShellAndCarriesAnsiblesAptGetOptions) {
  Value args = validated("apt", Value{{"name", Value::array({"nginx", "curl=7.*"})},
                                      {"install_recommends", false},
                                      {"autoremove", true}});
  std::string s = build_apt_script(args, false);
  expect_valid_shell(s);
  EXPECT_NE(s.find("names='nginx\ncurl=7.*\n'"), std::string::npos) << s;
  EXPECT_NE(s.find("dpkg_options='-o \"Dpkg::Options::=--force-confdef\" -o "
                   "\"Dpkg::Options::=--force-confold\"'"),
            std::string::npos);
  EXPECT_NE(s.find("recommends=no"), std::string::npos);
  EXPECT_NE(s.find("autoremove_opt=--auto-remove"), std::string::npos);
  EXPECT_NE(s.find("check=''"), std::string::npos);
  EXPECT_NE(build_apt_script(args, true).find("check=1"), std::string::npos);
}

TEST(AptScript, OptionsAreCheckedAtLoadTime) {
  const ModuleEntry* m = find_module("apt");
  EXPECT_THROW(check_args("apt", m->module->spec(), Value{{"name", "x"}, {"deb", "/tmp/x.deb"}}),
               Error);
  // Ansible's required_one_of is always met by the default autoremove=no.
  EXPECT_NO_THROW(validate_args("apt", m->module->spec(), Value{{"clean", true}}));
  EXPECT_THROW(check_args("apt", m->module->spec(), Value{{"name", "x"}, {"state", "installed"}}),
               Error);
  EXPECT_THROW(check_args("apt", m->module->spec(), Value{{"name", "x"}, {"update_cach", true}}),
               Error);
  EXPECT_NO_THROW(
      check_args("apt", m->module->spec(), Value{{"pkg", "x"}, {"update-cache", true}}));
}

TEST(AptScript, RefusesQuotesInSpecsBeforeAnyCommand) {
  Value args = validated("apt", Value{{"name", "x'; touch /tmp/pwned; '"}});
  test::TempDir d;
  std::string path =
      d.write("s.sh", answer_prelude() + build_apt_script(args, true) + "\nexit 0\n");
  auto r = test::run_process({"/bin/sh", path});
  EXPECT_NE(r.out.find("\x1e"
                       "failed\ninvalid package spec: x'; touch"),
            std::string::npos)
      << r.out << r.err;
}

TEST(AptDiff, KeepsTheLinesBetweenStateInformationAndTheSummary) {
  std::string out =
      "Reading package lists...\nBuilding dependency tree...\nReading state information...\n"
      "The following NEW packages will be installed:\n  hello\n0 upgraded, 1 newly installed, 0 to "
      "remove\n"
      "Setting up hello (1.0) ...\n";
  EXPECT_EQ(parse_apt_diff(out)["prepared"],
            "The following NEW packages will be installed:\n  hello\n0 upgraded, 1 newly "
            "installed, 0 to remove");
  EXPECT_EQ(parse_apt_diff("a\nb")["prepared"], "a\nb");
}

TEST(AptResult, InstallReportsOutputAndCacheFields) {
  Value r = apt_result(
      answered({{"cache_update_time", "1700000000"},
                {"exit", "install"},
                {"changed", "1"},
                {"rc", "0"},
                {"stdout", "Reading state information...\nx\n0 upgraded, 1 newly installed\n"},
                {"stderr", ""}}),
      false);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(r["cache_updated"], false);
  EXPECT_EQ(r["cache_update_time"], 1700000000);
  EXPECT_EQ(r["diff"], Value::object());
  EXPECT_EQ(r["stdout_lines"].size(), 3u);
}

TEST(AptResult, NothingToDoHasOnlyChangedAndCacheFields) {
  Value r = apt_result(answered({{"cache_update_time", "5"}, {"exit", "install"}}), false);
  EXPECT_EQ(r, (Value{{"changed", false}, {"cache_updated", false}, {"cache_update_time", 5}}));
  Value rm = apt_result(answered({{"cache_update_time", "5"}, {"exit", "remove"}}), false);
  EXPECT_EQ(rm, (Value{{"changed", false}}));
}

TEST(AptResult, CacheOnlyRunReportsTheUpdate) {
  Value r = apt_result(
      answered({{"cache_updated", "1"}, {"cache_update_time", "7"}, {"exit", "cache"}}), false);
  EXPECT_EQ(r, (Value{{"changed", true}, {"cache_updated", true}, {"cache_update_time", 7}}));
}

TEST(AptResult, FailureCarriesTheCommandsOutput) {
  Value r =
      apt_result(answered({{"cache_update_time", "7"},
                           {"with_cache", "1"},
                           {"f_stdout", "out"},
                           {"f_stderr", "E: broken"},
                           {"f_rc", "100"},
                           {"failed", "'/usr/bin/apt-get -y install 'x'' failed: E: broken"}}),
                 false);
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["rc"], 100);
  EXPECT_EQ(r["stderr"], "E: broken");
  EXPECT_EQ(r["cache_update_time"], 7);
  EXPECT_EQ(r["msg"], "'/usr/bin/apt-get -y install 'x'' failed: E: broken");
}

TEST(AptResult, DebAlreadyInstalledIsUnchangedWithEmptyOutput) {
  Value r = apt_result(answered({{"cache_update_time", "7"}, {"exit", "deb"}}), false);
  EXPECT_EQ(r, (Value{{"changed", false},
                      {"stdout", ""},
                      {"stderr", ""},
                      {"diff", ""},
                      {"stdout_lines", Value::array()},
                      {"stderr_lines", Value::array()}}));
}

TEST(AptScript, BuildDepDebUrlAndPolicyRcDReachTheScript) {
  std::string b = build_apt_script(
      validated("apt", Value{{"name", "nginx"}, {"state", "build-dep"}, {"policy_rc_d", 101}}),
      false);
  expect_valid_shell(b);
  EXPECT_NE(b.find("builddep=1\n"), std::string::npos);
  EXPECT_NE(b.find("policy_rc_d=101\n"), std::string::npos);
  EXPECT_NE(b.find("build-dep${_list}"), std::string::npos);
  // urls.py fetch_file() names the download after the URL's basename
  // (_split_multiext: two extensions at most, each rstripped as characters).
  auto parts = [](const std::string& url) {
    std::string s = build_apt_script(validated("apt", Value{{"deb", url}}), false);
    auto field = [&](const std::string& name) {
      size_t p = s.find(name + "=");
      return s.substr(p + name.size() + 1, s.find('\n', p) - p - name.size() - 1);
    };
    return field("deb_prefix") + "|" + field("deb_ext");
  };
  EXPECT_EQ(parts("http://h/p/drover-local_1.0_all.deb?x=1"), "drover-local_1.0_all|.deb");
  EXPECT_EQ(parts("http://h/foo-bed.deb"), "foo-|.deb");
  EXPECT_EQ(parts("https://h/pkg.tar.gz"), "pkg|.tar.gz");
  EXPECT_EQ(parts("http://h/"), "''|''");
  EXPECT_EQ(parts("http://h/d/p.deb;type=a"), "p|.deb");  // urlparse drops ;params
}

TEST(AptResult, BuildDepReportsAptGetsOutputEvenWhenUnchanged) {
  Value r = apt_result(answered({{"cache_update_time", "7"},
                                 {"exit", "install"},
                                 {"ran", "1"},
                                 {"rc", "0"},
                                 {"stdout", "0 upgraded, 0 newly installed\n"},
                                 {"stderr", ""}}),
                       false);
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(r["stdout"], "0 upgraded, 0 newly installed\n");
  EXPECT_EQ(r["diff"], Value::object());
  EXPECT_EQ(r["cache_update_time"], 7);
}

// A deb URL fetched on the target: curl's failure reads as urls.py's.
TEST(AptScript, DebUrlDownloadFailureIsAnsiblesMessage) {
  test::TempDir d;
  d.write("bin/apt-get", "#!/bin/sh\nexit 0\n");
  d.write("bin/curl", "#!/bin/sh\necho 'curl: (7) Failed to connect' >&2\nexit 7\n");
  test::run_process({"chmod", "+x", d.path() + "/bin/apt-get", d.path() + "/bin/curl"});
  std::string script =
      answer_prelude() + "PATH=" + d.path() + "/bin:$PATH\n" +
      build_apt_script(validated("apt", Value{{"deb", "http://127.0.0.1:1/x_1_all.deb"}}), true) +
      "\nexit 0\n";
  auto r = test::run_process({"/bin/sh", d.write("s.sh", script)});
  EXPECT_NE(
      r.out.find(
          "\x1e"
          "failed\nFailure downloading http://127.0.0.1:1/x_1_all.deb, Request failed: curl: (7) "
          "Failed to connect"),
      std::string::npos)
      << r.out << r.err;
}

// Without curl, wget fetches: its failure (exit 4, a network error) is
// the download's, not an empty file's.
TEST(AptScript, DebUrlWgetFailureIsAnsiblesMessage) {
  test::TempDir d;
  // PATH holds the system's programs except curl.
  test::run_shell("mkdir -p '" + d.path() + "/bin' && for f in /usr/bin/*; do case ${f##*/} in " +
                  "curl|wget|apt-get) ;; *) ln -s \"$f\" '" + d.path() + "/bin/'; esac; done");
  d.write("bin/apt-get", "#!/bin/sh\nexit 0\n");
  d.write("bin/wget", "#!/bin/sh\necho 'failed: Connection refused.' >&2\nexit 4\n");
  test::run_process({"chmod", "+x", d.path() + "/bin/apt-get", d.path() + "/bin/wget"});
  std::string script =
      answer_prelude() + "PATH=" + d.path() + "/bin\n" +
      build_apt_script(validated("apt", Value{{"deb", "http://127.0.0.1:1/x_1_all.deb"}}), true) +
      "\nexit 0\n";
  auto r = test::run_process({"/bin/sh", d.write("s.sh", script)});
  EXPECT_NE(r.out.find("\x1e"
                       "failed\nFailure downloading http://127.0.0.1:1/x_1_all.deb, Request failed: "
                       "failed: Connection refused."),
            std::string::npos)
      << r.out << r.err;
}

// With neither curl nor wget on the target the download cannot happen
// (Ansible's urllib always can): the message says what is missing, and the
// temporary directory made for the download is removed.
TEST(AptScript, DebUrlWithoutCurlOrWgetSaysSoAndLeavesNoTemporaryDirectory) {
  test::TempDir d;
  test::run_shell("mkdir -p '" + d.path() + "/bin' '" + d.path() + "/tmp' && for f in /usr/bin/*; do " +
                  "case ${f##*/} in curl|wget|apt-get) ;; *) ln -s \"$f\" '" + d.path() + "/bin/'; esac; done");
  d.write("bin/apt-get", "#!/bin/sh\nexit 0\n");
  test::run_process({"chmod", "+x", d.path() + "/bin/apt-get"});
  std::string script =
      answer_prelude() + "PATH=" + d.path() + "/bin\nTMPDIR=" + d.path() + "/tmp\nexport TMPDIR\n" +
      build_apt_script(validated("apt", Value{{"deb", "http://127.0.0.1:1/x_1_all.deb"}}), false) +
      "\nexit 0\n";
  auto r = test::run_process({"/bin/sh", d.write("s.sh", script)});
  EXPECT_NE(r.out.find("\x1e"
                       "failed\nFailure downloading http://127.0.0.1:1/x_1_all.deb, Request failed: "
                       "neither curl nor wget is on the target (drover downloads a deb URL on the target "
                       "with one of them; give the .deb's path on the target instead)"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_EQ(test::run_shell("ls -A '" + d.path() + "/tmp'").out, "");
}

// ---- package ------------------------------------------------------------

TEST(PackageManager, ComesFromFacts) {
  EXPECT_EQ(package_manager_from_facts(Value{{"pkg_mgr", "dnf"}}), "dnf");
  EXPECT_EQ(package_manager_from_facts(Value{{"ansible_pkg_mgr", "apt"}}), "apt");
  EXPECT_EQ(package_manager_from_facts(Value()), "auto");
}

TEST_F(PackageModule, UseSelectsTheModuleAndDropsItsOwnOption) {
  Value r = run("package", Value{{"name", "x"}, {"use", "apt"}},
                {answer({{"cache_update_time", "3"}, {"exit", "install"}})});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(r["cache_update_time"], 3);
  ASSERT_EQ(conn.scripts.size(), 1u);
  EXPECT_NE(conn.scripts[0].find("names='x\n'"), std::string::npos);
}

TEST_F(PackageModule, GatheredFactsChooseTheModuleWithoutAnExtraRoundTrip) {
  Value vars{{"ansible_facts", Value{{"pkg_mgr", "dnf"}}}};
  tmpl::ValueVariables source(vars);
  conn.answers = {answer({{"exit", "ensure"}, {"installed", "x-1-1.noarch"}})};
  ModuleContext ctx;
  ctx.connection = &conn;
  ctx.vars = &source;
  const ModuleEntry* m = find_module("package");
  Value r = m->module->run(
      validate_args("package", m->module->spec(), Value{{"name", "x"}, {"state", "present"}}), ctx);
  EXPECT_EQ(r["results"], Value::array({"Installed: x-1-1.noarch"}));
  ASSERT_EQ(conn.scripts.size(), 1u);
  EXPECT_NE(conn.scripts[0].find("prefer=dnf"), std::string::npos);
}

TEST_F(PackageModule, UnknownManagerFailsAsAnsible) {
  Value r = run("package", Value{{"name", "x"}, {"use", "pacman"}}, {});
  EXPECT_EQ(r["msg"], "Could not find a module for pacman.");
}

// ---- dnf / yum ----------------------------------------------------------

TEST(DnfScript, IsValidShellAndPassesRepositoryOptions) {
  Value args = validated("dnf", Value{{"name", Value::array({"httpd", "vim-enhanced"})},
                                      {"disablerepo", Value::array({"*"})},
                                      {"enablerepo", "local"},
                                      {"disable_gpg_check", true},
                                      {"install_weak_deps", false}});
  std::string s = build_dnf_script(args, false, "dnf");
  expect_valid_shell(s);
  EXPECT_NE(s.find("--disablerepo='\"'\"'*'\"'\"'"), std::string::npos) << s.substr(0, 400);
  EXPECT_NE(s.find("--enablerepo=local"), std::string::npos);
  EXPECT_NE(s.find("--nogpgcheck"), std::string::npos);
  EXPECT_NE(s.find("--setopt=install_weak_deps=False"), std::string::npos);
  EXPECT_NE(s.find("prefer=dnf"), std::string::npos);
  EXPECT_NE(
      build_dnf_script(validated("yum", Value{{"name", "x"}}), true, "yum").find("prefer=yum"),
      std::string::npos);
}

TEST(DnfScript, OptionsAreCheckedAtLoadTime) {
  const ModuleEntry* m = find_module("dnf");
  EXPECT_THROW(validate_args("dnf", m->module->spec(), Value{{"state", "present"}}), Error);
  EXPECT_THROW(check_args("dnf", m->module->spec(), Value{{"name", "x"}, {"list", "installed"}}),
               Error);
  EXPECT_THROW(check_args("dnf", m->module->spec(), Value{{"name", "x"}, {"state", "gone"}}),
               Error);
  EXPECT_NO_THROW(check_args("dnf", m->module->spec(), Value{{"update_cache", true}}));
  EXPECT_NO_THROW(check_args("yum", find_module("yum")->module->spec(),
                             Value{{"pkg", "x"}, {"use_backend", "dnf"}}));
}

TEST(DnfResult, ListsWhatCameAndWent) {
  Value args = validated("dnf", Value{{"name", "x"}});
  Value r = dnf_result(
      answered(
          {{"exit", "ensure"}, {"installed", "x-2.0-1.noarch\n"}, {"removed", "x-1.0-1.noarch"}}),
      args, false);
  EXPECT_EQ(
      r, (Value{{"msg", ""},
                {"changed", true},
                {"results", Value::array({"Installed: x-2.0-1.noarch", "Removed: x-1.0-1.noarch"})},
                {"rc", 0}}));
  Value c = dnf_result(answered({{"exit", "ensure"}, {"installed", "x-2.0-1.noarch"}}), args, true);
  EXPECT_EQ(c["msg"], "Check mode: No changes made, but would have if not in check mode");
  Value none =
      dnf_result(answered({{"exit", "ensure"}, {"installed", ""}, {"removed", ""}}), args, false);
  EXPECT_EQ(
      none,
      (Value{
          {"msg", "Nothing to do"}, {"changed", false}, {"results", Value::array()}, {"rc", 0}}));
}

TEST(DnfResult, FailuresAreListed) {
  Value r = dnf_result(answered({{"failures", "No package nope available.\n"},
                                 {"failed", "Failed to install some of the specified packages"}}),
                       Value::object(), false);
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["failures"], Value::array({"No package nope available."}));
  EXPECT_EQ(r["rc"], 1);
  EXPECT_EQ(r["results"], Value::array());
}

// The dnf script run by /bin/sh against stand-ins for dnf and rpm
// (`dnf_script` and `rpm_script` are their bodies; each call of dnf is
// logged to $DIR/calls), shaped by dnf_result(). Nothing real is touched.
Value run_dnf_with_fakes(const Value& args, const std::string& dnf_script,
                         const std::string& rpm_script, std::string* calls = nullptr) {
  test::TempDir d;
  const std::string bin = d.path() + "/bin";
  test::run_shell("mkdir -p '" + bin + "'");
  d.write("bin/dnf", "#!/bin/sh\necho \"$*\" >> '" + d.path() + "/calls'\n" + dnf_script);
  d.write("bin/rpm", "#!/bin/sh\n" + rpm_script);
  test::run_shell("chmod +x '" + bin + "/dnf' '" + bin + "/rpm'");
  const std::string script = d.write("s.sh", answer_prelude() + build_dnf_script(args, false, "dnf"));
  auto r = test::run_shell("PATH='" + bin + "':$PATH /bin/sh '" + script + "'");
  if (calls) *calls = test::run_shell("cat '" + d.path() + "/calls' 2>/dev/null").out;
  ScriptAnswer a;
  a.exec.exit_status = r.exit_code;
  a.exec.err = r.err;
  a.fields = parse_answer(r.out);
  return dnf_result(a, args, false);
}

// rpm stand-in: `x` is installed, nothing else; no release package.
constexpr const char* kRpmWithX = R"SH(
case "$*" in
  "-q x") exit 0 ;;
  "-qa "*) echo "x-1.0-1.noarch" ;;
esac
exit 1
)SH";

// Ansible fails a package removal that fails; dnf's words (here a
// scriptlet's) do not make it "nothing to do".
TEST(DnfScript, FailedPackageRemovalFailsWhateverDnfPrinted) {
  Value r = run_dnf_with_fakes(validated("dnf", Value{{"name", "x"}, {"state", "absent"}}),
                               "case $1 in -y) echo 'x is not installed'; echo 'Error: "
                               "Transaction failed' >&2; exit 1 ;; esac\n",
                               kRpmWithX);
  EXPECT_EQ(r["failed"], true) << r.dump();
}

// A wildcard that matches nothing installed: Ansible's "SPEC is not
// installed" result, not a change.
TEST(DnfScript, UnmatchedWildcardIsReportedNotInstalled) {
  Value r = run_dnf_with_fakes(
      validated("dnf", Value{{"name", "zz*"}, {"state", "absent"}}),
      "case $1 in -y) echo 'No match for argument: zz*'; echo 'No packages marked for "
      "removal.'; echo 'Nothing to do.' ;; esac\n",
      kRpmWithX);
  EXPECT_EQ(r["changed"], false) << r.dump();
  EXPECT_EQ(r["results"], Value::array({"zz* is not installed"})) << r.dump();
  EXPECT_EQ(r["msg"], "Nothing to do");
}

// A path is the package that provides it in the repositories
// (repoquery --whatprovides); a path nothing provides is dropped.
TEST(DnfScript, PathsInstallThePackageThatProvidesThem) {
  std::string calls;
  Value r = run_dnf_with_fakes(
      validated("dnf", Value{{"name", Value::array({"/usr/bin/tool", "/nowhere"})}}),
      "case \"$*\" in *repoquery*/usr/bin/tool*) echo tool ;; esac\n", kRpmWithX, &calls);
  EXPECT_FALSE(r.contains("failed")) << r.dump();
  EXPECT_NE(calls.find("-y install tool\n"), std::string::npos) << calls;
  EXPECT_EQ(calls.find("install /nowhere"), std::string::npos) << calls;
}

TEST(DnfScript, DownloadOnlyAndGroupsReachTheScript) {
  std::string s = build_dnf_script(validated("dnf", Value{{"name", Value{"@Drover Group", "x"}},
                                                          {"download_only", true},
                                                          {"download_dir", "/root/dl"}}),
                                   false, "dnf");
  expect_valid_shell(s);
  EXPECT_NE(s.find("download_only=1\n"), std::string::npos);
  EXPECT_NE(s.find("downloaddir=--downloaddir=/root/dl\n"), std::string::npos);
  EXPECT_NE(s.find("names='@Drover Group\nx\n'"), std::string::npos);
}

TEST(DnfResult, GroupsComeFirstAndDownloadsAreDownloaded) {
  Value args = validated("dnf", Value{{"name", "@g"}, {"download_only", true}});
  Value r = dnf_result(answered({{"exit", "ensure"},
                                 {"groups", "Group g installed.\n"},
                                 {"installed", "drover-extra-1.0-1.noarch\n"},
                                 {"removed", ""}}),
                       args, false);
  EXPECT_EQ(r["results"],
            Value::array({"Group g installed.", "Downloaded: drover-extra-1.0-1.noarch"}));
  EXPECT_EQ(r["changed"], true);
  Value missing =
      dnf_result(answered({{"no_rc", "1"}, {"failed", "No group nope available."}}), args, false);
  EXPECT_EQ(
      missing,
      (Value{{"failed", true}, {"msg", "No group nope available."}, {"results", Value::array()}}));
}

TEST(DnfScript, UnimplementedListIsRejectedAtLoadTime) {
  const ModuleEntry* m = find_module("dnf");
  EXPECT_THROW(check_args("dnf", m->module->spec(), Value{{"list", "installed"}}), Error);
}

// ---- git ----------------------------------------------------------------

TEST(GitScript, IsValidShellAndBuildsGitSshCommand) {
  Value args = validated("git", Value{{"repo", "git@example.com:a/b.git"},
                                      {"dest", "/srv/b"},
                                      {"key_file", "/root/.ssh/deploy"},
                                      {"accept_hostkey", true},
                                      {"depth", 1}});
  std::string s = build_git_script(args, false, false);
  expect_valid_shell(s);
  EXPECT_NE(
      s.find(
          "ssh_cmd='ssh -i /root/.ssh/deploy -o IdentitiesOnly=yes -o StrictHostKeyChecking=no'"),
      std::string::npos);
  EXPECT_NE(s.find("depth=1"), std::string::npos);
  EXPECT_NE(s.find("version=HEAD"), std::string::npos);
}

TEST(GitScript, OptionsAreCheckedAtLoadTime) {
  const ModuleEntry* m = find_module("git");
  EXPECT_THROW(check_args("git", m->module->spec(), Value{{"dest", "/x"}}), Error);
  EXPECT_THROW(check_args("git", m->module->spec(),
                          Value{{"repo", "r"}, {"bare", true}, {"separate_git_dir", "/g"}}),
               Error);
  EXPECT_NO_THROW(check_args("git", m->module->spec(),
                             Value{{"name", "r"}, {"dest", "/x"}, {"version", "v1"}}));
}

TEST(GitResult, CloneHasNoBefore) {
  Value r = git_result(answered({{"after", "abc"}, {"changed", "1"}}), false);
  EXPECT_EQ(r, (Value{{"changed", true}, {"before", nullptr}, {"after", "abc"}}));
}

TEST(GitResult, UpdateReportsRemoteUrlAndDiff) {
  Value r = git_result(answered({{"before", "a"},
                                 {"remote_url_changed", ""},
                                 {"after", "b"},
                                 {"changed", "1"},
                                 {"diff", "diff --git ..."}}),
                       false);
  EXPECT_EQ(r["before"], "a");
  EXPECT_EQ(r["remote_url_changed"], false);
  EXPECT_EQ(r["diff"]["prepared"], "diff --git ...");
}

TEST(GitResult, LocalModificationsFailureKeepsBefore) {
  Value r = git_result(
      answered({{"before", "a"},
                {"failed", "Local modifications exist in the destination: /d (force=no)."}}),
      false);
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["before"], "a");
  EXPECT_EQ(r["changed"], false);
}

TEST(GitScript, CarriesArchiveAndVerifyOptions) {
  std::string s = build_git_script(validated("git", Value{{"repo", "r"},
                                                          {"dest", "/d"},
                                                          {"archive", "/a.zip"},
                                                          {"archive_prefix", ""},
                                                          {"verify_commit", true},
                                                          {"gpg_whitelist", Value{"F1", "F2"}}}),
                                   false, false);
  expect_valid_shell(s);
  EXPECT_NE(s.find("archive=/a.zip\n"), std::string::npos);
  EXPECT_NE(s.find("has_prefix=1\n"), std::string::npos);  // an empty prefix is still passed
  EXPECT_NE(s.find("verify_commit=1\n"), std::string::npos);
  EXPECT_NE(s.find("gpg_whitelist='F1 F2'\n"), std::string::npos);
}

TEST(GitResult, AnEqualArchiveMakesTheTaskUnchanged) {
  Value same = git_result(
      answered({{"before", "a"}, {"after", "b"}, {"changed", "1"}, {"archive_changed", ""}}),
      false);
  EXPECT_EQ(same["changed"], false);
  Value made =
      git_result(answered({{"before", "a"}, {"after", "a"}, {"archive_changed", "1"}}), false);
  EXPECT_EQ(made["changed"], true);
  Value bad = git_result(
      answered({{"before", "a"},
                {"f_plain", "1"},
                {"f_details", "Please specify ..."},
                {"failed", "Unable to get file extension from archive file name : /a.rar"}}),
      false);
  EXPECT_EQ(bad["details"], "Please specify ...");
  EXPECT_FALSE(bad.contains("before"));
}

TEST_F(PackageModule, GitArchivePrefixNeedsArchive) {
  Value r = run("git", Value{{"repo", "r"}, {"dest", "/d"}, {"archive_prefix", "p/"}}, {});
  EXPECT_EQ(r["msg"], "missing parameter(s) required by 'archive_prefix': archive");
  EXPECT_TRUE(conn.scripts.empty());
}

}  // namespace
}  // namespace drover
