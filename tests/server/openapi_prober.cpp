#include "server/openapi_prober.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace drover::test {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

HttpResponse Prober::call(const std::string& token, const std::string& method,
                          const std::string& route, const std::string& path,
                          const std::string& body, const std::string& type) {
  HttpResponse r = ApiClient(server_.url(), token).request(method, path, body, type);
  std::string what = method + " " + path + " (" + (token.empty() ? "no token" : "token") +
                     ") answered " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
  const Value& paths = doc_.at("paths");
  if (!paths.contains(route) || !paths.at(route).contains(lower(method))) {
    ADD_FAILURE() << "the document has no " << method << " " << route << " (" << what << ")";
    return r;
  }
  const Value& op = paths.at(route).at(lower(method));
  std::string status = std::to_string(r.status);
  answered_[method + " " + route].insert(status);
  if (!op.at("responses").contains(status)) {
    ADD_FAILURE() << "undocumented status: " << what;
    return r;
  }
  const Value& documented = op.at("responses").at(status);
  if (r.status == 204 || !documented.contains("content")) {
    EXPECT_TRUE(r.body.empty()) << "a body where the document has none: " << what;
    return r;
  }
  std::string got_type = r.headers.count("content-type") ? r.headers.at("content-type") : "";
  const Value* media = nullptr;
  for (const auto& [name, m] : documented.at("content").items())
    if (got_type.rfind(name, 0) == 0) media = &m;
  if (!media) {
    ADD_FAILURE() << "undocumented Content-Type " << got_type << ": " << what;
    return r;
  }
  if (got_type.rfind("application/json", 0) == 0) {
    Value answer = Value::parse(r.body, nullptr, false);
    for (const auto& e : checker_.validate(answer, media->at("schema")))
      ADD_FAILURE() << e << " in " << what;
  }
  return r;
}

void Prober::expect_every_route_succeeded() const {
  for (const auto& [path, ops] : doc_.at("paths").items())
    for (const auto& [method, op] : ops.items()) {
      std::string key = upper(method) + " " + path;
      bool success = false;
      if (auto it = answered_.find(key); it != answered_.end())
        for (const auto& s : it->second) success = success || s[0] == '2';
      EXPECT_TRUE(success) << key << " never answered a 2xx in this test";
    }
}

std::pair<int, int> Prober::coverage(std::vector<std::string>& missing) const {
  int documented = 0, seen = 0;
  for (const auto& [path, ops] : doc_.at("paths").items())
    for (const auto& [method, op] : ops.items())
      for (const auto& [status, resp] : op.at("responses").items()) {
        ++documented;
        auto it = answered_.find(upper(method) + " " + path);
        if (it != answered_.end() && it->second.count(status))
          ++seen;
        else
          missing.push_back(status + " " + upper(method) + " " + path);
      }
  return {seen, documented};
}

}  // namespace drover::test
