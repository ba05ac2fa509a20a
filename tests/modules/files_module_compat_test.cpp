// File modules against Ansible's own modules (Debian's ansible-core 2.14),
// one call at a time: the same options on two copies of the same starting
// files, Ansible's through `ansible localhost -c local -m MODULE`, drover's
// through the local connection. The resulting files (content and mode) and
// the results' changed and msg must be equal.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/strings.hpp"
#include "harness/process.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

std::string mode_of(const std::string& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return "absent";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", st.st_mode);
  return buf;
}

class FileModuleCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    ConnectionSpec spec;
    spec.name = "localhost";
    spec.type = "local";
    conn_ = make_connection(spec);
    conn_->connect();
    fs::create_directories(dir_.path() + "/ansible");
    fs::create_directories(dir_.path() + "/drover");
  }
  // Writes the same starting file into both trees.
  void given(const std::string& rel, const std::string& content) {
    for (const char* side : {"ansible", "drover"}) dir_.write(std::string(side) + "/" + rel, content);
  }
  // {{root}} in string options becomes each side's tree.
  static Value rooted(const Value& args, const std::string& root) {
    Value out = args;
    for (auto it = out.begin(); it != out.end(); ++it) {
      if (!it.value().is_string()) continue;
      std::string s = it.value().get<std::string>();
      size_t p;
      while ((p = s.find("{{root}}")) != std::string::npos) s.replace(p, 8, root);
      it.value() = s;
    }
    return out;
  }
  Value ansible(const std::string& module, const Value& args, bool check) {
    std::vector<std::string> argv{"/usr/bin/ansible", "localhost", "-c", "local", "-o", "-m", module, "-a",
                                  rooted(args, dir_.path() + "/ansible").dump()};
    if (check) argv.push_back("--check");
    test::ProcessOptions po;
    po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_LOCALHOST_WARNING", "False"},
              {"ANSIBLE_PYTHON_INTERPRETER", test::kSystemPython}};
    auto r = test::run_process(argv, po);
    size_t arrow = r.out.find(" => ");
    EXPECT_NE(arrow, std::string::npos) << r.out << r.err;
    if (arrow == std::string::npos) return Value();
    Value v = Value::parse(r.out.substr(arrow + 4));
    // The callback drops "failed"; the status word says it.
    if (r.out.find(" | FAILED! => ") != std::string::npos) v["failed"] = true;
    return v;
  }
  Value ours(const std::string& module, const Value& args, bool check) {
    const ModuleEntry* m = find_module(module);
    ModuleContext ctx;
    ctx.connection = conn_.get();
    ctx.check_mode = check;
    ctx.templar = &engine_;
    ctx.vars = &vars_;
    try {
      return m->module->run(validate_args(m->name, m->module->spec(), rooted(args, dir_.path() + "/drover")), ctx);
    } catch (const Error& e) {
      return Value{{"failed", true}, {"msg", e.message()}};
    }
  }
  // Runs both and compares changed, failed, msg, warnings and the files named.
  void same(const std::string& module, const Value& args, const std::vector<std::string>& files, bool check = false) {
    Value a = ansible(module, args, check);
    Value d = ours(module, args, check);
    std::string what = module + " " + args.dump() + "\nansible: " + a.dump() + "\ndrover: " + d.dump();
    EXPECT_EQ(d.value("changed", false), a.value("changed", false)) << what;
    EXPECT_EQ(d.value("failed", false), a.value("failed", false)) << what;
    EXPECT_EQ(d.value("warnings", Value::array()), a.value("warnings", Value::array())) << what;
    if (a.contains("msg") && a["msg"].is_string()) {
      auto masked = [&](std::string m, const std::string& side) {
        std::string root = dir_.path() + "/" + side;
        size_t p;
        while ((p = m.find(root)) != std::string::npos) m.replace(p, root.size(), "ROOT");
        return m;
      };
      EXPECT_EQ(masked(d.value("msg", std::string()), "drover"), masked(a["msg"].get<std::string>(), "ansible")) << what;
    }
    for (const auto& f : files) {
      std::string pa = dir_.path() + "/ansible/" + f, pd = dir_.path() + "/drover/" + f;
      EXPECT_EQ(mode_of(pd), mode_of(pa)) << f << "\n" << what;
      if (fs::is_regular_file(pa)) {
        EXPECT_EQ(test::read_file(pd), test::read_file(pa)) << f << "\n" << what;
      }
    }
  }

  test::TempDir dir_;
  tmpl::Engine engine_;
  Value no_vars_ = Value::object();
  tmpl::ValueVariables vars_{no_vars_};
  std::unique_ptr<Connection> conn_;
};

