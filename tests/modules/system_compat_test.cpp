// System modules against Ansible (Debian's ansible-core 2.14 and the
// ansible.posix collection) on two identical throw-away systems: each test
// runs the same module call with `drover run` on host001 and `ansible` on
// host002 (each its own sandboxed sshd: private /etc, /var, /home, /root,
// hostname and IPC sysctls; see FleetOptions::sandbox), then expects the
// same result record (changed, every field, diff: drover's --json events
// against Ansible's json stdout callback) and the same state left on the
// two systems. Nothing here changes the machine's own users, crontabs,
// hostname or sysctls. ctest runs every test in its own process, so each
// test starts from fresh sandboxes and makes the state it needs.
#include <gtest/gtest.h>

#include <future>

#include "core/strings.hpp"
#include "core/value.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "modules/free_form.hpp"
#include "modules/registry.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

struct Outcome {
  Value ours_json;    // drover's result (JSON lines event), cleaned
  Value theirs_json;  // ansible's result (json stdout callback), cleaned
  std::string ours;   // the same, printed with sorted keys, for comparing
  std::string theirs;
};

// What differs by nature between the two tools' result records.
Value cleaned(Value r) {
  if (!r.is_object()) return r;
  for (const char* k : {"_ansible_no_log", "action", "invocation", "_ansible_verbose_always", "_ansible_verbose_override"})
    r.erase(k);
  return r;
}

std::string sorted_dump(const Value& v) { return nlohmann::json::parse(v.dump()).dump(2); }

// ansible with the json stdout callback: the one task's result for `host`.
Value ansible_result(const std::string& out, const std::string& host) {
  try {
    Value all = Value::parse(out.substr(out.find('{')));
    return cleaned(all["plays"][0]["tasks"][0]["hosts"][host]);
  } catch (...) {
    return Value();
  }
}

class SystemCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    test::FleetOptions o;
    o.sandbox = true;
    o.hosts_per_sshd = 1;
    fleet_ = new test::SshdFleet(2, o);
    dir_ = new test::TempDir();
    fleet_->write_inventory(dir_->path() + "/hosts");
  }
  static void TearDownTestSuite() {
    delete fleet_;
    delete dir_;
    fleet_ = nullptr;
    dir_ = nullptr;
  }

  // The module call by drover on host001 and by ansible on host002. drover's
  // module runs in this process over its ssh transport (the validated
  // arguments and ModuleContext that `drover run` would give it).
  static Outcome both(const std::string& module, const std::string& args, const std::vector<std::string>& flags = {}) {
    test::ProcessOptions po;
    po.env = {{"ANSIBLE_SSH_CONTROL_PATH_DIR", dir_->path() + "/cp"}, {"ANSIBLE_NOCOLOR", "1"},
              {"ANSIBLE_FORCE_COLOR", "0"}, {"ANSIBLE_DEPRECATION_WARNINGS", "0"},
              {"ANSIBLE_LOAD_CALLBACK_PLUGINS", "1"}, {"ANSIBLE_STDOUT_CALLBACK", "json"}};
    std::vector<std::string> a{"/usr/bin/ansible", "host002", "-i", dir_->path() + "/hosts", "-m", module, "-a", args};
    a.insert(a.end(), flags.begin(), flags.end());
    // drover's call runs while ansible's does: separate systems, and the
    // waiting modules' tests stay well under a minute that way.
    auto mine = std::async(std::launch::async, [&] { return ours(module, args, flags); });
    auto theirs = test::run_process(a, po);
    Outcome o;
    o.ours_json = mine.get();
    o.theirs_json = ansible_result(theirs.out, "host002");
    o.ours = sorted_dump(o.ours_json);
    o.theirs = sorted_dump(o.theirs_json);
    EXPECT_FALSE(o.theirs_json.is_null()) << theirs.out << theirs.err;
    return o;
  }

  static Value ours(const std::string& module, const std::string& args, const std::vector<std::string>& flags) {
    ConnectionSpec spec;
    const auto& h = fleet_->hosts().at(0);
    spec.name = h.name;
    spec.host = h.address;
    spec.port = h.port;
    spec.user = "root";
    spec.identity_files = {fleet_->client_key_path()};
    spec.known_hosts_file = fleet_->known_hosts_path();
    spec.ssh_config_file = "none";
    spec.use_agent = false;
    auto conn = make_connection(spec);
    ModuleContext ctx;
    ctx.connection = conn.get();
    ctx.host = h.name;
    for (const auto& f : flags) {
      if (f == "--check") ctx.check_mode = true;
      if (f == "--diff") ctx.diff_mode = true;
    }
    const ModuleEntry* m = find_module(module);
    if (!m) return failed_result("no module " + module);
    try {
      Value parsed = parse_kv(args, false);
      check_args(m->name, m->module->spec(), parsed);
      Value r = m->module->run(validate_args(m->name, m->module->spec(), parsed), ctx);
      if (!r.contains("changed") && !r.contains("failed")) r["changed"] = false;
      if (r.contains("failed") && !r.contains("changed")) r["changed"] = false;
      return cleaned(r);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
  }

  // Expects the same result from both.
  static Outcome expect_same(const std::string& module, const std::string& args,
                             const std::vector<std::string>& flags = {}) {
    Outcome o = both(module, args, flags);
    EXPECT_EQ(o.ours, o.theirs) << module << " " << args;
    return o;
  }

  // `script`'s output in each sandbox; expects them equal and returns it.
  static std::string expect_same_state(const std::string& script) {
    auto ours = fleet_->run_in_sandbox(0, script);
    auto theirs = fleet_->run_in_sandbox(1, script);
    EXPECT_EQ(ours.out, theirs.out) << script;
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << script << "\n" << ours.err << theirs.err;
    return ours.out;
  }

  static test::SshdFleet* fleet_;
  static test::TempDir* dir_;
};

