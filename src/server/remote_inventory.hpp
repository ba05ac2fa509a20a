// A drover server as an inventory source: `-i http://HOST:PORT` or
// `-i https://HOST:PORT` (a URL with no path means /api/v1/inventory) reads
// the server's CMDB with the API token in DROVER_TOKEN: the same hosts,
// groups and variables as `-i drover:DATA_DIR` on the server's machine.
// HTTPS checks the server's certificate against the system's CAs, or
// against DROVER_CA_CERT (a PEM file) when it is set.
#pragma once

namespace drover::server {

// Registers the "http://" and "https://" inventory source plugins.
void register_remote_inventory_source();

}  // namespace drover::server
