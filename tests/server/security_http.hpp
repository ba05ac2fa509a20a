// Requests the libcurl ApiClient cannot make, for the security suites: a
// request sent byte for byte as written (an odd Authorization header, a
// POST with no body and no Content-Type), from a chosen local address
// (127.0.0.2 is another client as far as the server can tell).
#pragma once

#include <string>

#include "server/server_fixture.hpp"

namespace drover::test {

// Sends `head` (request line and headers, without the blank line; Host and
// "Connection: close" are added) and `body` to 127.0.0.1:port from
// `from`, and reads the whole answer.
HttpResponse raw_request(int port, const std::string& head, const std::string& body = "",
                         const std::string& from = "127.0.0.1");

}  // namespace drover::test
