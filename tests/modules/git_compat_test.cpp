// git against Ansible's git module (ansible-core 2.14) over private sshd
// hosts: a bare repository made here (branches main and feature, an
// annotated tag v1) is cloned and updated by drover into ours/NAME and by
// ansible into theirs/NAME; results (changed, before, after,
// remote_url_changed, msg, diff) must be equal, paths aside, and so must
// the checkouts (HEAD, branch, files). Signed commits and tags come from a
// throw-away GnuPG home; the checkouts read it through a gpg.program
// wrapper set in their own git config (nothing in root's keyring).
#include <gtest/gtest.h>

#include "core/strings.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "http_server.hpp"
#include "module_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

class GitCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const std::string d = dir_->path();
    auto r = test::run_shell(
        "set -e; cd '" + d +
        "'; G='git -c user.name=t -c user.email=t@drover.invalid'; "
        "git init -q -b main work; cd work; echo one > a.txt; $G add a.txt; $G commit -q -m one; "
        "$G tag -a v1 -m 'version 1'; echo two > a.txt; $G commit -q -am two; "
        "git checkout -q -b feature; echo feat > f.txt; $G add f.txt; $G commit -q -m feat; git "
        "checkout -q main; "
        "cd ..; git clone -q --bare work origin.git; mkdir ours theirs");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    fleet_ = new test::SshdFleet(2);
    pair_ = new test::ModulePair(*fleet_, d);
  }
  static void TearDownTestSuite() {
    TearDownSigning();
    delete pair_;
    delete fleet_;
    delete dir_;
    pair_ = nullptr;
    fleet_ = nullptr;
    dir_ = nullptr;
  }

  // `args` with {repo} and {dest} (ours/NAME or theirs/NAME): the same call
  // by both tools, compared with the two trees' paths made equal.
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    const std::string d = dir_->path();
    auto with = [&](const std::string& side) {
      return replace_all(replace_all(args, "{repo}", d + "/origin.git"), "{dest}", d + "/" + side);
    };
    ModuleOutcome o;
    o.theirs_json = pair_->theirs("git", with("theirs"), flags);
    o.ours_json = pair_->ours("git", with("ours"), flags);
    o.ours = replace_all(test::sorted_dump(o.ours_json), d + "/ours", "DEST");
    o.theirs = replace_all(test::sorted_dump(o.theirs_json), d + "/theirs", "DEST");
    EXPECT_EQ(o.ours, o.theirs) << args;
    return o;
  }

  // The checkouts' state, equal on both sides.
  static std::string same_checkout(const std::string& name) {
    auto look = [&](const std::string& side) {
      std::string p = dir_->path() + "/" + side + "/" + name;
      return test::run_shell("cd '" + p +
                             "' 2>/dev/null || { echo absent; exit 0; }; git rev-parse HEAD; "
                             "git symbolic-ref -q HEAD || echo detached; git status --porcelain; "
                             "ls -A | grep -v '^.git$'; git rev-parse --is-shallow-repository "
                             "--is-bare-repository")
          .out;
    };
    std::string ours = look("ours"), theirs = look("theirs");
    EXPECT_EQ(ours, theirs) << name;
    return ours;
  }

  static void in_work(const std::string& script) {
    auto r =
        test::run_shell("set -e; cd '" + dir_->path() +
                        "/work'; G='git -c user.name=t -c user.email=t@drover.invalid'; " + script +
                        "; git push -q --all ../origin.git; git push -q --tags ../origin.git");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  static std::string rev(const std::string& ref) {
    return trim(
        test::run_shell("git -C '" + dir_->path() + "/origin.git' rev-parse '" + ref + "'").out);
  }

  // A branch `signed` with a signed commit and a signed annotated tag sv1,
  // and a branch `unsigned`; returns the signing key's fingerprint. Both
  // sides' checkout `name` verify with the test's keys.
  static std::string make_signed_history(const std::string& name) {
    const std::string d = dir_->path();
    const std::string gpg = "GNUPGHOME='" + d + "/gnupg'; export GNUPGHOME; ";
    auto r =
        test::run_shell("set -e; mkdir -p -m 700 '" + d + "/gnupg'; " + gpg +
                        "gpg -q --batch --passphrase '' --quick-gen-key 'drover test "
                        "<t@drover.invalid>' ed25519 sign never "
                        "2>/dev/null; printf '#!/bin/sh\\nexec gpg --homedir %s \"$@\"\\n' '" +
                        d + "/gnupg' > '" + d + "/gpg-wrapper'; chmod +x '" + d + "/gpg-wrapper'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    in_work(
        gpg +
        "$G -c user.signingkey=t@drover.invalid checkout -q -b signed main; echo s > s.txt; $G add "
        "s.txt; "
        "$G -c user.signingkey=t@drover.invalid commit -q -S -m signed; "
        "$G -c user.signingkey=t@drover.invalid tag -s sv1 -m 'signed tag'; "
        "git checkout -q -b unsigned main; echo u > u.txt; $G add u.txt; $G commit -q -m unsigned; "
        "git checkout -q main");
    same("repo={repo} dest={dest}/" + name);
    for (const char* side : {"ours", "theirs"})
      test::run_shell("git -C '" + d + "/" + side + "/" + name + "' config gpg.program '" + d +
                      "/gpg-wrapper'");
    return trim(test::run_shell(gpg + "gpg --with-colons --fingerprint t@drover.invalid | awk -F: "
                                      "'$1 == \"fpr\" { print $10; exit }'")
                    .out);
  }

  static void TearDownSigning() {
    test::run_shell("gpgconf --homedir '" + dir_->path() + "/gnupg' --kill gpg-agent 2>/dev/null");
  }

  static test::TempDir* dir_;
  static test::SshdFleet* fleet_;
  static test::ModulePair* pair_;
};

