// setup: subsets resolved as Ansible resolves them, and the facts script's
// output (captured from real and busybox-like hosts, synthesized here)
// turned into Ansible's facts.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>

#include "core/error.hpp"
#include "harness/process.hpp"
#include "modules/facts.hpp"
#include "modules/gather_subset.hpp"

namespace drover {
namespace {

using Sections = std::vector<std::pair<std::string, std::string>>;

// The script's output: the grep -H section from `files`, the probes, then
// command sections, as the target prints them.
std::string script_output(const std::map<std::string, std::string>& files, const std::vector<std::string>& probes,
                          const Sections& sections) {
  std::string out = "\x1e" "files\n";
  for (const auto& [path, content] : files) {
    std::string line;
    for (char c : content) {
      line += c;
      if (c == '\n') {
        out += path + ":" + line;
        line.clear();
      }
    }
    if (!line.empty()) out += path + ":" + line + "\n";
  }
  out += "\x1e" "probes\n";
  for (const auto& p : probes) out += p + "\n";
  for (const auto& [name, body] : sections) out += "\x1e" + name + "\n" + body;
  out += "\x1e" "end\n";
  return out;
}

const char* kCpuinfo2 =
    "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nphysical id\t: 0\nsiblings\t: 2\n"
    "core id\t\t: 0\ncpu cores\t: 2\nflags\t\t: fpu vme\n\n"
    "processor\t: 1\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nphysical id\t: 0\nsiblings\t: 2\n"
    "core id\t\t: 1\ncpu cores\t: 2\nflags\t\t: fpu vme\n";

std::map<std::string, std::string> debian_files() {
  return {
      {"/proc/sys/kernel/version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0-18\n"},
      {"/etc/hosts", "127.0.0.1 localhost\n10.0.0.5 web1.example.com web1\n"},
      {"/etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n"},
      {"/etc/os-release",
       "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
       "VERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"},
      {"/etc/debian_version", "12.11\n"},
      {"/etc/resolv.conf", "# generated\nnameserver 10.0.0.53\nnameserver 10.0.0.54\nsearch example.com corp\n"
                           "options ndots:2 rotate\n"},
      {"/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=UUID=abc ro quiet console=tty0 console=ttyS0\n"},
      {"/proc/uptime", "4043.71 8000.00\n"},
      {"/proc/loadavg", "0.52 0.58 0.59 1/300 4242\n"},
      {"/proc/sys/crypto/fips_enabled", "0\n"},
      {"/proc/1/comm", "systemd\n"},
      {"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh\n"},
      {"/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAAC3Nza root@web1\n"},
      {"/etc/ssh/ssh_host_rsa_key.pub", "ssh-rsa AAAAB3Nza root@web1\n"},
      {"/proc/cpuinfo", kCpuinfo2},
      {"/proc/meminfo", "MemTotal:       24683520 kB\nMemFree:        19873792 kB\nBuffers:          102400 kB\n"
                        "Cached:          1945600 kB\nSwapCached:            0 kB\nSwapTotal:       2097148 kB\n"
                        "SwapFree:        2097148 kB\n"},
      {"/proc/self/status", "Name:\tgrep\nCpus_allowed_list:\t0-1\n"},
      {"/proc/mounts", "/dev/vda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n"
                       "/dev/vdb1 /srv/my\\040data xfs rw 0 0\n"},
      {"/proc/self/mountinfo", "22 1 254:1 / / rw - ext4 /dev/vda1 rw\n"},
      {"/sys/devices/virtual/dmi/id/product_name", "KVM\n"},
      {"/sys/devices/virtual/dmi/id/sys_vendor", "QEMU\n"},
      {"/sys/devices/virtual/dmi/id/chassis_type", "1\n"},
      {"/sys/class/net/eth0/address", "52:54:00:12:34:56\n"},
      {"/sys/class/net/eth0/mtu", "1500\n"},
      {"/sys/class/net/eth0/operstate", "up\n"},
      {"/sys/class/net/eth0/type", "1\n"},
      {"/sys/class/net/eth0/speed", "1000\n"},
      {"/sys/class/net/eth0/flags", "0x1003\n"},
      {"/sys/class/net/lo/address", "00:00:00:00:00:00\n"},
      {"/sys/class/net/lo/mtu", "65536\n"},
      {"/sys/class/net/lo/operstate", "unknown\n"},
      {"/sys/class/net/lo/type", "772\n"},
      {"/sys/class/net/lo/flags", "0x9\n"},
  };
}

const char* kIpAddr =
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
    "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
    "    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n"
    "    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n"
    "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n"
    "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
    "    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\n       valid_lft forever preferred_lft forever\n"
    "    inet 10.0.0.6/24 brd 10.0.0.255 scope global secondary eth0:1\n"
    "    inet6 fd00::5/64 scope global \n    inet6 fe80::5054:ff:fe12:3456/64 scope link \n";

Sections debian_sections() {
  return {
      {"uname", "Linux web1 6.1.0-18-amd64 x86_64\n"},
      {"date", "1795584879 543905123 +0100 CET\n"},
      {"tz", "CET-1CEST,M3.5.0,M10.5.0/3\n"},
      {"env0", std::string("HOME=/root\0LANG=C.UTF-8\0MULTI=a\nb\0", 33)},
      {"id", "uid=1000(alice) gid=1000(alice) groups=1000(alice),27(sudo)\n"},
      {"user_env", "alice:alice::\n"},
      {"has_systemctl", ""},
      {"capsh", "Current: =ep\nBounding set =cap_chown\n"},
      {"chroot", "2049 2\n2049 2\n"},
      {"statfs", "4096 4096 1000 250 500 400 /\n4096 4096 10 5 20 10 /srv/my data\n"},
      {"ipaddr", kIpAddr},
      {"route4", "8.8.8.8 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0 \n    cache \n"},
      {"route6", "2404:6800:400a:800::1012 from :: via fd00::1 dev eth0 src fd00::5 metric 1024 pref medium\n"},
      {"netlinks", "lrwxrwxrwx 1 root root 0 Nov 25 05:00 /sys/class/net/eth0/device -> ../../../virtio2\n"},
  };
}

std::vector<std::string> debian_probes() {
  return {"/usr/bin/apt-get", "/run/systemd/system/", "/etc/init.d/", "/sys/class/net/eth0", "/sys/class/net/lo",
          "/sys/devices/virtual/dmi/id/product_name"};
}

Value parse(const std::string& out, std::vector<std::string> subset = {"all"}, std::vector<std::string> filter = {}) {
  FactsRequest req;
  req.gather_subset = subset;
  req.filter = filter;
  return parse_facts_output(out, resolve_gather_subset(subset), req);
}

TEST(GatherSubset, NotAllKeepsTheMinimalCollectors) {
  auto c = resolve_gather_subset({"!all"});
  EXPECT_EQ(c, minimal_gather_subset());
}

TEST(GatherSubset, NegatingMinToo_LeavesNothing) {
  EXPECT_TRUE(resolve_gather_subset({"!all", "!min"}).empty());
}

TEST(GatherSubset, NetworkAloneBringsThePlatformAndDistributionItNeeds) {
  auto c = resolve_gather_subset({"!all", "!min", "network"});
  EXPECT_EQ(c, (std::set<std::string>{"network", "platform", "distribution"}));
}

TEST(GatherSubset, NegatingHardwareDropsItButKeepsOthers) {
  auto c = resolve_gather_subset({"all", "!hardware"});
  EXPECT_FALSE(c.count("hardware"));
  EXPECT_TRUE(c.count("network"));
  EXPECT_TRUE(c.count("virtual"));
}

TEST(GatherSubset, AFactIdSelectsItsCollector) {
  auto c = resolve_gather_subset({"!all", "processor_count"});
  EXPECT_TRUE(c.count("hardware"));
}

TEST(GatherSubset, AnUnknownSubsetFailsWithAnsiblesMessage) {
  try {
    resolve_gather_subset({"hardwre"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("Bad subset 'hardwre' given to Ansible. gather_subset options allowed: all, "),
              std::string::npos);
  }
}

TEST(SetupFacts, DebianHostGivesAnsiblesDistributionFacts) {
  Value f = parse(script_output(debian_files(), debian_probes(), debian_sections()));
  EXPECT_EQ(f["ansible_distribution"], "Debian");
  EXPECT_EQ(f["ansible_distribution_version"], "12.11");
  EXPECT_EQ(f["ansible_distribution_major_version"], "12");
  EXPECT_EQ(f["ansible_distribution_minor_version"], "11");
  EXPECT_EQ(f["ansible_distribution_release"], "bookworm");
  EXPECT_EQ(f["ansible_os_family"], "Debian");
  EXPECT_EQ(f["ansible_pkg_mgr"], "apt");
  EXPECT_EQ(f["ansible_service_mgr"], "systemd");
  EXPECT_EQ(f["ansible_system"], "Linux");
  EXPECT_EQ(f["ansible_kernel"], "6.1.0-18-amd64");
  EXPECT_EQ(f["ansible_kernel_version"], "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0-18");
  EXPECT_EQ(f["ansible_architecture"], "x86_64");
  EXPECT_EQ(f["ansible_machine_id"], "3d1219c7c4c5404aaa1f6d2a48adfda4");
  EXPECT_EQ(f["gather_subset"], Value::array({"all"}));
  EXPECT_EQ(f["module_setup"], true);
}

TEST(SetupFacts, HostnameFqdnAndDomainComeFromHostsLikeGetfqdn) {
  Value f = parse(script_output(debian_files(), debian_probes(), debian_sections()));
  EXPECT_EQ(f["ansible_hostname"], "web1");
  EXPECT_EQ(f["ansible_nodename"], "web1");
  EXPECT_EQ(f["ansible_fqdn"], "web1.example.com");
  EXPECT_EQ(f["ansible_domain"], "example.com");
}

TEST(SetupFacts, ProcessorsAndMemoryAreCountedAsAnsibleCountsThem) {
  Value f = parse(script_output(debian_files(), debian_probes(), debian_sections()));
  EXPECT_EQ(f["ansible_processor"], Value::array({"0", "AuthenticAMD", "AMD EPYC", "1", "AuthenticAMD", "AMD EPYC"}));
  EXPECT_EQ(f["ansible_processor_count"], 1);
  EXPECT_EQ(f["ansible_processor_cores"], 2);
  EXPECT_EQ(f["ansible_processor_threads_per_core"], 1);
  EXPECT_EQ(f["ansible_processor_vcpus"], 2);
  EXPECT_EQ(f["ansible_processor_nproc"], 2);
  EXPECT_EQ(f["ansible_memtotal_mb"], 24105);
  EXPECT_EQ(f["ansible_memfree_mb"], 19408);
  EXPECT_EQ(f["ansible_swaptotal_mb"], 2047);
  EXPECT_EQ(f["ansible_memory_mb"]["real"]["used"], 24105 - 19408);
  EXPECT_EQ(f["ansible_memory_mb"]["nocache"]["free"], 1900 + 19408 + 100);
  EXPECT_EQ(f["ansible_uptime_seconds"], 4043);
  EXPECT_EQ(f["ansible_product_name"], "KVM");
  EXPECT_EQ(f["ansible_form_factor"], "Other");
  EXPECT_EQ(f["ansible_bios_vendor"], "NA");
}

TEST(SetupFacts, MountsSkipPseudoFilesystemsAndDecodeEscapes) {
  Value f = parse(script_output(debian_files(), debian_probes(), debian_sections()));
  ASSERT_EQ(f["ansible_mounts"].size(), 2u);
  const Value& root = f["ansible_mounts"][0];
  EXPECT_EQ(root["mount"], "/");
  EXPECT_EQ(root["device"], "/dev/vda1");
  EXPECT_EQ(root["size_total"], 4096 * 1000);
  EXPECT_EQ(root["size_available"], 4096 * 250);
  EXPECT_EQ(root["block_used"], 750);
  EXPECT_EQ(root["inode_used"], 100);
  EXPECT_EQ(root["uuid"], "N/A");
  EXPECT_EQ(f["ansible_mounts"][1]["mount"], "/srv/my data");
  EXPECT_EQ(f["ansible_mounts"][1]["block_total"], 10);
}

TEST(SetupFacts, InterfacesAddressesAndDefaultRoutesFromIp) {
  Value f = parse(script_output(debian_files(), debian_probes(), debian_sections()));
  EXPECT_EQ(f["ansible_interfaces"], Value::array({"lo", "eth0", "eth0_1"}));
  const Value& eth0 = f["ansible_eth0"];
  EXPECT_EQ(eth0["device"], "eth0");
  EXPECT_EQ(eth0["macaddress"], "52:54:00:12:34:56");
  EXPECT_EQ(eth0["mtu"], 1500);
  EXPECT_EQ(eth0["active"], true);
  EXPECT_EQ(eth0["type"], "ether");
  EXPECT_EQ(eth0["speed"], 1000);
  EXPECT_EQ(eth0["promisc"], false);
  EXPECT_EQ(eth0["pciid"], "virtio2");
  EXPECT_EQ(eth0["ipv4"]["address"], "10.0.0.5");
  EXPECT_EQ(eth0["ipv4"]["netmask"], "255.255.255.0");
  EXPECT_EQ(eth0["ipv4"]["network"], "10.0.0.0");
  EXPECT_EQ(eth0["ipv4"]["prefix"], "24");
  EXPECT_EQ(eth0["ipv6"][1]["scope"], "link");
  EXPECT_EQ(f["ansible_eth0_1"]["ipv4_secondaries"][0]["address"], "10.0.0.6");
  EXPECT_FALSE(f["ansible_lo"].contains("macaddress"));
  EXPECT_EQ(f["ansible_lo"]["type"], "loopback");
  EXPECT_EQ(f["ansible_all_ipv4_addresses"], Value::array({"10.0.0.5", "10.0.0.6"}));
  EXPECT_EQ(f["ansible_all_ipv6_addresses"], Value::array({"fd00::5", "fe80::5054:ff:fe12:3456"}));
  const Value& d4 = f["ansible_default_ipv4"];
  EXPECT_EQ(d4["address"], "10.0.0.5");
  EXPECT_EQ(d4["gateway"], "10.0.0.1");
  EXPECT_EQ(d4["interface"], "eth0");
  EXPECT_EQ(d4["alias"], "eth0");
  EXPECT_EQ(d4["broadcast"], "10.0.0.255");
  EXPECT_EQ(d4["macaddress"], "52:54:00:12:34:56");
  EXPECT_EQ(d4["mtu"], 1500);
  EXPECT_EQ(f["ansible_default_ipv6"]["gateway"], "fd00::1");
  EXPECT_EQ(f["ansible_default_ipv6"]["prefix"], "64");
}

TEST(SetupFacts, DateTimeIsTheTargetsLocalTime) {
  Value f = parse(script_output(debian_files(), debian_probes(), debian_sections()));
  const Value& d = f["ansible_date_time"];
  // 1795584879 is 2026-11-25 05:34:39 UTC, 06:34:39 in CET.
  EXPECT_EQ(d["epoch"], "1795584879");
  EXPECT_EQ(d["hour"], "06");
  EXPECT_EQ(d["date"], "2026-11-25");
  EXPECT_EQ(d["weekday"], "Wednesday");
  EXPECT_EQ(d["weekday_number"], "3");
  EXPECT_EQ(d["weeknumber"], "47");
  EXPECT_EQ(d["iso8601"], "2026-11-25T05:34:39Z");
  EXPECT_EQ(d["iso8601_micro"], "2026-11-25T05:34:39.543905Z");
  EXPECT_EQ(d["iso8601_basic"], "20261125T063439543905");
  EXPECT_EQ(d["tz"], "CET");
  EXPECT_EQ(d["tz_dst"], "CEST");
  EXPECT_EQ(d["tz_offset"], "+0100");
}

TEST(SetupFacts, UserEnvDnsCmdlineAndKeys) {
  Value f = parse(script_output(debian_files(), debian_probes(), debian_sections()));
  EXPECT_EQ(f["ansible_user_id"], "alice");
  EXPECT_EQ(f["ansible_user_uid"], 1000);
  EXPECT_EQ(f["ansible_user_gecos"], "Alice,,,");
  EXPECT_EQ(f["ansible_user_dir"], "/home/alice");
  EXPECT_EQ(f["ansible_user_shell"], "/bin/zsh");
  EXPECT_EQ(f["ansible_env"]["MULTI"], "a\nb");
  EXPECT_EQ(f["ansible_dns"]["nameservers"], Value::array({"10.0.0.53", "10.0.0.54"}));
  EXPECT_EQ(f["ansible_dns"]["search"], Value::array({"example.com", "corp"}));
  EXPECT_EQ(f["ansible_dns"]["options"]["ndots"], "2");
  EXPECT_EQ(f["ansible_dns"]["options"]["rotate"], true);
  EXPECT_EQ(f["ansible_cmdline"]["console"], "ttyS0");
  EXPECT_EQ(f["ansible_proc_cmdline"]["console"], Value::array({"tty0", "ttyS0"}));
  EXPECT_EQ(f["ansible_cmdline"]["quiet"], true);
  EXPECT_EQ(f["ansible_ssh_host_key_ed25519_public"], "AAAAC3Nza");
  EXPECT_EQ(f["ansible_ssh_host_key_rsa_public_keytype"], "ssh-rsa");
  EXPECT_EQ(f["ansible_system_capabilities_enforced"], "False");
  EXPECT_EQ(f["ansible_is_chroot"], false);
  EXPECT_EQ(f["ansible_fips"], false);
  EXPECT_EQ(f["ansible_selinux"]["status"], "disabled");
  EXPECT_EQ(f["ansible_apparmor"]["status"], "disabled");
  EXPECT_EQ(f["ansible_lsb"], Value::object());
  EXPECT_EQ(f["ansible_virtualization_type"], "kvm");
  EXPECT_EQ(f["ansible_virtualization_role"], "guest");
}

TEST(SetupFacts, BusyboxHostWithoutIpStillReportsInterfacesFromProcAndSys) {
  auto files = debian_files();
  files["/proc/net/if_inet6"] =
      "00000000000000000000000000000001 01 80 10 80       lo\n"
      "fe800000000000005054fffe123456 02 40 20 80     eth0\n"  // malformed: ignored
      "fd000000000000000000000000000005 02 40 00 80     eth0\n";
  files["/proc/net/route"] =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
      "eth0\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\n";
  files.erase("/etc/debian_version");
  files["/etc/os-release"] = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n";
  files["/etc/alpine-release"] = "3.19.1\n";
  Sections s = {{"uname", "Linux tiny 6.6.1 aarch64\n"},
                {"date", "1795584879 N +0000 UTC\n"},  // busybox date: no %N
                {"tz", ""},
                {"env", "HOME=/root\nPATH=/bin\n"},
                {"id", "uid=0(root) gid=0(root) groups=0(root)\n"},
                {"user_env", ":::\n"}};
  Value f = parse(script_output(files, {"/sbin/apk", "/sys/class/net/eth0", "/sys/class/net/lo"}, s));
  EXPECT_EQ(f["ansible_distribution"], "Alpine");
  EXPECT_EQ(f["ansible_distribution_version"], "3.19.1");
  EXPECT_EQ(f["ansible_os_family"], "Alpine");
  EXPECT_EQ(f["ansible_pkg_mgr"], "apk");
  EXPECT_EQ(f["ansible_architecture"], "aarch64");
  EXPECT_EQ(f["ansible_user_id"], "root");
  EXPECT_EQ(f["ansible_env"]["PATH"], "/bin");
  EXPECT_EQ(f["ansible_system_capabilities"], "N/A");
  EXPECT_EQ(f["ansible_date_time"]["iso8601_micro"], "2026-11-25T05:34:39.000000Z");
  EXPECT_EQ(f["ansible_date_time"]["tz_dst"], "UTC");
  EXPECT_EQ(f["ansible_interfaces"], Value::array({"eth0", "lo"}));
  EXPECT_EQ(f["ansible_eth0"]["ipv6"][0]["address"], "fd00::5");
  EXPECT_EQ(f["ansible_eth0"]["ipv6"][0]["prefix"], "64");
  EXPECT_EQ(f["ansible_lo"]["ipv6"][0]["scope"], "host");
  EXPECT_EQ(f["ansible_default_ipv4"]["gateway"], "10.0.0.1");
  EXPECT_EQ(f["ansible_default_ipv4"]["interface"], "eth0");
  EXPECT_EQ(f["ansible_all_ipv6_addresses"], Value::array({"fd00::5"}));
}

TEST(SetupFacts, FilterKeepsMatchingFactsWithOrWithoutThePrefix) {
  std::string out = script_output(debian_files(), debian_probes(), debian_sections());
  Value f = parse(out, {"all"}, {"distribution*", "ansible_kernel"});
  EXPECT_TRUE(f.contains("ansible_distribution"));
  EXPECT_TRUE(f.contains("ansible_distribution_version"));
  EXPECT_TRUE(f.contains("ansible_kernel"));
  EXPECT_FALSE(f.contains("ansible_kernel_version"));
  EXPECT_FALSE(f.contains("ansible_eth0"));
  // Ansible filters its own gather_subset and module_setup too.
  EXPECT_FALSE(f.contains("gather_subset"));
}

TEST(SetupFacts, MinimalSubsetHasNoHardwareOrNetworkFacts) {
  std::string out = script_output(debian_files(), debian_probes(), debian_sections());
  Value f = parse(out, {"!all"});
  EXPECT_TRUE(f.contains("ansible_distribution"));
  EXPECT_TRUE(f.contains("ansible_date_time"));
  EXPECT_FALSE(f.contains("ansible_memtotal_mb"));
  EXPECT_FALSE(f.contains("ansible_eth0"));
  EXPECT_FALSE(f.contains("ansible_virtualization_type"));
  EXPECT_EQ(f["gather_subset"], Value::array({"!all"}));
}

TEST(SetupFacts, LocalFactsAreReadAsJsonOrIni) {
  Sections s = {{"local_dir", ""},
                {"local_file:/etc/ansible/facts.d/app.fact", "{\"version\": 3}\n"},
                {"local_file:/etc/ansible/facts.d/ini.fact", "[general]\nName = web\n"},
                {"local_run:/etc/ansible/facts.d/bad.fact", ""},
                {"local_rc:/etc/ansible/facts.d/bad.fact", "1\n"}};
  Value f = parse(script_output({}, {}, s), {"!all", "!min", "local"});
  EXPECT_EQ(f["ansible_local"]["app"]["version"], 3);
  EXPECT_EQ(f["ansible_local"]["ini"]["general"]["name"], "web");
  EXPECT_NE(f["ansible_local"]["bad"].get<std::string>().find("Failure executing fact script"), std::string::npos);
}

TEST(SetupFacts, StrippingThePrefixGivesTheAnsibleFactsVariable) {
  Value v = strip_fact_prefix({{"ansible_distribution", "Debian"}, {"ansible_local", Value::object()},
                               {"gather_subset", {"all"}}});
  EXPECT_EQ(v["distribution"], "Debian");
  EXPECT_TRUE(v.contains("local"));
  EXPECT_TRUE(v.contains("gather_subset"));
}

// The real script on this machine: it must run under dash, finish, and
// answer what the machine is.
TEST(SetupScript, RunsUnderShAndDescribesThisMachine) {
  FactsRequest req;
  auto collectors = resolve_gather_subset({"all"});
  std::string script = build_facts_script(collectors, req);
  auto t0 = std::chrono::steady_clock::now();
  auto r = test::run_process({"/bin/sh", "-c", script});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Value f = parse_facts_output(r.out, collectors, req);
  auto uname = test::run_process({"uname", "-n"});
  EXPECT_EQ(f["ansible_nodename"], uname.out.substr(0, uname.out.size() - 1));
  EXPECT_EQ(f["ansible_system"], "Linux");
  EXPECT_GT(f["ansible_memtotal_mb"].get<int>(), 0);
  EXPECT_GT(f["ansible_processor_vcpus"].get<int>(), 0);
  EXPECT_TRUE(f["ansible_interfaces"].size() > 0);
  EXPECT_TRUE(f["ansible_env"].contains("PATH"));
  EXPECT_FALSE(f["ansible_date_time"]["epoch"].get<std::string>().empty());
  EXPECT_LT(ms, 5000);
}

TEST(SetupScript, PythonFactDescribesTheHostsInterpreterWhenItHasOne) {
  FactsRequest req;
  req.python_interpreter = "/usr/bin/python3";
  auto collectors = resolve_gather_subset({"!all", "python"});
  auto r = test::run_process({"/bin/sh", "-c", build_facts_script(collectors, req)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Value py = parse_facts_output(r.out, collectors, req)["ansible_python"];
  auto v = test::run_process({"/usr/bin/python3", "-c", "import sys; print(*sys.version_info[:3])"});
  EXPECT_EQ(py["executable"], "/usr/bin/python3");
  EXPECT_EQ(std::to_string(py["version"]["major"].get<int>()) + " " + std::to_string(py["version"]["minor"].get<int>()) +
                " " + std::to_string(py["version"]["micro"].get<int>()) + "\n",
            v.out);
  EXPECT_EQ(py["type"], "cpython");
  EXPECT_EQ(py["has_sslcontext"], true);
  // ansible_python_version: platform.python_version() of that interpreter.
  auto pv = test::run_process({"/usr/bin/python3", "-c", "import platform; print(platform.python_version())"});
  EXPECT_EQ(to_display_string(parse_facts_output(r.out, collectors, req)["ansible_python_version"]) + "\n", pv.out);
  // A release candidate, and a host without Python: no fact.
  Value rc = parse_facts_output("\x1e" "python\n/opt/py/bin/python3\nPython 3.13.0rc2\n", collectors, req);
  EXPECT_EQ(rc["ansible_python"]["version_info"], Value::array({3, 13, 0, "candidate", 2}));
  EXPECT_EQ(rc["ansible_python_version"], "3.13.0rc2");
  EXPECT_FALSE(parse_facts_output("", collectors, req).contains("ansible_python"));
  EXPECT_FALSE(parse_facts_output("", collectors, req).contains("ansible_python_version"));
}

// A busybox-only host: busybox sh and its applets, nothing else on PATH
// (busybox `date` has no %N, `ip` is busybox's, no capsh or lsblk).
TEST(SetupScript, RunsUnderBusyboxWithOnlyItsApplets) {
  if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "no /bin/busybox";
  test::TempDir dir;
  auto list = test::run_process({"/bin/busybox", "--list"});
  std::string links = "mkdir -p " + dir.path() + "/bin && cd " + dir.path() + "/bin && for a in " +
                      list.out.substr(0, list.out.size()) + "; do ln -s /bin/busybox \"$a\"; done";
  for (auto& c : links)
    if (c == '\n') c = ' ';
  ASSERT_EQ(test::run_shell(links).exit_code, 0);
  FactsRequest req;
  auto collectors = resolve_gather_subset({"all"});
  test::ProcessOptions po;
  po.env = {{"PATH", dir.path() + "/bin"}};
  auto r = test::run_process({"/bin/busybox", "sh", "-c", build_facts_script(collectors, req)}, po);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Value f = parse_facts_output(r.out, collectors, req);
  EXPECT_EQ(f["ansible_system"], "Linux");
  EXPECT_GT(f["ansible_memtotal_mb"].get<int>(), 0);
  EXPECT_FALSE(f["ansible_mounts"].empty());
  EXPECT_TRUE(f["ansible_mounts"][0].contains("size_total"));
  EXPECT_FALSE(f["ansible_interfaces"].empty());
  EXPECT_EQ(f["ansible_date_time"]["iso8601_micro"].get<std::string>().size(), 27u);
  EXPECT_EQ(f["ansible_env"]["PATH"], dir.path() + "/bin");
  EXPECT_TRUE(f["ansible_user_uid"].is_number());
}

}  // namespace
}  // namespace drover
