// The `hostvars` magic variable as Ansible 2.14's HostVars serves it.
//
// Each host's entry holds that host's own variables (inventory, facts,
// include_vars, set_fact, inventory_hostname...). Ansible templates them when
// they are read (HostVarsVars.__getitem__) with that host's variables only,
// never with the variables of the task that reads them, and with
// fail_on_undefined=False: a string whose template meets an undefined
// variable stays as written. So `x: "{{ hostvars[inventory_hostname] }}"`
// in a block whose other vars a host variable refers to is no recursive
// loop.
//
// TemplatedHostVars renders the whole snapshot once, on its first use by
// any task (thread safe), and serves it until the play runner gives it the
// next snapshot; AnsibleJ2Vars does not template hostvars again.
#pragma once

#include <memory>
#include <mutex>

#include "core/value.hpp"

namespace drover {
namespace tmpl {
class Engine;
}

class TemplatedHostVars {
 public:
  // `raw` (host name -> variables) and `common` (magic variables every
  // host's templates see: groups, omit, ...) must outlive this object or
  // the next reset. Not thread safe against get(): called between steps.
  void reset(const Value* raw, const Value* common);
  // The snapshot with every host's templates rendered.
  const Value& get(const tmpl::Engine& engine);

 private:
  std::mutex mu_;
  const Value* raw_ = nullptr;
  const Value* common_ = nullptr;
  std::unique_ptr<Value> rendered_;
};

}  // namespace drover
