// unarchive and tempfile against Ansible's modules (ansible-core 2.14) over
// private sshd hosts: the same call by drover into ours/ and by ansible into
// theirs/; results must be equal once the trees' paths are made equal (and
// the fields that differ by nature are set aside: where Ansible copied a
// controller archive to, the tar command it ran, tempfile's random names),
// and so must the trees left behind (kind, mode, size, content).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <regex>

#include "core/strings.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "module_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;
using test::replaced_all;

class ArchiveCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const std::string d = dir_->path();
    // One tree in every format: nested directories, modes, an empty file,
    // a symlink, a name with a space.
    auto r = test::run_shell(
        "set -e; cd '" + d +
        "'; mkdir -p tree/etc/app tree/empty-dir ours theirs; printf 'a=1\\n' > "
        "tree/etc/app/a.conf; "
        "printf '#!/bin/sh\\necho hi\\n' > tree/run.sh; chmod 750 tree/run.sh; : > tree/empty; "
        "printf 'x\\n' > 'tree/with space.txt'; ln -s etc/app/a.conf tree/link; chmod 700 "
        "tree/etc; "
        "tar -C tree -czf t.tgz .; tar -C tree -cf t.tar .; tar -C tree -cjf t.tar.bz2 .; "
        "tar -C tree -cJf t.tar.xz .; (cd tree && zip -qry ../t.zip .); "
        "printf 'not an archive\\n' > broken.tgz");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    fleet_ = new test::SshdFleet(2);
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

  // `module args` with {d} (this test's directory) and {dest} (ours or
  // theirs), by both tools, compared with {dest} made equal.
  static ModuleOutcome same(const std::string& module, const std::string& args,
                            const std::vector<std::string>& flags = {}) {
    const std::string d = dir_->path();
    auto with = [&](const std::string& side) {
      return replaced_all(replaced_all(args, "{dest}", d + "/" + side), "{d}", d);
    };
    const bool controller =
        module == "unarchive" && args.find("remote_src=yes") == std::string::npos;
    ModuleOutcome o;
    o.theirs_json = natured(pair_->theirs(module, with("theirs"), flags), controller);
    o.ours_json = natured(pair_->ours(module, with("ours"), flags), controller);
    o.ours = replaced_all(test::sorted_dump(o.ours_json), d + "/ours", "DEST");
    o.theirs = replaced_all(test::sorted_dump(o.theirs_json), d + "/theirs", "DEST");
    EXPECT_EQ(o.ours, o.theirs) << module << " " << args;
    return o;
  }

  // What differs by nature. A controller archive: Ansible copies it to
  // ~/.ansible/tmp/ansible-tmp-*/source on the target and reports that copy
  // as src (gone when the task ends); drover streams it into a mktemp file
  // and reports the controller file it sent (as its copy module does). Both
  // copies' paths also appear in the extract command, unzip's "Archive:"
  // line and unzip's complaint about a broken archive.
  // pick_handler's failure lists each handler's reason from a Python set,
  // whose order changes from run to run: the reasons are compared as sorted
  // lines. unzip adds "note:  COPY may be a plain executable" for Ansible's
  // copy, which its _fixup_perms2 made executable; drover's is 0600.
  static Value natured(Value r, bool controller) {
    static const std::regex copies(
        "/root/\\.ansible/tmp/ansible-tmp-[^/]*/source|/tmp/tmp\\.[A-Za-z0-9]+");
    std::function<void(Value&)> walk = [&](Value& v) {
      if (v.is_string()) v = std::regex_replace(v.get<std::string>(), copies, "ARCHIVE COPY");
      if (v.is_structured())
        for (auto& child : v) walk(child);
    };
    if (controller && r.contains("src")) r["src"] = "ARCHIVE COPY";
    if (controller) {
      const std::string d = dir_->path();
      std::function<void(Value&)> controller_paths = [&](Value& v) {
        if (v.is_string())
          v = std::regex_replace(v.get<std::string>(),
                                 std::regex(d + "/[a-z.]+(tgz|tar|bz2|xz|zip)"), "ARCHIVE COPY");
        if (v.is_structured())
          for (auto& child : v) controller_paths(child);
      };
      controller_paths(r);
    }
    walk(r);
    if (r.contains("msg") && r["msg"].is_string() &&
        starts_with(r["msg"].get<std::string>(), "Failed to find handler")) {
      auto lines = split_lines(r["msg"].get<std::string>());
      std::erase_if(lines, [](const std::string& l) {
        return l.find("may be a plain executable") != std::string::npos;
      });
      std::sort(lines.begin() + 1, lines.end());
      std::string msg;
      for (const auto& l : lines) msg += l + "\n";
      r["msg"] = msg;
    }
    return r;
  }

  // The two trees under NAME, equal: kind, mode, size, link target, content.
  static std::string same_tree(const std::string& name) {
    auto look = [&](const std::string& side) {
      return test::run_shell("cd '" + dir_->path() + "/" + side + "/" + name +
                             "' 2>/dev/null || { echo absent; exit 0; }; "
                             "find . -printf '%y %m %s %l %P\\n' | sort; find . -type f -exec "
                             "sha1sum {} + | sort")
          .out;
    };
    std::string ours = look("ours"), theirs = look("theirs");
    EXPECT_EQ(ours, theirs) << name;
    return ours;
  }

  static void mkdirs(const std::string& name) {
    for (const char* side : {"ours", "theirs"})
      test::run_shell("mkdir -p '" + dir_->path() + "/" + side + "/" + name + "'");
  }

  static test::TempDir* dir_;
  static test::SshdFleet* fleet_;
  static test::ModulePair* pair_;
};

