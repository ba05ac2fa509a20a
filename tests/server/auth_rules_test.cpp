// The auth side's pure rules, without a server: usernames and passwords
// (account_rules), the Bearer header, login throttling per user and
// address, and which git URLs a project may have.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "server/account_rules.hpp"
#include "server/authenticator.hpp"
#include "server/jobs/project_sync.hpp"
#include "server/login_limiter.hpp"

namespace drover::server {
namespace {

TEST(AccountRules, UsernamesAreTrimmedThenCheckedForCharactersAndLength) {
  EXPECT_EQ(trim_username("  ops.team \t"), "ops.team");
  EXPECT_FALSE(username_problem("ops.team+bj1@example-1_x"));
  EXPECT_TRUE(username_problem(""));
  EXPECT_TRUE(username_problem(std::string(65, 'a')));
  EXPECT_FALSE(username_problem(std::string(64, 'a')));
  for (std::string bad : {"a b", "a\tb", "a\x01", "caf\xc3\xa9", "a/b", "a:b", "<script>"})
    EXPECT_TRUE(username_problem(bad)) << bad;
}

TEST(AccountRules, PasswordsNeedLengthVarietyAndMustNotBeTheUsernameOrCommon) {
  EXPECT_FALSE(password_problem("admin-password-for-tests", "admin")) << "the tests' fixture";
  EXPECT_TRUE(password_problem("elevenchars", "x"));
  EXPECT_TRUE(password_problem("Password1234", "x")) << "common, any case";
  EXPECT_TRUE(password_problem("Operator.Team", "operator.team"));
  EXPECT_TRUE(password_problem("abababababababab", "x"));
  EXPECT_TRUE(password_problem(std::string(1025, 'x') + "abcde", "x"));
  auto why = password_problem("hunter2", "x");
  ASSERT_TRUE(why);
  EXPECT_EQ(why->find("hunter2"), std::string::npos) << "the reason never repeats the password";
}

TEST(BearerHeader, TheSchemeIsCaseInsensitiveAndTheTokenOneWord) {
  EXPECT_EQ(Authenticator::bearer_token("Bearer abc").value_or(""), "abc");
  EXPECT_EQ(Authenticator::bearer_token("bEaReR   abc  ").value_or(""), "abc");
  EXPECT_EQ(Authenticator::bearer_token(" bearer\tabc").value_or(""), "abc");
  for (std::string bad :
       std::vector<std::string>{"", "Bearer", "Bearer ", "Bearerabc", "Basic abc", "Bearer a b",
                                "Token abc", "Bearer " + std::string(257, 'a'), "Bearer a\x7f"})
    EXPECT_FALSE(Authenticator::bearer_token(bad)) << bad;
}

TEST(LoginLimiter, LocksOneUserFromOneAddressNotFromOthers) {
  LoginLimiter limiter(3, 10, std::chrono::seconds(60));
  for (int i = 0; i < 3; ++i) limiter.record_failure("10.0.0.9", "admin");
  EXPECT_GT(limiter.retry_after("10.0.0.9", "admin"), 0);
  EXPECT_EQ(limiter.retry_after("10.0.0.1", "admin"), 0) << "the real admin elsewhere";
  EXPECT_EQ(limiter.retry_after("10.0.0.9", "alice"), 0)
      << "other users from that address, under its own limit";
}

TEST(LoginLimiter, SprayingManyUsersFromOneAddressLocksTheAddress) {
  LoginLimiter limiter(3, 10, std::chrono::seconds(60));
  for (int i = 0; i < 10; ++i) limiter.record_failure("10.0.0.9", "user" + std::to_string(i));
  EXPECT_GT(limiter.retry_after("10.0.0.9", "fresh-user"), 0);
  EXPECT_EQ(limiter.retry_after("10.0.0.2", "fresh-user"), 0);
}

TEST(LoginLimiter, ASuccessClearsItsPairAndFailuresAgeOut) {
  LoginLimiter limiter(2, 10, std::chrono::seconds(1));
  limiter.record_failure("a", "u");
  limiter.record_success("a", "u");
  limiter.record_failure("a", "u");
  EXPECT_EQ(limiter.retry_after("a", "u"), 0);
  limiter.record_failure("a", "u");
  EXPECT_GT(limiter.retry_after("a", "u"), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(limiter.retry_after("a", "u"), 0);
}

TEST(GitUrls, SecretsAndDangerousTransportsAreRefusedWithoutRepeatingTheUrl) {
  ServerOptions o;
  o.data_dir = ::testing::TempDir() + "/git-urls-data";
  for (std::string ok : {"https://github.com/org/repo.git", "ssh://git@host:2222/repo.git",
                         "git@github.com:org/r.git", "git://host/repo"})
    EXPECT_FALSE(git_url_problem(ok, o)) << ok;
  for (std::string bad :
       {"https://u:p4ss@host/r", "https://t0ken@host/r", "HTTP://u@host/r", "ssh://u:p4ss@host/r",
        "u:p4ss@host:org/r.git", "-uhttps://x", "ext::sh -c touch% /tmp/x", "fd::17",
        "https://host/r\n", "/etc", "file:///etc", "./relative"}) {
    auto why = git_url_problem(bad, o);
    ASSERT_TRUE(why) << bad;
    EXPECT_EQ(why->find("p4ss"), std::string::npos);
    EXPECT_EQ(why->find("t0ken"), std::string::npos);
  }
}

}  // namespace
}  // namespace drover::server
