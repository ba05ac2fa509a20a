// The items of a task's loop: `loop:` and the with_<lookup> forms playbooks
// use (items, list, dict, together, sequence, fileglob, subelements, nested,
// cartesian, indexed_items, first_found), with the results Ansible's lookup
// plugins give for the same terms.
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover {

// `terms` is the templated value of `loop:` / `with_<kind>:`. `kind` is empty
// for `loop:`. Relative file patterns (fileglob, first_found) resolve against
// `search_path` (role files dir, playbook files dir...). Throws Error with
// Ansible's wording for bad input.
Value loop_items(const std::string& kind, const Value& terms, const std::vector<std::string>& search_path);

// Ansible's with_sequence argument parsing ("start=1 end=5 format=web%02d",
// "4-8/2", "count=3").
Value sequence_items(const std::string& spec);

}  // namespace drover
