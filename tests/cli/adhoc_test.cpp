// `drover run` end to end against private sshd fleets: what an operator sees
// (lines, exit codes) when hosts are healthy, broken, slow or vanish.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "core/strings.hpp"
#include "core/value.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"

namespace drover {
namespace {

using test::run_drover;

std::vector<std::string> lines_of(const std::string& s) { return split_lines(s); }

int count_containing(const std::string& out, const std::string& needle) {
  int n = 0;
  for (auto& l : lines_of(out))
    if (l.find(needle) != std::string::npos) ++n;
  return n;
}

// A TCP port on 127.0.0.1 that refuses connections.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

TEST(AdhocRun, FiftyHostsAllAnswer) {
  test::SshdFleet fleet(50);
  test::TempDir d;
  fleet.write_inventory(d.path() + "/hosts");
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-f", "50", "-m", "command", "-a",
                         "echo {{ inventory_hostname }}", "-o"});
  EXPECT_EQ(res.exit_code, 0) << res.err;
  EXPECT_EQ(count_containing(res.out, "| CHANGED | rc=0 | (stdout) host"), 50) << res.out;
  for (auto& l : lines_of(res.out)) {
    // Each host prints its own name: templating used each host's vars.
    auto host = l.substr(0, l.find(' '));
    EXPECT_NE(l.find("(stdout) " + host), std::string::npos) << l;
  }
}

TEST(AdhocRun, BrokenHostsAreUnreachableWithTheirOwnReasonAndOthersFinish) {
  test::SshdFleet fleet(4);
  test::TempDir d;
  std::string inv = "[ok]\n";
  for (auto& h : fleet.hosts())
    inv += h.name + " ansible_host=" + h.address + " ansible_port=" + std::to_string(h.port) + "\n";
  inv += "[bad]\nclosed ansible_host=127.0.0.1 ansible_port=" + std::to_string(closed_port()) + "\n";
  // A key the hosts do not accept.
  test::run_shell("ssh-keygen -q -t ed25519 -N '' -f " + d.path() + "/wrong_key");
  inv += "wrongkey ansible_host=" + fleet.hosts()[0].address + " ansible_port=" + std::to_string(fleet.port()) +
         " ansible_ssh_private_key_file=" + d.path() + "/wrong_key\n";
  inv += "nodns ansible_host=nohost.invalid\n";
  inv += "[all:vars]\nansible_user=root\nansible_ssh_private_key_file=" + fleet.client_key_path() +
         "\nansible_ssh_common_args='-o UserKnownHostsFile=" + fleet.known_hosts_path() + "'\n";
  // wrongkey's own variable must win over the group's key.
  std::ofstream(d.path() + "/hosts") << inv;
  auto start = std::chrono::steady_clock::now();
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-m", "ping", "-T", "5"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(res.exit_code, 4) << res.out << res.err;
  EXPECT_EQ(count_containing(res.out, "| SUCCESS =>"), 4) << res.out;
  EXPECT_EQ(count_containing(res.out, "| UNREACHABLE! =>"), 3) << res.out;
  EXPECT_NE(res.out.find("Connection refused"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("Permission denied"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("nohost.invalid"), std::string::npos) << res.out;
  EXPECT_LT(took, std::chrono::seconds(15));
}

TEST(AdhocRun, HostKeyMismatchIsRefused) {
  // One sshd per host, so that each host has its own host key.
  test::FleetOptions fo;
  fo.hosts_per_sshd = 1;
  test::SshdFleet fleet(2, fo);
  test::TempDir d;
  fleet.write_inventory(d.path() + "/hosts");
  // Swap the two hosts' keys in known_hosts: both now look like impostors.
  std::string kh = test::read_file(fleet.known_hosts_path());
  auto lines = lines_of(kh);
  ASSERT_EQ(lines.size(), 2u);
  auto key_of = [](const std::string& l) { return l.substr(l.find(' ') + 1); };
  auto host_of = [](const std::string& l) { return l.substr(0, l.find(' ')); };
  std::ofstream(fleet.known_hosts_path())
      << host_of(lines[0]) << " " << key_of(lines[1]) << "\n" << host_of(lines[1]) << " " << key_of(lines[0]) << "\n";
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-m", "ping"});
  EXPECT_EQ(res.exit_code, 4);
  EXPECT_EQ(count_containing(res.out, "UNREACHABLE!"), 2) << res.out;
  EXPECT_NE(to_lower(res.out).find("host key"), std::string::npos) << res.out;
  // host_key_checking=False lets the same run through.
  std::string inv;
  for (auto& h : fleet.hosts())
    inv += h.name + " ansible_host=" + h.address + " ansible_port=" + std::to_string(h.port) + "\n";
  inv += "[all:vars]\nansible_user=root\nansible_ssh_private_key_file=" + fleet.client_key_path() + "\n";
  std::ofstream(d.path() + "/hosts_nocheck") << inv;
  test::ProcessOptions po;
  po.env = {{"ANSIBLE_HOST_KEY_CHECKING", "False"}};
  auto off = run_drover({"run", "all", "-i", d.path() + "/hosts_nocheck", "-m", "ping", "--ssh-common-args",
                         "-o UserKnownHostsFile=" + fleet.known_hosts_path()},
                        po);
  EXPECT_EQ(off.exit_code, 0) << off.out << off.err;
  EXPECT_EQ(count_containing(off.out, "| SUCCESS =>"), 2) << off.out;
}

TEST(AdhocRun, HostKilledMidCommandIsReportedAndNothingHangs) {
  test::FleetOptions fo;
  fo.hosts_per_sshd = 1;
  test::SshdFleet fleet(3, fo);
  test::TempDir d;
  fleet.write_inventory(d.path() + "/hosts");
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    fleet.kill_host(1);
  });
  auto start = std::chrono::steady_clock::now();
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-m", "shell", "-a", "sleep 4; echo done", "-o"});
  auto took = std::chrono::steady_clock::now() - start;
  killer.join();
  EXPECT_EQ(res.exit_code, 4) << res.out << res.err;
  EXPECT_EQ(count_containing(res.out, "(stdout) done"), 2) << res.out;
  EXPECT_EQ(count_containing(res.out, "host002 | UNREACHABLE!"), 1) << res.out;
  EXPECT_LT(took, std::chrono::seconds(12));
}