test::SshdFleet* SystemCompat::fleet_ = nullptr;
test::TempDir* SystemCompat::dir_ = nullptr;

const char* kAccounts = "getent passwd alice bob; getent group ops devs alice bob; getent shadow alice bob | cut -d: -f1,2,4,5;"
                        " ls -la /home | awk '{print $1, $3, $4, $NF}' | tail -n +2";

// ---- group --------------------------------------------------------------

TEST_F(SystemCompat, GroupCreateCheckModeThenForRealThenIdempotent) {
  Outcome c = expect_same("group", "name=ops gid=2500", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  EXPECT_EQ(expect_same_state("getent group ops"), "");
  Outcome r = expect_same("group", "name=ops gid=2500");
  EXPECT_EQ(r.ours_json["changed"], true);
  EXPECT_EQ(r.ours_json["gid"], 2500);
  Outcome again = expect_same("group", "name=ops gid=2500");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same("group", "name=devs system=yes");
  expect_same_state(kAccounts);
}

TEST_F(SystemCompat, GroupGidChangeAndRemoval) {
  expect_same("group", "name=devs");
  expect_same("group", "name=devs gid=2600");
  expect_same("group", "name=gone");
  Outcome rm = expect_same("group", "name=gone state=absent");
  EXPECT_EQ(rm.ours_json["changed"], true);
  Outcome again = expect_same("group", "name=gone state=absent");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same_state(kAccounts);
}

// ---- user ---------------------------------------------------------------

TEST_F(SystemCompat, UserCreateWithShellCommentGroupsAndHome) {
  expect_same("group", "name=ops");  // the test must not depend on the group test running first
  Outcome c = expect_same("user", "name=alice shell=/bin/sh comment='Alice A' groups=ops", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  Outcome r = expect_same("user", "name=alice shell=/bin/sh comment='Alice A' groups=ops uid=3001");
  EXPECT_EQ(r.ours_json["changed"], true);
  EXPECT_EQ(r.ours_json["uid"], 3001);
  Outcome again = expect_same("user", "name=alice shell=/bin/sh comment='Alice A' groups=ops uid=3001");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same_state(kAccounts + std::string("; ls -la /home/alice | awk '{print $1, $3, $NF}' | tail -n +2"));
}

TEST_F(SystemCompat, UserAppendsGroupsAndChangesShellAndPassword) {
  expect_same("group", "name=ops");
  expect_same("group", "name=devs");
  expect_same("user", "name=alice groups=ops");
  expect_same("user", "name=alice groups=devs append=yes shell=/bin/bash", {"--check"});
  expect_same_state(kAccounts);
  Outcome r = expect_same("user", "name=alice groups=devs append=yes shell=/bin/bash");
  EXPECT_EQ(r.ours_json["changed"], true);
  expect_same("user", "name=alice groups=devs append=yes shell=/bin/bash");
  // A fixed hash so that both systems hold the same one.
  const std::string pw = "password='$6$saltsalt$8wV9s3vBpB3vR0MOZSXcdpp/eXrR7PqJBc5sQAtlqH2b6eqT2bSU9bDD5sYhEoO6Z6r1sUlxV9cXQWfz3Ph1S/'";
  Outcome p = expect_same("user", "name=alice " + pw);
  EXPECT_EQ(p.ours_json["changed"], true);
  Outcome p2 = expect_same("user", "name=alice " + pw);
  EXPECT_EQ(p2.ours_json["changed"], false);
  expect_same("user", "name=alice password=other update_password=on_create");
  expect_same("user", "name=alice groups=ops");  // not appending: devs goes
  expect_same("user", "name=alice password_lock=yes");
  expect_same_state(kAccounts);
}

TEST_F(SystemCompat, UserSystemAccountWithoutHome) {
  Outcome r = expect_same("user", "name=bob system=yes create_home=no shell=/usr/sbin/nologin");
  EXPECT_EQ(r.ours_json["changed"], true);
  expect_same_state(kAccounts);
}

TEST_F(SystemCompat, UserGeneratesAnSshKeyOnce) {
  expect_same("user", "name=alice");
  Outcome r = both("user", "name=alice generate_ssh_key=yes ssh_key_type=ed25519 ssh_key_comment=k");
  EXPECT_EQ(r.ours_json["changed"], true) << r.ours;
  EXPECT_EQ(r.theirs_json["changed"], true) << r.theirs;
  EXPECT_EQ(r.ours_json["ssh_key_file"], r.theirs_json["ssh_key_file"]);
  EXPECT_NE(r.ours_json["ssh_public_key"].get<std::string>().find("ssh-ed25519 "), std::string::npos);
  EXPECT_NE(r.ours_json["ssh_fingerprint"].get<std::string>().find("SHA256:"), std::string::npos);
  Outcome again = both("user", "name=alice generate_ssh_key=yes ssh_key_type=ed25519 ssh_key_comment=k");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_EQ(again.theirs_json["changed"], false);
  expect_same_state("ls -la /home/alice/.ssh | awk '{print $1, $3, $NF}' | tail -n +2");
}

TEST_F(SystemCompat, UserRemovalWithHome) {
  expect_same("user", "name=alice");
  expect_same("user", "name=alice state=absent remove=yes", {"--check"});
  Outcome r = expect_same("user", "name=alice state=absent remove=yes");
  EXPECT_EQ(r.ours_json["changed"], true);
  expect_same("user", "name=alice state=absent remove=yes");
  expect_same_state(kAccounts);
}

// ---- cron ---------------------------------------------------------------

const char* kCrontabs = "for f in /var/spool/cron/crontabs/*; do echo \"== $f\"; grep -v '^# (' \"$f\"; done; "
                        "ls -l /etc/cron.d | awk '{print $1, $3, $NF}'; cat /etc/cron.d/drover-test 2>/dev/null";

TEST_F(SystemCompat, CronAddsJobsWithDiffThenIsIdempotent) {
  Outcome c = expect_same("cron", "name=backup minute=5 hour=2 job=/usr/bin/backup", {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  Outcome r = expect_same("cron", "name=backup minute=5 hour=2 job=/usr/bin/backup", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  Outcome again = expect_same("cron", "name=backup minute=5 hour=2 job=/usr/bin/backup", {"--diff"});
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same("cron", "name=reboot special_time=reboot job='echo hi'", {"--diff"});
  expect_same("cron", "name=off job=/bin/true disabled=yes weekday=1");
  expect_same("cron", "name=backup minute=10 hour=2 job=/usr/bin/backup", {"--diff"});
  expect_same_state(kCrontabs);
}

TEST_F(SystemCompat, CronEnvironmentVariables) {
  expect_same("cron", "name=MAILTO env=yes job=ops@example.com", {"--diff"});
  expect_same("cron", "name=PATH env=yes job=/bin:/usr/bin insertafter=MAILTO", {"--diff"});
  expect_same("cron", "name=PATH env=yes job=/bin:/usr/bin insertafter=MAILTO");
  expect_same("cron", "name=MAILTO env=yes state=absent", {"--diff"});
  expect_same_state(kCrontabs);
}

TEST_F(SystemCompat, CronOtherUsersAndCronFiles) {
  expect_same("user", "name=bob system=yes create_home=no shell=/usr/sbin/nologin");
  expect_same("cron", "name=nightly user=bob hour=1 minute=0 job=/bin/true", {"--diff"});
  expect_same("cron", "name=job1 user=root cron_file=drover-test job=/bin/true", {"--diff"});
  expect_same("cron", "name=job2 user=root cron_file=drover-test special_time=hourly job=/bin/false");
  expect_same_state(kCrontabs);
  expect_same("cron", "name=job1 cron_file=drover-test state=absent", {"--diff"});
  Outcome last = expect_same("cron", "name=job2 cron_file=drover-test state=absent", {"--diff"});
  EXPECT_EQ(last.ours_json["changed"], true);
  expect_same_state(kCrontabs);
}

TEST_F(SystemCompat, CronRemovesJobsAndFailsLikeAnsible) {
  expect_same("cron", "name=backup minute=5 hour=2 job=/usr/bin/backup");
  Outcome r = expect_same("cron", "name=backup state=absent", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  expect_same("cron", "name=backup state=absent");
  expect_same("cron", "name=x special_time=daily hour=3 job=/bin/true");
  expect_same("cron", "name=x");
  expect_same_state(kCrontabs);
}

// ---- known_hosts --------------------------------------------------------

std::string public_key_of(const std::string& pub_file) {
  auto parts = split_whitespace(test::read_file(pub_file));
  return parts.size() >= 2 ? parts[0] + " " + parts[1] : "";
}

TEST_F(SystemCompat, KnownHostsAddsReplacesAndRemovesKeys) {
  const std::string k1 = public_key_of(fleet_->dir() + "/host_key_0.pub");
  const std::string k2 = public_key_of(fleet_->client_key_path() + ".pub");
  const std::string path = " path=/root/known_hosts_test";
  Outcome c = expect_same("known_hosts", "name=web1.example.com key='web1.example.com " + k1 + "'" + path,
                          {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  Outcome r = expect_same("known_hosts", "name=web1.example.com key='web1.example.com " + k1 + "'" + path, {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  Outcome again = expect_same("known_hosts", "name=web1.example.com key='web1.example.com " + k1 + "'" + path);
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same("known_hosts", "name=web2 key='web2 " + k1 + "'" + path, {"--diff"});
  expect_same("known_hosts", "name=web1.example.com key='web1.example.com " + k2 + "'" + path, {"--diff"});
  expect_same_state("cat /root/known_hosts_test; ls -l /root/known_hosts_test | cut -c1-10");
  expect_same("known_hosts", "name=web1.example.com key='web1.example.com " + k1 + "' state=absent" + path);
  expect_same("known_hosts", "name=web1.example.com key='web1.example.com " + k2 + "' state=absent" + path, {"--diff"});
  expect_same("known_hosts", "name=web2 state=absent" + path);
  expect_same("known_hosts", "name=web2 state=absent" + path);
  expect_same("known_hosts", "name=web3" + path);
  expect_same_state("cat /root/known_hosts_test");
}

TEST_F(SystemCompat, KnownHostsHashedNamesStayIdempotent) {
  const std::string k1 = public_key_of(fleet_->dir() + "/host_key_0.pub");
  const std::string path = " path=/root/known_hosts_hashed";
  Outcome r = both("known_hosts", "name=db1 hash_host=yes key='db1 " + k1 + "'" + path);
  EXPECT_EQ(r.ours_json["changed"], true);
  EXPECT_EQ(r.theirs_json["changed"], true);
  Outcome again = both("known_hosts", "name=db1 hash_host=yes key='db1 " + k1 + "'" + path);
  EXPECT_EQ(again.ours_json["changed"], false) << again.ours;
  EXPECT_EQ(again.theirs_json["changed"], false);
  expect_same_state("cut -c1-3 /root/known_hosts_hashed; ssh-keygen -F db1 -f /root/known_hosts_hashed | grep -c db1");
}

// ---- authorized_key -----------------------------------------------------

TEST_F(SystemCompat, AuthorizedKeyManagesTheUsersFile) {
  expect_same("user", "name=alice");
  const std::string k1 = public_key_of(fleet_->dir() + "/host_key_0.pub");
  const std::string k2 = public_key_of(fleet_->client_key_path() + ".pub");
  Outcome c = expect_same("authorized_key", "user=alice key='" + k1 + " first'", {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  Outcome r = expect_same("authorized_key", "user=alice key='" + k1 + " first'", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  Outcome again = expect_same("authorized_key", "user=alice key='" + k1 + " first'");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same("authorized_key", "user=alice key='" + k2 + "' key_options='no-pty,from=\"10.0.0.1\"' comment=second",
              {"--diff"});
  expect_same("authorized_key", "user=alice key='" + k1 + " renamed'", {"--diff"});
  expect_same_state("ls -la /home/alice/.ssh | awk '{print $1, $3, $4, $NF}' | tail -n +2; cat /home/alice/.ssh/authorized_keys");
  expect_same("authorized_key", "user=alice key='" + k2 + "' exclusive=yes", {"--diff"});
  expect_same("authorized_key", "user=alice key='" + k2 + "' state=absent", {"--diff"});
  expect_same("authorized_key", "user=nobody-here key='" + k2 + "'");
  expect_same_state("cat /home/alice/.ssh/authorized_keys");
}

// ---- wait_for -----------------------------------------------------------

Outcome without_elapsed(Outcome o) {
  o.ours_json.erase("elapsed");
  o.theirs_json.erase("elapsed");
  o.ours = sorted_dump(o.ours_json);
  o.theirs = sorted_dump(o.theirs_json);
  return o;
}

TEST_F(SystemCompat, WaitForFilesRegexesAndPorts) {
  fleet_->run_in_sandbox(0, "printf 'a\\nready port=8080\\n' > /root/status");
  fleet_->run_in_sandbox(1, "printf 'a\\nready port=8080\\n' > /root/status");
  const std::string port = std::to_string(fleet_->port());
  for (const std::string& args : std::vector<std::string>{"path=/root/status timeout=3", "path=/root/status search_regex='ready port=([0-9]+)' timeout=3",
        "path=/root/status search_regex='ready port=(?P<port>[0-9]+)' timeout=3",
        "path=/root/missing timeout=1", "path=/root/status search_regex=never timeout=1",
        "path=/root/missing state=absent timeout=2", "path=/root/status state=absent timeout=1",
        "host=127.0.1.1 port=" + port + " timeout=3",
        "host=127.0.1.1 port=" + port + " search_regex=OpenSSH timeout=3",
        "host=127.0.1.1 port=1 timeout=1", "host=127.0.1.1 port=1 state=stopped timeout=2",
        "host=127.0.1.1 port=" + port + " state=stopped timeout=1",
        "port=1 path=/x", "path=/x state=drained", "timeout=0 delay=0", "port=1 state=drained timeout=2"}) {
    Outcome o = without_elapsed(both("wait_for", args));
    EXPECT_EQ(o.ours, o.theirs) << args;
  }
}

// ---- sysctl -------------------------------------------------------------

TEST_F(SystemCompat, SysctlSetsTheKernelAndTheFile) {
  // kernel.msgmax belongs to the sandbox's own IPC namespace.
  const char* state = "sysctl -n kernel.msgmax; grep -v '^#' /etc/sysctl.conf | grep -v '^$'";
  Outcome c = expect_same("sysctl", "name=kernel.msgmax value=16384 sysctl_set=yes", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  expect_same_state(state);
  Outcome r = expect_same("sysctl", "name=kernel.msgmax value=16384 sysctl_set=yes");
  EXPECT_EQ(r.ours_json["changed"], true);
  Outcome again = expect_same("sysctl", "name=kernel.msgmax value=16384 sysctl_set=yes");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_EQ(expect_same_state(state), "16384\nkernel.msgmax=16384\n");
  expect_same("sysctl", "name=kernel.msgmnb value=32768 reload=no");
  expect_same("sysctl", "name=kernel.msgmnb value=32768");
  expect_same("sysctl", "name=kernel.msgmax state=absent");
  expect_same("sysctl", "name=kernel.msgmax state=absent");
  expect_same("sysctl", "key=kernel.shmmni val=yes sysctl_file=/root/test-sysctl.conf reload=no");
  expect_same("sysctl", "name=kernel.nonexistent value=1 sysctl_set=yes sysctl_file=/root/x.conf");
  expect_same_state(std::string(state) + "; cat /root/test-sysctl.conf /root/x.conf");
}

// ---- hostname -----------------------------------------------------------

TEST_F(SystemCompat, HostnameWritesEtcHostnameWithoutSystemd) {
  Outcome c = expect_same("hostname", "name=web01.example.com", {"--check", "--diff"});
  EXPECT_EQ(c.ours_json["changed"], true);
  Outcome r = expect_same("hostname", "name=web01.example.com", {"--diff"});
  EXPECT_EQ(r.ours_json["changed"], true);
  Outcome again = expect_same("hostname", "name=web01.example.com");
  EXPECT_EQ(again.ours_json["changed"], false);
  EXPECT_EQ(expect_same_state("cat /etc/hostname"), "web01.example.com\n");
}

// ---- service ------------------------------------------------------------

// A System V init script whose "daemon" is a file in /root: the real
// `service` and update-rc.d of the sandbox drive it (no systemd runs here).
const char* kInitScript = R"SH(#!/bin/sh
### BEGIN INIT INFO
# Provides:          drover-svc
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: drover test service
### END INIT INFO
S=/root/drover-svc.running
case "$1" in
  start) touch $S; echo start >> /root/drover-svc.log ;;
  stop) rm -f $S; echo stop >> /root/drover-svc.log ;;
  reload) echo reload >> /root/drover-svc.log ;;
  restart) rm -f $S; touch $S; echo restart >> /root/drover-svc.log ;;
  status) if [ -e $S ]; then echo "drover-svc is running"; exit 0; else echo "drover-svc is not running"; exit 3; fi ;;
  *) echo "Usage: $0 {start|stop|reload|restart|status}"; exit 1 ;;
esac
exit 0
)SH";

TEST_F(SystemCompat, ServiceStartsStopsRestartsAndReloadsAnInitScript) {
  for (int i : {0, 1}) {
    auto r = fleet_->run_in_sandbox(i, std::string("cat > /etc/init.d/drover-svc <<'EOF'\n") + kInitScript +
                                           "EOF\nchmod 755 /etc/init.d/drover-svc");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const char* state = "ls /root/drover-svc.running 2>&1; cat /root/drover-svc.log 2>&1";
  Outcome c = expect_same("service", "name=drover-svc state=started", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  expect_same_state(state);
  Outcome r = expect_same("service", "name=drover-svc state=started");
  EXPECT_EQ(r.ours_json["changed"], true);
  Outcome again = expect_same("service", "name=drover-svc state=started");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same("service", "name=drover-svc state=reloaded");
  expect_same("service", "name=drover-svc state=restarted");
  expect_same("service", "name=drover-svc state=stopped", {"--check"});
  expect_same("service", "name=drover-svc state=stopped");
  expect_same("service", "name=drover-svc state=stopped");
  expect_same("service", "name=drover-svc state=reloaded");
  EXPECT_EQ(expect_same_state(state), "/root/drover-svc.running\nstart\nreload\nstop\nstart\nstop\nstart\n");
}

TEST_F(SystemCompat, ServiceEnablesWithUpdateRcd) {
  for (int i : {0, 1}) {
    auto r = fleet_->run_in_sandbox(i, std::string("cat > /etc/init.d/drover-svc <<'EOF'\n") + kInitScript +
                                           "EOF\nchmod 755 /etc/init.d/drover-svc");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const char* links = "ls /etc/rc?.d | grep -c drover-svc; ls /etc/rc2.d /etc/rc0.d | grep drover-svc";
  Outcome c = expect_same("service", "name=drover-svc enabled=yes", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  Outcome r = expect_same("service", "name=drover-svc enabled=yes");
  EXPECT_EQ(r.ours_json["changed"], true);
  expect_same("service", "name=drover-svc enabled=yes");
  expect_same_state(links);
  expect_same("service", "name=drover-svc enabled=no state=started");
  expect_same("service", "name=drover-svc enabled=no state=started");
  expect_same_state(links);
  expect_same("service", "name=no-such-service state=started");
}

// ---- systemd ------------------------------------------------------------

// systemd cannot run in this test environment, so for the systemd paths
// only, a stand-in systemctl (state in /root/fake-systemd) is bound over
// /usr/bin/systemctl inside each sandbox, and /run/systemd/system exists
// there (a private tmpfs) so that drover and Ansible both see systemd.
const char* kFakeSystemctl = R"SH(#!/bin/sh
D=/root/fake-systemd; mkdir -p $D
while [ $# -gt 0 ]; do case "$1" in -*) shift ;; *) break ;; esac; done
cmd=$1; [ $# -gt 0 ] && shift
unit=${1%.service}
known() { [ -e "$D/$unit.unit" ]; }
state() { if [ -e $D/$unit.masked ]; then echo masked; elif [ -e $D/$unit.enabled ]; then echo enabled; else echo disabled; fi; }
case "$cmd" in
  daemon-reload|daemon-reexec) echo "$cmd" >> $D/log ;;
  show)
    if known; then
      a=inactive; s=dead; [ -e $D/$unit.active ] && a=active && s=running
      l=loaded; [ -e $D/$unit.masked ] && l=masked
      printf 'Id=%s.service\nLoadState=%s\nActiveState=%s\nSubState=%s\nUnitFileState=%s\nExecStart={ path=/bin/true ; argv[]=/bin/true ;\n ignore_errors=no }\n' "$unit" $l $a $s "$(state)"
    else
      printf 'Id=%s.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\n' "$unit"
    fi ;;
  is-enabled)
    known || { echo "Failed to get unit file state for $unit.service: No such file or directory" >&2; exit 1; }
    state; [ "$(state)" = enabled ] ;;
  list-unit-files) known ;;
  start|restart) touch $D/$unit.active; echo "$cmd $unit" >> $D/log ;;
  reload) echo "reload $unit" >> $D/log ;;
  stop) rm -f $D/$unit.active; echo "stop $unit" >> $D/log ;;
  enable) touch $D/$unit.enabled; echo "enable $unit" >> $D/log ;;
  disable) rm -f $D/$unit.enabled; echo "disable $unit" >> $D/log ;;
  mask) touch $D/$unit.masked; echo "mask $unit" >> $D/log ;;
  unmask) rm -f $D/$unit.masked; echo "unmask $unit" >> $D/log ;;
  *) echo "fake systemctl: $cmd" ;;
esac
)SH";