TEST_F(FileModuleCompat, LineInFileCases) {
  given("f", "a=1\n[s]\nb=2\n[s]\na=3\nport=80\nno newline");
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"regexp", "^a="}, {"line", "a=9"}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"regexp", "^a="}, {"line", "a=9"}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"line", "c=4"}, {"insertafter", "^\\[s\\]"}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"line", "d=5"}, {"insertbefore", "^\\[s\\]"}, {"firstmatch", true}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"line", "top"}, {"insertbefore", "BOF"}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"line", "end"}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"regexp", "^port=(\\d+)"}, {"line", "port=\\g<1>80"}, {"backrefs", true}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"regexp", "^nomatch"}, {"line", "x"}, {"backrefs", true}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"search_string", "[s]"}, {"state", "absent"}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"line", "m"}, {"mode", "0600"}}, {"f"});
  // An empty regexp or search string matches every line: Ansible warns.
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"regexp", ""}, {"line", "all"}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"search_string", ""}, {"line", "every"}}, {"f"});
  same("lineinfile", Value{{"path", "{{root}}/new/g"}, {"line", "x"}, {"create", true}, {"mode", "0640"}}, {"new/g"});
  same("lineinfile", Value{{"path", "{{root}}/missing"}, {"line", "x"}}, {"missing"});
  same("lineinfile", Value{{"path", "{{root}}/f"}, {"line", "zz"}}, {"f"}, true);
}

TEST_F(FileModuleCompat, BlockInFileCases) {
  given("f", "a\nb\nc\n");
  same("blockinfile", Value{{"path", "{{root}}/f"}, {"block", "x=1\ny=2"}, {"insertafter", "^a"}}, {"f"});
  same("blockinfile", Value{{"path", "{{root}}/f"}, {"block", "x=1\ny=2"}, {"insertafter", "^a"}}, {"f"});
  same("blockinfile", Value{{"path", "{{root}}/f"}, {"block", "z"}}, {"f"});
  same("blockinfile", Value{{"path", "{{root}}/f"}, {"block", "q"}, {"marker", "// {mark} X"}, {"insertbefore", "BOF"}}, {"f"});
  same("blockinfile", Value{{"path", "{{root}}/f"}, {"state", "absent"}}, {"f"});
  same("blockinfile", Value{{"path", "{{root}}/g"}, {"block", "k"}, {"create", true}}, {"g"});
}

TEST_F(FileModuleCompat, ReplaceCases) {
  given("f", "one 1\ntwo 2\n[x]\nthree 3\n[y]\nfour 4\n");
  same("replace", Value{{"path", "{{root}}/f"}, {"regexp", "(\\w+) (\\d)"}, {"replace", "\\2 \\1"}, {"after", "\\[x\\]"}}, {"f"});
  same("replace", Value{{"path", "{{root}}/f"}, {"regexp", "^one"}, {"replace", "uno"}, {"before", "\\[x\\]"}}, {"f"});
  same("replace", Value{{"path", "{{root}}/f"}, {"regexp", "nomatch"}, {"replace", "x"}}, {"f"});
  same("replace", Value{{"path", "{{root}}/f"}, {"regexp", "t"}, {"replace", "T"}, {"after", "NOPE"}}, {"f"});
}

