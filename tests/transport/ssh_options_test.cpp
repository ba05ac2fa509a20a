// Where connection settings come from besides ConnectionSpec's own fields:
// OpenSSH arguments (ansible_ssh_common_args), ~/.ssh/config, ProxyCommand
// and ProxyJump.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "ssh_test_support.hpp"

namespace drover::test {
namespace {

class SshOptions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fleet_ = new SshdFleet(3); }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }
  // An ssh_config that lets the system ssh and libssh reach every fleet host.
  std::string write_config(const TempDir& tmp, const std::string& extra = "") {
    return tmp.write("ssh_config", extra +
                                       "Host 127.0.*\n"
                                       "  Port " + std::to_string(fleet_->port()) + "\n"
                                       "  User root\n"
                                       "  IdentityFile " + fleet_->client_key_path() + "\n"
                                       "  UserKnownHostsFile " + fleet_->known_hosts_path() + "\n"
                                       "  StrictHostKeyChecking yes\n"
                                       "  BatchMode yes\n");
  }
  static SshdFleet* fleet_;
};
SshdFleet* SshOptions::fleet_ = nullptr;

TEST_F(SshOptions, AnsibleSshCommonArgsSetKnownHostsKeyPortAndUser) {
  ConnectionSpec s;
  s.name = "h";
  s.host = fleet_->hosts()[0].address;
  s.ssh_config_file = "none";
  s.use_agent = false;
  s.ssh_args = {"-o UserKnownHostsFile=" + fleet_->known_hosts_path() +
                    " -o StrictHostKeyChecking=yes -o ControlMaster=auto -o ControlPersist=60s"
                    " -o ServerAliveInterval=5",
                "-i", fleet_->client_key_path(), "-p", std::to_string(fleet_->port()), "-l", "root"};
  EXPECT_EQ(make_connection(s)->exec("id -un").out, "root\n");
}

TEST_F(SshOptions, StrictHostKeyCheckingNoInArgsTurnsCheckingOff) {
  TempDir tmp;
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.known_hosts_file = tmp.write("known_hosts", "");
  s.ssh_args = {"-o", "StrictHostKeyChecking=no"};
  EXPECT_EQ(make_connection(s)->exec("echo ok").out, "ok\n");
}

TEST_F(SshOptions, SshConfigHostAliasIsResolved) {
  TempDir tmp;
  std::string cfg = write_config(tmp, "Host webalias\n  HostName " + fleet_->hosts()[1].address + "\n");
  ConnectionSpec s;
  s.name = "webalias";
  s.host = "webalias";
  s.ssh_config_file = cfg;
  s.use_agent = false;
  EXPECT_EQ(make_connection(s)->exec("echo $SSH_CONNECTION").out.find(fleet_->hosts()[1].address) !=
                std::string::npos,
            true);
}

TEST_F(SshOptions, ExplicitSettingsWinOverTheConfigFile) {
  TempDir tmp;
  std::string cfg = tmp.write("ssh_config", "Host *\n  Port 1\n  User nobody\n");
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.ssh_config_file = cfg;
  EXPECT_EQ(make_connection(s)->exec("id -un").out, "root\n");
}

TEST_F(SshOptions, ProxyJumpGoesThroughTheJumpHost) {
  TempDir tmp;
  std::string cfg = write_config(tmp);
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.ssh_config_file = cfg;  // the system ssh doing the jump reads it too
  s.proxy_jump = "root@" + fleet_->hosts()[2].address;
  EXPECT_EQ(make_connection(s)->exec("echo jumped").out, "jumped\n");
}

TEST_F(SshOptions, ProxyCommandFromSshArgsIsUsed) {
  TempDir tmp;
  std::string cfg = write_config(tmp);
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.ssh_args = {"-o", "ProxyCommand=ssh -F " + cfg + " -W %h:%p " + fleet_->hosts()[2].address};
  EXPECT_EQ(make_connection(s)->exec("echo proxied").out, "proxied\n");
}

TEST_F(SshOptions, FailingProxyCommandIsUnreachable) {
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.proxy_command = "exit 1";
  s.connect_timeout_s = 3;
  auto c = make_connection(s);
  EXPECT_THROW(c->connect(), UnreachableError);
}

TEST_F(SshOptions, MissingPasswordIsNamedWhenKeysAreRefused) {
  TempDir tmp;
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.identity_files = {tmp.path() + "/absent_key"};
  s.user = "root";
  std::string msg;
  try {
    make_connection(s)->connect();
  } catch (const UnreachableError& e) {
    msg = e.what();
  }
  EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
  EXPECT_NE(msg.find("absent_key (no such file)"), std::string::npos) << msg;
}

}  // namespace
}  // namespace drover::test

namespace drover::test {
namespace {

FleetOptions with_root_password(const std::string& pw) {
  FleetOptions o;
  o.root_password = pw;
  return o;
}

TEST(SshPassword, PasswordAuthenticationLogsInWithoutKeys) {
  SshdFleet fleet(1, with_root_password("open sesame"));
  ConnectionSpec s = fleet_spec(fleet, 0);
  s.identity_files.clear();
  s.password = "open sesame";
  EXPECT_EQ(make_connection(s)->exec("id -un").out, "root\n");
}

TEST(SshPassword, WrongPasswordIsPermissionDeniedWithoutShowingIt) {
  SshdFleet fleet(1, with_root_password("open sesame"));
  ConnectionSpec s = fleet_spec(fleet, 0);
  s.identity_files.clear();
  s.password = "guess-1234";
  std::string msg;
  try {
    make_connection(s)->connect();
  } catch (const UnreachableError& e) {
    msg = e.what();
  }
  EXPECT_NE(msg.find("Permission denied (publickey,password)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("password"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("guess-1234"), std::string::npos) << msg;
}

}  // namespace
}  // namespace drover::test
