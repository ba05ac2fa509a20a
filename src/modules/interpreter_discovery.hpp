// Which Python runs a module on a target, as Ansible 2.14's interpreter
// discovery (`interpreter_python: auto`, the default) decides it: one shell
// command lists the platform, the interpreters of the fallback list that
// exist, and /etc/os-release; the distribution's platform Python (the
// distro map: Debian 10+ and Ubuntu 16+ use /usr/bin/python3, RHEL 8
// /usr/libexec/platform-python, ...) wins when it is present, else the
// first one found. `auto` warns where Ansible warns, `auto_silent` never;
// `auto_legacy` prefers /usr/bin/python when present.
#pragma once

#include <string>
#include <vector>

namespace drover {

// Ansible's INTERPRETER_PYTHON_FALLBACK (the var
// ansible_interpreter_python_fallback replaces it).
const std::vector<std::string>& default_python_fallback();

// The command whose output decide_interpreter reads.
std::string discovery_command(const std::vector<std::string>& fallback);

struct DiscoveredInterpreter {
  std::string path;                   // what runs the module
  bool found = false;                 // false: no Python on the target
  std::vector<std::string> warnings;  // as Ansible words them
};

// `mode` is auto, auto_silent, auto_legacy or auto_legacy_silent.
DiscoveredInterpreter decide_interpreter(const std::string& output, const std::string& host, const std::string& mode,
                                         const std::vector<std::string>& fallback);

// True for the values of ansible_python_interpreter that ask for discovery.
bool is_discovery_mode(const std::string& value);

}  // namespace drover
