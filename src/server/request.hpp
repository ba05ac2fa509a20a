// Reading API requests strictly: JSON bodies and query strings.
//
// A request is checked completely before anything is written: malformed
// JSON, a body over the limit, a field the resource does not have, a value
// of the wrong type, a query parameter that is unknown or out of range all
// throw ApiError (4xx, with the field or parameter in details) from these
// helpers, so handlers read values without checking again.
//
//   Value body = parse_json_body(call.req);          // 400/413/415
//   BodyReader r(body, {"hostname", "ip", "tags"});  // 400 unknown_field
//   std::string name = r.required_string("hostname");
//   auto ip = r.optional_string("ip");                // nullopt when absent
//
//   QueryReader q(call.req, {"role", "limit", "offset", "sort"});
//   Page page = q.page();                             // limit 50 (1..1000), offset >= 0
//   auto role = q.optional_string("role");
//
//   send_json(res, 200, page_body(items, total, page));
//   // {"items": [...], "total": N, "limit": L, "offset": O}
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "server/http/message.hpp"

namespace drover::server {

inline constexpr size_t kDefaultBodyLimit = 1 << 20;  // 1 MiB
inline constexpr int kMaxJsonDepth = 64;               // arrays/objects inside each other

// The body as JSON. 413 payload_too_large over `limit` bytes, 415 when the
// Content-Type is set and is not JSON, 400 invalid_json (with line/column
// offset in details) when it does not parse, is nested deeper than
// kMaxJsonDepth or has a number that is not a finite double (1e999999),
// 400 when it is not an object and `want_object`. `limit` applies to the
// body after any gzip/deflate decoding (the transport stops inflating at
// its own, larger, limit).
Value parse_json_body(const HttpRequest& req, size_t limit = kDefaultBodyLimit, bool want_object = true);

// Typed access to a JSON object's fields, rejecting fields not in `allowed`.
class BodyReader {
 public:
  BodyReader(const Value& body, std::set<std::string> allowed);

  bool has(const std::string& field) const;
  std::string required_string(const std::string& field) const;
  std::optional<std::string> optional_string(const std::string& field) const;
  std::optional<int64_t> optional_integer(const std::string& field, int64_t min = INT64_MIN,
                                          int64_t max = INT64_MAX) const;
  std::optional<bool> optional_bool(const std::string& field) const;
  std::optional<Value> optional_object(const std::string& field) const;
  std::optional<std::vector<std::string>> optional_string_list(const std::string& field) const;
  // One of `choices` (400 with the choices in details otherwise).
  std::optional<std::string> optional_choice(const std::string& field, const std::vector<std::string>& choices) const;
  // Any JSON value, unchecked.
  std::optional<Value> optional_value(const std::string& field) const;

 private:
  [[noreturn]] void wrong_type(const std::string& field, const char* expected) const;
  const Value& body_;
};

struct Page {
  int64_t limit = 50;
  int64_t offset = 0;
};

// Query parameters, rejecting any not in `allowed` (400 bad_query).
class QueryReader {
 public:
  QueryReader(const HttpRequest& req, std::set<std::string> allowed);

  std::optional<std::string> optional_string(const std::string& name) const;
  std::optional<int64_t> optional_integer(const std::string& name, int64_t min, int64_t max) const;
  std::optional<bool> optional_bool(const std::string& name) const;
  std::optional<std::string> optional_choice(const std::string& name, const std::vector<std::string>& choices) const;
  // limit (default `default_limit`, 1..max_limit) and offset (>= 0); both
  // must be in `allowed`.
  Page page(int64_t default_limit = 50, int64_t max_limit = 1000) const;

 private:
  const HttpRequest& req_;
};

// {"items": items, "total": total, "limit": .., "offset": ..}
Value page_body(Value items, int64_t total, const Page& page);

}  // namespace drover::server
