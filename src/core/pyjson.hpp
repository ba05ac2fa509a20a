// Python's json.dumps() of a Value, byte for byte: what Ansible prints for
// results (`host | SUCCESS => {...}`, sorted keys, indent 4, non-ASCII kept)
// and what the to_json / to_nice_json filters produce.
#pragma once

#include <string>

#include "core/value.hpp"

namespace drover {

struct JsonDumpOptions {
  int indent = -1;            // <0: one line (json.dumps default)
  bool sort_keys = false;
  bool ensure_ascii = true;   // \uXXXX for non-ASCII, as Python's default
  // Item and key separators; Python's defaults are ", " and ": " without
  // indent, "," and ": " with one.
  const char* item_separator = nullptr;
  const char* key_separator = ": ";
};

std::string python_json_dumps(const Value& v, const JsonDumpOptions& opts = {});

}  // namespace drover
