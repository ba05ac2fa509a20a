#include "server/automation/notification_sender.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace drover::server {
namespace {

struct CurlHandle {
  CURL* h = curl_easy_init();
  curl_slist* list = nullptr;
  ~CurlHandle() {
    if (list) curl_slist_free_all(list);
    if (h) curl_easy_cleanup(h);
  }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

size_t collect(char* data, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() < (64u << 10)) s->append(data, size * n);
  return size * n;
}

struct Upload {
  const std::string& text;
  size_t at = 0;
};

size_t feed(char* buf, size_t size, size_t n, void* in) {
  auto* u = static_cast<Upload*>(in);
  size_t len = std::min(size * n, u->text.size() - u->at);
  std::memcpy(buf, u->text.data() + u->at, len);
  u->at += len;
  return len;
}

void common_options(CURL* h, const std::string& url) {
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(kSendTimeout.count()));
  // Only the protocols a notification uses; never file:// or others.
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
}

}  // namespace

std::string post_notification(const std::string& kind, const OutgoingRequest& request) {
  CurlHandle c;
  if (!c.h) return "libcurl could not start";
  std::string answer;
  common_options(c.h, request.url);
  c.add("Content-Type: " + request.content_type);
  for (const auto& h : request.headers) c.add(h);
  curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.list);
  curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, request.body.c_str());
  curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &answer);
  CURLcode rc = curl_easy_perform(c.h);
  if (rc != CURLE_OK) return curl_easy_strerror(rc);
  long status = 0;
  curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
  return answer_problem(kind, status, answer);
}

std::string send_mail(const std::string& url, const std::string& username, const std::string& password,
                      const std::string& from, const std::vector<std::string>& to, const std::string& message,
                      bool starttls) {
  CurlHandle c;
  if (!c.h) return "libcurl could not start";
  common_options(c.h, url);
  if (!username.empty()) {
    curl_easy_setopt(c.h, CURLOPT_USERNAME, username.c_str());
    curl_easy_setopt(c.h, CURLOPT_PASSWORD, password.c_str());
  }
  if (starttls) curl_easy_setopt(c.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  std::string from_path = "<" + from + ">";
  curl_easy_setopt(c.h, CURLOPT_MAIL_FROM, from_path.c_str());
  for (const auto& t : to) c.add("<" + t + ">");
  curl_easy_setopt(c.h, CURLOPT_MAIL_RCPT, c.list);
  Upload up{message};
  curl_easy_setopt(c.h, CURLOPT_READFUNCTION, feed);
  curl_easy_setopt(c.h, CURLOPT_READDATA, &up);
  curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
  CURLcode rc = curl_easy_perform(c.h);
  if (rc != CURLE_OK) return curl_easy_strerror(rc);
  return "";
}

}  // namespace drover::server
