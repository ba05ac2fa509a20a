// YAML reading as Ansible reads it: PyYAML's YAML 1.1 scalar rules on top of
// yaml-cpp's parser, with positions kept.
//
// yaml-cpp resolves nothing; drover applies YAML 1.1's implicit types the way
// Ansible's loader (PyYAML SafeLoader) does: yes/no/on/off are booleans,
// 0644 is octal, 1_000 is an int, 1e3 (no dot) stays a string, ~ and empty
// are null. Quoted scalars are always strings. `<<` merge keys are applied.
// `!unsafe` strings (also inside a tagged list or mapping) must not be
// templated: one holding template markers comes back as a template that
// renders to exactly its text ("{% raw %}...{% endraw %}").
// `!vault` values and whole vault-encrypted files are decrypted with the
// process keyring (core/vault.hpp) as they are loaded.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"

namespace drover {

// Parses every document of a file. Throws Error with file:line:column and
// what the parser expected when the text is not valid YAML.
std::vector<YAML::Node> load_yaml_file(const std::string& path);
std::vector<YAML::Node> load_yaml_string(const std::string& text, const std::string& name);

// Converts a parsed node to a Value with YAML 1.1 resolution.
Value yaml_to_value(const YAML::Node& node);

// Reads a YAML (or JSON) file that must hold at most one document; an empty
// file gives null.
Value load_yaml_value_file(const std::string& path);
Value load_yaml_value_string(const std::string& text, const std::string& name);

// The position of a node as a Location in `file`.
Location yaml_location(const YAML::Node& node, const std::string& file);

// Resolves one plain (unquoted) scalar by YAML 1.1 rules.
Value resolve_plain_scalar(const std::string& s);

}  // namespace drover
