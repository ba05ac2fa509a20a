// One module call made by drover and by Ansible on two identical sandboxed
// hosts of an SshdFleet (FleetOptions::sandbox, one sshd per host): drover's
// module runs in this process over its ssh transport on host 0 (the
// validated arguments and ModuleContext that `drover run` would give it),
// `ansible` runs ad hoc with the json stdout callback on host 1. Results are
// compared as records with the keys that differ by nature removed.
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"

namespace drover::test {

struct ModuleOutcome {
  Value ours_json;    // drover's result, cleaned
  Value theirs_json;  // ansible's result, cleaned
  std::string ours;   // the same, printed with sorted keys, for comparing
  std::string theirs;
};

// Removes the keys that differ by nature (invocation, action, _ansible_*).
Value cleaned_result(Value r);
// A value printed with sorted keys.
std::string sorted_dump(const Value& v);
// `s` with every `from` replaced by `to` (paths of the two sides made equal).
std::string replaced_all(std::string s, const std::string& from, const std::string& to);

class ModulePair {
 public:
  // `dir` holds the inventory and ansible's control sockets.
  ModulePair(const SshdFleet& fleet, std::string dir);

  // drover on host `host` (0-based) with `flags` (--check, --diff). `args`
  // are k=v pairs or, as `ansible -a` takes them too, a JSON object.
  Value ours(const std::string& module, const std::string& args,
             const std::vector<std::string>& flags = {}, int host = 0) const;
  // ansible on host `host`.
  Value theirs(const std::string& module, const std::string& args,
               const std::vector<std::string>& flags = {}, int host = 1) const;
  // Both, on hosts 0 and 1.
  ModuleOutcome both(const std::string& module, const std::string& args,
                     const std::vector<std::string>& flags = {}) const;
  // Runs `script` in both sandboxes; returns {host 0's output, host 1's}.
  std::pair<std::string, std::string> state(const std::string& script) const;

 private:
  const SshdFleet& fleet_;
  std::string dir_;
};

}  // namespace drover::test
