// Integration-test support: the real `drover server` binary on a free port
// with a temporary data directory, and a libcurl client for its API.
//
//   ServerProcess srv;                       // started, admin token known
//   ApiClient api(srv.url(), srv.admin_token());
//   auto r = api.post("/api/v1/hosts", {{"hostname", "web1"}});
//   EXPECT_EQ(r.status, 201);
//   srv.restart();                           // same data directory
//
// The server runs with DROVER_ADMIN_TOKEN / DROVER_ADMIN_PASSWORD set to
// the values below, so tests know the first admin's secrets. The destructor
// stops it with SIGTERM (SIGKILL after 10 s) by pid.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "harness/process.hpp"

namespace drover::test {

inline const char* kAdminToken = "drv_test_admin_token_0123456789abcdef";
inline const char* kAdminPassword = "admin-password-for-tests";

struct ServerProcessOptions {
  std::string data_dir;                     // empty: a fresh temp dir owned by the fixture
  std::map<std::string, std::string> env;   // added to the environment; DROVER_TEST_STDERR=FILE
                                            // also sends the server's stderr (its log) to FILE
  std::vector<std::string> extra_args;      // e.g. {"--workers", "2"}
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerProcessOptions options = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT" (https with --tls-cert)
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string admin_token() const { return kAdminToken; }
  // Everything the server printed on stdout up to the listening line.
  const std::string& startup_output() const { return startup_output_; }

  void stop();      // SIGTERM and wait; returns the exit code via last_exit_code()
  void kill9();     // SIGKILL and wait
  void start();     // (again) on the same data directory and a new port
  void restart() { stop(); start(); }
  int last_exit_code() const { return last_exit_code_; }
  pid_t pid() const { return pid_; }

 private:
  ServerProcessOptions options_;
  std::unique_ptr<TempDir> own_dir_;
  std::string data_dir_;
  std::string startup_output_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string scheme_ = "http";
  int stdout_fd_ = -1;
  int last_exit_code_ = -1;
  void wait_exit(int timeout_s);
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  Value json() const;  // throws when the body is not JSON
};

class ApiClient {
 public:
  ApiClient(std::string base_url, std::string token = "");

  void set_token(const std::string& token) { token_ = token; }
  HttpResponse request(const std::string& method, const std::string& path, const std::string& body = "",
                       const std::string& content_type = "application/json") const;
  HttpResponse get(const std::string& path) const { return request("GET", path); }
  HttpResponse del(const std::string& path) const { return request("DELETE", path); }
  HttpResponse post(const std::string& path, const Value& body) const { return request("POST", path, body.dump()); }
  HttpResponse put(const std::string& path, const Value& body) const { return request("PUT", path, body.dump()); }
  HttpResponse patch(const std::string& path, const Value& body) const {
    return request("PATCH", path, body.dump());
  }

 private:
  std::string base_;
  std::string token_;
};

}  // namespace drover::test
