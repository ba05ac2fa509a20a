// What ansible-playbook prints for an error that stops it: "ERROR! message"
// and, when the file and line are known, "The error appears to be in
// 'FILE': line N, column M, ..." with the offending line and a caret.
#pragma once

#include <string>

#include "core/error.hpp"

namespace drover {

std::string ansible_error_text(const Error& e);

}  // namespace drover
