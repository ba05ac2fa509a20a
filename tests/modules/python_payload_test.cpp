// The Python fallback's controller side without a target: which module
// style a file is, which module_utils its payload carries (read from the
// controller's ansible-core), interpreter discovery's decisions and the
// reading of a module's output.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "harness/process.hpp"
#include "modules/interpreter_discovery.hpp"
#include "modules/module_json_result.hpp"
#include "modules/python_payload.hpp"

namespace drover {
namespace {

const std::string kAnsibleDir = "/usr/lib/python3/dist-packages/ansible";

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(ModuleStyle, TellsNewStyleOldStyleWantJsonAndBinaryApart) {
  EXPECT_EQ(module_style("from ansible.module_utils.basic import AnsibleModule\n"), ModuleStyle::new_python);
  EXPECT_EQ(module_style("import ansible.module_utils.basic\n"), ModuleStyle::new_python);
  EXPECT_EQ(module_style("from ..module_utils.x import y\n"), ModuleStyle::new_python);
  EXPECT_EQ(module_style("#!/usr/bin/python\n# WANT_JSON\nimport json\n"), ModuleStyle::want_json);
  EXPECT_EQ(module_style("#!/bin/sh\n. \"$1\"\necho '{}'\n"), ModuleStyle::old_style);
  EXPECT_EQ(module_style("x = <<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>\n"), ModuleStyle::jsonargs);
  EXPECT_EQ(module_style(std::string("\x7f" "ELF\x02\x01\x01\0\0", 9)), ModuleStyle::binary);
}

TEST(PythonImports, ReadsFromImportListsAcrossLinesAndRelativeImports) {
  auto imports = scan_python_imports(
      "import os, sys\n"
      "from ansible.module_utils.basic import (\n    AnsibleModule,\n    env_fallback,  # why\n)\n"
      "try:\n    from ..module_utils.helper import thing as t\nexcept ImportError:\n    pass\n");
  ASSERT_EQ(imports.size(), 4u);
  EXPECT_EQ(imports[2].module, "ansible.module_utils.basic");
  EXPECT_EQ(imports[2].names, (std::vector<std::string>{"AnsibleModule", "env_fallback"}));
  EXPECT_EQ(imports[3].level, 2);
  EXPECT_EQ(imports[3].module, "module_utils.helper");
  EXPECT_EQ(imports[3].names, std::vector<std::string>{"thing"});
}

TEST(PythonPayload, CarriesTheModuleUtilsBasicImportsTransitively) {
  ModuleUtilsRoots roots;
  roots.ansible_dir = kAnsibleDir;
  auto p = build_python_payload("from ansible.module_utils.basic import AnsibleModule\n", "ansible.modules.mine",
                                roots);
  EXPECT_TRUE(has(p.files, "ansible/modules/mine.py"));
  EXPECT_TRUE(has(p.files, "ansible/__init__.py"));
  EXPECT_TRUE(has(p.files, "ansible/module_utils/basic.py"));
  // basic imports these, and they import others in turn.
  EXPECT_TRUE(has(p.files, "ansible/module_utils/common/text/converters.py"));
  EXPECT_TRUE(has(p.files, "ansible/module_utils/six/__init__.py"));
  EXPECT_TRUE(has(p.files, "ansible/module_utils/common/parameters.py"));
  EXPECT_EQ(p.digest.size(), 40u);
  // The same files give the same bytes: the target's cache key is stable.
  EXPECT_EQ(build_python_payload("from ansible.module_utils.basic import AnsibleModule\n", "ansible.modules.mine",
                                 roots)
                .digest,
            p.digest);
}

TEST(PythonPayload, UnpacksWithPythonsZipfile) {
  ModuleUtilsRoots roots;
  roots.ansible_dir = kAnsibleDir;
  auto p = build_python_payload("from ansible.module_utils.basic import AnsibleModule\n", "ansible.modules.mine",
                                roots);
  test::TempDir dir;
  std::ofstream(dir.path() + "/p.zip", std::ios::binary) << p.zip;
  auto r = test::run_process({"/usr/bin/python3", "-c",
                              "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); z.testzip(); "
                              "print(len(z.namelist()))",
                              dir.path() + "/p.zip"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::stoul(r.out), p.files.size());
}

TEST(PythonPayload, FindsCollectionModuleUtilsByAbsoluteAndRelativeImports) {
  ModuleUtilsRoots roots;
  roots.ansible_dir = kAnsibleDir;
  roots.collection_roots = {"/usr/lib/python3/dist-packages"};
  auto p = build_python_payload(
      "from ansible.module_utils.basic import AnsibleModule\n"
      "from ansible_collections.community.general.plugins.module_utils.csv import initialize_dialect\n"
      "from ..module_utils.version import LooseVersion\n",
      "ansible_collections.community.general.plugins.modules.mine", roots);
  EXPECT_TRUE(has(p.files, "ansible_collections/community/general/plugins/module_utils/csv.py"));
  EXPECT_TRUE(has(p.files, "ansible_collections/community/general/plugins/module_utils/version.py"));
  EXPECT_TRUE(has(p.files, "ansible_collections/community/general/plugins/modules/mine.py"));
  EXPECT_TRUE(has(p.files, "ansible_collections/community/general/__init__.py"));
}

TEST(PythonPayload, AMissingModuleUtilsNamesTheModuleAndTheImport) {
  ModuleUtilsRoots roots;
  roots.ansible_dir = kAnsibleDir;
  try {
    build_python_payload("from ansible.module_utils.no_such_thing import x\n", "ansible.modules.mine", roots);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("Could not find imported module support code for ansible.modules.mine"),
              std::string::npos);
    EXPECT_NE(e.message().find("ansible.module_utils.no_such_thing"), std::string::npos);
  }
  // Inside try: the import is optional, as in Ansible.
  EXPECT_NO_THROW(build_python_payload("try:\n    from ansible.module_utils.no_such_thing import x\nexcept ImportError:\n"
                                       "    x = None\n",
                                       "ansible.modules.mine", roots));
}

TEST(PythonPayload, WithoutAnsibleOnTheControllerSaysSo) {
  ModuleUtilsRoots roots;  // no ansible-core
  try {
    build_python_payload("from ansible.module_utils.basic import AnsibleModule\n", "ansible.modules.mine", roots);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("none is installed"), std::string::npos) << e.message();
  }
}

const char* kDebian12 =
    "PLATFORM\nLinux\nFOUND\n/usr/bin/python3.11\n/usr/bin/python3\nENDFOUND\n"
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n";

TEST(InterpreterDiscovery, DebianUsesItsPlatformPythonWithoutWarning) {
  auto d = decide_interpreter(kDebian12, "web1", "auto", default_python_fallback());
  EXPECT_EQ(d.path, "/usr/bin/python3");
  EXPECT_TRUE(d.found);
  EXPECT_TRUE(d.warnings.empty());
}

TEST(InterpreterDiscovery, UnknownDistributionTakesTheFirstFoundAndWarnsUnlessSilent) {
  std::string out = "PLATFORM\nLinux\nFOUND\n/usr/local/bin/python3.10\nENDFOUND\nID=gentoo\nVERSION_ID=2.14\n";
  auto d = decide_interpreter(out, "web1", "auto", default_python_fallback());
  EXPECT_EQ(d.path, "/usr/local/bin/python3.10");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("Platform linux on host web1 is using the discovered Python interpreter at "
                               "/usr/local/bin/python3.10"),
            std::string::npos);
  EXPECT_TRUE(decide_interpreter(out, "web1", "auto_silent", default_python_fallback()).warnings.empty());
}

