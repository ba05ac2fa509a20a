// -e / --extra-vars as ansible-playbook reads them: "k=v k2=v2", a JSON or
// YAML document ("{...}" / "[...]"), or "@file" (YAML or JSON). Later -e
// options win over earlier ones (top-level keys replaced).
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover {

// Throws Error (with the file position for @file) on bad input.
Value parse_extra_vars(const std::vector<std::string>& options);

}  // namespace drover