TEST_F(SystemCompat, SystemdUnitsThroughSystemctl) {
  for (int i : {0, 1}) {
    auto r = fleet_->run_in_sandbox(
        i, std::string("cat > /root/fake-systemctl <<'EOF'\n") + kFakeSystemctl +
               "EOF\nchmod 755 /root/fake-systemctl && mount --bind /root/fake-systemctl /usr/bin/systemctl && "
               "mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system && mkdir -p /root/fake-systemd && "
               "touch /root/fake-systemd/web.unit");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  Outcome c = expect_same("systemd", "name=web state=started", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  Outcome r = expect_same("systemd", "name=web state=started enabled=yes daemon_reload=yes");
  EXPECT_EQ(r.ours_json["changed"], true);
  Outcome again = expect_same("systemd", "name=web state=started enabled=yes");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same("systemd", "name=web state=restarted");
  expect_same("systemd", "name=web state=reloaded");
  // (Not `service` here: Ansible picks its module from /proc/1/comm, which
  // is not systemd in this test environment.)
  expect_same("systemd", "name=web state=stopped enabled=no");
  expect_same("systemd", "name=web state=started");
  expect_same("systemd", "name=web masked=yes");
  expect_same("systemd", "name=web masked=no");
  expect_same("systemd", "name=nothere state=started");
  expect_same("systemd", "name='web*' state=started");
  // Ansible 2.14's systemd module enables or disables before it changes the
  // state: "disable web" comes before "stop web".
  EXPECT_EQ(expect_same_state("cat /root/fake-systemd/log; ls /root/fake-systemd"),
            "daemon-reload\nenable web\nstart web\nrestart web\nreload web\ndisable web\nstop web\nstart web\n"
            "mask web\nunmask web\nlog\nweb.active\nweb.unit\n");
}

// ---- mount --------------------------------------------------------------

TEST_F(SystemCompat, MountKeepsFstabAndMountsInThePrivateNamespace) {
  // Each sandbox has its own mount namespace: the tmpfs mounts stay there.
  const char* state = "grep -v '^#' /etc/fstab; awk '$5 ~ \"^/root/mnt\" {print $5}' /proc/self/mountinfo; ls -d /root/mnt* 2>&1";
  const std::string tmpfs = "src=tmpfs fstype=tmpfs opts=size=1m ";
  Outcome c = expect_same("mount", tmpfs + "path=/root/mnt1 state=present", {"--check"});
  EXPECT_EQ(c.ours_json["changed"], true);
  expect_same_state(state);
  Outcome p = expect_same("mount", tmpfs + "path=/root/mnt1 state=present");
  EXPECT_EQ(p.ours_json["changed"], true);
  expect_same("mount", tmpfs + "path=/root/mnt1 state=present");
  Outcome m = expect_same("mount", tmpfs + "path=/root/mnt1 state=mounted");
  EXPECT_EQ(m.ours_json["changed"], true);
  Outcome again = expect_same("mount", tmpfs + "path=/root/mnt1 state=mounted");
  EXPECT_EQ(again.ours_json["changed"], false);
  expect_same_state(state);
  expect_same("mount", "src=tmpfs fstype=tmpfs opts=size=2m path=/root/mnt1 state=mounted");
  expect_same("mount", "path=/root/mnt1 state=remounted");
  expect_same("mount", "path=/root/mnt1 state=unmounted");
  expect_same("mount", "path=/root/mnt1 state=unmounted");
  expect_same_state(state);
  expect_same("mount", tmpfs + "path='/root/mnt 2' state=mounted boot=no opts=size=1m,nodev");
  expect_same("mount", "path=/root/mnt1 state=absent");
  expect_same("mount", "path='/root/mnt 2' state=absent_from_fstab");
  expect_same("mount", "path=/root/mnt1 state=absent");
  expect_same_state(state);
}

}  // namespace
}  // namespace drover
