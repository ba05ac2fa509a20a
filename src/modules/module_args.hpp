// A task's arguments as a module reads them, one accessor per type: the
// modules' counterpart of the server's BodyReader (server/request.hpp).
//
// Built on validate_args' result, where every option of the module's spec
// is present (null when neither given nor defaulted). The accessors apply
// Ansible's coercions (arg_spec.hpp's, AnsibleModule's validation in
// ansible-core 2.14: boolean() takes yes/no/on/off/1/0/true/false/y/n/t/f,
// ints come from "3", lists from "a,b"), so an option declared `raw` reads
// as an option declared with the type; a value that does not convert throws
// Error with Ansible's message (the task fails). Reading a name that the
// spec does not declare throws std::logic_error: a bug in the module, found
// by its tests, where `args["x"] == true` would be silently false.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "modules/arg_spec.hpp"

namespace drover {

// One value converted to `type` as validate_args converts an option's value
// (AnsibleModule's type checkers: bool from "yes", int from "3", list from
// "a,b", ...); throws Error with Ansible's message naming `name` when it
// does not convert. Defined in arg_spec.cpp, beside the checkers.
Value coerce_option(const std::string& name, OptionType type, const Value& v);

class ModuleArgs {
 public:
  // `args` (validate_args' result) must outlive the reader.
  explicit ModuleArgs(const Value& args);

  // Given or defaulted, and not null.
  bool has(const std::string& name) const;
  // bool options: null reads as false.
  bool flag(const std::string& name) const;
  std::optional<bool> optional_flag(const std::string& name) const;
  // str and path options: null reads as "".
  std::string str(const std::string& name) const;
  std::optional<std::string> optional_str(const std::string& name) const;
  // int options: null reads as `fallback`.
  int64_t integer(const std::string& name, int64_t fallback = 0) const;
  std::optional<int64_t> optional_integer(const std::string& name) const;
  // list options, elements as strings: null reads as empty.
  std::vector<std::string> strings(const std::string& name) const;
  // The value as validated, unconverted (dicts, raw options).
  const Value& value(const std::string& name) const;

 private:
  const Value& args_;
};

}  // namespace drover