test::TempDir* ArchiveCompat::dir_ = nullptr;
test::SshdFleet* ArchiveCompat::fleet_ = nullptr;
test::ModulePair* ArchiveCompat::pair_ = nullptr;

TEST_F(ArchiveCompat, EveryFormatFromTheControllerCheckThenExtractThenIdempotent) {
  for (const std::string fmt : {"t.tgz", "t.tar", "t.tar.bz2", "t.tar.xz", "t.zip"}) {
    const std::string name = "x-" + fmt;
    mkdirs(name);
    const std::string args = "src={d}/" + fmt + " dest={dest}/" + name;
    // Check mode: a zip is compared (changed, with the itemized diff);
    // Ansible's tar handlers skip.
    const bool zip = fmt == "t.zip";
    ModuleOutcome c = same("unarchive", args, {"--check"});
    EXPECT_EQ(c.ours_json["changed"], zip) << fmt;
    EXPECT_EQ(c.ours_json.contains("skipped"), !zip) << fmt;
    EXPECT_EQ(c.ours_json.contains("diff"), zip) << fmt;
    EXPECT_EQ(same_tree(name), "d 755 4096  \n") << fmt;
    ModuleOutcome r = same("unarchive", args);
    EXPECT_EQ(r.ours_json["changed"], true) << fmt;
    EXPECT_EQ(r.ours_json["handler"], zip              ? "ZipArchive"
                                      : fmt == "t.tgz" ? "TgzArchive"
                                                       : "TarArchive")
        << fmt;
    EXPECT_NE(same_tree(name).find("f 750 18  run.sh"), std::string::npos) << fmt;
    ModuleOutcome again = same("unarchive", args);
    EXPECT_EQ(again.ours_json["changed"], false) << fmt;
    EXPECT_FALSE(again.ours_json.contains("extract_results")) << fmt;
    // dest keeps its own mode (0755) unless the archive has a "./" entry.
    EXPECT_NE(same_tree(name).find("d 755 4096  \n"), std::string::npos) << fmt;
  }
}

