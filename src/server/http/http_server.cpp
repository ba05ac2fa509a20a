#include "server/http/http_server.hpp"

#include <sys/resource.h>

#include "core/error.hpp"
#include "server/http/connection.hpp"

namespace drover::server {

using namespace http_detail;

namespace {

// Answered to a connection over the limits, before it is closed.
void refuse(tcp::socket& socket, bool tls) {
  beast::error_code ec;
  if (!tls) {
    static const std::string body =
        error_body("too_many_connections", "too many open connections; try again later").dump();
    static const std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                      "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                                      std::to_string(body.size()) + "\r\n\r\n" + body;
    socket.non_blocking(true, ec);
    socket.write_some(net::buffer(answer), ec);
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

}  // namespace

bool HttpServer::Impl::admit(const std::string& address) {
  std::lock_guard<std::mutex> lock(conn_mu);
  size_t& mine = per_address[address];
  if (open >= cap || mine >= o.max_connections_per_address) {
    if (mine == 0) per_address.erase(address);
    return false;
  }
  ++mine;
  ++open;
  return true;
}

void HttpServer::Impl::release(const std::string& address) {
  std::lock_guard<std::mutex> lock(conn_mu);
  auto it = per_address.find(address);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  --open;
}

void HttpServer::Impl::accept() {
  acceptor->async_accept(net::make_strand(*ioc), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping || ec == net::error::operation_aborted) return;
  if (ec) {  // out of file descriptors, mostly: try again shortly
    accept_retry->expires_after(std::chrono::milliseconds(50));
    accept_retry->async_wait([this](beast::error_code wec) {
      if (!wec) accept();
    });
    return;
  }
  beast::error_code ignored;
  tcp::endpoint peer = socket.remote_endpoint(ignored);
  socket.set_option(tcp::no_delay(true), ignored);
  std::string address = client_address(peer);
  if (!admit(address)) {
    ++refused_connections;
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
    int64_t last = last_cap_warning.load();
    if (now - last >= 10 && last_cap_warning.compare_exchange_strong(last, now))
      log_line(LogLevel::warn, "connections refused", {{"address", address}, {"reason", "connection limit"},
                                                        {"refused_total", refused_connections.load()}});
    refuse(socket, tls.has_value());
  } else if (tls) {
    std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(*this, address, peer.port(), std::move(socket),
                                                                         *tls)
        ->start();
  } else {
    std::make_shared<Connection<beast::tcp_stream>>(*this, address, peer.port(), std::move(socket))->start();
  }
  accept();
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler) : impl_(std::make_shared<Impl>()) {
  impl_->o = std::move(options);
  impl_->handler = std::move(handler);
  impl_->ioc = std::make_unique<net::io_context>(std::max(1, impl_->o.io_threads));
  impl_->acceptor = std::make_unique<tcp::acceptor>(*impl_->ioc);
  impl_->accept_retry = std::make_unique<net::steady_timer>(*impl_->ioc);
  if (impl_->o.stream_thread) {
    impl_->stream_ioc = std::make_unique<net::io_context>(1);
    impl_->stream_work.emplace(impl_->stream_ioc->get_executor());
  }
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::listen() {
  Impl& s = *impl_;
  const HttpServerOptions& o = s.o;
  // Every connection is a descriptor: use what the hard limit allows, and
  // keep the cap below it (the store, jobs and logs need some).
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  size_t fds = getrlimit(RLIMIT_NOFILE, &nofile) == 0 ? static_cast<size_t>(nofile.rlim_cur) : 1024;
  s.cap = std::min(o.max_connections, fds > 512 ? fds - 256 : fds / 2);

  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    if (o.tls_cert.empty() || o.tls_key.empty()) throw Error("TLS needs both --tls-cert and --tls-key");
    s.tls.emplace(ssl::context::tls_server);
    beast::error_code ec;
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    s.tls->use_certificate_chain_file(o.tls_cert, ec);
    if (!ec) s.tls->use_private_key_file(o.tls_key, ssl::context::pem, ec);
    if (ec || SSL_CTX_check_private_key(s.tls->native_handle()) != 1)
      throw Error("cannot use the TLS certificate " + o.tls_cert + " and key " + o.tls_key +
                  " (unreadable, or they do not match)");
  }

  std::string where = o.host + ":" + std::to_string(o.port);
  beast::error_code ec;
  tcp::resolver resolver(*s.ioc);
  auto found = resolver.resolve(o.host, std::to_string(o.port), tcp::resolver::passive, ec);
  if (ec || found.empty()) throw Error("cannot listen on " + where + ": " + (ec ? ec.message() : "no address"));
  tcp::endpoint ep = found.begin()->endpoint();
  s.acceptor->open(ep.protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(ep, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw Error("cannot listen on " + where + " (address in use or not local?)");
  s.pool = std::make_unique<WorkerPool>(o.workers, o.max_queue);
  s.accept();
  return s.acceptor->local_endpoint().port();
}

void HttpServer::run() {
  Impl& s = *impl_;
  if (s.stopping) return;
  // A handler that throws loses its connection, never the I/O thread.
  auto serve = [](net::io_context& ioc) {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        log_line(LogLevel::error, "http i/o failed", {{"error", e.what()}});
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < s.o.io_threads; ++i) threads.emplace_back(serve, std::ref(*s.ioc));
  if (s.stream_ioc) threads.emplace_back(serve, std::ref(*s.stream_ioc));
  serve(*s.ioc);
  if (s.stream_ioc) s.stream_ioc->stop();
  for (auto& t : threads) t.join();
  // Handlers already running finish before the server's parts stop.
  if (s.pool) s.pool->stop();
}

void HttpServer::stop() {
  impl_->stopping = true;
  if (impl_->ioc) impl_->ioc->stop();
  if (impl_->stream_ioc) impl_->stream_ioc->stop();
}

HttpServer::Refusals HttpServer::refusals() const {
  return {impl_->refused_connections.load(), impl_->refused_overloaded.load(), impl_->refused_limits.load()};
}

size_t HttpServer::open_connections() const {
  std::lock_guard<std::mutex> lock(impl_->conn_mu);
  return impl_->open;
}

}  // namespace drover::server
