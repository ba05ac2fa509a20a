// `drover run`: one module on the hosts a pattern selects, in parallel, as
// `ansible PATTERN -m MODULE -a ARGS` does.
//
// Everything that can be checked without a host is checked before any
// connection opens: the module exists, its arguments parse and are options it
// accepts. Each host then gets its own variables (inventory, extra vars,
// magic variables), its arguments templated, its connection from the pool and
// one module run; a host that fails or cannot be reached never holds up the
// others.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "engine/connection_vars.hpp"

namespace drover {

class CollectionIndex;
class Config;
class FallbackModules;
struct ModuleEntry;
class AdhocPrinter;
namespace inventory {
class Inventory;
}

struct AdhocRequest {
  std::string pattern;
  std::string limit;
  std::string module = "command";
  std::string args;  // -a, as typed
  Value extra_vars = Value::object();
  int forks = 5;
  bool check_mode = false;
  bool diff_mode = false;
  int task_timeout_s = 0;
  bool list_hosts = false;
  int async_s = 0;   // -B: run as an async job with this time limit
  int poll_s = 15;   // -P: seconds between checks of the job; 0 returns its handle
  ConnectionOptions connection;
  // Set (by a signal) to stop: no new host starts, running commands are
  // killed, run_adhoc returns 99 after "User interrupted execution".
  std::shared_ptr<std::atomic<bool>> cancel;
};

// What an ad-hoc module name can mean: drover's native modules, and with
// an index and a fallback, modules found as `ansible` finds them
// (ANSIBLE_LIBRARY, collections, ansible-core) run by the Python fallback
// (engine/module_lookup.hpp).
struct AdhocModules {
  std::shared_ptr<const CollectionIndex> index;  // null: native modules only
  std::shared_ptr<FallbackModules> fallback;
  // The index and fallback ansible.cfg and the environment give for
  // playbooks in `dir` (the current directory for `drover run`).
  static AdhocModules for_run(const Config& config, const std::string& dir = ".");
  // The module `name` runs. Throws ParserError when there is none or
  // drover cannot run it.
  const ModuleEntry* find(const std::string& name) const;
};

// Parses `args` for `module` as Ansible's ad-hoc CLI does (a JSON object, or
// k=v with free-form for command-like modules) and checks them against the
// module's options. Throws ParserError / OptionsError.
Value parse_adhoc_args(const std::string& module, const std::string& args, const AdhocModules& modules = {});

// Runs the request and returns ansible's exit code: 0 all fine, 2 a host
// failed, 4 a host was unreachable, 99 interrupted. Throws Error for problems found before
// any host is contacted.
int run_adhoc(const inventory::Inventory& inv, const Config& config, const AdhocRequest& req,
              AdhocPrinter& printer);

}  // namespace drover
