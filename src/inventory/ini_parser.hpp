// The INI inventory format, as ansible-core 2.14's ini plugin reads it.
//
//   host1 ansible_port=2222 x=1        hosts before any section: ungrouped
//   [web]                              a group's hosts
//   web[01:50].cdn.net:22 y="a b"      ranges, :port, shlex-quoted vars
//   [web:vars]                         key = value (whole rest of line)
//   [cdn:children]                     child groups (may be defined later)
//   # and ; start comment lines
//
// Values go through Python's literal rules (python_literal.hpp): x=1 is an
// int, x=True a bool, x="1" on a host line an int (shlex removed the quotes)
// but the string "1" under [g:vars]. Errors are drover::Error located at
// file:line with Ansible's message.
#pragma once

#include <string>

#include "inventory/inventory.hpp"

namespace drover::inventory {

// Adds what `text` (the content of `path`) declares to `inv`.
void parse_inventory_ini(Inventory& inv, const std::string& path, const std::string& text);

// ansible.utils.shlex.shlex_split: shlex.split(s, comments=True) in POSIX
// mode. Throws Error ("No closing quotation", "No escaped character").
std::vector<std::string> shlex_split(std::string_view s);

}  // namespace drover::inventory
