#include "server/automation_sinks.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "server/automation/signatures.hpp"

namespace drover::test {
namespace {

using server::hmac_sha256;
using server::to_base64;

template <class Fn>
auto wait_until(int timeout_s, Fn ready) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    auto got = ready();
    if (got.first || std::chrono::steady_clock::now() > deadline) return got.second;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

ChatRobotSink::ChatRobotSink(std::string secret) : secret_(std::move(secret)), server_(new httplib::Server) {
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    SinkRequest r;
    r.path = req.path;
    r.body = req.body;
    Value answer;
    if (req.path.rfind("/dingtalk", 0) == 0) {
      // DingTalk: sign = base64(HmacSHA256(secret, timestamp + "\n" + secret)), URL-encoded in the query
      // (httplib decodes it), timestamp in ms within an hour.
      r.query_timestamp = req.get_param_value("timestamp");
      r.query_sign = req.get_param_value("sign");
      r.signature_ok = secret_.empty() ||
                       r.query_sign == to_base64(hmac_sha256(secret_, r.query_timestamp + "\n" + secret_));
      answer = r.signature_ok ? Value{{"errcode", 0}, {"errmsg", "ok"}}
                              : Value{{"errcode", 310000}, {"errmsg", "sign not match"}};
    } else if (req.path.rfind("/feishu", 0) == 0) {
      // Feishu: sign = base64(HmacSHA256(key = timestamp + "\n" + secret, data = "")).
      Value body = Value::parse(req.body, nullptr, false);
      r.query_timestamp = body.value("timestamp", "");
      r.query_sign = body.value("sign", "");
      r.signature_ok = secret_.empty() || r.query_sign == to_base64(hmac_sha256(r.query_timestamp + "\n" + secret_, ""));
      answer = r.signature_ok ? Value{{"code", 0}, {"msg", "success"}}
                              : Value{{"code", 19021}, {"msg", "sign match fail or timestamp is not within one hour"}};
    } else {  // WeCom, Slack, generic
      r.signature_ok = true;
      answer = {{"errcode", 0}, {"errmsg", "ok"}};
    }
    {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
    }
    res.set_content(answer.dump(), "application/json");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

ChatRobotSink::~ChatRobotSink() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string ChatRobotSink::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<SinkRequest> ChatRobotSink::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<SinkRequest> ChatRobotSink::wait_for(size_t n, int timeout_s) const {
  return wait_until(timeout_s, [&] {
    auto r = requests();
    return std::make_pair(r.size() >= n, r);
  });
}

SmtpSink::SmtpSink() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  listen(listen_fd_, 8);
  thread_ = std::thread([this] { serve(); });
}

SmtpSink::~SmtpSink() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
}

std::string SmtpSink::url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

std::vector<std::string> SmtpSink::wait_for(size_t n, int timeout_s) const {
  return wait_until(timeout_s, [&] {
    std::lock_guard lock(mu_);
    return std::make_pair(messages_.size() >= n, messages_);
  });
}

std::vector<std::string> SmtpSink::recipients() const {
  std::lock_guard lock(mu_);
  return recipients_;
}

// One client at a time: greet, then answer each command line; DATA reads
// up to the lone "." line.
void SmtpSink::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    auto say = [fd](const std::string& line) { (void)!write(fd, line.data(), line.size()); };
    say("220 sink ESMTP\r\n");
    std::string buf, data;
    bool in_data = false;
    for (bool open = true; open && !stop_;) {
      pollfd q{fd, POLLIN, 0};
      if (poll(&q, 1, 100) <= 0) continue;
      char chunk[4096];
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) break;
      buf.append(chunk, static_cast<size_t>(n));
      for (size_t eol; open && (eol = buf.find("\r\n")) != std::string::npos;) {
        std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        if (in_data) {
          if (line == ".") {
            in_data = false;
            std::lock_guard lock(mu_);
            messages_.push_back(data);
            say("250 queued\r\n");
          } else {
            data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\n";
          }
          continue;
        }
        std::string verb = line.substr(0, 4);
        for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (verb == "EHLO" || verb == "HELO") {
          say("250 sink\r\n");
        } else if (verb == "RCPT") {
          std::lock_guard lock(mu_);
          recipients_.push_back(line.substr(line.find(':') + 1));
          say("250 ok\r\n");
        } else if (verb == "DATA") {
          in_data = true;
          data.clear();
          say("354 go on\r\n");
        } else if (verb == "QUIT") {
          say("221 bye\r\n");
          open = false;
        } else {
          say("250 ok\r\n");
        }
      }
    }
    close(fd);
  }
}

}  // namespace drover::test
