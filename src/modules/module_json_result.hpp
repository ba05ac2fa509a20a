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

// The same output read by Ansible 2.14's async_wrapper, which stands between
// the module and the result of an async task: output without a JSON object
// is not a "MODULE FAILURE" but the wrapper's own failure (failed, cmd, data
// = the module's stdout, stderr, msg = why it is not JSON); a module's stderr
// is kept as the result's `stderr`. `cmd` is the command that ran the module.
Value parse_async_module_output(const ExecResult& res, const std::string& cmd);

}  // namespace drover
