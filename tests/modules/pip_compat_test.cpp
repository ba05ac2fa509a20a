// pip against ansible.builtin.pip (ansible-core 2.14) on two sandboxed sshd
// hosts, offline: each sandbox builds two small wheels of a package
// "drover-demo" (1.0 and 2.0) in its private /root/wheels, and pip is
// pointed there (--no-index --find-links) inside a virtualenv made with
// `python3 -m venv`. Results (changed, cmd, stdout, stderr, ...) and the
// packages left must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

const char* kMakeWheels = R"SH(mkdir -p /root/wheels && cd /root/wheels && /usr/bin/python3 - <<'EOF'
import zipfile
for v in ("1.0", "2.0"):
    info = "drover_demo-%s.dist-info" % v
    files = {
        "drover_demo/__init__.py": "VERSION = %r\n" % v,
        info + "/METADATA": "Metadata-Version: 2.1\nName: drover-demo\nVersion: %s\n" % v,
        info + "/WHEEL": "Wheel-Version: 1.0\nGenerator: drover-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[info + "/RECORD"] = "".join("%s,,\n" % f for f in list(files) + [info + "/RECORD"])
    with zipfile.ZipFile("drover_demo-%s-py3-none-any.whl" % v, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
EOF)SH";

const char* kVenv = R"("virtualenv": "/root/venv", "virtualenv_command": "/usr/bin/python3 -m venv")";
const char* kLocal = R"("extra_args": "--no-index --find-links /root/wheels")";

class PipCompat : public test::SandboxPairTest {
 protected:
  void SetUp() override { prepare(std::string("rm -rf /root/venv /root/wheels\n") + kMakeWheels); }
  static ModuleOutcome same(const std::string& json, const std::vector<std::string>& flags = {}) {
    return same_result("ansible.builtin.pip", "{" + json + "}", flags);
  }
  static std::string installed() {
    return same_state("/root/venv/bin/pip list --format=freeze 2>/dev/null | grep -i drover");
  }
};

TEST_F(PipCompat, InstallsIntoANewVirtualenvOnceThenUpgradesAndRemoves) {
  const std::string args = std::string(R"("name": "drover-demo==1.0", )") + kVenv + ", " + kLocal;
  ModuleOutcome first = same(args);
  EXPECT_EQ(first.ours_json["changed"], true) << first.ours;
  EXPECT_NE(first.ours_json["stdout"].get<std::string>().find("Successfully installed drover-demo-1.0"),
            std::string::npos)
      << first.ours;
  EXPECT_EQ(same(args).ours_json["changed"], false);
  EXPECT_EQ(installed(), "drover-demo==1.0\n");
  ModuleOutcome latest = same(std::string(R"("name": "drover-demo", "state": "latest", )") + kVenv + ", " + kLocal);
  EXPECT_EQ(latest.ours_json["changed"], true);
  EXPECT_EQ(installed(), "drover-demo==2.0\n");
  EXPECT_EQ(same(std::string(R"("name": "drover_demo", "state": "absent", )") + kVenv).ours_json["changed"], true);
  ModuleOutcome again = same(std::string(R"("name": "drover_demo", "state": "absent", )") + kVenv);
  EXPECT_EQ(again.ours_json["changed"], false) << again.ours;
  EXPECT_EQ(installed(), "");
}

TEST_F(PipCompat, CheckModeComparesTheInstalledVersions) {
  ModuleOutcome fresh = same(std::string(R"("name": "drover-demo", )") + kVenv, {"--check"});
  EXPECT_EQ(fresh.ours_json["changed"], true);
  EXPECT_EQ(same_state("ls /root/venv 2>&1 | wc -l"), "1\n");
  same(std::string(R"("name": "drover-demo", "version": "1.0", )") + kVenv + ", " + kLocal);
  ModuleOutcome newer = same(std::string(R"("name": ["drover-demo>=1.5", "<3"], )") + kVenv, {"--check"});
  EXPECT_EQ(newer.ours_json["changed"], true) << newer.ours;
  ModuleOutcome ok = same(std::string(R"("name": "Drover.Demo>=1.0,<2", )") + kVenv, {"--check"});
  EXPECT_EQ(ok.ours_json["changed"], false) << ok.ours;
  EXPECT_EQ(same(std::string(R"("name": "drover-demo", "state": "absent", )") + kVenv, {"--check"})
                .ours_json["changed"],
            true);
  EXPECT_EQ(installed(), "drover-demo==1.0\n");
}

TEST_F(PipCompat, AMissingPackageFailsWithPipsOutput) {
  ModuleOutcome o = same(std::string(R"("name": "drover-missing", )") + kVenv + ", " + kLocal);
  EXPECT_EQ(o.ours_json["failed"], true);
  EXPECT_NE(o.ours_json["msg"].get<std::string>().find("No matching distribution found for drover-missing"),
            std::string::npos)
      << o.ours;
}

}  // namespace
}  // namespace drover
