#include "inventory/source_plugins.hpp"

#include <utility>
#include <vector>

namespace drover::inventory {
namespace {

std::vector<std::pair<std::string, SourcePlugin>>& plugins() {
  static std::vector<std::pair<std::string, SourcePlugin>> list;
  return list;
}

}  // namespace

void register_source_plugin(const std::string& prefix, SourcePlugin load) {
  plugins().emplace_back(prefix, std::move(load));
}

const SourcePlugin* find_source_plugin(const std::string& source) {
  for (const auto& [prefix, load] : plugins())
    if (source.compare(0, prefix.size(), prefix) == 0) return &load;
  return nullptr;
}

}  // namespace drover::inventory
