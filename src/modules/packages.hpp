// The package modules (apt, dnf/yum, package) and git: how each builds its
// one shell script and turns the script's answer into Ansible's result.
// Exposed for unit tests (tests/modules/packages_unit_test.cpp); playbooks
// reach these modules through the registry only.
#pragma once

#include <string>

#include "core/value.hpp"
#include "modules/answer_script.hpp"

namespace drover {

// apt: the script for validated `args` (variables, then the body).
std::string build_apt_script(const Value& args, bool check_mode);
// Ansible's apt parse_diff(): the lines of apt-get's output between
// "Reading state information..." (or aptitude's "Resolving
// dependencies...") and the "N upgraded, ..." line, as {"prepared": ...}.
Value parse_apt_diff(const std::string& output);
// apt's result from the script's answer.
Value apt_result(const ScriptAnswer& a, bool diff_mode);

// dnf and yum: the script for validated `args`; `manager` is "dnf" or "yum"
// (the module name, used in messages), the script runs whichever of
// dnf/yum the target has, preferring `manager`.
std::string build_dnf_script(const Value& args, bool check_mode, const std::string& manager);
Value dnf_result(const ScriptAnswer& a, const Value& args, bool check_mode);

// git: the script for validated `args` and its result.
std::string build_git_script(const Value& args, bool check_mode, bool diff_mode);
Value git_result(const ScriptAnswer& a, bool check_mode);

// package: the module that `use` or the host's pkg_mgr selects ("apt",
// "dnf", "yum", ...), from the facts in `facts` (ansible_facts or null).
std::string package_manager_from_facts(const Value& facts);

}  // namespace drover
