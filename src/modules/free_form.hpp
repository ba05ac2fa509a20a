// Ansible's "k=v" argument strings: `-a 'chdir=/tmp ls -l'` on the command
// line and `file: path=/x state=touch` in playbooks.
//
// Matches ansible-core 2.14's parsing (parsing/splitter.py): tokens split on
// spaces but kept together inside quotes and Jinja2 {{ }}, {% %}, {# #}
// blocks; newlines kept; for free-form modules (command, shell, raw, script)
// only a fixed set of keys are options and everything else is the raw
// command (`_raw_params`).
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover {

// Splits like Ansible's split_args; throws Error on unbalanced quotes or
// Jinja2 blocks.
std::vector<std::string> split_args(const std::string& args);
// Joins tokens from split_args back, keeping their newlines.
std::string join_args(const std::vector<std::string>& tokens);

// Parses "k=v k2='v 2' rest" into an object of strings. With check_raw, keys
// other than the command family's options stay in `_raw_params`; without it,
// every token without '=' goes to `_raw_params`.
Value parse_kv(const std::string& args, bool check_raw);

// Removes one pair of matching outer quotes, as Ansible's unquote().
std::string unquote(const std::string& s);

}  // namespace drover
