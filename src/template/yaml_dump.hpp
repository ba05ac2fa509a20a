// PyYAML's yaml.dump() of a Value as Ansible's to_yaml / to_nice_yaml call
// it (AnsibleDumper, allow_unicode, sort_keys): the same scalar styles
// (plain, 'single', "double" with escapes), the same line folding at 80
// columns, indentless sequences in mappings, flow style for leaf
// collections when default_flow_style is None.
#pragma once

#include <optional>
#include <string>

#include "core/value.hpp"

namespace drover::tmpl {

struct YamlDumpOptions {
  int indent = 2;
  int width = 80;
  // nullopt: PyYAML's default (flow for collections of scalars); true/false force it.
  std::optional<bool> default_flow_style;
  bool sort_keys = true;
  bool explicit_start = false;
  // Strings with line breaks in literal block style ("|") where PyYAML
  // allows it, as Ansible's callbacks ask for them: `ansible` munges the
  // text first as the default callback's lossy result_format=yaml does,
  // `community` as community.general.yaml does.
  enum class Literal { never, ansible, community };
  Literal literal_multiline = Literal::never;
};

std::string python_yaml_dump(const Value& v, const YamlDumpOptions& opts);

}  // namespace drover::tmpl
