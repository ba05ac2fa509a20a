// The file modules (copy, template, file, lineinfile, stat) through the
// local connection: the scripts they build run in a real /bin/sh on temp
// directories; each state, check mode, diff mode and idempotence.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "harness/process.hpp"
#include "modules/controller_files.hpp"
#include "modules/file_attrs.hpp"
#include "modules/file_write.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const std::string& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 07777;
}

class FileModules : public ::testing::Test {
 protected:
  void SetUp() override {
    ConnectionSpec spec;
    spec.name = "localhost";
    spec.type = "local";
    conn_ = make_connection(spec);
    conn_->connect();
  }
  Value run(const std::string& module, Value args, bool check = false, bool diff = false) {
    const ModuleEntry* m = find_module(module);
    EXPECT_NE(m, nullptr);
    ModuleContext ctx;
    ctx.connection = conn_.get();
    ctx.check_mode = check;
    ctx.diff_mode = diff;
    ctx.templar = &engine_;
    ctx.vars = &vars_;
    ctx.search_path = {dir.path()};
    ctx.controller_files = controller_files_;
    return m->module->run(validate_args(m->name, m->module->spec(), args), ctx);
  }
  std::string p(const std::string& rel) const { return dir.path() + "/" + rel; }

  test::TempDir dir;
  tmpl::Engine engine_;
  Value var_values{{"who", "world"}, {"items", {1, 2}}};
  tmpl::ValueVariables vars_{var_values};
  std::unique_ptr<Connection> conn_;
  files::ControllerFiles* controller_files_ = nullptr;
};

TEST(FileAttrs, ModesNormaliseLikeAnsible) {
  EXPECT_EQ(files::attrs_from_args(Value{{"mode", 420}}).mode, "0644");
  EXPECT_EQ(files::attrs_from_args(Value{{"mode", "644"}}).mode, "0644");
  EXPECT_EQ(files::attrs_from_args(Value{{"mode", "01777"}}).mode, "1777");
  EXPECT_EQ(files::attrs_from_args(Value{{"mode", "u=rwx,g=rx,o-w"}}).mode, "u=rwx,g=rx,o-w");
  EXPECT_THROW(files::attrs_from_args(Value{{"mode", "u=rwz"}}), Error);
}

TEST(FileAttrs, AnswerRecordsAndStatLinesParse) {
  auto a = parse_answer("noise\x1e" "dest\n/tmp/x\x1e" "before\nline1\nline2\n");
  EXPECT_EQ(a["dest"], "/tmp/x");
  EXPECT_EQ(a["before"], "line1\nline2\n");
  auto st = files::parse_stat("81a4 0 0 6 1 root root\n");
  EXPECT_TRUE(st.exists);
  EXPECT_EQ(st.kind, 'f');
  EXPECT_EQ(files::mode_string(st.mode), "0644");
  EXPECT_EQ(st.owner, "root");
  EXPECT_EQ(files::state_name(files::parse_stat("41ed 0 0 4096 2 root root")), "directory");
  EXPECT_FALSE(files::parse_stat("").exists);
}

TEST(ControllerFiles, ReadsAFileOnceAndSharesItsBytesAndDigests) {
  test::TempDir dir;
  dir.write("f", "hello\n");
  files::ControllerFiles cache;
  files::ContentPtr a = cache.read(dir.path() + "/f");
  files::ContentPtr b = cache.read(dir.path() + "/f");
  ASSERT_TRUE(a);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a->bytes(), "hello\n");
  EXPECT_EQ(a->sha1(), "f572d396fae9206628714fb2ce00f72e94f2258f");
  EXPECT_EQ(a->md5(), "b1946ac92492d2347c6235b4d2611184");
  EXPECT_EQ(cache.disk_reads(), 1u);
}

TEST(ControllerFiles, ReadsAgainWhenTheFileChanges) {
  test::TempDir dir;
  dir.write("f", "one\n");
  files::ControllerFiles cache;
  EXPECT_EQ(cache.read(dir.path() + "/f")->bytes(), "one\n");
  dir.write("f", "second\n");
  EXPECT_EQ(cache.read(dir.path() + "/f")->bytes(), "second\n");
  EXPECT_EQ(cache.disk_reads(), 2u);
}

TEST(ControllerFiles, MissingFilesAndDirectoriesAreNull) {
  test::TempDir dir;
  files::ControllerFiles cache;
  EXPECT_FALSE(cache.read(dir.path() + "/missing"));
  EXPECT_FALSE(cache.read(dir.path()));
  EXPECT_FALSE(files::read_controller_file(nullptr, dir.path() + "/missing"));
  dir.write("f", "x");
  EXPECT_EQ(files::read_controller_file(nullptr, dir.path() + "/f")->bytes(), "x");
}

TEST(ControllerFiles, ConcurrentHostsShareOneRead) {
  test::TempDir dir;
  dir.write("f", std::string(1 << 20, 'x'));
  files::ControllerFiles cache;
  std::vector<files::ContentPtr> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] { got[i] = cache.read(dir.path() + "/f"); });
  for (auto& t : threads) t.join();
  for (const auto& c : got) EXPECT_EQ(c, got[0]);
  EXPECT_EQ(got[0]->size(), size_t{1} << 20);
  EXPECT_EQ(cache.disk_reads(), 1u);
}

