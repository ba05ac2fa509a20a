// The test fleet keeps its promises: ansible reads its inventory, stopping
// leaves no sshd behind, drover-test-fleet starts and stops detached fleets.
#include "harness/sshd_fleet.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "harness/process.hpp"

namespace drover::test {
namespace {

// Running, not a zombie waiting to be reaped.
bool alive(int pid) {
  return ::kill(pid, 0) == 0 &&
         read_file("/proc/" + std::to_string(pid) + "/stat").find(" Z ") == std::string::npos;
}

std::vector<int> pids_in(const std::string& file) {
  std::vector<int> pids;
  std::ifstream in(file);
  for (int p; in >> p;) pids.push_back(p);
  return pids;
}

TEST(SshdFleet, AnsibleReadsTheInventoryAndReachesEveryHost) {
  SshdFleet fleet(3);
  TempDir tmp;
  fleet.write_inventory(tmp.path() + "/inventory.ini", {{"fleet_marker", "yes"}}, "web");
  ProcessOptions po;
  po.env = {{"ANSIBLE_HOST_KEY_CHECKING", "True"}, {"ANSIBLE_NOCOLOR", "1"}};
  po.timeout_s = 120;
  auto r = run_process({"/usr/bin/ansible", "web", "-i", tmp.path() + "/inventory.ini", "-m", "ping", "-o"}, po);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& h : fleet.hosts()) EXPECT_NE(r.out.find(h.name + " | SUCCESS"), std::string::npos) << r.out;
}

TEST(SshdFleet, StopLeavesNoSshdBehind) {
  std::vector<int> pids;
  {
    FleetOptions one;
    one.hosts_per_sshd = 1;
    SshdFleet fleet(3, one);
    pids = pids_in(fleet.dir() + "/fleet.pids");
    ASSERT_EQ(pids.size(), 3u);
    fleet.kill_host(1);
    EXPECT_FALSE(alive(pids[1]));
    EXPECT_TRUE(alive(pids[0]));
  }
  for (int p : pids) EXPECT_FALSE(alive(p));
}

TEST(SshdFleet, DetachedFleetIsStartedAndStoppedByTheTool) {
  std::string tool = std::filesystem::path(DROVER_BINARY).parent_path() / "drover-test-fleet";
  TempDir tmp;
  std::string dir = tmp.path() + "/fleet";
  auto started = run_process({tool, "start", "2", dir});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  EXPECT_EQ(started.out, dir + "/inventory.ini\n");
  auto pids = pids_in(dir + "/fleet.pids");
  ASSERT_EQ(pids.size(), 1u);
  EXPECT_TRUE(alive(pids[0])) << "outlives the tool";
  EXPECT_EQ(run_process({tool, "stop", dir}).exit_code, 0);
  for (int i = 0; i < 50 && alive(pids[0]); ++i) ::usleep(20000);
  EXPECT_FALSE(alive(pids[0]));
}

}  // namespace
}  // namespace drover::test
