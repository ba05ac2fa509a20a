// Collections as ansible-playbook uses them: the acme.tools collection
// (tests/engine/collections) is built into a tarball by `ansible-galaxy
// collection build` and installed by `ansible-galaxy collection install`
// into a temporary collections path, then drover and ansible-playbook run
// the same playbooks (tests/engine/playbooks) over the local connection.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include "harness/playbook_output.hpp"
#include "harness/process.hpp"

namespace drover {
namespace {

std::string source() { return std::string(DROVER_SOURCE_DIR) + "/tests/engine"; }

class CollectionCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    test::ProcessOptions po;
    po.env = {{"HOME", dir_->path()}};
    auto built = test::run_process({"/usr/bin/ansible-galaxy", "collection", "build", source() + "/collections/acme/tools",
                                    "--output-path", dir_->path()},
                                   po);
    ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
    auto installed = test::run_process({"/usr/bin/ansible-galaxy", "collection", "install",
                                        dir_->path() + "/acme-tools-1.0.0.tar.gz", "-p", colls()},
                                       po);
    ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string colls() { return dir_->path() + "/colls"; }

  static test::ProcessOptions options(const std::string& cwd) {
    test::ProcessOptions po;
    po.cwd = cwd;
    po.env = {{"ANSIBLE_NOCOLOR", "1"},
              {"ANSIBLE_FORCE_COLOR", "0"},
              {"ANSIBLE_RETRY_FILES_ENABLED", "0"},
              {"ANSIBLE_COLLECTIONS_PATH", colls()}};
    return po;
  }

  // Runs `playbook` with both; same exit code and the same task sections.
  // Returns (drover, ansible) for further checks. `with_acme`: with the
  // temporary collections path (ansible-playbook then fails to load
  // ansible.utils' filters from Debian's collections: leave it out for them).
  static std::pair<test::ProcessResult, test::ProcessResult> compare(const std::string& playbook,
                                                                     bool with_acme = true) {
    auto po = options(source() + "/playbooks");
    if (!with_acme) po.env.erase("ANSIBLE_COLLECTIONS_PATH");
    auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "hosts", playbook}, po);
    auto ours = test::run_drover({"play", "-i", "hosts", playbook}, po);
    EXPECT_EQ(ours.exit_code, theirs.exit_code)
        << playbook << "\nansible:\n" << theirs.out << theirs.err << "\ndrover:\n" << ours.out << ours.err;
    EXPECT_EQ(test::playbook_sections(ours.out), test::playbook_sections(theirs.out))
        << playbook << "\nansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
    return {ours, theirs};
  }

  // drover alone on a playbook written into a fresh directory.
  static test::ProcessResult drover_play(const test::TempDir& d, const std::string& yaml) {
    d.write("pb.yml", yaml);
    return test::run_drover({"play", "-i", "localhost,", "-c", "local", d.path() + "/pb.yml"}, options(d.path()));
  }

  static std::unique_ptr<test::TempDir> dir_;
};

std::unique_ptr<test::TempDir> CollectionCompat::dir_;

// Ansible wraps warnings keeping the spaces at the breaks: the text without
// its newlines.
std::string one_line(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
  return s;
}

TEST_F(CollectionCompat, RolesByFqcnAndThroughTheCollectionsKeywordRunAsInAnsible) {
  auto [ours, theirs] = compare("collection_roles.yml");
  // The deprecated redirect warns before the first play, as Ansible does.
  const std::string warning =
      "[DEPRECATION WARNING]: acme.tools.old_say has been deprecated. Use acme.tools.say instead. This feature "
      "will be removed from acme.tools in version 2.0.0.";
  EXPECT_NE(one_line(theirs.err).find(warning), std::string::npos) << theirs.err;
  EXPECT_NE(one_line(ours.err).find(warning), std::string::npos) << ours.err;
}

TEST_F(CollectionCompat, APlaybookInsideACollectionRunsByItsFqcnAndSearchesItsCollection) {
  auto po = options(dir_->path());
  auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "localhost,", "-c", "local", "acme.tools.hello"}, po);
  auto ours = test::run_drover({"play", "-i", "localhost,", "-c", "local", "acme.tools.hello"}, po);
  EXPECT_EQ(ours.exit_code, 0) << ours.out << ours.err;
  EXPECT_EQ(test::playbook_sections(ours.out), test::playbook_sections(theirs.out))
      << "ansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
  EXPECT_NE(ours.err.find("[WARNING]: running playbook inside collection acme.tools"), std::string::npos) << ours.err;
}

TEST_F(CollectionCompat, NativeCollectionFiltersGiveAnsiblesResults) { compare("collection_filters.yml", false); }

// A module drover has no native version of runs through the Python
// fallback (docs/PYTHON_MODULES.md), as ansible-playbook runs it.
TEST_F(CollectionCompat, ACollectionModuleDroverLacksRunsThroughThePythonFallback) {
  test::TempDir d;
  std::string yaml =
      "- hosts: all\n  gather_facts: false\n  collections: [acme.tools]\n  tasks:\n"
      "    - frob: level=2\n      register: r\n    - debug: msg=\"{{ r.level }} {{ r.changed }}\"\n";
  auto ours = drover_play(d, yaml);
  auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "localhost,", "-c", "local", "pb.yml"},
                                  options(d.path()));
  EXPECT_EQ(ours.exit_code, 0) << ours.out << ours.err;
  EXPECT_EQ(test::playbook_sections(ours.out), test::playbook_sections(theirs.out))
      << "ansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
  EXPECT_NE(ours.out.find("\"msg\": \"2 False\""), std::string::npos) << ours.out;
}

