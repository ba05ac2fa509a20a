// Ansible's warn_if_reserved (vars/reserved.py, ansible-core 2.14): at the
// start of each play (each serial batch), a play-level variable named as a
// keyword of plays, roles, blocks or tasks (`name`, `when`, `tags`, ...,
// with `local_action` and `with_`) or as a global of the templating
// environment (`lookup`, `q`, `range`, ...) is warned about. `vars` itself
// is not. Task vars, set_fact, include_vars and inventory variables are not
// looked at: Ansible asks for the play's variables without a host or task.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "engine/playbook.hpp"

namespace drover {

bool is_reserved_variable_name(std::string_view name);

// "Found variable using reserved name: X" for each reserved name among the
// play's variables: extra vars, play vars, vars_files (and vars_prompt
// answers, kept with them), and the vars and defaults of the play's roles
// and their dependencies. Sorted by name (Ansible's order is a Python set's).
std::vector<std::string> reserved_name_warnings(const Play& play, const Value& vars_files,
                                                const Value& extra_vars);

}  // namespace drover
