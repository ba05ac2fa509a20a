// apt and package against Ansible's apt module (ansible-core 2.14, with
// python3-apt) on two identical throw-away Debian systems: each host is a
// sandboxed sshd (private /etc and /var with a copy of this machine's dpkg
// database; FleetOptions::sandbox_packages) whose apt sources are replaced
// by a local `file:` repository of tiny packages built here with dpkg-deb.
// The packages' files live only under /etc and /var, which the sandbox
// makes private, so nothing here changes this machine's own packages.
// apt's "auto installed" marks are cleared in the sandboxes so that an
// autoremove can only ever pick the test's own packages (a guard checks it
// before any real autoremove).
//
// Each test makes the same calls with drover on host001 and ansible on
// host002 and expects equal results (changed, stdout, stderr, diff, msg...)
// and equal dpkg states.
#include <gtest/gtest.h>
#include <glob.h>

#include <fstream>
#include <regex>

#include "core/strings.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "http_server.hpp"
#include "module_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

void spit_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// A .deb with a file under /var/lib/NAME and a conffile under /etc/NAME.
void build_deb(const std::string& work, const std::string& out_dir, const std::string& name,
               const std::string& version, const std::string& depends = "") {
  std::string d = work + "/build/" + name + "-" + version;
  std::string control = "Package: " + name + "\nVersion: " + version +
                        "\nArchitecture: all\nMaintainer: drover tests <tests@drover.invalid>\n" +
                        (depends.empty() ? "" : "Depends: " + depends + "\n") +
                        "Description: drover test package\n";
  test::run_shell("mkdir -p '" + d + "/DEBIAN' '" + d + "/var/lib/" + name + "' '" + d + "/etc/" +
                  name + "' '" + out_dir + "'");
  spit_file(d + "/DEBIAN/control", control);
  spit_file(d + "/DEBIAN/conffiles", "/etc/" + name + "/" + name + ".conf\n");
  spit_file(d + "/etc/" + name + "/" + name + ".conf", "conf=" + version + "\n");
  spit_file(d + "/var/lib/" + name + "/data", name + " " + version + "\n");
  auto r = test::run_process({"dpkg-deb", "--root-owner-group", "-b", d,
                              out_dir + "/" + name + "_" + version + "_all.deb"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

class AptCompat : public ::testing::Test {
 protected:
  static void spit(const std::string& path, const std::string& s) { spit_file(path, s); }

  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const std::string repo = dir_->path() + "/repo";
    build_deb(dir_->path(), repo, "drover-hello", "1.0");
    build_deb(dir_->path(), repo, "drover-hello", "2.0");
    build_deb(dir_->path(), repo, "drover-extra", "1.0");
    build_deb(dir_->path(), repo, "drover-top", "1.0", "drover-hello (>= 1.0)");
    // Outside the repository: for the deb option.
    build_deb(dir_->path(), dir_->path() + "/debs", "drover-local", "1.0");
    build_deb(dir_->path(), dir_->path() + "/debs", "drover-needs", "1.0", "drover-extra");
    // A source package for build-dep (apt reads Build-Depends from the
    // Sources index; nothing is downloaded).
    spit_file(repo + "/Sources",
              "Package: drover-src\nBinary: drover-src\nVersion: 1.0\n"
              "Maintainer: drover tests <tests@drover.invalid>\nBuild-Depends: drover-extra\n"
              "Architecture: all\nFormat: 1.0\nDirectory: .\nFiles:\n"
              " d41d8cd98f00b204e9800998ecf8427e 0 drover-src_1.0.dsc\n\n");
    auto r = test::run_shell(
        "cd '" + repo +
        "' && dpkg-scanpackages -m . /dev/null > Packages 2>/dev/null && gzip -kf Packages");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    test::run_shell("chmod -R a+rX '" + dir_->path() + "'");
    test::FleetOptions o;
    o.sandbox = true;
    o.sandbox_packages = true;
    o.hosts_per_sshd = 1;
    fleet_ = new test::SshdFleet(2, o);
    for (int i = 0; i < 2; ++i) {
      std::string s = fleet_->sandbox_root(i);
      test::run_shell("rm -f '" + s + "/etc/apt/sources.list' '" + s +
                      "/etc/apt/sources.list.d/'* '" + s + "/var/lib/apt/extended_states'");
      spit(s + "/etc/apt/sources.list", "deb [trusted=yes] file:" + repo + " ./\n" +
                                            "deb-src [trusted=yes] file:" + repo + " ./\n");
    }
    pair_ = new test::ModulePair(*fleet_, dir_->path());
  }
  static void TearDownTestSuite() {
    delete pair_;
    delete fleet_;
    delete dir_;
    pair_ = nullptr;
    fleet_ = nullptr;
    dir_ = nullptr;
  }

  // The cache time differs by the second the two updates ran in, a
  // downloaded deb's temporary name by its 8 random characters.
  static ModuleOutcome normalized(ModuleOutcome o) {
    for (Value* v : {&o.ours_json, &o.theirs_json})
      if (v->contains("cache_update_time") && (*v)["cache_update_time"].is_number() &&
          (*v)["cache_update_time"].get<long long>() > 0)
        (*v)["cache_update_time"] = "<time>";
    static const std::regex fetched("_all[a-z0-9_]{8}\\.deb");
    o.ours = std::regex_replace(test::sorted_dump(o.ours_json), fetched, "_allXXXXXXXX.deb");
    o.theirs = std::regex_replace(test::sorted_dump(o.theirs_json), fetched, "_allXXXXXXXX.deb");
    return o;
  }

  static ModuleOutcome expect_same(const std::string& module, const std::string& args,
                                   const std::vector<std::string>& flags = {}) {
    ModuleOutcome o = normalized(pair_->both(module, args, flags));
    EXPECT_EQ(o.ours, o.theirs) << module << " " << args;
    return o;
  }

  // dpkg's view of the test packages, equal on both hosts.
  static std::string expect_same_packages() {
    const char* script =
        "dpkg-query -W -f='${Package} ${db:Status-Abbrev} ${Version}\\n' 'drover-*' 2>/dev/null | "
        "sort; "
        "apt-mark showauto 2>/dev/null | grep drover; ls /var/lib/drover-* /etc/drover-* "
        "2>/dev/null";
    auto [ours, theirs] = pair_->state(script);
    EXPECT_EQ(ours, theirs);
    return ours;
  }

  static void update_both() { expect_same("apt", "update_cache=yes"); }

  static test::TempDir* dir_;
  static test::SshdFleet* fleet_;
  static test::ModulePair* pair_;
};

test::TempDir* AptCompat::dir_ = nullptr;
test::SshdFleet* AptCompat::fleet_ = nullptr;
test::ModulePair* AptCompat::pair_ = nullptr;

TEST_F(AptCompat, UpdateCacheThenCacheValidTimeSkipsTheUpdate) {
  ModuleOutcome c = expect_same("apt", "update_cache=yes", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome u = expect_same("apt", "update_cache=yes");
  EXPECT_EQ(u.ours_json["cache_updated"], true) << u.ours;
  ModuleOutcome v = expect_same("apt", "update_cache=yes cache_valid_time=3600");
  EXPECT_EQ(v.ours_json["changed"], false);
  EXPECT_EQ(v.ours_json["cache_updated"], false);
}

TEST_F(AptCompat, InstallCheckModeThenForRealThenIdempotent) {
  update_both();
  ModuleOutcome c = expect_same("apt", "name=drover-hello", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(expect_same_packages(), "");
  ModuleOutcome r = expect_same("apt", "name=drover-hello");
  EXPECT_EQ(r.ours_json["changed"], true);
  EXPECT_NE(r.ours_json["stdout"].get<std::string>().find("Setting up drover-hello (2.0)"),
            std::string::npos);
  ModuleOutcome again = expect_same("apt", "name=drover-hello");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_NE(expect_same_packages().find("drover-hello ii  2.0"), std::string::npos);
}

TEST_F(AptCompat, VersionPinThenLatestUpgradesThenIdempotent) {
  update_both();
  ModuleOutcome pin =
      expect_same("apt", "name=drover-hello=1.0,drover-extra install_recommends=no", {"--diff"});
  EXPECT_EQ(pin.ours_json["changed"], true);
  EXPECT_TRUE(pin.ours_json["diff"].contains("prepared"));
  expect_same("apt", "name=drover-hello=1.*");  // the installed version matches the glob
  ModuleOutcome ge = expect_same("apt", "name=drover-hello>=1.0");
  EXPECT_EQ(ge.ours_json["changed"], false);
  ModuleOutcome check = expect_same("apt", "name=drover-hello state=latest", {"--check"});
  EXPECT_EQ(check.ours_json["changed"], true);
  ModuleOutcome latest = expect_same("apt", "name=drover-hello state=latest");
  EXPECT_EQ(latest.ours_json["changed"], true);
  ModuleOutcome again = expect_same("apt", "name=drover-hello state=latest");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_NE(expect_same_packages().find("drover-hello ii  2.0"), std::string::npos);
}

TEST_F(AptCompat, RemoveKeepsConffilesUntilPurge) {
  update_both();
  expect_same("apt", "name=drover-hello,drover-extra");
  ModuleOutcome c = expect_same("apt", "name=drover-hello state=absent", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = expect_same("apt", "name=drover-hello state=absent", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  EXPECT_NE(expect_same_packages().find("drover-hello rc  2.0"), std::string::npos);
  ModuleOutcome again = expect_same("apt", "name=drover-hello state=absent");
  EXPECT_EQ(again.ours_json["changed"], false);
  ModuleOutcome purge = expect_same("apt", "name=drover-hello state=absent purge=yes");
  EXPECT_EQ(purge.ours_json["changed"], true);
  ModuleOutcome purged =
      expect_same("apt", "name=drover-hello,drover-unknown state=absent purge=yes");
  EXPECT_EQ(purged.ours_json["changed"], false);
  expect_same_packages();
}

TEST_F(AptCompat, MissingPackageAndMissingCandidateFail) {
  update_both();
  ModuleOutcome m = expect_same("apt", "name=drover-nowhere");
  EXPECT_EQ(m.ours_json["failed"], true);
  ModuleOutcome v = expect_same("apt", "name=drover-hello=9.9");
  EXPECT_EQ(v.ours_json["failed"], true);
  expect_same("apt", "name=drover-hello=1.0=2");
}

TEST_F(AptCompat, WildcardNamesInstallEveryMatch) {
  update_both();
  ModuleOutcome r = expect_same("apt", "name=drover-ext*");
  EXPECT_EQ(r.ours_json["changed"], true);
  expect_same("apt", "name=drover-zz*");
  expect_same_packages();
}

TEST_F(AptCompat, DebFromAPathWithItsDependencies) {
  update_both();
  const std::string local = dir_->path() + "/debs/drover-local_1.0_all.deb";
  const std::string needs = dir_->path() + "/debs/drover-needs_1.0_all.deb";
  ModuleOutcome c = expect_same("apt", "deb=" + local, {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = expect_same("apt", "deb=" + local);
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = expect_same("apt", "deb=" + local);
  EXPECT_EQ(again.ours_json["changed"], false);
  ModuleOutcome deps = expect_same("apt", "deb=" + needs);
  EXPECT_EQ(deps.ours_json["changed"], true);
  expect_same("apt", "deb=" + local + " state=absent");
  expect_same_packages();
}

// A deb URL is fetched on the target (curl there, urllib for Ansible)
// into a temporary file, in check mode too; an HTTP error leaves an empty
// file that fails as python-apt's reader does.
TEST_F(AptCompat, DebFromAUrl) {
  update_both();
  const int port = fleet_->port() + 1;
  test::HttpServer server(test::HttpServer::serving(dir_->path() + "/debs", port), port);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  ModuleOutcome c = expect_same("apt", "deb=" + url + "drover-needs_1.0_all.deb", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(expect_same_packages(), "");
  // The download's temporary directory goes with the module, also after
  // the dependencies were read (their list once took its variable's name).
  auto downloads = [] {
    glob_t g{};
    size_t n = ::glob("/tmp/tmp.*/drover-needs_1.0_all*.deb", 0, nullptr, &g) == 0 ? g.gl_pathc : 0;
    globfree(&g);
    return n;
  };
  size_t left_before = downloads();
  ModuleOutcome r = expect_same("apt", "deb=" + url + "drover-needs_1.0_all.deb");
  EXPECT_EQ(r.ours_json["changed"], true) << r.ours;
  EXPECT_EQ(downloads(), left_before);
  ModuleOutcome again = expect_same("apt", "deb=" + url + "drover-needs_1.0_all.deb");
  EXPECT_EQ(again.ours_json["changed"], false);
  ModuleOutcome missing = expect_same("apt", "deb=" + url + "nowhere_1.0_all.deb");
  EXPECT_EQ(missing.ours_json["failed"], true);
  expect_same_packages();
}

TEST_F(AptCompat, BuildDepInstallsTheBuildDependencies) {
  update_both();
  ModuleOutcome c = expect_same("apt", "name=drover-src state=build-dep", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true) << c.ours;
  EXPECT_EQ(expect_same_packages(), "");
  ModuleOutcome r = expect_same("apt", "name=drover-src state=build-dep", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = expect_same("apt", "name=drover-src state=build-dep");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_NE(expect_same_packages().find("drover-extra ii  1.0"), std::string::npos);
  expect_same("apt", "name=drover-nosrc state=build-dep");
}

TEST_F(AptCompat, AutoremoveRemovesOnlyWhatDependenciesPulledIn) {
  update_both();
  expect_same("apt", "name=drover-top");  // pulls drover-hello in, marked auto
  expect_same("apt", "name=drover-top state=absent");
  // Guard: the sandboxes' apt must plan to remove nothing but test packages
  // (a real autoremove of this machine's packages would delete their files
  // in the shared /usr).
  for (int i = 0; i < 2; ++i) {
    auto plan =
        fleet_->run_in_sandbox(i, "apt-get -s autoremove | sed -n 's/^Remv \\([^ ]*\\).*/\\1/p'");
    ASSERT_EQ(plan.out, "drover-hello\n") << "refusing a real autoremove";
  }
  ModuleOutcome c = expect_same("apt", "autoremove=yes", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = expect_same("apt", "autoremove=yes");
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = expect_same("apt", "autoremove=yes");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same_packages();
}

TEST_F(AptCompat, UpgradeAndCleanRunAptGetAsAnsible) {
  update_both();
  expect_same("apt", "name=drover-hello=1.0");
  // Guard: the upgrade may only touch the test packages (this machine's own
  // packages have no candidate in the sandbox's sources).
  for (int i = 0; i < 2; ++i) {
    auto plan = fleet_->run_in_sandbox(
        i, "apt-get -s upgrade --with-new-pkgs | sed -n 's/^Inst \\([^ ]*\\).*/\\1/p'");
    ASSERT_EQ(plan.out, "drover-hello\n") << "refusing a real upgrade";
  }
  ModuleOutcome c = expect_same("apt", "upgrade=yes", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = expect_same("apt", "upgrade=safe");
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = expect_same("apt", "upgrade=yes");
  EXPECT_EQ(again.ours_json["changed"], false);
  // Ansible 2.14 cleans, then goes on to an empty install: unchanged.
  ModuleOutcome clean = expect_same("apt", "clean=yes");
  EXPECT_EQ(clean.ours_json["changed"], false);
  expect_same_packages();
}

TEST_F(AptCompat, PackageModuleDispatchesToApt) {
  update_both();
  ModuleOutcome r = expect_same("package", "name=drover-extra state=present");
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = expect_same("package", "name=drover-extra state=present");
  EXPECT_EQ(again.ours_json["changed"], false);
  ModuleOutcome rm = expect_same("package", "name=drover-extra state=absent");
  EXPECT_EQ(rm.ours_json["changed"], true);
  expect_same_packages();
}

}  // namespace
}  // namespace drover