TEST(ControllerFiles, FilesPastTheBudgetAreSharedOnlyWhileInUse) {
  test::TempDir dir;
  dir.write("small", "ab");
  dir.write("big", "0123456789");
  files::ControllerFiles cache(4);
  cache.read(dir.path() + "/small");
  files::ContentPtr held = cache.read(dir.path() + "/big");
  EXPECT_EQ(cache.read(dir.path() + "/big"), held);
  held.reset();
  EXPECT_EQ(cache.read(dir.path() + "/big")->bytes(), "0123456789");
  cache.read(dir.path() + "/small");
  EXPECT_EQ(cache.disk_reads(), 3u);  // small once (kept), big twice
}

TEST(FileModuleArgs, ExclusiveOptionsFailAtLoadTimeUnlessTemplated) {
  const ModuleEntry* copy = find_module("copy");
  EXPECT_THROW(check_args("copy", copy->module->spec(), Value{{"src", "a"}, {"content", "b"}, {"dest", "/x"}}), Error);
  EXPECT_NO_THROW(check_args("copy", copy->module->spec(), Value{{"src", "a"}, {"content", "{{ c }}"}, {"dest", "/x"}}));
  const ModuleEntry* lif = find_module("lineinfile");
  EXPECT_THROW(check_args("lineinfile", lif->module->spec(),
                          Value{{"path", "/x"}, {"line", "l"}, {"insertafter", "a"}, {"insertbefore", "b"}}),
               Error);
  EXPECT_THROW(check_args("file", find_module("file")->module->spec(), Value{{"path", "/x"}, {"state", "dir"}}), Error);
}

