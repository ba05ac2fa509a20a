// The fact cache: facts kept between runs, configured as Ansible's
// fact_caching (ansible.cfg [defaults] fact_caching, fact_caching_connection,
// fact_caching_timeout, fact_caching_prefix; ANSIBLE_CACHE_PLUGIN*).
//
// What is stored per host is what the setup module returned under
// ansible_facts (keys prefixed with ansible_, plus gather_subset and
// module_setup), as Ansible's cache plugins store it, so drover and Ansible
// can share a cache:
//
// * memory: within one run only.
// * jsonfile: one file per host in the fact_caching_connection directory,
//   named <prefix><host> (no prefix unless one is configured), holding
//   json.dumps(facts, sort_keys=True, indent=4); an entry older than the
//   timeout (by file mtime) is expired. Written to a temporary file and
//   renamed, so readers never see half a file.
// * redis: the layout of community.general.redis (ansible-core itself ships
//   no redis plugin): key <prefix><host> (prefix default "ansible_facts")
//   holds the same JSON, set with an expiry of the timeout (none when 0),
//   and the sorted set "ansible_cache_keys" scores each host with the time
//   it was stored. Connection string "host:port[:db[:password]]", default
//   127.0.0.1:6379:0, as the plugin reads it.
//
// A timeout of 0 means entries never expire. All methods are thread-safe:
// the executor calls them from its worker threads. Failures to reach redis
// or write a file throw Error with the cache's name and the reason.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "engine/config.hpp"

namespace drover {

class FactCache {
 public:
  virtual ~FactCache() = default;
  // The host's cached facts, or nullopt when none or expired.
  virtual std::optional<Value> get(const std::string& host) = 0;
  // Replaces the host's facts.
  virtual void set(const std::string& host, const Value& facts) = 0;
  // Removes every host's entry (--flush-cache).
  virtual void flush() = 0;
  // Hosts with an entry that has not expired.
  virtual std::vector<std::string> hosts() = 0;
};

struct FactCacheSettings {
  std::string plugin = "memory";  // memory | jsonfile | redis (also ansible.builtin.* / community.general.*)
  std::string connection;         // jsonfile: directory; redis: host:port[:db[:password]]
  int timeout_s = 86400;
  std::string prefix;             // empty: none (jsonfile) or "ansible_facts" (redis)
};

// Throws Error for an unknown plugin or a jsonfile cache without a
// directory, as Ansible refuses them.
std::unique_ptr<FactCache> make_fact_cache(const FactCacheSettings& settings);

// From CACHE_PLUGIN, CACHE_PLUGIN_CONNECTION, CACHE_PLUGIN_TIMEOUT and
// CACHE_PLUGIN_PREFIX. The jsonfile plugin has no prefix of its own in
// Ansible, so the setting's default ("ansible_facts", which is redis's)
// counts as no prefix there.
std::unique_ptr<FactCache> make_fact_cache(const Config& config);

}  // namespace drover