test::TempDir* GitCompat::dir_ = nullptr;
test::SshdFleet* GitCompat::fleet_ = nullptr;
test::ModulePair* GitCompat::pair_ = nullptr;

TEST_F(GitCompat, CloneCheckModeThenCloneThenIdempotent) {
  ModuleOutcome c = same("repo={repo} dest={dest}/c1", {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(c.ours_json["after"], rev("main"));
  EXPECT_EQ(same_checkout("c1"), "absent\n");
  ModuleOutcome r = same("repo={repo} dest={dest}/c1", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  EXPECT_TRUE(r.ours_json["before"].is_null());
  ModuleOutcome again = same("repo={repo} dest={dest}/c1");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_EQ(again.ours_json["remote_url_changed"], false);
  same_checkout("c1");
}

TEST_F(GitCompat, SwitchesBetweenTagBranchAndSha) {
  same("repo={repo} dest={dest}/c2 version=v1");
  EXPECT_EQ(same("repo={repo} dest={dest}/c2 version=v1").ours_json["changed"], false);
  ModuleOutcome b = same("repo={repo} dest={dest}/c2 version=feature");
  EXPECT_EQ(b.ours_json["changed"], true);
  EXPECT_EQ(b.ours_json["after"], rev("feature"));
  EXPECT_EQ(same("repo={repo} dest={dest}/c2 version=feature").ours_json["changed"], false);
  same_checkout("c2");
  const std::string first = rev("v1^{commit}");
  ModuleOutcome s = same("repo={repo} dest={dest}/c2 version=" + first, {"--check"});
  EXPECT_EQ(s.ours_json["changed"], true);
  same("repo={repo} dest={dest}/c2 version=" + first);
  EXPECT_EQ(same("repo={repo} dest={dest}/c2 version=" + first).ours_json["changed"], false);
  same("repo={repo} dest={dest}/c2 version=main");
  same_checkout("c2");
}

TEST_F(GitCompat, UpdatePullsNewCommitsUnlessUpdateIsOff) {
  same("repo={repo} dest={dest}/c3");
  in_work("echo three > a.txt; $G commit -q -am three");
  ModuleOutcome keep = same("repo={repo} dest={dest}/c3 update=no");
  EXPECT_EQ(keep.ours_json["changed"], false);
  ModuleOutcome check = same("repo={repo} dest={dest}/c3", {"--check"});
  EXPECT_EQ(check.ours_json["changed"], true);
  ModuleOutcome up = same("repo={repo} dest={dest}/c3", {"--diff"});
  EXPECT_EQ(up.ours_json["changed"], true);
  EXPECT_NE(up.ours_json["diff"]["prepared"].get<std::string>().find("+three"), std::string::npos);
  EXPECT_EQ(same("repo={repo} dest={dest}/c3").ours_json["changed"], false);
  same_checkout("c3");
}

TEST_F(GitCompat, LocalModificationsNeedForce) {
  same("repo={repo} dest={dest}/c4");
  test::run_shell("echo dirty >> '" + dir_->path() + "/ours/c4/a.txt'; echo dirty >> '" +
                  dir_->path() + "/theirs/c4/a.txt'");
  ModuleOutcome refused = same("repo={repo} dest={dest}/c4");
  EXPECT_EQ(refused.ours_json["failed"], true);
  ModuleOutcome forced = same("repo={repo} dest={dest}/c4 force=yes");
  EXPECT_EQ(forced.ours_json["changed"], true);
  same_checkout("c4");
}

TEST_F(GitCompat, ShallowAndBareClones) {
  ModuleOutcome shallow = same("repo={repo} dest={dest}/c5 depth=1");
  EXPECT_EQ(shallow.ours_json["changed"], true);
  EXPECT_EQ(same("repo={repo} dest={dest}/c5 depth=1").ours_json["changed"], false);
  same("repo={repo} dest={dest}/c6 depth=1 version=feature");
  same("repo={repo} dest={dest}/c6 depth=1 version=main");
  same_checkout("c5");
  same_checkout("c6");
  ModuleOutcome bare = same("repo={repo} dest={dest}/c7.git bare=yes");
  EXPECT_EQ(bare.ours_json["changed"], true);
  EXPECT_EQ(same("repo={repo} dest={dest}/c7.git bare=yes").ours_json["changed"], false);
  same_checkout("c7.git");
}

TEST_F(GitCompat, CloneNoOnlyReadsTheRemoteAndBadVersionsFail) {
  ModuleOutcome ls = same("repo={repo} clone=no");
  EXPECT_EQ(ls.ours_json["after"], rev("main"));
  ModuleOutcome bad = same("repo={repo} dest={dest}/c8 version=no-such-branch");
  EXPECT_EQ(bad.ours_json["failed"], true);
  ModuleOutcome missing = same("repo=" + dir_->path() + "/nowhere.git dest={dest}/c9");
  EXPECT_EQ(missing.ours_json["failed"], true);
}

// archive: git archive of the version from the checkout; an equal archive
// leaves the task unchanged, a different one replaces it.
TEST_F(GitCompat, ArchiveIsWrittenThenKeptWhileEqual) {
  ModuleOutcome c =
      same("repo={repo} dest={dest}/a1 archive={dest}/a1.tar.gz archive_prefix=p/", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = same("repo={repo} dest={dest}/a1 archive={dest}/a1.tar.gz archive_prefix=p/");
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again =
      same("repo={repo} dest={dest}/a1 archive={dest}/a1.tar.gz archive_prefix=p/");
  EXPECT_EQ(again.ours_json["changed"], false);
  ModuleOutcome kept =
      same("repo={repo} dest={dest}/a1 update=no archive={dest}/a1.tar.gz archive_prefix=p/");
  EXPECT_EQ(kept.ours_json["changed"], false);
  ModuleOutcome tag =
      same("repo={repo} dest={dest}/a1 version=v1 archive={dest}/a1.tar.gz archive_prefix=p/");
  EXPECT_EQ(tag.ours_json["changed"], true);
  same("repo={repo} dest={dest}/a1 version=v1 archive={dest}/a1.zip");
  same("repo={repo} dest={dest}/a1 archive={dest}/a1.rar");
  const std::string d = dir_->path();
  auto list = [&](const std::string& side) {
    return test::run_shell("cd '" + d + "/" + side +
                           "' && tar tzvf a1.tar.gz | awk '{ print $1, $3, $6 }'; "
                           "unzip -Z1 a1.zip; ls a1.rar 2>&1 | sed 's|.*/||'")
        .out;
  };
  EXPECT_EQ(list("ours"), list("theirs"));
  EXPECT_NE(list("ours").find("p/a.txt"), std::string::npos);
}

// verify_commit: verify-commit for a commit, verify-tag for an annotated
// tag, gpg_whitelist against the signature's fingerprint.
TEST_F(GitCompat, VerifyCommitChecksTheSignature) {
  const std::string fpr = make_signed_history("v1c");
  ASSERT_FALSE(fpr.empty());
  ModuleOutcome signed_branch =
      same("repo={repo} dest={dest}/v1c version=signed verify_commit=yes");
  EXPECT_EQ(signed_branch.ours_json["changed"], true) << signed_branch.ours;
  ModuleOutcome tag =
      same("repo={repo} dest={dest}/v1c version=sv1 verify_commit=yes gpg_whitelist=" + fpr);
  EXPECT_FALSE(tag.ours_json.contains("failed")) << tag.ours;
  ModuleOutcome other =
      same("repo={repo} dest={dest}/v1c version=signed verify_commit=yes gpg_whitelist=ABCDEF");
  EXPECT_EQ(other.ours_json["failed"], true);
  ModuleOutcome unsigned_branch =
      same("repo={repo} dest={dest}/v1c version=unsigned verify_commit=yes");
  EXPECT_EQ(unsigned_branch.ours_json["failed"], true);
  same_checkout("v1c");
}

// Submodules (Ansible's submodules_fetch()): a superproject whose submodule
// `sub` is served over git's dumb HTTP protocol by http.server (git 2.38.1
// and later refuse the file transport for submodules). A clone initialises
// it (submodules_changed); with track_submodules a new commit on the
// submodule's master is pulled in although the superproject did not move;
// without (and with force, as that is a local modification), the submodule
// goes back to the superproject's commit; a superproject that records a
// new submodule commit updates it.
TEST_F(GitCompat, SubmodulesChangedWhenTheyAreNewOrBehind) {
  const std::string d = dir_->path();
  const int port = fleet_->port() + 1;
  test::HttpServer server(test::HttpServer::serving(d, port), port);
  const std::string sub_url = "http://127.0.0.1:" + std::to_string(port) + "/sub.git";
  auto sh = [&](const std::string& script) {
    auto r = test::run_shell("set -e; cd '" + d +
                             "'; G='git -c user.name=t -c user.email=t@drover.invalid'; " + script);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  };
  // Pushes subwork's master to sub.git, readable over dumb HTTP.
  const std::string push_sub =
      "git -C subwork push -q ../sub.git master; git -C sub.git update-server-info";
  sh("git init -q -b master subwork; cd subwork; echo s1 > s.txt; $G add s.txt; $G commit -q -m "
     "s1; cd ..; git init -q --bare sub.git; " +
     push_sub +
     "; git init -q -b main superwork; cd superwork; echo top > top.txt; $G add top.txt; "
     "$G submodule add -q " +
     sub_url + " sub; $G commit -q -m 'with sub'; cd ..; git clone -q --bare superwork super.git");
  auto sub_head = [&](const std::string& name) {
    auto look = [&](const std::string& side) {
      return test::run_shell("git -C '" + d + "/" + side + "/" + name +
                             "/sub' rev-parse HEAD 2>&1; cat '" + d + "/" + side + "/" + name +
                             "/sub/s.txt' 2>&1")
          .out;
    };
    std::string ours = look("ours");
    EXPECT_EQ(ours, look("theirs")) << name;
    return ours;
  };
  const std::string repo = "repo=" + d + "/super.git dest={dest}/sm";

  ModuleOutcome clone = same(repo);
  EXPECT_EQ(clone.ours_json["changed"], true);
  EXPECT_EQ(clone.ours_json["submodules_changed"], true) << clone.ours;
  EXPECT_NE(sub_head("sm").find("s1"), std::string::npos);
  ModuleOutcome again = same(repo);
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_FALSE(again.ours_json.contains("submodules_changed")) << again.ours;

  sh("cd subwork; echo s2 > s.txt; $G commit -q -am s2; cd ..; " + push_sub);
  ModuleOutcome tracked = same(repo + " track_submodules=yes");
  EXPECT_EQ(tracked.ours_json["changed"], true);
  EXPECT_EQ(tracked.ours_json["submodules_changed"], true) << tracked.ours;
  EXPECT_EQ(tracked.ours_json["before"], tracked.ours_json["after"]);
  EXPECT_NE(sub_head("sm").find("s2"), std::string::npos);
  EXPECT_EQ(same(repo + " track_submodules=yes").ours_json["changed"], false);

  // The moved submodule is a local modification of the superproject.
  EXPECT_EQ(same(repo).ours_json["failed"], true);
  ModuleOutcome back = same(repo + " force=yes");
  EXPECT_EQ(back.ours_json["submodules_changed"], true) << back.ours;
  EXPECT_NE(sub_head("sm").find("s1"), std::string::npos);

  sh("cd superwork/sub; git pull -q origin master; cd ..; $G commit -q -am 'sub at s2'; git push "
     "-q ../super.git main");
  ModuleOutcome moved = same(repo);
  EXPECT_EQ(moved.ours_json["changed"], true);
  EXPECT_EQ(moved.ours_json["submodules_changed"], true) << moved.ours;
  EXPECT_NE(sub_head("sm").find("s2"), std::string::npos);
  same_checkout("sm");
}

}  // namespace
}  // namespace drover
