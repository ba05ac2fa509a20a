// An event-driven HTTP/1.1 server (Boost.Beast over Asio, HTTPS with
// OpenSSL): a few I/O threads own every connection; complete requests go to
// a bounded pool of worker threads that run the handler, so a slow handler
// (SQLite, argon2) never stalls the I/O, and an idle or slow client costs a
// socket and a few kilobytes, never a thread.
//
// Limits on every connection: the request line and headers must arrive
// within header_timeout (idle_timeout between requests on a kept-alive
// connection), the body within body_timeout, every write within
// write_timeout; sizes per HttpLimits (reader.hpp); at most
// max_connections open and max_connections_per_address from one address
// (more are answered 503 and closed); at most max_queue requests waiting
// for a worker (503 past it). Every error the transport answers itself has
// the API's JSON error body. Range headers are ignored (whole answers, 200).
//
// A handler's response with a stream (HttpResponse::set_stream) is sent
// chunked, piece by piece, as described in message.hpp; over plain HTTP its
// connection moves to an I/O thread of its own for streams, so that a burst
// of events to many streams never delays the other connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/http/message.hpp"
#include "server/http/reader.hpp"

namespace drover::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  int io_threads = 2;
  bool stream_thread = true;  // plain-HTTP streamed answers on one more I/O thread of their own
  int workers = 16;
  size_t max_queue = 4096;
  size_t max_connections = 16384;  // also kept below the open-file limit
  size_t max_connections_per_address = 2048;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds idle_timeout{30000};
  std::chrono::milliseconds write_timeout{60000};
  HttpLimits limits;
  // The body limit of a request, from its method and path, asked once its
  // header is read (limits.max_body when unset): a body over it, as sent,
  // chunked or after inflation, is refused with 413 without being read.
  std::function<size_t(const std::string& method, const std::string& path)> body_limit;
  // Requests that go ahead of every queued one (health probes), by method
  // and path; none when unset.
  std::function<bool(const std::string& method, const std::string& path)> urgent;
  std::string tls_cert, tls_key;  // both set: HTTPS only
};

// Runs on a worker thread for every complete request.
using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();

  // Binds and listens; returns the port. Throws drover::Error when the
  // address cannot be bound or the certificate/key cannot be used.
  int listen();
  // Serves until stop() (returns at once when stop() came first).
  void run();
  // From any thread, also before run().
  void stop();

  size_t open_connections() const;
  // What the transport refused since the start: connections over a cap,
  // requests when the worker queue was full, requests over a limit
  // (4xx from the reader: sizes, counts, encodings, malformed).
  struct Refusals {
    uint64_t connections = 0, overloaded = 0, limits = 0;
  };
  Refusals refusals() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace drover::server
