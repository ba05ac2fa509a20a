#include "server/http/reader.hpp"

#include <strings.h>
#include <zlib.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

namespace drover::server {
namespace http = boost::beast::http;

namespace {

int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string too_large(size_t limit) {
  return "the request body is larger than the limit of " + std::to_string(limit) + " bytes";
}

std::string inflate_limited(std::string_view in, size_t limit) {
  z_stream zs{};
  // 15 window bits + 32: zlib or gzip, told apart by the header.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw RequestError(500, "internal", "cannot start zlib");
  std::string out;
  char chunk[64 * 1024];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > limit) {
      inflateEnd(&zs);
      throw RequestError(413, "payload_too_large", too_large(limit) + " (after decompression)");
    }
    out.append(chunk, produced);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // Concatenated gzip members: go on with the next one.
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated: checked below
    if (rc != Z_OK) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END)
    throw RequestError(400, "bad_encoding", "the request body does not decompress (truncated or not gzip/deflate)");
  return out;
}

}  // namespace

std::string decode_url(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '%' && i + 2 < text.size()) {
      int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && ch == '+') ? ' ' : ch;
  }
  return out;
}

std::string_view origin_form(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() > scheme.size() && strncasecmp(target.data(), scheme.data(), scheme.size()) == 0) {
      size_t slash = target.find_first_of("/?", scheme.size());
      return slash == std::string_view::npos ? std::string_view() : target.substr(slash);
    }
  }
  return target;
}

std::string target_path(std::string_view target) {
  target = origin_form(target);
  std::string path = decode_url(target.substr(0, target.find('?')), false);
  return path.empty() ? "/" : path;
}

void parse_target(std::string_view target, const HttpLimits& limits, std::string& path, HttpParams& params) {
  if (target.size() > limits.max_target)
    throw RequestError(414, "uri_too_long",
                       "the request target is longer than " + std::to_string(limits.max_target) + " bytes");
  target = origin_form(target);
  size_t q = target.find('?');
  path = target_path(target);
  params.clear();
  if (q == std::string_view::npos) return;
  std::string_view query = target.substr(q + 1);
  size_t count = 0;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (++count > limits.max_query_params)
      throw RequestError(400, "bad_query",
                         "the query string has more than " + std::to_string(limits.max_query_params) + " parameters");
    size_t eq = pair.find('=');
    std::string name = decode_url(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? std::string() : decode_url(pair.substr(eq + 1), true);
    params.emplace(std::move(name), std::move(value));
  }
}

std::string decode_body(std::string_view content_encoding, std::string body, size_t limit) {
  std::string enc = lower_trimmed(content_encoding);
  if (body.size() > limit) throw RequestError(413, "payload_too_large", too_large(limit));
  if (enc.empty() || enc == "identity") return body;
  if (enc == "gzip" || enc == "x-gzip" || enc == "deflate") return inflate_limited(body, limit);
  throw RequestError(415, "unsupported_media_type",
                     "Content-Encoding '" + enc + "' is not supported (identity, gzip, deflate)");
}

RequestError parse_error(const boost::beast::error_code& ec) {
  if (ec == http::error::body_limit) return RequestError(413, "payload_too_large", "the request body is too large");
  if (ec == http::error::header_limit)
    return RequestError(431, "header_too_large", "the request line and headers are too large");
  return RequestError(400, "bad_request", "the request could not be read: " + ec.message());
}

HttpRequest make_request(BeastRequest&& message, const HttpLimits& limits, size_t body_limit) {
  HttpRequest req;
  req.received = std::chrono::steady_clock::now();
  size_t count = 0;
  std::string encoding;
  for (const auto& field : message) {
    if (++count > limits.max_headers)
      throw RequestError(431, "header_too_large",
                         "the request has more than " + std::to_string(limits.max_headers) + " headers");
    std::string name(field.name_string());
    std::string value(field.value());
    if (field.name() == http::field::content_encoding) {
      if (!encoding.empty()) throw RequestError(415, "unsupported_media_type", "more than one Content-Encoding");
      encoding = value;
    }
    req.headers.emplace(std::move(name), std::move(value));
  }
  req.method = std::string(message.method_string());
  req.target = std::string(message.target());
  parse_target(req.target, limits, req.path, req.params);
  req.body = decode_body(encoding, std::move(message.body()), body_limit);
  return req;
}

HttpRequest read_request(std::string_view bytes, const HttpLimits& limits) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    // Everything there is was offered: needing more means it is cut short
    // (and Beast must not be offered the same bytes again after need_more).
    if (ec == http::error::need_more) throw RequestError(400, "bad_request", "the request is incomplete");
    if (ec) throw parse_error(ec);
    if (used == 0 && !parser.is_done()) throw RequestError(400, "bad_request", "the request is incomplete");
  }
  return make_request(parser.release(), limits, limits.max_body);
}

}  // namespace drover::server
