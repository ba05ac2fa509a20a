// What the executor remembers about hosts while a playbook runs, shared by
// the play runner and the task executor.
//
// HostRuntime lives for the whole run (facts, set_fact and registered
// variables carry over from play to play, as in Ansible). Access contract:
// a host's runtime is written only by the thread running that host's task,
// and read by other hosts' tasks only through the hostvars snapshot that
// the play runner rebuilds between task steps.
#pragma once

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

  void add_facts(const Value& new_facts);
  void clear_facts();
};

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
};

}  // namespace drover
