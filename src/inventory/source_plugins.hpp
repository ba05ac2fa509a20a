// Inventory sources that live above this library (the CMDB in the store,
// a drover server's API): a plugin claims `-i` values by prefix
// ("drover:./var", "http://", "https://") and fills the Inventory itself.
//
// Higher layers register plugins at program start (the CLI does, before
// parsing options); Inventory::load asks them first, before treating a
// source as a path or host list. Registration is not thread-safe: do it
// before any inventory loads.
#pragma once

#include <functional>
#include <string>

namespace drover::inventory {

class Inventory;

// Loads `source` (the whole -i value) into `inv`; true when it parsed
// anything. Throws drover::Error with the source for bad input.
using SourcePlugin = std::function<bool(Inventory& inv, const std::string& source)>;

void register_source_plugin(const std::string& prefix, SourcePlugin load);

// The plugin whose prefix starts `source`, or null.
const SourcePlugin* find_source_plugin(const std::string& source);

}  // namespace drover::inventory