TEST_F(ArchiveCompat, RemoteSrcListFilesExcludeAndCreates) {
  mkdirs("r1");
  same("unarchive", "src={d}/t.tgz dest={dest}/r1 remote_src=yes list_files=yes exclude=empty");
  same_tree("r1");
  // A changed file in dest is put back; a file the archive lacks stays.
  for (const char* side : {"ours", "theirs"})
    test::run_shell("cd '" + dir_->path() + "/" + side +
                    "/r1' && echo changed > etc/app/a.conf && echo mine > extra");
  EXPECT_EQ(same("unarchive", "src={d}/t.tgz dest={dest}/r1 remote_src=yes").ours_json["changed"],
            true);
  same_tree("r1");
  mkdirs("r2");
  EXPECT_EQ(same("unarchive", "src={d}/t.zip dest={dest}/r2 remote_src=yes creates={dest}/r1/extra")
                .ours_json["changed"],
            false);
  same_tree("r2");
}

TEST_F(ArchiveCompat, ModeOnDestAndFailures) {
  mkdirs("m1");
  same("unarchive", "src={d}/t.tar dest={dest}/m1 mode=0750");
  same_tree("m1");
  same("unarchive", "src={d}/t.tgz dest={dest}/missing");
  same("unarchive", "src={d}/broken.tgz dest={dest}/m1");
  same("unarchive", "src={d}/broken.tgz dest={dest}/m1 remote_src=yes");
  // A zip has no "./" entry: dest's own mode stays; every entry and the top
  // folders get the mode.
  mkdirs("m2");
  same("unarchive", "src={d}/t.zip dest={dest}/m2 remote_src=yes mode=0750");
  same_tree("m2");
  same("unarchive", "src={d}/nope.tgz dest={dest}/m1 remote_src=yes");
}

TEST_F(ArchiveCompat, TempfileMakesFilesAndDirectoriesWhereAsked) {
  mkdirs("tmp");
  for (const std::string args :
       {"state=file path={dest}/tmp", "state=directory path={dest}/tmp prefix=build. suffix=.d",
        "path={dest}/tmp/missing", "state=file path={dest}/tmp suffix=.conf"}) {
    const std::string d = dir_->path();
    auto with = [&](const std::string& side) {
      return replaced_all(args, "{dest}", d + "/" + side);
    };
    Value theirs = pair_->theirs("tempfile", with("theirs"));
    Value ours = pair_->ours("tempfile", with("ours"));
    // The random part of the name aside, the results agree.
    auto shape = [&](Value r, const std::string& side) {
      if (r.contains("path") && r["path"].is_string()) {
        std::string p = replaced_all(r["path"].get<std::string>(), d + "/" + side, "DEST");
        std::string base = p.substr(p.rfind('/') + 1);
        r["path"] = p.substr(0, p.rfind('/') + 1) +
                    (base.rfind("build.", 0) == 0 ? "build." : "ansible.") +
                    (ends_with(base, ".d")      ? "*.d"
                     : ends_with(base, ".conf") ? "*.conf"
                                                : "*");
      }
      // A failure names the path mkstemp tried (random too); Ansible's
      // exception is the module's Python traceback, of which the callbacks
      // show the last line: drover's exception is that line.
      static const std::regex random_name("ansible\\.[a-z0-9_]{8}");
      if (r.contains("msg") && r["msg"].is_string())
        r["msg"] =
            std::regex_replace(replaced_all(r["msg"].get<std::string>(), d + "/" + side, "DEST"),
                               random_name, "ansible.*");
      if (r.contains("exception") && r["exception"].is_string()) {
        auto lines = split_lines(r["exception"].get<std::string>());
        r["exception"] = std::regex_replace(
            replaced_all(lines.empty() ? "" : lines.back(), d + "/" + side, "DEST"), random_name,
            "ansible.*");
      }
      return test::sorted_dump(r);
    };
    EXPECT_EQ(shape(ours, "ours"), shape(theirs, "theirs")) << args;
  }
  auto listing = [&](const char* side) {
    return test::run_shell("cd '" + dir_->path() + "/" + side +
                           "/tmp' && find . -printf '%y %m\\n' | sort")
        .out;
  };
  EXPECT_EQ(listing("ours"), listing("theirs"));
}

}  // namespace
}  // namespace drover