TEST(AdhocRun, BecomeRunsAsAnotherUser) {
  test::SshdFleet fleet(1);
  test::TempDir d;
  fleet.write_inventory(d.path() + "/hosts");
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-b", "--become-user", "nobody", "-m", "command",
                         "-a", "id -un", "-o"});
  EXPECT_EQ(res.exit_code, 0) << res.out << res.err;
  EXPECT_NE(res.out.find("(stdout) nobody"), std::string::npos) << res.out;
}

TEST(AdhocRun, TenMegabytesOfStdoutArriveIntact) {
  test::SshdFleet fleet(1);
  test::TempDir d;
  fleet.write_inventory(d.path() + "/hosts");
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-m", "shell", "-a",
                         "head -c 10000000 /dev/urandom | base64 -w 0 | head -c 10000000", "--json"});
  ASSERT_EQ(res.exit_code, 0) << res.err;
  auto first = lines_of(res.out).at(0);
  Value ev = Value::parse(first);
  std::string out = ev["result"]["stdout"].get<std::string>();
  EXPECT_EQ(out.size(), 10000000u);
  EXPECT_EQ(out.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
            std::string::npos);
}

TEST(AdhocRun, TwoHundredHostsThroughTwentyForks) {
  test::SshdFleet fleet(200);
  test::TempDir d;
  fleet.write_inventory(d.path() + "/hosts");
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-f", "20", "-m", "command", "-a", "true", "-o"});
  EXPECT_EQ(res.exit_code, 0) << res.err;
  EXPECT_EQ(count_containing(res.out, "| CHANGED | rc=0"), 200);
}

TEST(AdhocRun, FailedHostGivesExitTwoAndFailedOutput) {
  test::SshdFleet fleet(2);
  test::TempDir d;
  fleet.write_inventory(d.path() + "/hosts");
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-m", "shell", "-a",
                         "[ {{ inventory_hostname }} = host001 ] || { echo bad >&2; exit 3; }"});
  EXPECT_EQ(res.exit_code, 2) << res.out << res.err;
  EXPECT_NE(res.out.find("host002 | FAILED | rc=3 >>\nbadnon-zero return code\n"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("host001 | CHANGED | rc=0 >>\n"), std::string::npos) << res.out;
}

TEST(AdhocRun, BadModuleOrArgumentsStopBeforeAnyConnection) {
  test::TempDir d;
  // The only host refuses connections: an attempt would show UNREACHABLE.
  std::ofstream(d.path() + "/hosts") << "h ansible_host=127.0.0.1 ansible_port=" << closed_port() << "\n";
  auto res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-m", "comand", "-a", "true"});
  EXPECT_EQ(res.exit_code, 4);
  EXPECT_NE(res.err.find("couldn't resolve module/action 'comand'"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("command"), std::string::npos);
  EXPECT_EQ(res.out.find("UNREACHABLE"), std::string::npos);
  res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-m", "ping", "-a", "dta=x"});
  EXPECT_EQ(res.exit_code, 4);
  EXPECT_NE(res.err.find("Unsupported parameters for (ping) module: dta"), std::string::npos) << res.err;
  EXPECT_EQ(res.out.find("UNREACHABLE"), std::string::npos);
  res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-m", "shell"});
  EXPECT_EQ(res.exit_code, 5);
  EXPECT_NE(res.err.find("No argument passed to shell module"), std::string::npos) << res.err;
}

TEST(AdhocRun, PatternMatchingNothingWarnsAndExitsZero) {
  test::TempDir d;
  std::ofstream(d.path() + "/hosts") << "[web]\nw1\n";
  auto res = run_drover({"run", "nomatch", "-i", d.path() + "/hosts", "-m", "ping"});
  EXPECT_EQ(res.exit_code, 0);
  EXPECT_NE(res.err.find("[WARNING]: Could not match supplied host pattern, ignoring: nomatch"), std::string::npos)
      << res.err;
  EXPECT_NE(res.err.find("[WARNING]: No hosts matched, nothing to do"), std::string::npos);
  res = run_drover({"run", "all", "-i", d.path() + "/hosts", "-l", "nomatch", "-m", "ping"});
  EXPECT_EQ(res.exit_code, 1);
  EXPECT_NE(res.err.find("leaves us with no hosts to target"), std::string::npos) << res.err;
}

}  // namespace
}  // namespace drover
