// yum_repository against ansible.builtin.yum_repository (ansible-core 2.14)
// on two sandboxed sshd hosts (private /etc): repository sections added,
// changed and removed in .repo files under /etc/drover-yum; results
// (changed, repo, state, diff) and the files left must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class YumRepositoryCompat : public test::SandboxPairTest {
 protected:
  static void start_with(const std::string& content) {
    prepare("rm -rf /etc/drover-yum; mkdir /etc/drover-yum; printf '" + content + "' > /etc/drover-yum/base.repo");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("yum_repository", "reposdir=/etc/drover-yum " + args, flags);
  }
  static std::string files() {
    return same_state("cd /etc/drover-yum && for f in *; do echo \"== $f $(stat -c %a \"$f\")\"; cat \"$f\"; done");
  }
};

const char* kBase =
    "# managed elsewhere\n[base]\nname=Base\nbaseurl=http://mirror.example/a\n  http://mirror.example/b\n"
    "gpgcheck = 1\nEnabled: 1\n\n[extras]\nname = Extras\nmirrorlist=http://mirror.example/list\n";

TEST_F(YumRepositoryCompat, AddsARepositoryInCheckModeThenForRealThenIsIdempotent) {
  start_with(kBase);
  const std::string add = "name=epel description='EPEL 9' baseurl=http://epel.example/9 gpgcheck=yes enabled=no";
  ModuleOutcome c = same(add, {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  ModuleOutcome r = same(add + " mode=0600");
  EXPECT_EQ(r.ours_json["changed"], true);
  ModuleOutcome again = same(add + " mode=0600");
  EXPECT_EQ(again.ours_json["changed"], false);
  files();
}

TEST_F(YumRepositoryCompat, RewritesASectionOfASharedFileAndRemovesSections) {
  start_with(kBase);
  // The same options in another spelling: no change, the file is left as it is.
  ModuleOutcome r = same("name=extras file=base description=Extras mirrorlist=http://mirror.example/list");
  EXPECT_EQ(r.ours_json["changed"], false);
  same("name=base file=base description=Base baseurl=http://mirror.example/a,http://mirror.example/b gpgcheck=true "
       "enabled=true exclude=kernel*,glibc");
  std::string left = files();
  EXPECT_NE(left.find("baseurl = http://mirror.example/a\n\thttp://mirror.example/b"), std::string::npos) << left;
  same("name=extras file=base state=absent");
  ModuleOutcome last = same("name=base file=base state=absent");
  EXPECT_EQ(last.ours_json["changed"], true);
  EXPECT_EQ(files().find("base.repo"), std::string::npos);
}

TEST_F(YumRepositoryCompat, RefusesAMissingUrlOrDescriptionOrDirectory) {
  start_with("");
  ModuleOutcome no_url = same("name=x description=X");
  EXPECT_EQ(no_url.ours_json["failed"], true);
  same("name=x baseurl=http://x.example");
  ModuleOutcome no_dir = same_result("yum_repository", "reposdir=/etc/drover-none name=x description=X baseurl=http://x");
  EXPECT_EQ(no_dir.ours_json["msg"], "Repo directory '/etc/drover-none' does not exist.");
}

}  // namespace
}  // namespace drover
