// The fact cache as Ansible configures it: memory, jsonfile (files Ansible
// can read, expiry by age) and redis (a real redis-server, the
// community.general.redis key layout).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "engine/config.hpp"
#include "engine/fact_cache.hpp"
#include "harness/process.hpp"
#include "redis_server.hpp"

namespace drover {
namespace {

using test::RedisServer;

Value sample_facts() {
  return {{"ansible_distribution", "Debian"}, {"ansible_eth0", {{"mtu", 1500}}}, {"gather_subset", {"all"}},
          {"module_setup", true}};
}

FactCacheSettings jsonfile(const std::string& dir, int timeout = 86400, const std::string& prefix = "") {
  FactCacheSettings s;
  s.plugin = "jsonfile";
  s.connection = dir;
  s.timeout_s = timeout;
  s.prefix = prefix;
  return s;
}

void age_file(const std::string& path, int seconds) {
  struct utimbuf t;
  t.actime = t.modtime = time(nullptr) - seconds;
  ASSERT_EQ(utime(path.c_str(), &t), 0);
}

TEST(FactCache, MemoryKeepsFactsForTheRun) {
  auto c = make_fact_cache(FactCacheSettings{});
  EXPECT_FALSE(c->get("web1"));
  c->set("web1", sample_facts());
  EXPECT_EQ(*c->get("web1"), sample_facts());
  c->flush();
  EXPECT_FALSE(c->get("web1"));
}

TEST(FactCache, JsonfileWritesOneFilePerHostInAnsiblesFormat) {
  test::TempDir dir;
  auto c = make_fact_cache(jsonfile(dir.path() + "/cache"));
  c->set("web1", sample_facts());
  std::string text = test::read_file(dir.path() + "/cache/web1");
  // json.dumps(sort_keys=True, indent=4)
  EXPECT_EQ(text,
            "{\n    \"ansible_distribution\": \"Debian\",\n    \"ansible_eth0\": {\n        \"mtu\": 1500\n    },\n"
            "    \"gather_subset\": [\n        \"all\"\n    ],\n    \"module_setup\": true\n}");
  // A new process (a new cache object) reads it back.
  auto again = make_fact_cache(jsonfile(dir.path() + "/cache"));
  EXPECT_EQ(*again->get("web1"), sample_facts());
  EXPECT_EQ(again->hosts(), std::vector<std::string>{"web1"});
}

TEST(FactCache, JsonfilePrefixNamesTheFiles) {
  test::TempDir dir;
  auto c = make_fact_cache(jsonfile(dir.path(), 0, "facts_"));
  c->set("web1", sample_facts());
  EXPECT_FALSE(test::read_file(dir.path() + "/facts_web1").empty());
  EXPECT_EQ(c->hosts(), std::vector<std::string>{"web1"});
}

TEST(FactCache, JsonfileEntriesOlderThanTheTimeoutHaveExpired) {
  test::TempDir dir;
  make_fact_cache(jsonfile(dir.path(), 60))->set("old", sample_facts());
  make_fact_cache(jsonfile(dir.path(), 60))->set("new", sample_facts());
  age_file(dir.path() + "/old", 120);
  auto c = make_fact_cache(jsonfile(dir.path(), 60));
  EXPECT_FALSE(c->get("old"));
  EXPECT_TRUE(c->get("new"));
  EXPECT_EQ(c->hosts(), std::vector<std::string>{"new"});
  // Timeout 0: never expires.
  EXPECT_TRUE(make_fact_cache(jsonfile(dir.path(), 0))->get("old"));
}

TEST(FactCache, JsonfileFlushRemovesEveryHost) {
  test::TempDir dir;
  auto c = make_fact_cache(jsonfile(dir.path()));
  c->set("a", sample_facts());
  c->set("b", sample_facts());
  c->flush();
  EXPECT_TRUE(make_fact_cache(jsonfile(dir.path()))->hosts().empty());
}

TEST(FactCache, JsonfileCorruptEntryIsDroppedNotFatal) {
  test::TempDir dir;
  dir.write("web1", "{not json");
  auto c = make_fact_cache(jsonfile(dir.path()));
  EXPECT_FALSE(c->get("web1"));
}

TEST(FactCache, JsonfileWithoutDirectoryIsRefusedLikeAnsible) {
  FactCacheSettings s;
  s.plugin = "jsonfile";
  EXPECT_THROW(make_fact_cache(s), Error);
  s.plugin = "mongodb";
  EXPECT_THROW(make_fact_cache(s), Error);
}

TEST(FactCache, ConfiguredFromAnsibleSettings) {
  test::TempDir dir;
  Config cfg = Config::load_from("", {{"ANSIBLE_CACHE_PLUGIN", "jsonfile"},
                                      {"ANSIBLE_CACHE_PLUGIN_CONNECTION", dir.path()},
                                      {"ANSIBLE_CACHE_PLUGIN_TIMEOUT", "3600"}});
  auto c = make_fact_cache(cfg);
  c->set("web1", sample_facts());
  // The setting's default prefix (redis's) does not apply to jsonfile.
  EXPECT_FALSE(test::read_file(dir.path() + "/web1").empty());
}

FactCacheSettings redis(int port, int timeout = 86400) {
  FactCacheSettings s;
  s.plugin = "community.general.redis";
  s.connection = "127.0.0.1:" + std::to_string(port) + ":0";
  s.timeout_s = timeout;
  return s;
}

TEST(FactCacheRedis, StoresFactsUnderThePluginsKeysWithExpiry) {
  RedisServer server;
  auto c = make_fact_cache(redis(server.port(), 3600));
  c->set("web1", sample_facts());
  EXPECT_EQ(*make_fact_cache(redis(server.port()))->get("web1"), sample_facts());
  // community.general.redis: <prefix><host> holds the JSON with a TTL, the
  // sorted set ansible_cache_keys lists the host.
  auto got = server.cli({"GET", "ansible_factsweb1"});
  EXPECT_EQ(Value::parse(got.out), sample_facts());
  int ttl = std::atoi(server.cli({"TTL", "ansible_factsweb1"}).out.c_str());
  EXPECT_GT(ttl, 3500);
  EXPECT_LE(ttl, 3600);
  EXPECT_EQ(server.cli({"ZRANGE", "ansible_cache_keys", "0", "-1"}).out, "web1\n");
  EXPECT_EQ(c->hosts(), std::vector<std::string>{"web1"});
}

TEST(FactCacheRedis, ExpiredEntriesAreGone) {
  RedisServer server;
  auto c = make_fact_cache(redis(server.port(), 1));
  c->set("web1", sample_facts());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto fresh = make_fact_cache(redis(server.port(), 1));
  EXPECT_FALSE(fresh->get("web1"));
  EXPECT_TRUE(fresh->hosts().empty());
}

TEST(FactCacheRedis, FlushDeletesKeysAndKeyset) {
  RedisServer server;
  auto c = make_fact_cache(redis(server.port(), 0));
  c->set("a", sample_facts());
  c->set("b", sample_facts());
  EXPECT_EQ(server.cli({"TTL", "ansible_factsa"}).out, "-1\n");  // timeout 0: no expiry
  c->flush();
  EXPECT_EQ(server.cli({"EXISTS", "ansible_factsa"}).out, "0\n");
  EXPECT_EQ(server.cli({"ZCARD", "ansible_cache_keys"}).out, "0\n");
}

TEST(FactCacheRedis, UnreachableServerIsAnErrorNamingIt) {
  auto c = make_fact_cache(redis(1));
  try {
    c->get("web1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("127.0.0.1:1"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace drover
