// dnf and yum against Ansible's dnf module (ansible-core 2.14) with a real
// dnf 4 (Debian's dnf, rpm and createrepo-c packages; see
// scripts/install-deps.sh): each host is a sandboxed sshd (private /etc,
// /var and /root, where rpm keeps this machine's database, /root/.rpmdb)
// whose only repository is a local one of tiny noarch rpms built here with
// rpmbuild, whose files live only under /etc and /var. Nothing here changes
// this machine's packages.
//
// The same calls by drover on host001 and ansible on host002 must give the
// same results (changed, msg, results as a set, rc, failures) and leave the
// same rpm database.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "module_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

void spit_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// A noarch rpm with a file under /var/lib/NAME and a config file under
// /etc/NAME, written to out_dir as NAME-VERSION-1.noarch.rpm.
void build_rpm(const std::string& work, const std::string& out_dir, const std::string& name,
               const std::string& version, const std::string& requires_ = "",
               const std::string& scriptlets = "") {
  std::string spec = work + "/" + name + "-" + version + ".spec";
  spit_file(spec,
            "Name: " + name + "\nVersion: " + version +
                "\nRelease: 1\nSummary: drover test package\nLicense: MIT\nBuildArch: noarch\n" +
                (requires_.empty() ? "" : "Requires: " + requires_ + "\n") +
                "%description\ndrover test package\n%install\n"
                "mkdir -p %{buildroot}/var/lib/" +
                name + " %{buildroot}/etc/" + name +
                "\n"
                "echo '" +
                name + " " + version + "' > %{buildroot}/var/lib/" + name +
                "/data\n"
                "echo conf=" +
                version + " > %{buildroot}/etc/" + name + "/" + name +
                ".conf\n" + scriptlets +
                "%files\n/var/lib/" +
                name + "/data\n%config(noreplace) /etc/" + name + "/" + name + ".conf\n");
  auto r = test::run_process(
      {"rpmbuild", "--define", "_topdir " + work + "/rpmbuild", "--define", "_rpmdir " + out_dir,
       "--define", "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm", "-bb", spec});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

bool have_dnf() {
  return test::run_shell("command -v dnf && command -v rpmbuild && command -v createrepo_c")
             .exit_code == 0;
}

class DnfCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_dnf()) return;
    dir_ = new test::TempDir();
    const std::string d = dir_->path(), repo = d + "/repo";
    build_rpm(d, repo, "drover-hello", "1.0");
    build_rpm(d, repo, "drover-hello", "2.0");
    build_rpm(d, repo, "drover-extra", "1.0");
    build_rpm(d, repo, "drover-top", "1.0", "drover-hello");
    build_rpm(d, d + "/rpms", "drover-local", "1.0");
    build_rpm(d, repo, "drover-mod", "1.0");  // only through the module below
    build_rpm(d, repo, "drover-broken", "1.0", "drover-absent-dep");  // never installable
    // Its removal fails: the %preun scriptlet says a thing and fails (in
    // rpm's Lua: a shell one would need a /bin/sh in the rpm database).
    build_rpm(d, repo, "drover-stuck", "1.0", "",
              "%preun -p <lua>\nprint('drover-stuck is not installed')\nerror('stuck')\n");
    // A group (comps) whose one mandatory package is drover-extra.
    spit_file(
        d + "/comps.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<comps>\n  <group>\n    "
        "<id>drover-group</id>\n"
        "    <name>Drover Group</name>\n    <description>test</description>\n"
        "    <default>false</default>\n    <uservisible>true</uservisible>\n    <packagelist>\n"
        "      <packagereq type=\"mandatory\">drover-extra</packagereq>\n    </packagelist>\n"
        "  </group>\n</comps>\n");
    auto r = test::run_process({"createrepo_c", "-q", "-g", d + "/comps.xml", repo});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // A module "drover", stream "1", whose default profile is drover-mod.
    spit_file(d + "/modules.yaml",
              "---\ndocument: modulemd\nversion: 2\ndata:\n  name: drover\n  stream: \"1\"\n"
              "  version: 1\n  context: abcd1234\n  arch: noarch\n  summary: t\n  description: t\n"
              "  license:\n    module: [MIT]\n  profiles:\n    default:\n      rpms: [drover-mod]\n"
              "  artifacts:\n    rpms:\n    - drover-mod-0:1.0-1.noarch\n...\n");
    r = test::run_process(
        {"modifyrepo_c", "--mdtype=modules", d + "/modules.yaml", repo + "/repodata"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    test::run_shell("chmod -R a+rX '" + d + "'");
    test::FleetOptions o;
    o.sandbox = true;
    o.hosts_per_sshd = 1;
    fleet_ = new test::SshdFleet(2, o);
    for (int i = 0; i < 2; ++i) {
      std::string s = fleet_->sandbox_root(i);
      test::run_shell("mkdir -p '" + s + "/etc/yum.repos.d'");
      spit_file(s + "/etc/yum.repos.d/drover.repo",
                "[drover]\nname=drover\nbaseurl=file://" + repo + "\ngpgcheck=0\nenabled=1\n");
    }
    pair_ = new test::ModulePair(*fleet_, d);
  }
  static void TearDownTestSuite() {
    delete pair_;
    delete fleet_;
    delete dir_;
    pair_ = nullptr;
    fleet_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!pair_)
      GTEST_SKIP()
          << "dnf, rpmbuild or createrepo_c missing (scripts/install-deps.sh installs them)";
  }

  // Ansible's results come from a set: compare them sorted.
  static ModuleOutcome expect_same(const std::string& module, const std::string& args,
                                   const std::vector<std::string>& flags = {}) {
    ModuleOutcome o = pair_->both(module, args, flags);
    for (Value* v : {&o.ours_json, &o.theirs_json}) {
      for (const char* k : {"results", "failures"})
        if (v->contains(k) && (*v)[k].is_array()) {
          std::vector<std::string> items;
          for (const auto& x : (*v)[k]) items.push_back(x.dump());
          std::sort(items.begin(), items.end());
          Value sorted = Value::array();
          for (const auto& x : items) sorted.push_back(Value::parse(x));
          (*v)[k] = sorted;
        }
    }
    o.ours = test::sorted_dump(o.ours_json);
    o.theirs = test::sorted_dump(o.theirs_json);
    EXPECT_EQ(o.ours, o.theirs) << module << " " << args;
    return o;
  }

  static std::string expect_same_rpms() {
    auto [ours, theirs] = pair_->state(
        "rpm -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}\\n' | sort; ls /var/lib/drover-* 2>/dev/null");
    EXPECT_EQ(ours, theirs);
    return ours;
  }

  static test::TempDir* dir_;
  static test::SshdFleet* fleet_;
  static test::ModulePair* pair_;
};

