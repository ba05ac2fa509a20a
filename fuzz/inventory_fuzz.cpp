// Fuzzes the inventory readers: the INI format (sections, :vars and
// :children, ranges like web[01:20], Python literals as values, shlex
// quoting), the YAML format on the same text, and host patterns with
// --limit against what was read. Any Error is fine (with its file:line);
// a crash, a sanitizer report or a hang is a bug.
//
// The first byte chooses the reader: even the INI reader, odd the YAML
// reader; the rest of the input is the text. The last line is also used
// as a host pattern.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/yaml.hpp"
#include "inventory/host_pattern.hpp"
#include "inventory/ini_parser.hpp"
#include "inventory/inventory.hpp"
#include "inventory/python_literal.hpp"
#include "inventory/yaml_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 16384) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  drover::inventory::Inventory inv;
  try {
    if (data[0] % 2 == 0) {
      drover::inventory::parse_inventory_ini(inv, "fuzz.ini", text);
    } else {
      drover::inventory::parse_inventory_yaml(inv, "fuzz.yml", drover::load_yaml_value_string(text, "fuzz.yml"));
    }
  } catch (const drover::Error&) {
  }
  std::string pattern = text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  if (pattern.size() > 512) pattern.resize(512);
  try {
    (void)drover::inventory::split_host_pattern(pattern);
    (void)drover::inventory::expand_limit(pattern);
    (void)inv.select(pattern, pattern.substr(0, pattern.size() / 2));
  } catch (const drover::Error&) {
  }
  (void)drover::inventory::parse_python_literal(pattern);
  try {
    (void)drover::inventory::shlex_split(pattern);
  } catch (const drover::Error&) {
  }
  return 0;
}