TEST_F(FileModules, ScriptDirnameAgreesWithDirnameWithoutAProcess) {
  std::string script = files::script_prelude(false);
  for (const char* path : {"/a/b", "/a/b/", "a", "a/b", "/", "/a", "a//b//", "//a", "///", "a b/c d"})
    script += "x=" + files::q(path) + "; _dr_dirname \"$x\"; [ \"$_dr_d\" = \"$(dirname -- \"$x\")\" ] || echo \"$x: $_dr_d\"\n";
  ExecResult r = conn_->exec(script);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(FileModules, ResultAttributesFollowChangesMadeByTheSameScript) {
  dir.write("a", "x\n");
  ::chmod(p("a").c_str(), 0600);
  Value r = run("file", Value{{"path", p("a")}, {"mode", "0640"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["mode"], "0640");
  r = run("file", Value{{"path", p("a")}, {"mode", "0640"}});
  EXPECT_EQ(r["changed"], false) << r.dump();
  EXPECT_EQ(r["mode"], "0640");
  r = run("copy", Value{{"content", "y\n"}, {"dest", p("a")}, {"mode", "u+x"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["mode"], "0740");
  EXPECT_EQ(r["size"], 2);
}

TEST_F(FileModules, CopyContentCreatesThenIsIdempotent) {
  Value r = run("copy", Value{{"content", "hello\n"}, {"dest", p("a")}, {"mode", "0640"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["checksum"], "f572d396fae9206628714fb2ce00f72e94f2258f");
  EXPECT_EQ(r["md5sum"], "b1946ac92492d2347c6235b4d2611184");
  EXPECT_EQ(r["mode"], "0640");
  EXPECT_EQ(r["state"], "file");
  EXPECT_EQ(r["size"], 6);
  EXPECT_EQ(test::read_file(p("a")), "hello\n");
  EXPECT_EQ(mode_of(p("a")), 0640u);
  r = run("copy", Value{{"content", "hello\n"}, {"dest", p("a")}, {"mode", "0640"}});
  EXPECT_EQ(r["changed"], false) << r.dump();
  EXPECT_EQ(r["path"], p("a"));
  EXPECT_FALSE(r.contains("md5sum"));
}

// A new file with a mode appears with that mode: its temporary copy is
// chmod'ed before the rename, never the file after it (which would leave it
// readable under the umask's mode for a moment, and cost a chmod and a stat
// more). chmod is wrapped on PATH to log what it is run on.
TEST_F(FileModules, ANewFileAppearsWithItsModeNotChmodedAfterwards) {
  std::string log = p("chmod.log");
  std::string wrapper = dir.write("bin/chmod", "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + log + "\nexec /bin/chmod \"$@\"\n");
  ::chmod(wrapper.c_str(), 0755);
  std::string path = std::getenv("PATH");
  ::setenv("PATH", (p("bin") + ":" + path).c_str(), 1);
  dir.write("app.j2", "secret={{ who }}\n");
  Value c = run("copy", Value{{"content", "secret\n"}, {"dest", p("a")}, {"mode", "0600"}});
  Value t = run("template", Value{{"src", "app.j2"}, {"dest", p("b")}, {"mode", "0640"}});
  ::setenv("PATH", path.c_str(), 1);
  EXPECT_EQ(c["mode"], "0600") << c.dump();
  EXPECT_EQ(t["mode"], "0640") << t.dump();
  EXPECT_EQ(mode_of(p("a")), 0600u);
  EXPECT_EQ(mode_of(p("b")), 0640u);
  std::string calls = test::read_file(log);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), '\n'), 2) << calls;
  EXPECT_EQ(calls.find(p("a") + "\n"), std::string::npos) << calls;
  EXPECT_EQ(calls.find(p("b") + "\n"), std::string::npos) << calls;
}

TEST_F(FileModules, CopyCheckModeChangesNothingAndDiffShowsBeforeAndAfter) {
  dir.write("a", "old\n");
  Value r = run("copy", Value{{"content", "new\n"}, {"dest", p("a")}}, true, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(test::read_file(p("a")), "old\n");
  ASSERT_TRUE(r["diff"].is_array()) << r.dump();
  EXPECT_EQ(r["diff"][0]["before"], "old\n");
  EXPECT_EQ(r["diff"][0]["after"], "new\n");
  EXPECT_EQ(r["diff"][0]["before_header"], p("a"));
}

TEST_F(FileModules, CopyBackupKeepsTheOldFileUnderAnsiblesName) {
  dir.write("a", "old\n");
  Value r = run("copy", Value{{"content", "new\n"}, {"dest", p("a")}, {"backup", true}});
  ASSERT_TRUE(r.contains("backup_file")) << r.dump();
  std::string b = r["backup_file"].get<std::string>();
  EXPECT_EQ(b.rfind(p("a") + ".", 0), 0u);
  EXPECT_EQ(b.back(), '~');
  EXPECT_EQ(test::read_file(b), "old\n");
  EXPECT_EQ(test::read_file(p("a")), "new\n");
}

TEST_F(FileModules, CopyKeepsAnExistingFilesModeAndForceNoLeavesItAlone) {
  dir.write("a", "old\n");
  ::chmod(p("a").c_str(), 0600);
  run("copy", Value{{"content", "new\n"}, {"dest", p("a")}});
  EXPECT_EQ(mode_of(p("a")), 0600u);
  Value r = run("copy", Value{{"content", "other\n"}, {"dest", p("a")}, {"force", false}});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(test::read_file(p("a")), "new\n");
}

TEST_F(FileModules, CopySrcIntoADirectoryAndRecursiveTrees) {
  dir.write("files/one.txt", "1\n");
  dir.write("tree/x/y.txt", "y\n");
  dir.write("tree/z.txt", "z\n");
  fs::create_directory(p("dest"));
  Value r = run("copy", Value{{"src", "one.txt"}, {"dest", p("dest")}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(test::read_file(p("dest/one.txt")), "1\n");
  r = run("copy", Value{{"src", p("tree")}, {"dest", p("dest")}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(test::read_file(p("dest/tree/x/y.txt")), "y\n");
  r = run("copy", Value{{"src", p("tree") + "/"}, {"dest", p("flat")}});
  EXPECT_EQ(test::read_file(p("flat/z.txt")), "z\n");
  r = run("copy", Value{{"src", p("tree") + "/"}, {"dest", p("flat")}});
  EXPECT_EQ(r["changed"], false) << r.dump();
}

TEST_F(FileModules, CopySrcToManyDestsReadsTheControllerFileOnce) {
  // Bigger than the inline limit: sent in chunks on a second trip.
  std::string big(files::kInlineLimit * 3 + 17, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 % 251);
  dir.write("files/big.bin", big);
  files::ControllerFiles cache;
  controller_files_ = &cache;
  for (const char* dest : {"one.bin", "two.bin", "three.bin"}) {
    Value r = run("copy", Value{{"src", "big.bin"}, {"dest", p(dest)}});
    EXPECT_EQ(r["changed"], true) << r.dump();
    EXPECT_EQ(r["checksum"], files::sha1_hex(big));
    EXPECT_EQ(r["md5sum"], files::md5_hex(big));
    EXPECT_EQ(test::read_file(p(dest)), big);
  }
  Value again = run("copy", Value{{"src", "big.bin"}, {"dest", p("one.bin")}});
  EXPECT_EQ(again["changed"], false) << again.dump();
  EXPECT_EQ(cache.disk_reads(), 1u);
}

TEST_F(FileModules, CopyValidateFailureLeavesDestUntouched) {
  dir.write("a", "old\n");
  Value r = run("copy", Value{{"content", "new\n"}, {"dest", p("a")}, {"validate", "grep -q nothing %s"}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"], "failed to validate");
  EXPECT_EQ(test::read_file(p("a")), "old\n");
}

TEST_F(FileModules, CopyToAMissingDirectoryFails) {
  Value r = run("copy", Value{{"content", "x"}, {"dest", p("nope/a")}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_NE(r["msg"].get<std::string>().find("does not exist"), std::string::npos) << r.dump();
}

TEST_F(FileModules, TemplateRendersWithTaskAndTemplateVariables) {
  dir.write("templates/t.j2", "hi {{ who }} {{ ansible_managed }}\n{% for i in items %}{{ i }}\n{% endfor %}");
  Value r = run("template", Value{{"src", "t.j2"}, {"dest", p("out")}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(test::read_file(p("out")), "hi world Ansible managed\n1\n2\n");
  r = run("template", Value{{"src", "t.j2"}, {"dest", p("out")}});
  EXPECT_EQ(r["changed"], false);
}

TEST_F(FileModules, TemplateNewlineSequenceAndDelimiters) {
  dir.write("t.j2", "a [[ who ]]\nb\n");
  Value r = run("template", Value{{"src", p("t.j2")}, {"dest", p("out")}, {"newline_sequence", "\r\n"},
                                  {"variable_start_string", "[["}, {"variable_end_string", "]]"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(test::read_file(p("out")), "a world\r\nb\r\n");
}

TEST_F(FileModules, FileDirectoryCreatesParentsWithModeThenIsIdempotent) {
  Value r = run("file", Value{{"path", p("d1/d2")}, {"state", "directory"}, {"mode", "0750"}}, false, true);
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["state"], "directory");
  EXPECT_EQ(r["diff"]["before"]["state"], "absent");
  EXPECT_EQ(mode_of(p("d1")), 0750u);
  EXPECT_EQ(mode_of(p("d1/d2")), 0750u);
  r = run("file", Value{{"path", p("d1/d2")}, {"state", "directory"}, {"mode", "0750"}});
  EXPECT_EQ(r["changed"], false);
}

TEST_F(FileModules, FileSymbolicModeAndDiffOfModes) {
  dir.write("f", "x");
  ::chmod(p("f").c_str(), 0644);
  Value r = run("file", Value{{"path", p("f")}, {"mode", "u+x,g-r"}}, true, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(mode_of(p("f")), 0644u);  // check mode
  EXPECT_EQ(r["diff"]["before"]["mode"], "0644");
  EXPECT_EQ(r["diff"]["after"]["mode"], "0704");
  r = run("file", Value{{"path", p("f")}, {"mode", "u+x,g-r"}});
  EXPECT_EQ(mode_of(p("f")), 0704u);
  r = run("file", Value{{"path", p("f")}, {"mode", "u+x,g-r"}});
  EXPECT_EQ(r["changed"], false);
}

TEST_F(FileModules, FileStateFileOnAMissingPathFails) {
  Value r = run("file", Value{{"path", p("missing")}, {"state", "file"}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"], "file (" + p("missing") + ") is absent, cannot continue");
}

TEST_F(FileModules, FileLinkHardTouchAbsent) {
  dir.write("target", "t");
  Value r = run("file", Value{{"path", p("l")}, {"src", p("target")}, {"state", "link"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(fs::read_symlink(p("l")).string(), p("target"));
  EXPECT_EQ(r["state"], "link");
  EXPECT_EQ(run("file", Value{{"path", p("l")}, {"src", p("target")}, {"state", "link"}})["changed"], false);
  r = run("file", Value{{"path", p("h")}, {"src", p("target")}, {"state", "hard"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["state"], "hard");
  EXPECT_EQ(run("file", Value{{"path", p("h")}, {"src", p("target")}, {"state", "hard"}})["changed"], false);
  r = run("file", Value{{"path", p("t")}, {"state", "touch"}});
  EXPECT_EQ(r["changed"], true);
  EXPECT_TRUE(fs::exists(p("t")));
  r = run("file", Value{{"path", p("l")}, {"state", "absent"}});
  EXPECT_EQ(r["changed"], true);
  EXPECT_FALSE(fs::exists(fs::symlink_status(p("l"))));
  r = run("file", Value{{"path", p("l")}, {"state", "absent"}});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(r["state"], "absent");
}

TEST_F(FileModules, FileAbsentOfADirectoryDiffListsItsContentAsOsWalk) {
  dir.write("t/a/x.txt", "x");
  dir.write("t/a/b/y.txt", "y");
  dir.write("t/z.txt", "z");
  fs::create_directories(p("t/c"));
  fs::create_symlink(p("t/a"), p("t/alink"));
  // Ansible's initial_diff walks the tree with os.walk (readdir order).
  test::ProcessResult py = test::run_process(
      {"/usr/bin/python3", "-c",
       "import json, os, sys\n"
       "w = {'directories': [], 'files': []}\n"
       "for base, dirs, files in os.walk(sys.argv[1]):\n"
       "    w['directories'] += [os.path.join(base, d) for d in dirs]\n"
       "    w['files'] += [os.path.join(base, f) for f in files]\n"
       "print(json.dumps(w))\n",
       p("t")});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  Value r = run("file", Value{{"path", p("t")}, {"state", "absent"}}, false, true);
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["diff"]["before"]["path_content"], Value::parse(py.out)) << r.dump();
  EXPECT_EQ(r["diff"]["before"]["state"], "directory");
  EXPECT_FALSE(fs::exists(p("t")));
}

TEST_F(FileModules, FileWithoutStateKeepsAHardLinkHard) {
  dir.write("f", "x");
  fs::create_hard_link(p("f"), p("h"));
  ::chmod(p("f").c_str(), 0644);
  Value r = run("file", Value{{"path", p("f")}, {"mode", "0604"}}, false, true);
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["diff"]["before"], (Value{{"path", p("f")}, {"mode", "0644"}})) << r.dump();
  EXPECT_EQ(r["diff"]["after"], (Value{{"path", p("f")}, {"mode", "0604"}})) << r.dump();
  EXPECT_EQ(mode_of(p("h")), 0604u);
}

TEST_F(FileModules, FileRecurseAppliesModeBelow) {
  dir.write("r/a/b", "x");
  Value r = run("file", Value{{"path", p("r")}, {"state", "directory"}, {"recurse", true}, {"mode", "u=rwX,go="}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(mode_of(p("r/a")), 0700u);
  EXPECT_EQ(mode_of(p("r/a/b")), 0600u);
  r = run("file", Value{{"path", p("r")}, {"state", "directory"}, {"recurse", true}, {"mode", "u=rwX,go="}});
  EXPECT_EQ(r["changed"], false) << r.dump();
}

TEST_F(FileModules, LineInFileReplacesTheLastRegexpMatch) {
  dir.write("f", "a=1\nb=2\na=3\n");
  Value r = run("lineinfile", Value{{"path", p("f")}, {"regexp", "^a="}, {"line", "a=9"}}, false, true);
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["msg"], "line replaced");
  EXPECT_EQ(test::read_file(p("f")), "a=1\nb=2\na=9\n");
  EXPECT_EQ(r["diff"][0]["before"], "a=1\nb=2\na=3\n");
  EXPECT_EQ(r["diff"][0]["after"], "a=1\nb=2\na=9\n");
  EXPECT_EQ(run("lineinfile", Value{{"path", p("f")}, {"regexp", "^a="}, {"line", "a=9"}})["changed"], false);
}

TEST_F(FileModules, LineInFileInsertsAfterLastMatchWhenRegexpMisses) {
  dir.write("f", "[s]\nx=1\n[s]\ny=2\n");
  Value r = run("lineinfile", Value{{"path", p("f")}, {"regexp", "^z="}, {"line", "z=3"}, {"insertafter", "^\\[s\\]"}});
  EXPECT_EQ(r["msg"], "line added");
  EXPECT_EQ(test::read_file(p("f")), "[s]\nx=1\n[s]\nz=3\ny=2\n");
  r = run("lineinfile", Value{{"path", p("f")}, {"line", "first"}, {"insertbefore", "BOF"}});
  EXPECT_EQ(test::read_file(p("f")), "first\n[s]\nx=1\n[s]\nz=3\ny=2\n");
}

TEST_F(FileModules, LineInFileBackrefsAndAbsentAndCreate) {
  dir.write("f", "port=80\nname=x\n");
  run("lineinfile", Value{{"path", p("f")}, {"regexp", "^port=(\\d+)"}, {"line", "port=\\g<1>80"}, {"backrefs", true}});
  EXPECT_EQ(test::read_file(p("f")), "port=8080\nname=x\n");
  Value r = run("lineinfile", Value{{"path", p("f")}, {"regexp", "^name="}, {"state", "absent"}});
  EXPECT_EQ(r["msg"], "1 line(s) removed");
  EXPECT_EQ(r["found"], 1);
  EXPECT_EQ(test::read_file(p("f")), "port=8080\n");
  r = run("lineinfile", Value{{"path", p("new/g")}, {"line", "x"}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["rc"], 257);
  r = run("lineinfile", Value{{"path", p("new/g")}, {"line", "x"}, {"create", true}, {"mode", "0600"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(test::read_file(p("new/g")), "x\n");
  EXPECT_EQ(mode_of(p("new/g")), 0600u);
}

TEST_F(FileModules, LineInFileCheckModeWritesNothing) {
  dir.write("f", "a\n");
  Value r = run("lineinfile", Value{{"path", p("f")}, {"line", "b"}}, true);
  EXPECT_EQ(r["changed"], true);
  EXPECT_EQ(test::read_file(p("f")), "a\n");
}

TEST_F(FileModules, StatReportsFilesLinksAndMissingPaths) {
  dir.write("f", "hello\n");
  ::chmod(p("f").c_str(), 0640);
  fs::create_symlink(p("f"), p("l"));
  Value r = run("stat", Value{{"path", p("f")}});
  EXPECT_EQ(r["changed"], false);
  EXPECT_EQ(r["stat"]["exists"], true);
  EXPECT_EQ(r["stat"]["isreg"], true);
  EXPECT_EQ(r["stat"]["mode"], "0640");
  EXPECT_EQ(r["stat"]["size"], 6);
  EXPECT_EQ(r["stat"]["checksum"], "f572d396fae9206628714fb2ce00f72e94f2258f");
  EXPECT_EQ(r["stat"]["rgrp"], true);
  EXPECT_EQ(r["stat"]["woth"], false);
  r = run("stat", Value{{"path", p("l")}});
  EXPECT_EQ(r["stat"]["islnk"], true);
  EXPECT_EQ(r["stat"]["lnk_target"], p("f"));
  r = run("stat", Value{{"path", p("l")}, {"follow", true}});
  EXPECT_EQ(r["stat"]["isreg"], true);
  r = run("stat", Value{{"path", p("none")}});
  EXPECT_EQ(r["stat"], (Value{{"exists", false}}));
}

TEST_F(FileModules, BlockInFileInsertsUpdatesAndRemovesItsBlock) {
  dir.write("f", "a\nb\n");
  Value r = run("blockinfile", Value{{"path", p("f")}, {"block", "x=1\ny=2"}, {"insertafter", "^a"}});
  EXPECT_EQ(r["msg"], "Block inserted") << r.dump();
  EXPECT_EQ(test::read_file(p("f")),
            "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx=1\ny=2\n# END ANSIBLE MANAGED BLOCK\nb\n");
  EXPECT_EQ(run("blockinfile", Value{{"path", p("f")}, {"block", "x=1\ny=2"}, {"insertafter", "^a"}})["changed"], false);
  run("blockinfile", Value{{"path", p("f")}, {"block", "z=3"}});
  EXPECT_EQ(test::read_file(p("f")), "a\n# BEGIN ANSIBLE MANAGED BLOCK\nz=3\n# END ANSIBLE MANAGED BLOCK\nb\n");
  r = run("blockinfile", Value{{"path", p("f")}, {"state", "absent"}});
  EXPECT_EQ(r["msg"], "Block removed");
  EXPECT_EQ(test::read_file(p("f")), "a\nb\n");
  r = run("blockinfile", Value{{"path", p("g")}, {"block", "k"}, {"create", true}, {"marker", "// {mark}"}});
  EXPECT_EQ(r["msg"], "File created");
  EXPECT_EQ(test::read_file(p("g")), "// BEGIN\nk\n// END\n");
}

// A pattern with a leading (?m) is searched in the whole text (2.14): the
// block goes after the line where the match ends; without the flag each
// line is searched alone, so a pattern spanning lines misses (end of file).
TEST_F(FileModules, BlockInFileMultilinePatternMatchesAcrossLines) {
  dir.write("f", "head\nLIST =\n  (ITEM =\n  )\ntail\n");
  Value r = run("blockinfile", Value{{"path", p("f")}, {"block", "new"}, {"insertafter", "(?m)LIST =\\n.*\\(ITEM ="},
                                     {"marker", "# {mark} 1"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(test::read_file(p("f")), "head\nLIST =\n  (ITEM =\n# BEGIN 1\nnew\n# END 1\n  )\ntail\n");
  run("blockinfile", Value{{"path", p("f")}, {"block", "new"}, {"insertbefore", "(?m)^LIST =\\n"}, {"marker", "# {mark} 2"}});
  EXPECT_EQ(test::read_file(p("f")),
            "head\n# BEGIN 2\nnew\n# END 2\nLIST =\n  (ITEM =\n# BEGIN 1\nnew\n# END 1\n  )\ntail\n");
  dir.write("g", "LIST =\n  (ITEM =\nend\n");
  run("blockinfile", Value{{"path", p("g")}, {"block", "new"}, {"insertafter", "LIST =\\n.*\\(ITEM ="}});
  EXPECT_EQ(test::read_file(p("g")), "LIST =\n  (ITEM =\nend\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\n");
}

// validate as lineinfile, blockinfile and replace word it (write_changes).
TEST_F(FileModules, LineEditingValidateFailuresAreWordedAsAnsibles) {
  Value r = run("blockinfile", Value{{"path", p("v")}, {"block", "line1"}, {"create", true}, {"validate", "grep"}});
  EXPECT_EQ(r["msg"], "validate must contain %s: grep") << r.dump();
  r = run("blockinfile",
          Value{{"path", p("v")}, {"block", "line1"}, {"create", true}, {"validate", "grep -q line47 %s"}});
  EXPECT_EQ(r["msg"], "failed to validate: rc:1 error:") << r.dump();
  EXPECT_FALSE(r.contains("exit_status"));
  r = run("blockinfile", Value{{"path", p("v")}, {"block", "line1"}, {"create", true}, {"validate", "grep -q line1 %s"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  r = run("lineinfile", Value{{"path", p("v")}, {"line", "line1"}, {"validate", "true"}});
  EXPECT_EQ(r["changed"], false) << "nothing to write, nothing to validate: " << r.dump();
}

TEST_F(FileModules, ReplaceSubstitutesEveryMatchWithinTheSection) {
  dir.write("f", "a1\n[x]\na2\na3\n[y]\na4\n");
  Value r = run("replace", Value{{"path", p("f")}, {"regexp", "^a(\\d)$"}, {"replace", "b\\1"},
                                 {"after", "\\[x\\]"}, {"before", "\\[y\\]"}}, false, true);
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["msg"], "2 replacements made");
  EXPECT_EQ(test::read_file(p("f")), "a1\n[x]\nb2\nb3\n[y]\na4\n");
  EXPECT_EQ(r["diff"]["after"], "a1\n[x]\nb2\nb3\n[y]\na4\n");
  r = run("replace", Value{{"path", p("f")}, {"regexp", "^a(\\d)$"}, {"replace", "b\\1"},
                           {"after", "\\[x\\]"}, {"before", "\\[y\\]"}});
  EXPECT_EQ(r["changed"], false);
  r = run("replace", Value{{"path", p("missing")}, {"regexp", "x"}});
  EXPECT_EQ(r["rc"], 257);
}

TEST_F(FileModules, SlurpReturnsBase64) {
  dir.write("f", "hello\n");
  Value r = run("slurp", Value{{"src", p("f")}});
  EXPECT_EQ(r["content"], "aGVsbG8K");
  EXPECT_EQ(r["encoding"], "base64");
  r = run("slurp", Value{{"src", p("none")}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"], "file not found: " + p("none"));
}

TEST_F(FileModules, FetchCopiesToHostDirectoryOrFlatDest) {
  dir.write("remote/etc/x.conf", "x\n");
  Value r = run("fetch", Value{{"src", p("remote/etc/x.conf")}, {"dest", p("out")}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(test::read_file(p("out/") + "/" + p("remote/etc/x.conf")), "x\n");
  r = run("fetch", Value{{"src", p("remote/etc/x.conf")}, {"dest", p("out")}});
  EXPECT_EQ(r["changed"], false) << r.dump();
  r = run("fetch", Value{{"src", p("remote/etc/x.conf")}, {"dest", p("flat/")}, {"flat", true}});
  EXPECT_EQ(test::read_file(p("flat/x.conf")), "x\n");
  r = run("fetch", Value{{"src", p("nothing")}, {"dest", p("out")}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"], "the remote file does not exist, not transferring, ignored");
}

TEST_F(FileModules, FindFiltersByPatternTypeSizeAndDepth) {
  dir.write("t/a.log", "12345");
  dir.write("t/b.txt", "1");
  dir.write("t/.hidden.log", "1");
  dir.write("t/sub/c.log", "hello world");
  Value r = run("find", Value{{"paths", p("t")}, {"patterns", "*.log"}});
  EXPECT_EQ(r["matched"], 1) << r.dump();
  EXPECT_EQ(r["files"][0]["path"], p("t/a.log"));
  r = run("find", Value{{"paths", p("t")}, {"patterns", "*.log"}, {"recurse", true}, {"hidden", true}});
  EXPECT_EQ(r["matched"], 3) << r.dump();
  r = run("find", Value{{"paths", p("t")}, {"patterns", "*.log"}, {"recurse", true}, {"size", "5"}});
  EXPECT_EQ(r["matched"], 2) << r.dump();
  r = run("find", Value{{"paths", p("t")}, {"file_type", "directory"}});
  EXPECT_EQ(r["matched"], 1);
  EXPECT_EQ(r["files"][0]["isdir"], true);
  r = run("find", Value{{"paths", p("t")}, {"recurse", true}, {"contains", "hello"}, {"get_checksum", true}});
  EXPECT_EQ(r["matched"], 1) << r.dump();
  EXPECT_EQ(r["files"][0]["checksum"], "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
  r = run("find", Value{{"paths", p("t"), }, {"patterns", "^[ab]\\."}, {"use_regex", true}});
  EXPECT_EQ(r["matched"], 2) << r.dump();
  r = run("find", Value{{"paths", p("none")}});
  EXPECT_EQ(r["msg"], "Not all paths examined, check warnings for details");
}

TEST_F(FileModules, TempfileMakesFilesAndDirectories) {
  Value r = run("tempfile", Value{{"path", dir.path()}, {"suffix", ".tmp"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  std::string f = r["path"].get<std::string>();
  EXPECT_EQ(f.rfind(p("ansible."), 0), 0u);
  EXPECT_TRUE(fs::is_regular_file(f));
  r = run("tempfile", Value{{"path", dir.path()}, {"state", "directory"}});
  EXPECT_TRUE(fs::is_directory(r["path"].get<std::string>()));
  EXPECT_EQ(r["state"], "directory");
  // A missing directory fails with Python's OSError text, naming the path
  // mkstemp tried.
  r = run("tempfile", Value{{"path", p("missing")}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["msg"].get<std::string>().rfind("[Errno 2] No such file or directory: '" + p("missing/ansible."), 0), 0u)
      << r.dump();
}

TEST_F(FileModules, AssembleJoinsFragmentsInNameOrderWithDelimiters) {
  dir.write("frags/02-b", "b");
  dir.write("frags/01-a", "a\n");
  dir.write("frags/.hidden", "h\n");
  dir.write("frags/skip.bak", "s\n");
  Value r = run("assemble", Value{{"src", p("frags")}, {"dest", p("out")}, {"regexp", "^0"}, {"delimiter", "#--"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["msg"], "OK");
  EXPECT_EQ(test::read_file(p("out")), "a\n#--\nb");
  r = run("assemble", Value{{"src", p("frags")}, {"dest", p("out")}, {"regexp", "^0"}, {"delimiter", "#--"}});
  EXPECT_EQ(r["changed"], false);
  r = run("assemble", Value{{"src", p("frags")}, {"dest", p("out2")}, {"ignore_hidden", true}, {"remote_src", false}});
  EXPECT_EQ(test::read_file(p("out2")), "a\nb\ns\n");
}

TEST_F(FileModules, UnarchiveTarGzFromTheControllerAndZipOnTheTarget) {
  dir.write("src/app/bin/run", "#!/bin/sh\n");
  dir.write("src/app/README", "read me\n");
  ::chmod(p("src/app/bin/run").c_str(), 0755);
  ASSERT_EQ(test::run_shell("cd " + p("src") + " && mkdir -p ../files && tar -czf ../files/app.tgz app && zip -qr ../app.zip app").exit_code, 0);
  fs::create_directory(p("out"));
  // Check mode: Ansible's tar handlers skip; nothing is written.
  Value r = run("unarchive", Value{{"src", "app.tgz"}, {"dest", p("out")}}, true);
  EXPECT_EQ(r["skipped"], true) << r.dump();
  EXPECT_FALSE(fs::exists(p("out/app")));
  r = run("unarchive", Value{{"src", "app.tgz"}, {"dest", p("out")}, {"list_files", true}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["handler"], "TgzArchive");
  EXPECT_EQ(test::read_file(p("out/app/README")), "read me\n");
  EXPECT_EQ(mode_of(p("out/app/bin/run")), 0755u);
  EXPECT_EQ(r["files"].size(), 4u);
  EXPECT_EQ(run("unarchive", Value{{"src", "app.tgz"}, {"dest", p("out")}})["changed"], false);
  // An edited file (its mtime no longer the archive's) is put back.
  dir.write("out/app/README", "changed\n");
  ASSERT_EQ(test::run_shell("touch -d 2000-01-01 " + p("out/app/README")).exit_code, 0);
  EXPECT_EQ(run("unarchive", Value{{"src", "app.tgz"}, {"dest", p("out")}})["changed"], true);
  EXPECT_EQ(test::read_file(p("out/app/README")), "read me\n");
  fs::create_directory(p("zout"));
  ::chmod(p("zout").c_str(), 0751);
  r = run("unarchive", Value{{"src", p("app.zip")}, {"dest", p("zout")}, {"remote_src", true}}, true);
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_NE(r["diff"]["prepared"].get<std::string>().find(">f++++++.?? app/README\n"), std::string::npos) << r.dump();
  EXPECT_FALSE(fs::exists(p("zout/app")));
  r = run("unarchive", Value{{"src", p("app.zip")}, {"dest", p("zout")}, {"remote_src", true}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["handler"], "ZipArchive");
  EXPECT_EQ(mode_of(p("zout")), 0751u);  // a zip has no "./" entry: dest keeps its mode
  EXPECT_EQ(test::read_file(p("zout/app/bin/run")), "#!/bin/sh\n");
  EXPECT_EQ(run("unarchive", Value{{"src", p("app.zip")}, {"dest", p("zout")}, {"remote_src", true}})["changed"], false);
  r = run("unarchive", Value{{"src", "app.tgz"}, {"dest", p("missing")}});
  EXPECT_EQ(r["failed"], true);

  // The same with busybox's tar, unzip, stat, awk... (targets without GNU
  // tools): extracted, then unchanged; dest keeps its mode.
  if (test::run_shell("command -v busybox").exit_code != 0) return;
  ASSERT_EQ(test::run_shell("mkdir -p " + p("bb") + " && busybox --install -s " + p("bb")).exit_code, 0);
  auto busybox = [&](Value args) {
    ModuleContext ctx;
    ctx.connection = conn_.get();
    ctx.search_path = {dir.path()};
    ctx.environment = Value{{"PATH", p("bb")}};
    const ModuleEntry* m = find_module("unarchive");
    return m->module->run(validate_args(m->name, m->module->spec(), args), ctx);
  };
  for (const char* name : {"bbt", "bbz"}) {
    fs::create_directory(p(name));
    ::chmod(p(name).c_str(), 0751);
    Value args = std::string(name) == "bbt" ? Value{{"src", "app.tgz"}, {"dest", p(name)}}
                                            : Value{{"src", p("app.zip")}, {"dest", p(name)}, {"remote_src", true}};
    r = busybox(args);
    EXPECT_EQ(r["changed"], true) << name << r.dump();
    EXPECT_EQ(r["extract_results"]["cmd"][0], p(std::string(name) == "bbt" ? "bb/tar" : "bb/unzip")) << r.dump();
    EXPECT_EQ(test::read_file(p(std::string(name) + "/app/README")), "read me\n") << name;
    EXPECT_EQ(mode_of(p(std::string(name) + "/app/bin/run")), 0755u) << name;
    EXPECT_EQ(mode_of(p(name)), 0751u) << name;
    EXPECT_EQ(busybox(args)["changed"], false) << name;
  }
}

TEST_F(FileModules, GetUrlDownloadsOnceAndHonoursChecksum) {
  dir.write("www/pkg.txt", "payload\n");
  auto srv = test::run_shell("cd " + p("www") + " && (/usr/bin/python3 -m http.server 0 --bind 127.0.0.1 > " + p("http.log") +
                             " 2>&1 & echo $!)");
  std::string pid = srv.out.substr(0, srv.out.find('\n'));
  std::string port;
  for (int i = 0; i < 100 && port.empty(); ++i) {
    std::string log = test::read_file(p("http.log"));
    auto at = log.find(" port ");
    if (at != std::string::npos) port = log.substr(at + 6, log.find(' ', at + 6) - at - 6);
    else ::usleep(50000);
  }
  ASSERT_FALSE(port.empty());
  std::string url = "http://127.0.0.1:" + port + "/pkg.txt";
  fs::create_directory(p("dl"));
  Value r = run("get_url", Value{{"url", url}, {"dest", p("dl")}, {"mode", "0600"}});
  EXPECT_EQ(r["changed"], true) << r.dump();
  EXPECT_EQ(r["status_code"], 200);
  EXPECT_EQ(r["dest"], p("dl/pkg.txt"));
  EXPECT_EQ(test::read_file(p("dl/pkg.txt")), "payload\n");
  EXPECT_EQ(mode_of(p("dl/pkg.txt")), 0600u);
  EXPECT_EQ(run("get_url", Value{{"url", url}, {"dest", p("dl/pkg.txt")}})["changed"], false);
  r = run("get_url", Value{{"url", url}, {"dest", p("dl/pkg.txt")},
                           {"checksum", "sha1:" + std::string("b6f50ad9e4d2c2a1b1a9e1bd0be3b3a9c1a0c7a2")}, {"force", true}});
  EXPECT_EQ(r["failed"], true);
  r = run("get_url", Value{{"url", "http://127.0.0.1:" + port + "/missing"}, {"dest", p("dl/m")}});
  EXPECT_EQ(r["failed"], true);
  EXPECT_EQ(r["status_code"], 404);
  test::run_shell("kill " + pid);
}

}  // namespace
}  // namespace drover