test::TempDir* DnfCompat::dir_ = nullptr;
test::SshdFleet* DnfCompat::fleet_ = nullptr;
test::ModulePair* DnfCompat::pair_ = nullptr;

TEST_F(DnfCompat, InstallCheckModeThenForRealThenIdempotent) {
  ModuleOutcome c = expect_same("dnf", "name=drover-hello", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(expect_same_rpms(), "");
  ModuleOutcome r = expect_same("dnf", "name=drover-hello state=present");
  EXPECT_EQ(r.ours_json["results"], Value::array({"Installed: drover-hello-2.0-1.noarch"}));
  ModuleOutcome again = expect_same("dnf", "name=drover-hello");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_EQ(again.ours_json["msg"], "Nothing to do");
  EXPECT_EQ(expect_same_rpms(), "drover-hello-2.0-1\ndata\n");
}

TEST_F(DnfCompat, VersionedNameThenLatestUpgrades) {
  ModuleOutcome v = expect_same("dnf", "name=drover-hello-1.0-1");
  EXPECT_EQ(v.ours_json["changed"], true);
  EXPECT_EQ(expect_same("dnf", "name=drover-hello-1.0-1").ours_json["changed"], false);
  ModuleOutcome check = expect_same("dnf", "name=drover-hello state=latest", {"--check"});
  EXPECT_EQ(check.ours_json["changed"], true);
  ModuleOutcome latest = expect_same("dnf", "name=drover-hello state=latest");
  EXPECT_EQ(latest.ours_json["changed"], true);
  EXPECT_EQ(expect_same("dnf", "name=drover-hello state=latest").ours_json["changed"], false);
  // An older version asked for while a newer one is installed: left alone.
  EXPECT_EQ(expect_same("dnf", "name=drover-hello-1.0-1").ours_json["changed"], false);
  expect_same_rpms();
}

TEST_F(DnfCompat, RemoveCheckModeThenForRealThenIdempotent) {
  expect_same("dnf", "name=drover-hello,drover-extra");
  ModuleOutcome c = expect_same("dnf", "name=drover-extra state=absent", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = expect_same("dnf", "name=drover-extra state=removed");
  EXPECT_EQ(r.ours_json["results"], Value::array({"Removed: drover-extra-1.0-1.noarch"}));
  EXPECT_EQ(
      expect_same("dnf", "name=drover-extra,drover-unknown state=absent").ours_json["changed"],
      false);
  expect_same_rpms();
}

TEST_F(DnfCompat, DependenciesComeAndGoWithAutoremove) {
  ModuleOutcome r = expect_same("dnf", "name=drover-top");
  EXPECT_EQ(r.ours_json["results"].size(), 2u);
  expect_same("dnf", "name=drover-top state=absent autoremove=yes");
  expect_same_rpms();
}

TEST_F(DnfCompat, UnknownPackageFailsAndNothingIsInstalled) {
  ModuleOutcome r = expect_same("dnf", "name=drover-hello,drover-nowhere");
  EXPECT_EQ(r.ours_json["failed"], true);
  EXPECT_EQ(r.ours_json["failures"], Value::array({"No package drover-nowhere available."}));
  EXPECT_EQ(expect_same_rpms(), "");
}

TEST_F(DnfCompat, LocalRpmFileAndCacheUpdate) {
  const std::string rpm = dir_->path() + "/rpms/drover-local-1.0-1.noarch.rpm";
  // Ansible checks the signatures of rpm files unless disable_gpg_check.
  ModuleOutcome unsigned_rpm = expect_same("dnf", "name=" + rpm);
  EXPECT_EQ(unsigned_rpm.ours_json["failed"], true);
  ModuleOutcome r = expect_same("dnf", "name=" + rpm + " disable_gpg_check=yes");
  EXPECT_EQ(r.ours_json["changed"], true);
  EXPECT_EQ(expect_same("dnf", "name=" + rpm + " disable_gpg_check=yes").ours_json["changed"],
            false);
  ModuleOutcome cache = expect_same("dnf", "update_cache=yes");
  EXPECT_EQ(cache.ours_json["msg"], "Cache updated");
  expect_same_rpms();
}

// Ansible's yum on this Debian host looks for yum's Python modules; drover's
// yum runs dnf, as Ansible's yum action does on dnf hosts.
TEST_F(DnfCompat, YumRunsDnfWhereOnlyDnfExists) {
  Value r = pair_->ours("yum", "name=drover-extra");
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["results"], Value::array({"Installed: drover-extra-1.0-1.noarch"}));
  EXPECT_EQ(pair_->ours("yum", "name=drover-extra")["changed"], false);
  EXPECT_EQ(pair_->ours("package", "name=drover-extra state=absent use=dnf")["changed"], true);
}

// Groups by id or name ("@Drover Group"): installed, already installed,
// upgraded, removed; an unknown group fails before anything runs.
TEST_F(DnfCompat, GroupsInstallUpgradeAndRemove) {
  ModuleOutcome c = expect_same("dnf", "name=@drover-group", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true) << c.ours;
  EXPECT_EQ(expect_same_rpms(), "");
  ModuleOutcome r = expect_same("dnf", "name='@Drover Group'");
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = expect_same("dnf", "name=@drover-group");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same("dnf", "name=@drover-group state=latest");
  expect_same("dnf", "name=@drover-group state=absent");
  expect_same("dnf", "name=@drover-nogroup");
  expect_same_rpms();
}

// download_only: the transaction is downloaded (to download_dir), not
// installed; results say "Downloaded: NEVRA".
TEST_F(DnfCompat, DownloadOnlyFetchesWithoutInstalling) {
  ModuleOutcome c =
      expect_same("dnf", "name=drover-top download_only=yes download_dir=/root/dl", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = expect_same("dnf", "name=drover-top download_only=yes download_dir=/root/dl");
  EXPECT_EQ(r.ours_json["changed"], true);
  EXPECT_EQ(r.ours_json["results"].size(), 2u) << r.ours;
  EXPECT_EQ(expect_same_rpms(), "");
  auto [ours, theirs] = pair_->state("ls /root/dl");
  EXPECT_EQ(ours, theirs);
  EXPECT_NE(ours.find("drover-top-1.0-1.noarch.rpm"), std::string::npos);
}

// Module streams: installed (the profile's packages), upgraded, removed
// (then reset).
TEST_F(DnfCompat, ModuleStreamsInstallUpgradeAndRemove) {
  ModuleOutcome c = expect_same("dnf", "name=@drover:1/default", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true) << c.ours;
  ModuleOutcome r = expect_same("dnf", "name=@drover:1/default");
  EXPECT_EQ(r.ours_json["changed"], true);
  expect_same("dnf", "name=@drover:1/default");
  expect_same("dnf", "name=@drover:1 state=latest");
  expect_same("dnf", "name=@drover:1 state=absent");
  expect_same("dnf", "name=@drover:1 state=absent");
  expect_same_rpms();
}

// A dependency nothing provides: Ansible's "Depsolve Error occurred"
// with dnf's problem text, and nothing installed.
TEST_F(DnfCompat, UnresolvableDependencyIsADepsolveError) {
  ModuleOutcome r = expect_same("dnf", "name=drover-hello,drover-broken");
  EXPECT_EQ(r.ours_json["failed"], true) << r.ours;
  EXPECT_NE(r.ours.find("nothing provides drover-absent-dep"), std::string::npos) << r.ours;
  EXPECT_EQ(expect_same_rpms(), "");
}

// A path names the package in the repository that has that file
// (Ansible's _whatprovides()); a path no package there has is dropped, even
// when an installed package (the local rpm) has it.
TEST_F(DnfCompat, PathsNameThePackageThatProvidesThem) {
  ModuleOutcome c = expect_same("dnf", "name=/var/lib/drover-extra/data", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true) << c.ours;
  ModuleOutcome r = expect_same("dnf", "name=/var/lib/drover-extra/data");
  EXPECT_EQ(r.ours_json["results"], Value::array({"Installed: drover-extra-1.0-1.noarch"}))
      << r.ours;
  EXPECT_EQ(expect_same("dnf", "name=/etc/drover-extra/drover-extra.conf").ours_json["changed"],
            false);
  ModuleOutcome none = expect_same("dnf", "name=/var/lib/drover-nothing/data");
  EXPECT_FALSE(none.ours_json.contains("failed")) << none.ours;
  const std::string rpm = dir_->path() + "/rpms/drover-local-1.0-1.noarch.rpm";
  expect_same("dnf", "name=" + rpm + " disable_gpg_check=yes");
  ModuleOutcome local = expect_same("dnf", "name=/var/lib/drover-local/data state=absent");
  EXPECT_EQ(local.ours_json["changed"], false) << local.ours;
  ModuleOutcome gone = expect_same("dnf", "name=/var/lib/drover-extra/data state=absent");
  EXPECT_EQ(gone.ours_json["results"], Value::array({"Removed: drover-extra-1.0-1.noarch"}))
      << gone.ours;
  const std::string rpms = expect_same_rpms();
  EXPECT_NE(rpms.find("drover-local-1.0-1"), std::string::npos) << rpms;
  EXPECT_EQ(rpms.find("drover-extra-"), std::string::npos) << rpms;
}

// Removing: a plain name not installed is passed over silently; a wildcard
// that matches nothing installed is "SPEC is not installed" in the results;
// a removal that fails (here the package's own %preun) fails the task,
// whatever its output says.
TEST_F(DnfCompat, RemoveReportsUnmatchedWildcardsAndFailures) {
  expect_same("dnf", "name=drover-extra,drover-stuck");
  ModuleOutcome r = expect_same("dnf", "name=drover-extra,drover-zz*,drover-unknown state=absent");
  EXPECT_EQ(r.ours_json["changed"], true) << r.ours;
  EXPECT_NE(r.ours.find("drover-zz* is not installed"), std::string::npos) << r.ours;
  ModuleOutcome none = expect_same("dnf", "name=drover-zz* state=absent");
  EXPECT_EQ(none.ours_json["results"], Value::array({"drover-zz* is not installed"})) << none.ours;
  ModuleOutcome stuck = expect_same("dnf", "name=drover-stuck state=absent");
  EXPECT_EQ(stuck.ours_json["failed"], true) << stuck.ours;
  EXPECT_NE(expect_same_rpms().find("drover-stuck-1.0-1"), std::string::npos);
}

}  // namespace
}  // namespace drover
