// Fuzzes YAML reading as playbooks, roles and vars files are read: yaml-cpp's
// parser under drover's YAML 1.1 resolution (booleans, octal, merge keys,
// `!unsafe` and `!vault` tags) and the location of every node. A malformed
// document must give an Error with file:line:column; a crash, a sanitizer
// report or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/yaml.hpp"

namespace {

void walk(const YAML::Node& node, int depth) {
  if (depth > 64) return;
  (void)drover::yaml_location(node, "fuzz.yml");
  if (node.IsMap() || node.IsSequence()) {
    for (const auto& child : node) {
      if (node.IsMap()) {
        walk(child.first, depth + 1);
        walk(child.second, depth + 1);
      } else {
        walk(child, depth + 1);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    for (const YAML::Node& doc : drover::load_yaml_string(text, "fuzz.yml")) {
      walk(doc, 0);
      // Values are dumped as drover prints them (invalid UTF-8 replaced).
      (void)drover::yaml_to_value(doc).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    }
  } catch (const drover::Error&) {
  }
  try {
    (void)drover::load_yaml_value_string(text, "fuzz.yml");
  } catch (const drover::Error&) {
  }
  (void)drover::resolve_plain_scalar(text.substr(0, 256));
  return 0;
}
