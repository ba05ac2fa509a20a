#include "transport/ssh_args.hpp"

#include <gtest/gtest.h>

namespace drover {
namespace {

TEST(SshArgs, ReadsDashOOptionsInBothSpellings) {
  auto a = parse_ssh_args({"-o", "Port=2222", "-oUser=deploy", "-o", "ConnectTimeout 7"});
  EXPECT_EQ(a.get("port"), "2222");
  EXPECT_EQ(a.get("user"), "deploy");
  EXPECT_EQ(a.get("connecttimeout"), "7");
}

TEST(SshArgs, SplitsAWholeArgumentStringLikeAShell) {
  auto a = parse_ssh_args({"-o UserKnownHostsFile=/k -o 'ProxyCommand=ssh -W %h:%p jump' -F /cfg"});
  EXPECT_EQ(a.get("userknownhostsfile"), "/k");
  EXPECT_EQ(a.get("proxycommand"), "ssh -W %h:%p jump");
  EXPECT_EQ(a.config_file, "/cfg");
}

TEST(SshArgs, KeepsTheFirstValueLikeOpenSsh) {
  auto a = parse_ssh_args({"-o", "Port=1", "-p", "2", "-o", "Port=3"});
  EXPECT_EQ(a.get("port"), "1");
}

TEST(SshArgs, AccumulatesIdentityFiles) {
  auto a = parse_ssh_args({"-i", "/a", "-o", "IdentityFile=/b", "-i/c"});
  EXPECT_EQ(a.identity_files, (std::vector<std::string>{"/a", "/b", "/c"}));
}

TEST(SshArgs, ShortFlagsForPortUserAndJump) {
  auto a = parse_ssh_args({"-p", "2200", "-l", "admin", "-J", "bastion:2201"});
  EXPECT_EQ(a.get("port"), "2200");
  EXPECT_EQ(a.get("user"), "admin");
  EXPECT_EQ(a.get("proxyjump"), "bastion:2201");
}

TEST(SshArgs, IgnoresControlMasterAndUnknownOptions) {
  auto a = parse_ssh_args({"-C", "-o", "ControlMaster=auto", "-o", "ControlPersist=60s",
                           "-o", "ServerAliveInterval=30", "-o", "NoSuchOption=1", "-o", "Port=22"});
  EXPECT_FALSE(a.get("controlmaster"));
  EXPECT_FALSE(a.get("nosuchoption"));
  EXPECT_EQ(a.get("port"), "22");
  EXPECT_EQ(a.ignored.size(), 5u);
}

TEST(SshArgs, ValueAfterAFlagIsNeverSplit) {
  auto a = parse_ssh_args({"-o", "ProxyCommand=ssh -W %h:%p bastion"});
  EXPECT_EQ(a.get("proxycommand"), "ssh -W %h:%p bastion");
}

TEST(SplitShellWords, HandlesQuotesAndBackslashes) {
  EXPECT_EQ(split_shell_words(R"(a 'b c' "d \"e\"" f\ g)"),
            (std::vector<std::string>{"a", "b c", "d \"e\"", "f g"}));
  EXPECT_EQ(split_shell_words("''"), (std::vector<std::string>{""}));
}

}  // namespace
}  // namespace drover
