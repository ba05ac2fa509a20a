// Local stand-ins for the services notifications go to, for tests:
//
// * ChatRobotSink: an HTTP server on a free loopback port that answers as
//   DingTalk, WeCom, Feishu and Slack robots do, and checks signatures as
//   those services check them (DingTalk: timestamp + sign in the query;
//   Feishu: timestamp + sign in the body); a wrong one is answered with the
//   service's error (DingTalk errcode 310000, Feishu code 19021).
// * SmtpSink: a minimal SMTP server (EHLO, MAIL, RCPT, DATA, QUIT) that
//   keeps each message.
// Both run on their own threads until destroyed.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/value.hpp"

namespace httplib {
class Server;
}

namespace drover::test {

struct SinkRequest {
  std::string path, query_timestamp, query_sign, body;
  bool signature_ok = false;
};

class ChatRobotSink {
 public:
  // `secret`: the signing secret the robots check ("" checks nothing).
  explicit ChatRobotSink(std::string secret);
  ~ChatRobotSink();
  std::string url(const std::string& path) const;  // "http://127.0.0.1:PORT/path"
  std::vector<SinkRequest> requests() const;
  // Waits (up to timeout_s) until `n` requests arrived; returns them.
  std::vector<SinkRequest> wait_for(size_t n, int timeout_s = 60) const;

 private:
  std::string secret_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<SinkRequest> requests_;
};

class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  std::string url() const;  // "smtp://127.0.0.1:PORT"
  std::vector<std::string> wait_for(size_t n, int timeout_s = 60) const;  // the messages (DATA)
  std::vector<std::string> recipients() const;

 private:
  void serve();
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> messages_, recipients_;
};

}  // namespace drover::test
