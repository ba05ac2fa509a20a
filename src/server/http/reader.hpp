// Turning what a client sent into an HttpRequest, with a limit on every
// part: the request line and headers (bytes and count), the query string
// (length and parameter count), the body (bytes as sent, chunked or not, and
// bytes after gzip/deflate inflation, which streams and stops at the limit:
// a small gzip bomb never grows past it). Whatever is wrong is a
// RequestError with the status and the API's error code; nothing here
// throws anything else on any input.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "server/http/message.hpp"

namespace drover::server {

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;  // request line + headers
  size_t max_headers = 100;
  size_t max_target = 8 * 1024;  // path + query string
  size_t max_query_params = 100;
  size_t max_body = 8u << 20;  // as received and after inflation
};

class RequestError : public std::runtime_error {
 public:
  RequestError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

// %XX decoding (an invalid escape stays as it is); '+' becomes a space when
// `plus_is_space` (query strings).
std::string decode_url(std::string_view text, bool plus_is_space);

// "/a/b?x" for "http://host/a/b?x" (the absolute form, as sent to proxies);
// other targets as they are.
std::string_view origin_form(std::string_view target);
// The decoded path of a target ("/" when empty).
std::string target_path(std::string_view target);

// Splits "/a/b?x=1&y" into the decoded path and parameters (400 bad_query
// past the parameter limit, 414 uri_too_long past the target limit).
void parse_target(std::string_view target, const HttpLimits& limits, std::string& path, HttpParams& params);

// The body after its Content-Encoding (identity, gzip, x-gzip, deflate):
// 413 payload_too_large once the inflated size passes `limit`, 400
// bad_encoding when it does not inflate, 415 for another encoding.
std::string decode_body(std::string_view content_encoding, std::string body, size_t limit);

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// The request from a message Beast has parsed (under limits.max_header_bytes
// and `body_limit`): headers copied (431 past max_headers), the target
// parsed, the body decoded within `body_limit`.
HttpRequest make_request(BeastRequest&& message, const HttpLimits& limits, size_t body_limit);

// The answer to a read error of Beast's parser: 413 (body limit), 431
// (header limit), 400 (anything malformed).
RequestError parse_error(const boost::beast::error_code& ec);

// Parses one complete request from `bytes` (the fuzzer's and tests' entry):
// the same checks as the server's reading path. Throws RequestError.
HttpRequest read_request(std::string_view bytes, const HttpLimits& limits);

}  // namespace drover::server
