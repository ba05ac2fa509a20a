#include "server/security_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace drover::test {

HttpResponse raw_request(int port, const std::string& head, const std::string& body,
                         const std::string& from) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, from.c_str(), &local.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind to " + from);
  }
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
    close(fd);
    throw std::runtime_error("cannot connect to the server");
  }
  std::string request = head + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" + body;
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buf[8192];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
    answer.append(buf, static_cast<size_t>(n));
  close(fd);
  HttpResponse r;
  size_t line_end = answer.find("\r\n");
  if (answer.rfind("HTTP/1.", 0) != 0 || line_end == std::string::npos)
    throw std::runtime_error("not an HTTP answer: " + answer.substr(0, 200));
  r.status = std::stol(answer.substr(9, 3));
  size_t head_end = answer.find("\r\n\r\n");
  std::string headers = answer.substr(
      line_end + 2, head_end == std::string::npos ? std::string::npos : head_end - line_end - 2);
  for (size_t at = 0; at < headers.size();) {
    size_t end = headers.find("\r\n", at);
    std::string line = headers.substr(at, end == std::string::npos ? std::string::npos : end - at);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    if (end == std::string::npos) break;
    at = end + 2;
  }
  if (head_end != std::string::npos) r.body = answer.substr(head_end + 4);
  return r;
}

}  // namespace drover::test
