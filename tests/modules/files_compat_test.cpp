// The file modules against Ansible (Debian's ansible-core 2.14): the same
// playbook (tests/modules/playbooks/files/files.yml) run by ansible-playbook
// and by drover on one private sshd host, each on its own directory tree
// ({{ root }}). Both must leave identical trees (content, mode, owner, link
// targets, hard links, backups with the timestamp masked) and print the same
// task lines and diffs (--diff), on a changing run and on an idempotent one.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "core/strings.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

std::string playbook_dir() { return std::string(DROVER_SOURCE_DIR) + "/tests/modules/playbooks/files"; }

// One line per entry under root: relative path (backup stamps masked), type,
// mode, owner, link count, and the content or link target (root masked: each
// tool has its own tree).
std::string tree(const std::string& root) {
  static const std::regex backup("\\.[0-9]+\\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9]{2}:[0-9]{2}:[0-9]{2}~$");
  std::vector<std::string> lines;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = std::regex_replace(fs::relative(it->path(), root).string(), backup, ".BACKUP~");
    struct stat st {};
    ::lstat(it->path().c_str(), &st);
    char head[64];
    std::snprintf(head, sizeof head, " %o uid=%u gid=%u nlink=%lu ", st.st_mode, st.st_uid, st.st_gid,
                  S_ISDIR(st.st_mode) ? 0ul : static_cast<unsigned long>(st.st_nlink));
    std::string body;
    if (S_ISLNK(st.st_mode)) {
      body = fs::read_symlink(it->path()).string();
      if (body.rfind(root, 0) == 0) body = "ROOT" + body.substr(root.size());
      body = "-> " + body;
    }
    else if (S_ISREG(st.st_mode)) body = test::read_file(it->path().string());
    lines.push_back(rel + head + body);
  }
  std::sort(lines.begin(), lines.end());
  return join(lines, "\n");
}

// The output split at banners, lines sorted within a section; the tree's
// root masked, and the diff's after-header (a controller temporary file in
// Ansible) masked.
std::vector<std::string> sections(std::string out, const std::string& root) {
  size_t pos;
  while ((pos = out.find(root)) != std::string::npos) out.replace(pos, root.size(), "ROOT");
  static const std::regex after_header("^\\+\\+\\+ after: .*$");
  std::vector<std::string> result, cur;
  auto flush = [&] {
    std::sort(cur.begin(), cur.end());
    result.push_back(join(cur, "\n"));
    cur.clear();
  };
  for (auto& line : split_lines(out)) {
    line = std::regex_replace(line, after_header, "+++ after: X");
    if (line.rfind("TASK [", 0) == 0 || line.rfind("PLAY", 0) == 0 || line.rfind("RUNNING HANDLER", 0) == 0) {
      flush();
      cur.push_back(line);
    } else if (!line.empty()) {
      cur.push_back(line);
    }
  }
  flush();
  return result;
}

class FilesCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    fleet_ = std::make_unique<test::SshdFleet>(1);
    fleet_->write_inventory(dir_.path() + "/hosts");
  }

  test::ProcessResult ansible(const std::string& root, std::vector<std::string> extra) {
    test::ProcessOptions po;
    po.cwd = playbook_dir();
    po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_FORCE_COLOR", "0"}, {"ANSIBLE_RETRY_FILES_ENABLED", "0"},
              {"ANSIBLE_SSH_CONTROL_PATH_DIR", dir_.path() + "/cp"}, {"ANSIBLE_PIPELINING", "1"}};
    std::vector<std::string> a{"/usr/bin/ansible-playbook", "-i", dir_.path() + "/hosts", playbook_, "-e", "root=" + root};
    a.insert(a.end(), extra.begin(), extra.end());
    return test::run_process(a, po);
  }
  test::ProcessResult drover(const std::string& root, std::vector<std::string> extra) {
    test::ProcessOptions po;
    po.cwd = playbook_dir();
    po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_FORCE_COLOR", "0"}};
    std::vector<std::string> a{"play", "-i", dir_.path() + "/hosts", playbook_, "-e", "root=" + root};
    a.insert(a.end(), extra.begin(), extra.end());
    return test::run_drover(a, po);
  }

  void compare_run(std::vector<std::string> extra, const char* what) {
    auto theirs = ansible(dir_.path() + "/ansible", extra);
    auto ours = drover(dir_.path() + "/drover", extra);
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << what << "\nansible:\n" << theirs.out << theirs.err << "\ndrover:\n"
                                                << ours.out << ours.err;
    EXPECT_EQ(sections(ours.out, dir_.path() + "/drover"), sections(theirs.out, dir_.path() + "/ansible"))
        << what << "\nansible:\n" << theirs.out << "\ndrover:\n" << ours.out << ours.err;
    EXPECT_EQ(tree(dir_.path() + "/drover"), tree(dir_.path() + "/ansible")) << what;
  }

  std::string playbook_ = "files.yml";
  test::TempDir dir_;
  std::unique_ptr<test::SshdFleet> fleet_;
};

TEST_F(FilesCompat, CheckModeThenChangingRunThenIdempotentRunMatchAnsible) {
  fs::create_directories(dir_.path() + "/ansible");
  fs::create_directories(dir_.path() + "/drover");
  compare_run({"--check", "--diff"}, "check run on empty trees");
  compare_run({"--diff"}, "changing run");
  compare_run({"--diff"}, "second run");
}

// Names with a newline (inside and at the end), spaces, a leading dash and
// a leading dot: recurse sets every entry's mode, and state=absent's diff
// lists every entry, as Ansible's os.walk does.
TEST_F(FilesCompat, OddNamesMatchAnsibleInRecurseAndInAbsentsDiff) {
  playbook_ = "odd_names.yml";
  const std::vector<std::string> names = {"plain", "with space", "-dash", "new\nline", "ends\n", ".hidden",
                                          "sub\ndir/-x y", "sub\ndir/deeper\n/f\ng", "sub\ndir/.h\n"};
  for (const char* side : {"ansible", "drover"})
    for (const char* top : {"kept", "gone"})
      for (const auto& name : names) {
        std::string p = dir_.path() + "/" + side + "/" + top + "/" + name;
        fs::create_directories(fs::path(p).parent_path());
        std::ofstream(p) << "x\n";
        ::chmod(p.c_str(), 0604);
      }
  compare_run({"--check", "--diff"}, "check run");
  compare_run({"--diff"}, "changing run");
  compare_run({"--diff"}, "second run");
}

}  // namespace
}  // namespace drover