// A module whose action plugin does its work on the controller runs that
// plugin in the controller's Python (docs/PYTHON_MODULES.md): the patch
// is found beside the playbook and applied, as ansible-playbook does; a
// missing one fails with the plugin's own words.
TEST_F(CollectionCompat, ACollectionActionPluginRunsInTheControllersPython) {
  test::TempDir d;
  std::string yaml = "- hosts: all\n  gather_facts: false\n  tasks:\n"
                     "    - copy: content=\"one\\ntwo\\n\" dest=" + d.path() + "/x\n"
                     "    - ansible.posix.patch: src=a.patch dest=" + d.path() + "/x\n"
                     "    - command: cat " + d.path() + "/x\n      register: c\n"
                     "    - debug: var=c.stdout_lines\n"
                     "    - ansible.posix.patch: src=missing.patch dest=" + d.path() + "/x\n";
  std::ofstream(d.path() + "/a.patch") << "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n one\n-two\n+zwei\n";
  auto ours = drover_play(d, yaml);
  std::ofstream(d.path() + "/x") << "";
  auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "localhost,", "-c", "local", "pb.yml"},
                                  options(d.path()));
  EXPECT_EQ(ours.exit_code, theirs.exit_code) << ours.out << ours.err;
  EXPECT_EQ(test::playbook_sections(ours.out), test::playbook_sections(theirs.out))
      << "ansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
  EXPECT_NE(ours.out.find("\"zwei\""), std::string::npos) << ours.out;
}

TEST_F(CollectionCompat, ACollectionFilterDroverLacksIsALoadTimeErrorNamingItsCollection) {
  test::TempDir d;
  auto r = drover_play(d, "- hosts: all\n  tasks:\n    - debug: msg=ok\n    - debug:\n        msg: \"{{ 'x' | "
                          "acme.tools.shout }}\"\n");
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("filter 'acme.tools.shout' from collection acme.tools is not implemented natively"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find("TASK"), std::string::npos) << r.out;
}

TEST_F(CollectionCompat, ACollectionModuleThatAnAnsibleCoreNameMovedToRunsNatively) {
  test::TempDir d;
  d.write("pb.yml", "- hosts: all\n  tasks:\n    - ansible.posix.sysctl: name=vm.swappiness value=10\n"
                    "    - sysctl: name=vm.swappiness value=10\n"
                    "    - ini_file: path=/tmp/x section=s option=o value=v\n"
                    "    - community.general.ini_file: path=/tmp/x section=s option=o value=v\n");
  auto ok = test::run_drover({"play", "-i", "localhost,", d.path() + "/pb.yml", "--syntax-check"}, options(d.path()));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// A role's own module (its library/) runs through the Python fallback, as
// ansible-playbook runs it, and serves the tasks of later roles too.
TEST_F(CollectionCompat, ARolesOwnLibraryModuleRunsThroughThePythonFallback) {
  test::TempDir d;
  d.write("roles/r/library/my_probe.py",
          "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\n"
          "m = AnsibleModule(argument_spec=dict(depth=dict(type='int', required=True)))\n"
          "m.exit_json(changed=True, depth=m.params['depth'] * 2)\n");
  d.write("roles/r/tasks/main.yml", "- my_probe: depth=3\n  register: p\n- debug: msg=\"depth {{ p.depth }}\"\n");
  d.write("roles/later/tasks/main.yml", "- my_probe: depth=5\n");
  d.write("pb.yml", "- hosts: all\n  gather_facts: false\n  roles: [r, later]\n");
  auto ours = test::run_drover({"play", "-i", "localhost,", "-c", "local", d.path() + "/pb.yml"}, options(d.path()));
  auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "localhost,", "-c", "local", "pb.yml"},
                                  options(d.path()));
  EXPECT_EQ(ours.exit_code, 0) << ours.out << ours.err;
  EXPECT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
  EXPECT_EQ(test::playbook_sections(ours.out), test::playbook_sections(theirs.out))
      << "ansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
  EXPECT_NE(ours.out.find("\"msg\": \"depth 6\""), std::string::npos) << ours.out;
}

TEST_F(CollectionCompat, ATombstonedModuleFailsAtLoadWithAnsiblesRemovalMessage) {
  test::TempDir d;
  std::string yaml = "- hosts: all\n  gather_facts: false\n  tasks:\n    - acme.tools.gone:\n";
  auto r = drover_play(d, yaml);
  auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "localhost,", "-c", "local", "pb.yml"},
                                  options(d.path()));
  const std::string removed =
      "[DEPRECATED]: acme.tools.gone has been removed. Use acme.tools.say instead. This feature was removed from "
      "acme.tools in version 1.0.0. Please update your playbooks.";
  EXPECT_EQ(theirs.exit_code, 1);
  EXPECT_NE(one_line(theirs.err).find(removed), std::string::npos) << theirs.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(one_line(r.err).find(removed), std::string::npos) << r.err;
}

TEST_F(CollectionCompat, ACollectionNextToThePlaybookIsFoundWithoutConfiguration) {
  test::TempDir d;
  test::ProcessOptions po;
  po.env = {{"HOME", d.path()}};
  auto installed = test::run_process({"/usr/bin/ansible-galaxy", "collection", "install",
                                      dir_->path() + "/acme-tools-1.0.0.tar.gz", "-p", d.path() + "/collections"},
                                     po);
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  d.write("pb.yml", "- hosts: all\n  gather_facts: false\n  roles: [acme.tools.base]\n");
  test::ProcessOptions here;
  here.cwd = d.path();
  here.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_COLLECTIONS_PATH", "/nonexistent"}};
  auto r = test::run_drover({"play", "-i", "localhost,", "-c", "local", d.path() + "/pb.yml"}, here);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("TASK [acme.tools.base : base speaks]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("base: no message / linux"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace drover
