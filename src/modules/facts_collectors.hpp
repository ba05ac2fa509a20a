// The fact collectors behind setup: what each one asks of the target and how
// it turns the answer into Ansible's facts. Internal to src/modules (setup,
// facts_script and the facts_*.cpp files); tests use it to feed fixtures.
//
// A collector declares files to read (one `grep -H ''` reads them all: paths
// and globs), paths whose existence matters, and shell commands that print
// their own named sections. The script runs all of that once; the answer is
// a FactsInput, and each collector's function adds its facts (unprefixed
// names: "distribution", "eth0", ...) to one object.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "modules/facts.hpp"

namespace drover {

// What the facts script printed, split up.
struct FactsInput {
  std::map<std::string, std::string> files;     // path -> content (as read; missing or empty files absent)
  std::set<std::string> existing;               // probed paths that exist
  std::map<std::string, std::string> sections;  // command sections by name

  // The file's content with surrounding whitespace stripped, as Ansible's
  // get_file_content(); nullopt when it was not read.
  std::optional<std::string> file(const std::string& path) const;
  std::string file_or(const std::string& path, const std::string& fallback) const;
  bool exists(const std::string& path) const { return existing.count(path) > 0; }
  std::string section(const std::string& name) const;
  bool has_section(const std::string& name) const { return sections.count(name) > 0; }
  // Paths read that match a glob such as "/sys/class/net/*/mtu", sorted.
  std::vector<std::string> files_matching(const std::string& glob) const;
};

struct FactCollector {
  const char* name;
  std::vector<std::string> files;   // read when the collector runs
  std::vector<std::string> probes;  // tested with [ -e ] (a trailing / tests a directory)
  std::string commands;             // sh text; prints sections with `_s NAME`
  void (*collect)(const FactsInput& in, Value& facts, const FactsRequest& req);
};

// Every collector, in Ansible's collection order (platform, distribution,
// lsb first: others read their facts).
const std::vector<FactCollector>& fact_collectors();

// The collect functions, one file per family.
void collect_platform(const FactsInput&, Value&, const FactsRequest&);
void collect_distribution(const FactsInput&, Value&, const FactsRequest&);
void collect_lsb(const FactsInput&, Value&, const FactsRequest&);
void collect_selinux(const FactsInput&, Value&, const FactsRequest&);
void collect_apparmor(const FactsInput&, Value&, const FactsRequest&);
void collect_chroot(const FactsInput&, Value&, const FactsRequest&);
void collect_fips(const FactsInput&, Value&, const FactsRequest&);
void collect_caps(const FactsInput&, Value&, const FactsRequest&);
void collect_python(const FactsInput&, Value&, const FactsRequest&);
void collect_pkg_mgr(const FactsInput&, Value&, const FactsRequest&);
void collect_service_mgr(const FactsInput&, Value&, const FactsRequest&);
void collect_cmdline(const FactsInput&, Value&, const FactsRequest&);
void collect_date_time(const FactsInput&, Value&, const FactsRequest&);
void collect_env(const FactsInput&, Value&, const FactsRequest&);
void collect_loadavg(const FactsInput&, Value&, const FactsRequest&);
void collect_ssh_pub_keys(const FactsInput&, Value&, const FactsRequest&);
void collect_user(const FactsInput&, Value&, const FactsRequest&);
void collect_dns(const FactsInput&, Value&, const FactsRequest&);
void collect_local(const FactsInput&, Value&, const FactsRequest&);
void collect_san_ids(const FactsInput&, Value&, const FactsRequest&);  // fc wwn, iscsi, nvme
void collect_virtual(const FactsInput&, Value&, const FactsRequest&);
void collect_hardware(const FactsInput&, Value&, const FactsRequest&);
void collect_network(const FactsInput&, Value&, const FactsRequest&);

// Splits the script's output into a FactsInput.
FactsInput split_facts_output(const std::string& output);

// Small parsing helpers shared by the collectors.
std::string strip(const std::string& s);
// KEY=value / KEY="value" lines (os-release, lsb-release) with quotes removed.
std::map<std::string, std::string> parse_shell_assignments(const std::string& text);

}  // namespace drover
