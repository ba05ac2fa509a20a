// apt_repository against ansible.builtin.apt_repository (ansible-core 2.14,
// python-apt on the target) on two sandboxed sshd hosts (private /etc/apt):
// source lines added, re-enabled and removed with update_cache=no (no
// network in tests); results (changed, repo, state, diff) and the source
// files left must be equal.
#include <gtest/gtest.h>

#include <algorithm>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class AptRepositoryCompat : public test::SandboxPairTest {
 protected:
  static void start_with(const std::string& list) {
    prepare("rm -f /etc/apt/sources.list.d/*.list; printf '" + list + "' > /etc/apt/sources.list.d/drover-base.list");
  }
  // Ansible lists the diff's files in the order of a Python set: compared sorted.
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    ModuleOutcome o = pair_->both("apt_repository", "update_cache=no " + args, flags);
    for (Value* r : {&o.ours_json, &o.theirs_json})
      if ((*r)["diff"].is_array())
        std::sort((*r)["diff"].begin(), (*r)["diff"].end(),
                  [](const Value& a, const Value& b) { return a["after_header"] < b["after_header"]; });
    EXPECT_EQ(test::sorted_dump(o.ours_json), test::sorted_dump(o.theirs_json)) << args;
    return o;
  }
  static std::string sources() {
    return same_state("cd /etc/apt/sources.list.d && for f in *; do echo \"== $f $(stat -c %a \"$f\")\"; cat \"$f\"; done");
  }
};

const char* kBase = "deb http://deb.example.org/debian stable main\n#deb-src http://deb.example.org/debian stable main\n"
                    "# a note\n\ndeb [arch=amd64] http://pkgs.example.com/repo any main # vendor\n";

TEST_F(AptRepositoryCompat, AddsASourceToItsOwnFileInCheckModeThenForRealThenIsIdempotent) {
  start_with(kBase);
  const std::string repo = "repo='deb [signed-by=/etc/apt/keyrings/x.gpg] https://user:pw@apt.example.net/ubuntu jammy main'";
  ModuleOutcome c = same(repo, {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = same(repo + " mode=0600", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = same(repo);
  EXPECT_EQ(again.ours_json["changed"], false);
  std::string files = sources();
  EXPECT_NE(files.find("== apt_example_net_ubuntu.list 600"), std::string::npos) << files;
}

TEST_F(AptRepositoryCompat, ReEnablesADisabledSourceAndRemovesOnes) {
  start_with(kBase);
  ModuleOutcome on = same("repo='deb-src http://deb.example.org/debian stable main'", {"--diff"});
  EXPECT_EQ(on.ours_json["changed"], true);
  sources();
  same("repo='deb [arch=amd64] http://pkgs.example.com/repo any main' state=absent", {"--diff"});
  same("repo='deb http://other.example/debian stable main' filename=other");
  ModuleOutcome gone = same("repo='deb http://other.example/debian stable main' state=absent");
  EXPECT_EQ(gone.ours_json["changed"], true);
  std::string files = sources();
  EXPECT_EQ(files.find("other.list"), std::string::npos) << files;
}

TEST_F(AptRepositoryCompat, RefusesAnInvalidSourceLine) {
  start_with(kBase);
  ModuleOutcome bad = same("repo='http://deb.example.org/debian stable main'");
  EXPECT_EQ(bad.ours_json["failed"], true);
}

}  // namespace
}  // namespace drover
