// Private to http_server.cpp: the server's shared state (HttpServer::Impl)
// and one client connection (Connection<Stream>, plain or TLS), which
// reads requests, hands them to the worker pool and writes the answers,
// streams included. Every member of a Connection is used on its strand.
#pragma once

#include "server/http/http_server.hpp"

#include <strings.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "server/api_error.hpp"
#include "server/http/worker_pool.hpp"
#include "server/log.hpp"

namespace drover::server {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  HttpServerOptions o;
  HttpHandler handler;
  std::unique_ptr<net::io_context> ioc;
  // Streamed answers (SSE) move here: one event waking 1,000 streams then
  // never queues ahead of accepting and reading other requests.
  std::unique_ptr<net::io_context> stream_ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> stream_work;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> accept_retry;
  std::optional<ssl::context> tls;
  std::unique_ptr<WorkerPool> pool;
  std::atomic<bool> stopping{false};
  mutable std::mutex conn_mu;
  std::unordered_map<std::string, size_t> per_address;
  size_t open = 0;
  size_t cap = 0;
  std::atomic<uint64_t> refused_connections{0}, refused_overloaded{0}, refused_limits{0};
  std::atomic<int64_t> last_cap_warning{0};  // steady seconds: one warning per 10 s

  ~Impl() {
    if (pool) pool->stop();
    accept_retry.reset();
    acceptor.reset();
    stream_work.reset();
    stream_ioc.reset();
    ioc.reset();  // destroys the connections still waiting (they release() here)
  }
  bool admit(const std::string& address);
  void release(const std::string& address);
  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
};

