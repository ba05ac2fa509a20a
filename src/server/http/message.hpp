// drover's own HTTP request and response, as route handlers see them.
//
// The members are named as cpp-httplib's (the server drover used before), so
// that route code reads the same: req.method, req.path, req.body,
// req.remote_addr, req.has_header(n), req.get_header_value(n),
// req.has_param(n), req.get_param_value(n), req.params; res.status,
// res.body, res.set_content(body, type), res.set_header(n, v). Header names
// compare case-insensitively. The transport (http_server.hpp) fills a request
// only after every limit has been checked: the body is complete, inflated
// when it was gzip/deflate, and within the server's body limit.
//
// A response either has a body or is a stream (set_stream): the server then
// sends it chunked as the stream produces it, without a thread waiting for it.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace drover::server {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

using HttpHeaders = std::multimap<std::string, std::string, CaseInsensitiveLess>;
using HttpParams = std::multimap<std::string, std::string>;

struct HttpRequest {
  std::string method;       // GET POST ... (HEAD is served by GET routes)
  std::string path;         // percent-decoded, without the query string
  std::string target;       // as sent: path and query
  std::string body;         // decoded (chunked, gzip) and complete
  std::string remote_addr;  // the client's IP address
  int remote_port = 0;
  HttpHeaders headers;
  HttpParams params;  // the query string, decoded ('+' is a space)
  std::chrono::steady_clock::time_point received;  // when the header was read

  bool has_header(const std::string& name) const;
  // The `id`-th value of header `name`, "" when there is none.
  std::string get_header_value(const std::string& name, size_t id = 0) const;
  size_t get_header_value_count(const std::string& name) const;
  bool has_param(const std::string& name) const;
  std::string get_param_value(const std::string& name, size_t id = 0) const;
  size_t get_param_value_count(const std::string& name) const;
};

// A response body produced piece by piece (Server-Sent Events). The server
// calls next() on a worker thread (never two at once for one stream); when
// it returns nothing, the server arms on_ready() and a keep-alive timer, and
// holds no thread until one of them fires.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;

  struct Piece {
    std::string data;  // to send now; may be empty (nothing yet)
    bool end = false;  // the stream is complete after `data`
  };
  virtual Piece next() = 0;
  // next() when it can answer without blocking (from memory), on the
  // connection's I/O thread; nullopt: it cannot, ask next() on a worker.
  virtual std::optional<Piece> next_if_ready() { return std::nullopt; }
  // Calls `wake` once, from any thread, when next() may have something new
  // (at once when it already has). A wake after the stream ended is harmless.
  virtual void on_ready(std::function<void()> wake) = 0;
  // Sent when nothing happened for keep_alive_interval() (then next() again).
  virtual std::string keep_alive() const { return ": keep-alive\n\n"; }
  virtual std::chrono::milliseconds keep_alive_interval() const { return std::chrono::milliseconds(1000); }
};

struct HttpResponse {
  int status = -1;  // -1: not set (200 when a body is set)
  std::string body;
  HttpHeaders headers;
  std::shared_ptr<ResponseStream> stream;

  void set_content(std::string content, const std::string& content_type);
  // Adds a header; a name or value with a CR or LF is ignored (no header
  // injection from data).
  void set_header(const std::string& name, const std::string& value);
  bool has_header(const std::string& name) const;
  std::string get_header_value(const std::string& name, size_t id = 0) const;
  // Streams `stream` (chunked) instead of a body.
  void set_stream(const std::string& content_type, std::shared_ptr<ResponseStream> s);
};

}  // namespace drover::server
