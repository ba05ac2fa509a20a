#include "server/remote_inventory.hpp"

#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/value.hpp"
#include "inventory/script_source.hpp"
#include "inventory/source_plugins.hpp"
#include "server/remote_api.hpp"

namespace drover::server {
namespace {

constexpr const char* kInventoryPath = "/api/v1/inventory";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool load_remote_inventory(inventory::Inventory& inv, const std::string& url) {
  size_t path_start = url.find('/', url.find("://") + 3);
  std::string origin = path_start == std::string::npos ? url : url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "" : url.substr(path_start);
  if (path.empty() || path == "/") path = kInventoryPath;
  std::string token = env("DROVER_TOKEN");
  if (token.empty())
    throw Error("inventory source " + url + ": set DROVER_TOKEN to an API token of that drover server");
  Value doc = RemoteApi(origin, token, "inventory source " + url).get(path);
  if (!doc.is_object()) throw Error("inventory source " + url + ": the answer is not a JSON object");
  inventory::add_inventory_document(inv, doc, [](const std::string&) { return Value::object(); });
  return true;
}

}  // namespace

void register_remote_inventory_source() {
  inventory::register_source_plugin("http://", load_remote_inventory);
  inventory::register_source_plugin("https://", load_remote_inventory);
}

}  // namespace drover::server