TEST(InterpreterDiscovery, NoPythonIsReportedAsNotFound) {
  auto d = decide_interpreter("PLATFORM\nLinux\nFOUND\nENDFOUND\nID=alpine\n", "h", "auto", {"python3"});
  EXPECT_FALSE(d.found);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "No python interpreters found for host h (tried ['python3'])");
}

TEST(ModuleOutput, JsonBetweenJunkIsTheResultAndTrailingJunkIsAWarning) {
  ExecResult r;
  r.exit_status = 0;
  r.out = "motd line\n{\"changed\": true, \"stdout\": \"a\\nb\"}\nbye\n";
  Value v = parse_module_output(r, "/usr/bin/python3");
  EXPECT_EQ(v["changed"], true);
  EXPECT_EQ(v["stdout_lines"], Value::array({"a", "b"}));
  EXPECT_EQ(v["warnings"][0], "Module invocation had junk after the JSON data: bye");
}

TEST(ModuleOutput, TextIsAModuleFailureWithStdoutStderrAndRc) {
  ExecResult r;
  r.exit_status = 1;
  r.out = "";
  r.err = "Traceback (most recent call last):\nValueError: x\n";
  Value v = parse_module_output(r, "/usr/bin/python3");
  EXPECT_EQ(v["msg"], "MODULE FAILURE\nSee stdout/stderr for the exact error");
  EXPECT_EQ(v["rc"], 1);
  EXPECT_EQ(v["module_stderr"], r.err);
  EXPECT_EQ(v["exception"], r.err);
  r.err = "/bin/sh: 1: /usr/bin/python: not found\n";
  r.exit_status = 127;
  EXPECT_EQ(parse_module_output(r, "/usr/bin/python")["msg"],
            "The module failed to execute correctly, you probably need to set the interpreter.\nSee stdout/stderr "
            "for the exact error");
}

}  // namespace
}  // namespace drover
