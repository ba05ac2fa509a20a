// Ansible's `path` options: AnsibleModule turns each into
// os.path.expanduser(os.path.expandvars(value)) on the target, as the
// module's user (become included), before the module runs. drover does the
// same for its native modules in one round trip, only when a path option
// holds a `~` at its start or a `$`; nothing in a value is run.
//
// Options that name a controller file (copy's, template's, unarchive's,
// uri's and assemble's `src` unless remote_src, synchronize's
// private_key) are left as they are: the controller side resolves them.
#pragma once

#include <string>

#include "core/value.hpp"
#include "modules/arg_spec.hpp"
#include "modules/module.hpp"

namespace drover {

// `args` (validated) with every target-side path option expanded; `args`
// itself when none needs it. Throws Error when the round trip fails.
Value expand_path_options(const std::string& module, const ArgSpec& spec, Value args, ModuleContext& ctx);

}  // namespace drover
