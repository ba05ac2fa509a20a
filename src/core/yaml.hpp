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
//
// A key repeated in one mapping is handled as Ansible's AnsibleConstructor
// does (DUPLICATE_YAML_DICT_KEY, process-wide like the vault keyring): the
// last value is kept, with a warning, silently, or as a ParserError.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"

namespace drover {

// What a key repeated in one mapping does (ansible.cfg's
// DUPLICATE_YAML_DICT_KEY / [defaults] duplicate_dict_key).
enum class DuplicateKeys { warn, error, ignore };
// "warn", "error" or "ignore"; anything else is ignore, as Ansible's
// constructor treats a value it does not know.
DuplicateKeys parse_duplicate_keys(const std::string& setting);

struct YamlPolicy {
  DuplicateKeys duplicate_keys = DuplicateKeys::warn;
  // Receives each warning's text (without "[WARNING]: "); may be called
  // from any thread. Unset: "[WARNING]: text" on stderr.
  std::function<void(const std::string&)> warn;
};
// The policy every loader of this process reads files with; a command sets
// it once from its Config before loading anything.
void set_process_yaml_policy(YamlPolicy policy);

// Parses every document of a file. Throws Error with file:line:column and
// what the parser expected when the text is not valid YAML. Text that is
// JSON is read as JSON is (Ansible tries json.loads first): a repeated key
// there is not reported.
std::vector<YAML::Node> load_yaml_file(const std::string& path);
std::vector<YAML::Node> load_yaml_string(const std::string& text, const std::string& name);
// As PyYAML's SafeLoader reads (the from_yaml filters): a repeated key is
// taken silently whatever the policy.
std::vector<YAML::Node> load_yaml_string_plain(const std::string& text, const std::string& name);

// Converts a parsed node to a Value with YAML 1.1 resolution. Strings are
// AnsibleUnicode as Ansible's loader makes them; PyStr::str as PyYAML's
// SafeLoader does (the from_yaml filters).
Value yaml_to_value(const YAML::Node& node, PyStr strings = PyStr::ansible_unicode);

// Reads a YAML (or JSON) file that must hold at most one document; an empty
// file gives null.
Value load_yaml_value_file(const std::string& path);
Value load_yaml_value_string(const std::string& text, const std::string& name);
Value load_yaml_value_string_plain(const std::string& text, const std::string& name);

// The position of a node as a Location in `file`.
Location yaml_location(const YAML::Node& node, const std::string& file);

// Resolves one plain (unquoted) scalar by YAML 1.1 rules.
Value resolve_plain_scalar(const std::string& s);

}  // namespace drover
