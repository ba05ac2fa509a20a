// Commands a module has decided to run, run in one round trip, each failing
// as AnsibleModule.run_command(..., check_rc=True) fails: the module stops
// with msg = the command's stderr (trailing blanks dropped), rc, stdout,
// stderr and cmd (its words as Python's shlex.quote prints them). Used by
// the modules that read the target first and then act (alternatives,
// timezone, ...).
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"
#include "modules/answer_script.hpp"

namespace drover {

// The shell function behind command_step(), for the script's start.
extern const char* const kCommandStepFunction;

// One line of shell that runs `argv` as a step.
std::string command_step(const std::vector<std::string>& argv);

// The failure of a script made of steps (Ansible's fields when a step
// failed, script_failure() otherwise); null when every step succeeded.
Value command_steps_failure(const ScriptAnswer& a);

// Python's shlex.quote.
std::string python_shlex_quote(const std::string& s);

}  // namespace drover
