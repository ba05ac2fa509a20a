#include "server/server_fixture.hpp"

#include <curl/curl.h>
#include <cctype>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace drover::test {

ServerProcess::ServerProcess(ServerProcessOptions options) : options_(std::move(options)) {
  if (options_.data_dir.empty()) {
    own_dir_ = std::make_unique<TempDir>();
    data_dir_ = own_dir_->path() + "/var";
  } else {
    data_dir_ = options_.data_dir;
  }
  start();
}

ServerProcess::~ServerProcess() {
  try {
    stop();
  } catch (...) {
  }
}

std::string ServerProcess::url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }

void ServerProcess::start() {
  if (pid_ > 0) throw std::logic_error("server already running");
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = {DROVER_BINARY, "server", "--listen", "127.0.0.1:0", "--data", data_dir_};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::map<std::string, std::string> env = {{"DROVER_ADMIN_TOKEN", kAdminToken},
                                            {"DROVER_ADMIN_PASSWORD", kAdminPassword}};
  for (const auto& [k, v] : options_.env) env[k] = v;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipe_fds[1], 1);
    if (auto log = env.find("DROVER_TEST_STDERR"); log != env.end()) {
      int err = open(log->second.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (err >= 0) dup2(err, 2);
    }
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  startup_output_.clear();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const std::string marker = "://127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) > 0) {
      char buf[4096];
      ssize_t n = read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) break;
      startup_output_.append(buf, static_cast<size_t>(n));
      size_t at = startup_output_.find(marker);
      if (at != std::string::npos && startup_output_.find(' ', at + marker.size()) != std::string::npos) {
        port_ = std::stoi(startup_output_.substr(at + marker.size()));
        size_t scheme_at = startup_output_.rfind(' ', at);
        scheme_ = startup_output_.substr(scheme_at + 1, at - scheme_at - 1);
        // Keep draining stdout so that the server never blocks on a full pipe.
        int fd = stdout_fd_;
        std::thread([fd] {
          char sink[4096];
          while (read(fd, sink, sizeof sink) > 0) {
          }
          close(fd);
        }).detach();
        stdout_fd_ = -1;
        return;
      }
    }
  }
  kill(pid_, SIGKILL);
  wait_exit(10);
  throw std::runtime_error("drover server did not start; it printed: " + startup_output_);
}

void ServerProcess::wait_exit(int timeout_s) {
  if (pid_ <= 0) return;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  last_exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  pid_ = -1;
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

void ServerProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  wait_exit(10);
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  wait_exit(10);
}

Value HttpResponse::json() const { return Value::parse(body); }

namespace {

size_t write_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t write_header(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

}  // namespace

ApiClient::ApiClient(std::string base_url, std::string token) : base_(std::move(base_url)), token_(std::move(token)) {
  static const bool init = curl_global_init(CURL_GLOBAL_DEFAULT) == 0;
  (void)init;
}

HttpResponse ApiClient::request(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& content_type) const {
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  HttpResponse r;
  std::string url = base_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_slist* headers = nullptr;
  if (!token_.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token_).c_str());
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) throw std::runtime_error(method + " " + url + ": " + curl_easy_strerror(rc));
  return r;
}

}  // namespace drover::test
