// The options a module accepts, and their checking: Ansible's argument_spec.
//
// Every module declares an ArgSpec; validation happens twice: at load time
// (before any host is touched: unknown options, missing required ones,
// mutually exclusive ones, and the types/choices of values that are not
// templated) and at run time on the templated values, which also fills
// defaults and converts types the way AnsibleModule does (bool from "yes",
// int from "3", list from "a,b").
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover {

enum class OptionType { str, boolean, integer, floating, path, list, dict, raw, octal_mode };

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::str;
  bool required = false;
  Value default_value;                  // null: no default
  std::vector<std::string> choices;     // empty: any
  std::vector<std::string> aliases;
  OptionType elements = OptionType::raw;  // for lists
  bool no_log = false;                  // value is a secret: masked in invocation output

  // Fluent construction: opt("state", OptionType::str).def("present").one_of({...})
  OptionSpec& req() { required = true; return *this; }
  OptionSpec& def(Value v) { default_value = std::move(v); return *this; }
  OptionSpec& one_of(std::vector<std::string> c) { choices = std::move(c); return *this; }
  OptionSpec& alias(std::vector<std::string> a) { aliases = std::move(a); return *this; }
  OptionSpec& of(OptionType e) { elements = e; return *this; }
  OptionSpec& secret() { no_log = true; return *this; }
};

inline OptionSpec opt(std::string name, OptionType type = OptionType::str) {
  OptionSpec o;
  o.name = std::move(name);
  o.type = type;
  return o;
}

struct ArgSpec {
  std::vector<OptionSpec> options;
  // set_fact, add_host: any option name is accepted (they become variables).
  bool any_options = false;
  std::vector<std::vector<std::string>> mutually_exclusive;
  std::vector<std::vector<std::string>> required_one_of;
  std::vector<std::vector<std::string>> required_together;
  // {option, value, [options required when option == value]}
  struct RequiredIf {
    std::string option;
    Value value;
    std::vector<std::string> needed;
    bool any = false;  // any one of `requires` is enough
  };
  std::vector<RequiredIf> required_if;

  const OptionSpec* find(const std::string& name_or_alias) const;
  // The spec of a module that checks its own arguments (a Python module or
  // action plugin): any option name, nothing else.
  static const ArgSpec& any();
};

// Load-time check of `args` (an object, possibly with Jinja2 in values).
// Throws Error naming the module, the offending options and, for a typo, the
// closest valid name.
void check_args(const std::string& module, const ArgSpec& spec, const Value& args);

// Run-time validation of templated `args`: aliases resolved to their option
// names, types converted, defaults filled, constraints checked. Throws Error
// (the task fails with its message).
Value validate_args(const std::string& module, const ArgSpec& spec, const Value& args);

// True when a string still holds Jinja2 markup (it is checked after
// templating, not at load time).
bool is_templated(const Value& v);

}  // namespace drover
