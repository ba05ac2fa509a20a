// Reading what a module printed into its result, as Ansible 2.14's action
// base (_parse_returned_data, _execute_module) does: the JSON object on
// stdout, with junk lines before it dropped and junk after it warned about;
// output that is not JSON becomes "MODULE FAILURE" with module_stdout,
// module_stderr, rc and the traceback as `exception`; internal keys a
// module must not return are removed; stdout/stderr get their _lines.
#pragma once

#include <string>

#include "core/value.hpp"
#include "transport/connection.hpp"

namespace drover {

// `interpreter` (may be empty) is what ran the module: a "not found" for it
// says the interpreter is wrong, as Ansible's hint does.
Value parse_module_output(const ExecResult& res, const std::string& interpreter);

}  // namespace drover
