#include "jobs_sse_client.hpp"

#include <curl/curl.h>

namespace drover::test {
namespace {

struct SseParser {
  std::string buffer;
  SseEvent current;
  std::vector<SseEvent> events;
  const std::function<void(const SseEvent&)>* on_event = nullptr;

  void feed(const char* data, size_t n) {
    buffer.append(data, n);
    size_t start = 0, pos;
    while ((pos = buffer.find('\n', start)) != std::string::npos) {
      std::string_view line(buffer.data() + start, pos - start);
      start = pos + 1;
      if (line.empty()) {
        if (!current.event.empty() || !current.data.empty()) {
          if (on_event && *on_event) (*on_event)(current);
          events.push_back(std::move(current));
        }
        current = SseEvent{};
      } else if (line.substr(0, 4) == "id: ") {
        current.id = line.substr(4);
      } else if (line.substr(0, 7) == "event: ") {
        current.event = line.substr(7);
      } else if (line.substr(0, 6) == "data: ") {
        current.data += line.substr(6);
      }
    }
    buffer.erase(0, start);
  }
};

size_t feed_sse(char* data, size_t size, size_t n, void* user) {
  static_cast<SseParser*>(user)->feed(data, size * n);
  return size * n;
}

}  // namespace

std::vector<SseEvent> read_sse(const std::string& url, const std::string& token, std::vector<std::string> headers,
                               int timeout_s, const std::function<void(const SseEvent&)>& on_event) {
  SseParser parser;
  parser.on_event = &on_event;
  CURL* c = curl_easy_init();
  headers.push_back("Accept: text/event-stream");
  if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, feed_sse);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &parser);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_s));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_perform(c);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return parser.events;
}

}  // namespace drover::test
