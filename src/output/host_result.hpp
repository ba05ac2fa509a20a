// The outcome of one task (or ad-hoc module run) on one host: what every
// output sink receives, in the order results arrive.
#pragma once

#include <string>

#include "core/value.hpp"

namespace drover {

enum class HostStatus { ok, changed, failed, unreachable, skipped };

const char* host_status_name(HostStatus s);  // "ok", "changed", ...

struct HostResult {
  std::string host;
  std::string module;        // short module name ("command")
  HostStatus status = HostStatus::ok;
  Value result;              // Ansible's result object
  bool prints_as_command = false;  // Ansible's MODULE_NO_JSON modules
};

// Status from a result object: unreachable, failed, skipped, changed, ok
// (failed as Ansible's TaskResult.is_failed: failed_when_result, when the
// result or an item has one, else "failed").
HostStatus status_of(const Value& result);

// The result as Ansible's callbacks show it: internal "_ansible_*" keys
// and the status flags "failed"/"skipped" removed; "invocation" and "diff" kept only at verbosity >= 3, "exception"
// never.
Value abridged_result(const Value& result, int verbosity);

}  // namespace drover
