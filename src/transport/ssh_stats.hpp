// Process-wide figures of the ssh transport, for the server's /metrics.
#pragma once

#include <cstdint>

namespace drover {

// SSH sessions open to targets right now, over every pool in the process.
int64_t ssh_connections_open();

}  // namespace drover
