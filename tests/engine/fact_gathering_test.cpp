// Fact gathering as ansible.cfg configures it, through whole playbook runs:
// gathering = implicit | explicit | smart, the play's gather_facts, the fact
// cache (jsonfile, a real redis-server) filled by gathering and by set_fact
// cacheable=yes, cached facts visible in later runs, --flush-cache.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "playbook_run.hpp"
#include "redis_server.hpp"

namespace drover::test {
namespace {

const char* kInventory = "target ansible_connection=local\n";

std::string play(const std::string& gather_facts, const std::string& tasks) {
  std::string p = "- hosts: all\n";
  if (!gather_facts.empty()) p += "  gather_facts: " + gather_facts + "\n";
  return p + "  tasks:\n" + tasks;
}

const char* kShowHostname =
    "    - name: show\n      debug:\n        msg: '{{ ansible_facts.hostname | default(\"none\") }} "
    "{{ ansible_hostname | default(\"none\") }}'\n";

bool gathered(const PlaybookRun& run) { return !run.events->task("Gathering Facts").empty(); }

std::string shown(const PlaybookRun& run) {
  return run.events->task("show").at("target").result["msg"].get<std::string>();
}

std::string hostname() {
  std::string s = run_shell("hostname").out;
  return s.substr(0, s.find_first_of(".\n"));
}

TEST(Gathering, ImplicitGathersUnlessThePlaySaysNo) {
  TempDir dir;
  std::string inv = dir.write("hosts", kInventory);
  EXPECT_TRUE(gathered(run_playbook(dir.write("a.yml", play("", kShowHostname)), {inv})));
  EXPECT_FALSE(gathered(run_playbook(dir.write("b.yml", play("false", kShowHostname)), {inv})));
}

TEST(Gathering, ExplicitGathersOnlyWhenThePlaySaysYes) {
  TempDir dir;
  std::string inv = dir.write("hosts", kInventory);
  std::map<std::string, std::string> env{{"ANSIBLE_GATHERING", "explicit"}};
  EXPECT_FALSE(gathered(run_playbook(dir.write("a.yml", play("", kShowHostname)), {inv}, {}, "", env)));
  EXPECT_TRUE(gathered(run_playbook(dir.write("b.yml", play("true", kShowHostname)), {inv}, {}, "", env)));
}

TEST(Gathering, SmartWithAJsonfileCacheGathersOnceAndLaterRunsSeeTheCachedFacts) {
  TempDir dir;
  std::string inv = dir.write("hosts", kInventory);
  std::string cache = dir.path() + "/cache";
  std::map<std::string, std::string> env{{"ANSIBLE_GATHERING", "smart"},
                                         {"ANSIBLE_CACHE_PLUGIN", "jsonfile"},
                                         {"ANSIBLE_CACHE_PLUGIN_CONNECTION", cache}};
  std::string book = dir.write("site.yml", play("", kShowHostname));
  PlaybookRun first = run_playbook(book, {inv}, {}, "", env);
  ASSERT_EQ(first.rc, 0);
  EXPECT_TRUE(gathered(first));
  std::string file = read_file(cache + "/target");
  EXPECT_NE(file.find("\"ansible_hostname\""), std::string::npos);
  EXPECT_NE(file.find("\"_ansible_facts_gathered\": true"), std::string::npos);

  PlaybookRun second = run_playbook(book, {inv}, {}, "", env);
  EXPECT_FALSE(gathered(second));
  EXPECT_EQ(shown(second), shown(first));
  EXPECT_NE(shown(second).find(hostname()), std::string::npos);

  RunOptions flush;
  flush.flush_cache = true;
  EXPECT_TRUE(gathered(run_playbook(book, {inv}, flush, "", env)));
}

TEST(Gathering, SmartGathersOncePerRunWithTheMemoryCache) {
  TempDir dir;
  std::string inv = dir.write("hosts", kInventory);
  std::map<std::string, std::string> env{{"ANSIBLE_GATHERING", "smart"}};
  std::string book = dir.write("site.yml", play("", kShowHostname) + play("", kShowHostname));
  PlaybookRun run = run_playbook(book, {inv}, {}, "", env);
  int gathers = 0;
  for (const auto& r : run.events->results()) gathers += r.task == "Gathering Facts";
  EXPECT_EQ(gathers, 1);
}

TEST(Gathering, CacheableSetFactIsCachedAndCachedFactsAreVariablesInTheNextRun) {
  TempDir dir;
  std::string inv = dir.write("hosts", kInventory);
  std::string cache = dir.path() + "/cache";
  std::map<std::string, std::string> env{{"ANSIBLE_CACHE_PLUGIN", "jsonfile"},
                                         {"ANSIBLE_CACHE_PLUGIN_CONNECTION", cache}};
  run_playbook(dir.write("a.yml", play("false", "    - set_fact:\n        colour: blue\n        cacheable: yes\n"
                                                "    - set_fact:\n        size: 3\n")),
               {inv}, {}, "", env);
  PlaybookRun later = run_playbook(
      dir.write("b.yml", play("false", "    - name: show\n      debug:\n        msg: '{{ colour }} "
                                       "{{ ansible_facts.colour }} {{ size | default(\"unset\") }}'\n")),
      {inv}, {}, "", env);
  EXPECT_EQ(shown(later), "blue blue unset");
}

TEST(Gathering, SmartWithARedisCacheSkipsHostsGatheredByAnEarlierRun) {
  RedisServer redis;
  TempDir dir;
  std::string inv = dir.write("hosts", kInventory);
  std::map<std::string, std::string> env{{"ANSIBLE_GATHERING", "smart"},
                                         {"ANSIBLE_CACHE_PLUGIN", "community.general.redis"},
                                         {"ANSIBLE_CACHE_PLUGIN_CONNECTION",
                                          "127.0.0.1:" + std::to_string(redis.port()) + ":0"}};
  std::string book = dir.write("site.yml", play("", kShowHostname));
  PlaybookRun first = run_playbook(book, {inv}, {}, "", env);
  EXPECT_TRUE(gathered(first));
  EXPECT_NE(redis.cli({"GET", "ansible_factstarget"}).out.find("ansible_hostname"), std::string::npos);
  PlaybookRun second = run_playbook(book, {inv}, {}, "", env);
  EXPECT_FALSE(gathered(second));
  EXPECT_EQ(shown(second), shown(first));
  RunOptions flush;
  flush.flush_cache = true;
  EXPECT_TRUE(gathered(run_playbook(book, {inv}, flush, "", env)));
}

}  // namespace
}  // namespace drover::test
