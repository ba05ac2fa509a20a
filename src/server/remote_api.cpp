#include "server/remote_api.hpp"

#include <httplib.h>

#include <cstdlib>

#include "core/error.hpp"

namespace drover::server {
namespace {

constexpr const char* kJson = "application/json";

std::unique_ptr<httplib::Client> make_client(const std::string& origin, const std::string& token,
                                             int read_timeout_s) {
  auto client = std::make_unique<httplib::Client>(origin);
  client->set_connection_timeout(10);
  client->set_read_timeout(read_timeout_s);
  if (!token.empty()) client->set_bearer_token_auth(token);
  if (const char* ca = std::getenv("DROVER_CA_CERT"); ca && *ca) client->set_ca_cert_path(ca);
  client->enable_server_certificate_verification(true);
  return client;
}

}  // namespace

RemoteApi::RemoteApi(const std::string& base_url, std::string token, std::string what)
    : token_(std::move(token)), what_(std::move(what)) {
  size_t scheme_end = base_url.find("://");
  if (scheme_end == std::string::npos || (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0))
    throw Error(what_ + ": the server's URL must start with http:// or https://, not '" + base_url + "'");
  size_t path_start = base_url.find('/', scheme_end + 3);
  origin_ = path_start == std::string::npos ? base_url : base_url.substr(0, path_start);
  prefix_ = path_start == std::string::npos ? "" : base_url.substr(path_start);
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

void RemoteApi::fail_status(long status, const std::string& body) const {
  std::string why = body;
  try {
    why = Value::parse(body)["error"]["message"].get<std::string>();
  } catch (const std::exception&) {
    if (why.size() > 200) why = why.substr(0, 200) + "...";
  }
  throw Error(what_ + ": the server answered " + std::to_string(status) + ": " + why);
}

std::string RemoteApi::request(const std::string& method, const std::string& path, const std::string& body) const {
  auto client = make_client(origin_, token_, 120);
  std::string full = prefix_ + path;
  auto res = method == "POST" ? client->Post(full, body, kJson) : client->Get(full);
  if (!res) throw Error(what_ + ": cannot reach the server at " + origin_ + ": " + httplib::to_string(res.error()));
  status_ = res->status;
  if (res->status < 200 || res->status > 299) fail_status(res->status, res->body);
  return res->body;
}

Value RemoteApi::get(const std::string& path) const {
  std::string body = request("GET", path, "");
  try {
    return Value::parse(body);
  } catch (const std::exception& e) {
    throw Error(what_ + ": the answer to GET " + path + " is not JSON: " + e.what());
  }
}

Value RemoteApi::post(const std::string& path, const Value& body) const {
  std::string answer = request("POST", path, body.dump());
  if (answer.empty()) return Value::object();
  try {
    return Value::parse(answer);
  } catch (const std::exception& e) {
    throw Error(what_ + ": the answer to POST " + path + " is not JSON: " + e.what());
  }
}

std::string RemoteApi::get_text(const std::string& path) const { return request("GET", path, ""); }

bool RemoteApi::stream(const std::string& path,
                       const std::function<bool(const std::string&, const std::string&, const std::string&)>&
                           on_event) const {
  // A long task may send nothing for a while: after a minute of silence the
  // caller reconnects from its last event.
  auto client = make_client(origin_, token_, 60);
  long status = 0;
  std::string error_body;
  std::string buffer;
  std::string id, event, data;
  bool stopped = false;
  bool ended = false;
  auto dispatch_lines = [&] {
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        if (!event.empty() || !data.empty()) {
          if (event == "end") ended = true;
          if (!on_event(id, event.empty() ? "message" : event, data) || ended) return false;
        }
        event.clear();
        data.clear();
        continue;
      }
      if (line[0] == ':') continue;  // a comment (keep-alive)
      size_t colon = line.find(':');
      std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "id") id = value;
      else if (field == "event") event = value;
      else if (field == "data") data += data.empty() ? value : "\n" + value;
    }
    return true;
  };
  httplib::Headers headers = {{"Accept", "text/event-stream"}};
  auto res = client->Get(
      prefix_ + path, headers,
      [&](const httplib::Response& r) {
        status = r.status;
        return true;
      },
      [&](const char* bytes, size_t n) {
        if (status < 200 || status > 299) {
          if (error_body.size() < 65536) error_body.append(bytes, n);
          return true;
        }
        buffer.append(bytes, n);
        if (!dispatch_lines()) {
          stopped = true;
          return false;
        }
        return true;
      });
  status_ = status;
  if (stopped || ended) return true;
  if (status != 0 && (status < 200 || status > 299)) fail_status(status, error_body);
  if (!res && res.error() == httplib::Error::Connection)
    throw Error(what_ + ": cannot reach the server at " + origin_ + ": " + httplib::to_string(res.error()));
  return false;
}

}  // namespace drover::server
