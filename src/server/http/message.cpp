#include "server/http/message.hpp"

#include <strings.h>

namespace drover::server {
namespace {

template <class Map>
std::string nth_value(const Map& m, const std::string& key, size_t id) {
  auto [first, last] = m.equal_range(key);
  for (auto it = first; it != last; ++it, --id)
    if (id == 0) return it->second;
  return "";
}

bool has_line_break(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

}  // namespace

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

bool HttpRequest::has_header(const std::string& name) const { return headers.count(name) > 0; }
std::string HttpRequest::get_header_value(const std::string& name, size_t id) const {
  return nth_value(headers, name, id);
}
size_t HttpRequest::get_header_value_count(const std::string& name) const { return headers.count(name); }
bool HttpRequest::has_param(const std::string& name) const { return params.count(name) > 0; }
std::string HttpRequest::get_param_value(const std::string& name, size_t id) const {
  return nth_value(params, name, id);
}
size_t HttpRequest::get_param_value_count(const std::string& name) const { return params.count(name); }

void HttpResponse::set_content(std::string content, const std::string& content_type) {
  body = std::move(content);
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
}

void HttpResponse::set_header(const std::string& name, const std::string& value) {
  if (name.empty() || has_line_break(name) || has_line_break(value)) return;
  headers.emplace(name, value);
}

bool HttpResponse::has_header(const std::string& name) const { return headers.count(name) > 0; }
std::string HttpResponse::get_header_value(const std::string& name, size_t id) const {
  return nth_value(headers, name, id);
}

void HttpResponse::set_stream(const std::string& content_type, std::shared_ptr<ResponseStream> s) {
  body.clear();
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
  stream = std::move(s);
  if (status < 0) status = 200;
}

}  // namespace drover::server
