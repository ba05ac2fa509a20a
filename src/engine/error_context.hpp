// The location block ansible-playbook appends to errors tied to a task
// (AnsibleError._get_extended_error in ansible-core 2.14): "The error
// appears to be in 'file': line N, column M, but may\nbe elsewhere ...",
// the offending line with the one before it and a "^ here" arrow, and the
// hints Ansible adds for common YAML mistakes (unquoted "{{", a "{{" after
// a colon, tabs, k=v shorthand mixed with YAML).
#pragma once

#include <string>

#include "core/error.hpp"

namespace drover {

// Empty when `where` has no file or line. Never throws: an unreadable file
// gives Ansible's "(could not open file to display line)".
std::string ansible_error_context(const Location& where);

}  // namespace drover
