// Reading playbooks, task files and roles into the model (playbook.hpp),
// checking everything that can be checked before a host is touched: YAML
// syntax, play/block/task keywords, module names (with a "did you mean"),
// module options, missing roles and imported files, conflicting keywords.
// Every error is a ParserError with file:line:column.
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"
#include "engine/playbook.hpp"

namespace drover {

struct LoadOptions {
  std::vector<std::string> roles_path;  // configured roles_path, in order
  Value extra_vars = Value::object();   // used to resolve templated import paths
};

Playbook load_playbook(const std::string& path, const LoadOptions& opts = {});

}  // namespace drover
