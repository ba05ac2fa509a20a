#include "server/remote_inventory.hpp"

#include <httplib.h>

#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/value.hpp"
#include "inventory/script_source.hpp"
#include "inventory/source_plugins.hpp"

namespace drover::server {
namespace {

constexpr const char* kInventoryPath = "/api/v1/inventory";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool load_remote_inventory(inventory::Inventory& inv, const std::string& url) {
  size_t scheme_end = url.find("://") + 3;
  size_t path_start = url.find('/', scheme_end);
  std::string origin = path_start == std::string::npos ? url : url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "" : url.substr(path_start);
  if (path.empty() || path == "/") path = kInventoryPath;
  std::string token = env("DROVER_TOKEN");
  if (token.empty())
    throw Error("inventory source " + url + ": set DROVER_TOKEN to an API token of that drover server");

  httplib::Client client(origin);
  client.set_connection_timeout(10);
  client.set_read_timeout(120);
  client.set_bearer_token_auth(token);
  if (!env("DROVER_CA_CERT").empty()) client.set_ca_cert_path(env("DROVER_CA_CERT"));
  client.enable_server_certificate_verification(true);
  auto res = client.Get(path);
  if (!res)
    throw Error("inventory source " + url + ": cannot reach the server: " + httplib::to_string(res.error()));
  if (res->status != 200) {
    std::string why = res->body;
    try {
      why = Value::parse(res->body)["error"]["message"].get<std::string>();
    } catch (const std::exception&) {
    }
    throw Error("inventory source " + url + ": the server answered " + std::to_string(res->status) + ": " + why);
  }
  Value doc;
  try {
    doc = Value::parse(res->body);
  } catch (const std::exception& e) {
    throw Error("inventory source " + url + ": the answer is not JSON: " + e.what());
  }
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
