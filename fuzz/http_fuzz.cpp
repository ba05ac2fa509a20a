// Fuzzes what reads a client's bytes: the HTTP request reader (request
// line, headers, chunked bodies, gzip/deflate inflation with its limit,
// the query string) and what route handlers read from the request (the
// JSON body with its depth and number checks, QueryReader). Any
// RequestError or ApiError is fine; a crash, a sanitizer report, a hang or
// memory past the limits is a bug.
//
// The first byte chooses the reader: 0 the whole request as sent, 1 the
// rest as a JSON body, 2 the rest as a request target (path?query).
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/api_error.hpp"
#include "server/http/reader.hpp"
#include "server/request.hpp"

namespace {

using namespace drover::server;

HttpLimits small_limits() {
  HttpLimits l;
  l.max_body = 1 << 20;
  return l;
}

void read_json(const HttpRequest& req) {
  try {
    drover::Value v = parse_json_body(req, 64 * 1024, false);
    if (v.is_object()) {
      BodyReader r(v, {"a", "b", "c", "hostname", "tags"});
      (void)r.optional_string("a");
      (void)r.optional_integer("b", 0, 100);
      (void)r.optional_string_list("tags");
    }
  } catch (const ApiError&) {
  }
}

void read_query(const HttpRequest& req) {
  try {
    QueryReader q(req, {"limit", "offset", "role", "all"});
    (void)q.page();
    (void)q.optional_bool("all");
    (void)q.optional_string("role");
  } catch (const ApiError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  static const HttpLimits limits = small_limits();
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      try {
        HttpRequest req = read_request(rest, limits);
        read_query(req);
        read_json(req);
      } catch (const RequestError&) {
      }
      break;
    case 1: {
      HttpRequest req;
      req.body = std::string(rest);
      read_json(req);
      break;
    }
    case 2: {
      HttpRequest req;
      try {
        parse_target(rest, limits, req.path, req.params);
        read_query(req);
      } catch (const RequestError&) {
      }
      break;
    }
  }
  return 0;
}
