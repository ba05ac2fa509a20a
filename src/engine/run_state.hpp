// What the executor remembers about hosts while a playbook runs, shared by
// the play runner and the task executor.
//
// HostRuntime lives for the whole run (facts, set_fact and registered
// variables carry over from play to play, as in Ansible). Access contract:
// a host's runtime is written only by the thread running that host's task,
// and read by other hosts' tasks only through the hostvars snapshot that
// the play runner rebuilds between task steps.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/value.hpp"
#include "engine/connection_vars.hpp"
#include "engine/tags.hpp"

namespace drover {

namespace inventory {
struct Host;
}

struct HostRuntime {
  std::string name;
  Value facts = Value::object();         // ansible_facts, without the ansible_ prefix
  Value fact_vars = Value::object();     // ansible_<fact> for each fact
  Value set_facts = Value::object();     // set_fact and register
  Value include_vars = Value::object();  // include_vars
  Value inventory_vars = Value::object();  // for the current play (playbook dir group_vars/host_vars)
  // What the fact cache holds for the host: facts as modules returned them
  // (ansible_-prefixed from setup, bare from set_fact cacheable=yes).
  Value cached_facts = Value::object();
  // connection_fallback_vars for the keywords in connection_fallback_key.
  Value connection_fallback;
  std::string connection_fallback_key;

  // Facts as a module returned them, made visible as Ansible's
  // namespace_facts/clean_facts do: "ansible_x" -> ansible_facts.x and the
  // variable ansible_x; a bare "x" -> ansible_facts.x and the variable x.
  // They are unsafe text, as Ansible wraps module results and cached facts:
  // a fact the target reports is never run as a template.
  void add_facts(const Value& new_facts);
  void clear_facts();
  // Whether fact gathering (not a plain setup task) ran for the host, in
  // this run or in the cached run: what gathering=smart checks.
  bool facts_gathered() const { return facts.contains("_ansible_facts_gathered"); }
};

// The exit code of a cancelled run: ansible-playbook's on ^C (its CLI's
// "User interrupted execution").
constexpr int kExitInterrupted = 99;

struct RunOptions {
  std::string limit;
  Value extra_vars = Value::object();
  int forks = 5;
  bool check_mode = false;
  bool diff_mode = false;
  int verbosity = 0;
  TagFilter tags;
  std::string start_at_task;
  bool force_handlers = false;
  bool flush_cache = false;
  ConnectionOptions connection;
  std::vector<std::string> inventory_sources;
  std::string config_file;
  // Set (from any thread) to cancel the run: no new task step starts,
  // running commands are killed, PlaybookRunner::run() returns
  // kExitInterrupted after the callback's interrupted() event.
  std::shared_ptr<std::atomic<bool>> cancel;
  // vars_prompt may ask on the terminal (drover play on a TTY); otherwise
  // defaults answer.
  bool interactive = false;

  bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

// Sleeps `seconds` on the controller unless the run is cancelled first;
// false when it was.
bool sleep_unless_cancelled(const RunOptions& options, double seconds);

}  // namespace drover
