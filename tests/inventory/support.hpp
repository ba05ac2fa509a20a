// Shared by the inventory tests: an inventory written to a temp dir and
// loaded, and host lists as plain names for short assertions.
#pragma once

#include <string>
#include <vector>

#include "inventory/inventory.hpp"
#include "harness/process.hpp"

namespace drover::inventory {

inline Inventory load_text(const test::TempDir& dir, const std::string& name, const std::string& text) {
  return Inventory::load({dir.write(name, text)});
}

inline std::vector<std::string> names(const std::vector<const Host*>& hosts) {
  std::vector<std::string> out;
  for (const Host* h : hosts) out.push_back(h->name);
  return out;
}

inline std::vector<std::string> select_names(const Inventory& inv, std::string_view pattern,
                                             std::string_view limit = {}) {
  return names(inv.select(pattern, limit));
}

}  // namespace drover::inventory