TEST_F(FileModuleCompat, CopyAndFileCases) {
  given("old", "old\n");
  ::chmod((dir_.path() + "/ansible/old").c_str(), 0600);
  ::chmod((dir_.path() + "/drover/old").c_str(), 0600);
  same("copy", Value{{"content", "hello\n"}, {"dest", "{{root}}/a"}, {"mode", "0640"}}, {"a"});
  same("copy", Value{{"content", "hello\n"}, {"dest", "{{root}}/a"}, {"mode", "0640"}}, {"a"});
  same("copy", Value{{"content", "new\n"}, {"dest", "{{root}}/old"}}, {"old"});
  same("copy", Value{{"content", "x\n"}, {"dest", "{{root}}/old"}, {"force", false}}, {"old"});
  same("copy", Value{{"content", "x\n"}, {"dest", "{{root}}/nodir/a"}}, {"nodir/a"});
  same("file", Value{{"path", "{{root}}/d/e"}, {"state", "directory"}, {"mode", "u=rwx,g=rx,o="}}, {"d", "d/e"});
  same("file", Value{{"path", "{{root}}/d/e"}, {"state", "directory"}, {"mode", "u=rwx,g=rx,o="}}, {"d", "d/e"});
  same("file", Value{{"path", "{{root}}/a"}, {"mode", "g+w,o-r"}}, {"a"});
  same("file", Value{{"path", "{{root}}/l"}, {"src", "a"}, {"state", "link"}}, {"l"});
  same("file", Value{{"path", "{{root}}/l"}, {"src", "a"}, {"state", "link"}}, {"l"});
  same("file", Value{{"path", "{{root}}/l2"}, {"src", "nothere"}, {"state", "link"}}, {"l2"});
  same("file", Value{{"path", "{{root}}/h"}, {"src", "{{root}}/a"}, {"state", "hard"}}, {"h"});
  same("file", Value{{"path", "{{root}}/missing"}, {"state", "file"}}, {"missing"});
  same("file", Value{{"path", "{{root}}/d"}, {"state", "absent"}}, {"d"});
  same("file", Value{{"path", "{{root}}/d"}, {"state", "absent"}}, {"d"});
}

TEST_F(FileModuleCompat, StatAndFindAgree) {
  given("t/a.log", "12345");
  given("t/b.txt", "1");
  given("t/sub/c.log", "hello");
  for (const char* side : {"ansible", "drover"}) ::chmod((dir_.path() + "/" + side + "/t/a.log").c_str(), 0640);
  Value a = ansible("stat", Value{{"path", "{{root}}/t/a.log"}}, false);
  Value d = ours("stat", Value{{"path", "{{root}}/t/a.log"}}, false);
  for (const char* k : {"mode", "size", "checksum", "isreg", "isdir", "islnk", "pw_name", "gr_name", "uid", "gid", "nlink",
                        "readable", "writeable", "executable", "rgrp", "woth", "exists"})
    EXPECT_EQ(d["stat"][k], a["stat"][k]) << k;
  auto names = [](const Value& r) {
    std::vector<std::string> out;
    for (const auto& f : r["files"]) out.push_back(f["path"].get<std::string>().substr(f["path"].get<std::string>().find("/t/")));
    std::sort(out.begin(), out.end());
    return out;
  };
  for (const Value& args : {Value{{"paths", "{{root}}/t"}, {"patterns", "*.log"}, {"recurse", true}},
                            Value{{"paths", "{{root}}/t"}, {"file_type", "any"}},
                            Value{{"paths", "{{root}}/t"}, {"size", "-3"}, {"recurse", true}}}) {
    a = ansible("find", args, false);
    d = ours("find", args, false);
    EXPECT_EQ(names(d), names(a)) << args.dump();
    EXPECT_EQ(d["matched"], a["matched"]) << args.dump();
    EXPECT_EQ(d["examined"], a["examined"]) << args.dump();
  }
}

}  // namespace
}  // namespace drover