namespace http_detail {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

void set_error(HttpResponse& res, int status, const std::string& code, const std::string& message) {
  res = HttpResponse{};
  res.status = status;
  res.set_content(error_body(code, message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

std::string client_address(const tcp::endpoint& ep) {
  net::ip::address a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
  return a.to_string();
}

// One client connection: reads requests one after the other (HTTP/1.1
// keep-alive), hands each to the worker pool, writes the answer. Every
// member is used on the connection's strand only.
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... Args>
  Connection(HttpServer::Impl& srv, std::string address, int port, tcp::socket&& socket, Args&... args)
      : srv_(srv),
        address_(std::move(address)),
        port_(port),
        executor_(socket.get_executor()),
        stream_(std::move(socket), args...),
        timer_(executor_) {}

  ~Connection() {
    if (!transferred_) srv_.release(address_);
  }

  void start() {
    auto self = this->shared_from_this();
    if constexpr (kTls) {
      tcp_stream().expires_after(srv_.o.header_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return self->close();
        self->read_header();
      });
    } else {
      read_header();
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  using StreamHead = http::response<http::empty_body>;

  beast::tcp_stream& tcp_stream() { return beast::get_lowest_layer(stream_); }

  void read_header() {
    if (srv_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(srv_.o.limits.max_header_bytes));
    // Set once the route is known (on_header); not boost::none, which 1.74
    // compares as smaller than any Content-Length.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    tcp_stream().expires_after(first_ ? srv_.o.header_timeout : srv_.o.idle_timeout);
    first_ = false;
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Connection::on_header, this->shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    received_ = Clock::now();
    auto& head = parser_->get();
    head_ = head.method() == http::verb::head;
    keep_alive_ = head.keep_alive();
    version_ = head.version();
    body_limit_ = srv_.o.limits.max_body;
    urgent_ = false;
    if (srv_.o.body_limit || srv_.o.urgent) {
      std::string method(head.method_string());
      std::string path = target_path(std::string_view(head.target().data(), head.target().size()));
      if (srv_.o.body_limit) body_limit_ = srv_.o.body_limit(method, path);
      urgent_ = srv_.o.urgent && srv_.o.urgent(method, path);
    }
    parser_->body_limit(body_limit_);
    if (auto length = parser_->content_length(); length && *length > body_limit_)
      return on_read_error(http::error::body_limit);
    if (parser_->is_done()) return dispatch();
    auto expect = head[http::field::expect];
    if (strncasecmp(expect.data(), "100-continue", std::min<size_t>(expect.size(), 12)) == 0 && expect.size() == 12) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      tcp_stream().expires_after(srv_.o.write_timeout);
      auto self = this->shared_from_this();
      net::async_write(stream_, net::buffer(kContinue), [self](beast::error_code wec, size_t) {
        if (wec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    tcp_stream().expires_after(srv_.o.body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::on_body, this->shared_from_this()));
  }

  void on_body(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    dispatch();
  }

  void on_read_error(const beast::error_code& ec) {
    if (!is_parse_error(ec)) return close();  // closed, reset, timed out
    RequestError e = parse_error(ec);
    ++srv_.refused_limits;
    std::string method = parser_ ? std::string(parser_->get().method_string()) : "-";
    log_request({method.empty() ? "-" : method, "-", e.status(), 0, "-", address_});
    HttpResponse res;
    set_error(res, e.status(), e.code(), e.what());
    keep_alive_ = false;
    linger_ = true;  // the client may still be sending the body
    respond(res);
  }

  // The complete request goes to a worker; its answer comes back here.
  void dispatch() {
    auto message = std::make_shared<BeastRequest>(parser_->release());
    parser_.reset();
    auto self = this->shared_from_this();
    auto task = [self, message] {
      auto res = std::make_shared<HttpResponse>();
      self->handle(*message, *res);
      net::post(self->executor_, [self, res] { self->respond(*res); });
    };
    bool queued = true;
    if (urgent_)
      srv_.pool->post_urgent(std::move(task));
    else
      queued = srv_.pool->try_post(std::move(task));
    if (!queued) {
      log_request({std::string(message->method_string()), "-", 503, ms_since(received_), "-", address_});
      HttpResponse res;
      set_error(res, 503, "overloaded", "the server is busy; try again");
      ++srv_.refused_overloaded;
      res.set_header("Retry-After", "1");
      keep_alive_ = false;
      respond(res);
    }
  }

  // On a worker thread: only srv_ (thread-safe parts) and immutable members.
  void handle(BeastRequest& message, HttpResponse& res) {
    std::string method(message.method_string());
    try {
      HttpRequest req = make_request(std::move(message), srv_.o.limits, body_limit_);
      req.remote_addr = address_;
      req.remote_port = port_;
      req.received = received_;
      srv_.handler(req, res);
    } catch (const RequestError& e) {
      ++srv_.refused_limits;
      log_request({method, "-", e.status(), ms_since(received_), "-", address_});
      set_error(res, e.status(), e.code(), e.what());
    } catch (const std::exception& e) {
      log_line(LogLevel::error, "request failed", {{"method", method}, {"error", e.what()}});
      set_error(res, 500, "internal", "internal error; the server log has the details");
    }
  }

  void respond(HttpResponse& res) {
    if (closed_) return;
    if (srv_.stopping) keep_alive_ = false;
    int status = res.status < 100 || res.status > 599 ? (res.status < 0 ? 200 : 500) : res.status;
    if (res.stream) {
      if constexpr (!kTls)
        if (srv_.stream_ioc && move_to_stream_thread(res, status)) return;
      return start_stream(res, status);
    }
    auto msg = std::make_shared<http::response<http::string_body>>();
    msg->version(version_);
    msg->result(static_cast<unsigned>(status));
    for (const auto& [name, value] : res.headers) msg->insert(name, value);
    msg->keep_alive(keep_alive_);
    msg->body() = std::move(res.body);
    try {
      msg->prepare_payload();
    } catch (const std::exception&) {  // a body on 204/304: dropped
      msg->body().clear();
      msg->prepare_payload();
    }
    if (head_) {
      size_t n = msg->body().size();
      msg->body().clear();
      msg->content_length(n);
    }
    tcp_stream().expires_after(srv_.o.write_timeout);
    auto self = this->shared_from_this();
    http::async_write(stream_, *msg, [self, msg](beast::error_code ec, size_t) {
      if (!ec && self->linger_) return self->linger_close();
      if (ec || !msg->keep_alive()) return self->close();
      self->read_header();
    });
  }

  // After an answer to a request whose body was not read: stop writing,
  // read and drop what the client still sends for a moment, then close, so
  // that the client reads the answer instead of a reset.
  void linger_close() {
    beast::error_code ec;
    tcp_stream().socket().shutdown(tcp::socket::shutdown_send, ec);
    tcp_stream().expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    auto self = this->shared_from_this();
    tcp_stream().async_read_some(net::buffer(drain_), [self](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }

  // --- streamed answers (SSE) ---

  // Hands the socket to a new connection on the stream I/O thread, which
  // sends the stream (and serves what the client asks next). False: keep it.
  bool move_to_stream_thread(HttpResponse& res, int status) {
    beast::error_code ec;
    tcp::socket& socket = tcp_stream().socket();
    tcp::endpoint local = socket.local_endpoint(ec);
    if (ec) return false;
    auto fd = socket.release(ec);
    if (ec) return false;
    tcp::socket moved(net::make_strand(*srv_.stream_ioc));
    moved.assign(local.protocol(), fd, ec);
    if (ec) {
      ::close(fd);
      return closed_ = true;  // the client sees a closed connection
    }
    auto next = std::make_shared<Connection>(srv_, address_, port_, std::move(moved));
    next->keep_alive_ = keep_alive_;
    next->version_ = version_;
    next->first_ = false;
    next->buffer_ = std::move(buffer_);
    transferred_ = closed_ = true;  // `next` releases the address's count
    auto r = std::make_shared<HttpResponse>(std::move(res));
    net::post(next->executor_, [next, r, status] { next->start_stream(*r, status); });
    return true;
  }

  void start_stream(HttpResponse& res, int status) {
    source_ = std::move(res.stream);
    auto head = std::make_shared<StreamHead>();
    head->version(version_);
    head->result(static_cast<unsigned>(status));
    for (const auto& [name, value] : res.headers) head->insert(name, value);
    // HTTP/1.0 has no chunked encoding: the body then ends with the connection.
    if (version_ < 11) keep_alive_ = false;
    head->keep_alive(keep_alive_);
    head->chunked(version_ >= 11);
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    tcp_stream().expires_after(srv_.o.write_timeout);
    auto self = this->shared_from_this();
    http::async_write_header(stream_, *sr, [self, head, sr](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->last_write_ = Clock::now();
      self->tick_keep_alive();
      self->pull();
    });
  }

  // One timer per stream, re-armed every interval (never cancelled per
  // event: with 1,000 streams that doubled the I/O threads' work): sends a
  // keep-alive when the stream waits and nothing went out for an interval.
  void tick_keep_alive() {
    timer_.expires_after(source_->keep_alive_interval());
    auto self = this->shared_from_this();
    timer_.async_wait([self](beast::error_code ec) {
      if (ec || self->closed_ || !self->source_) return;
      auto quiet = Clock::now() - self->last_write_;
      if (self->waiting_ && quiet >= self->source_->keep_alive_interval() * 9 / 10) {
        self->waiting_ = false;
        self->write_chunk(self->source_->keep_alive(), false);
      }
      self->tick_keep_alive();
    });
  }

  void pull() {
    auto self = this->shared_from_this();
    // From memory on this thread when the stream can; else on a worker.
    std::optional<ResponseStream::Piece> ready;
    try {
      ready = source_->next_if_ready();
    } catch (const std::exception& e) {
      log_line(LogLevel::error, "stream failed", {{"error", e.what()}});
      ready = ResponseStream::Piece{"", true};
    }
    if (ready) return on_piece(*ready);
    srv_.pool->post([self] {
      ResponseStream::Piece piece;
      try {
        piece = self->source_->next();
      } catch (const std::exception& e) {
        log_line(LogLevel::error, "stream failed", {{"error", e.what()}});
        piece = {"", true};
      }
      auto p = std::make_shared<ResponseStream::Piece>(std::move(piece));
      net::post(self->executor_, [self, p] { self->on_piece(*p); });
    });
  }

  void on_piece(ResponseStream::Piece& piece) {
    if (closed_) return;
    if (piece.data.empty() && !piece.end) return wait_stream();
    write_chunk(std::move(piece.data), piece.end);
  }

  void write_chunk(std::string data, bool last) {
    auto self = this->shared_from_this();
    tcp_stream().expires_after(srv_.o.write_timeout);
    if (version_ < 11) {  // not chunked: the bytes as they are, then close
      if (data.empty()) return close();
      auto raw = std::make_shared<std::string>(std::move(data));
      net::async_write(stream_, net::buffer(*raw), [self, raw, last](beast::error_code ec, size_t) {
        if (ec || last) return self->close();
        self->last_write_ = Clock::now();
        self->pull();
      });
      return;
    }
    if (data.empty()) {  // an empty chunk would end the body: only for the last one
      net::async_write(stream_, http::make_chunk_last(), [self](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->end_stream();
      });
      return;
    }
    auto text = std::make_shared<std::string>(std::move(data));
    net::async_write(stream_, http::make_chunk(net::buffer(*text)), [self, text, last](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->last_write_ = Clock::now();
      if (last) return self->write_chunk("", true);
      self->pull();
    });
  }

  void wait_stream() {
    waiting_ = true;
    std::weak_ptr<Connection> weak = this->shared_from_this();
    source_->on_ready([weak] {
      if (auto self = weak.lock()) net::post(self->executor_, [self] { self->on_wake(); });
    });
  }

  void on_wake() {
    if (!waiting_ || closed_) return;  // a late or repeated wake
    waiting_ = false;
    pull();
  }

  void end_stream() {
    timer_.cancel();
    source_.reset();
    if (!keep_alive_) return close();
    read_header();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    waiting_ = false;
    timer_.cancel();
    beast::error_code ec;
    tcp_stream().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp_stream().close();
  }

  HttpServer::Impl& srv_;
  std::string address_;
  int port_;
  net::any_io_executor executor_;
  Stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Clock::time_point received_;
  Clock::time_point last_write_;  // of a stream's piece
  size_t body_limit_ = 0;
  bool urgent_ = false;
  bool first_ = true;
  bool head_ = false;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool closed_ = false;
  bool transferred_ = false;
  bool waiting_ = false;
  bool linger_ = false;
  std::array<char, 16384> drain_;
  std::shared_ptr<ResponseStream> source_;
};

}  // namespace http_detail

}  // namespace drover::server
