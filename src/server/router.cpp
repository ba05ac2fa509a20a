#include "server/router.hpp"

#include <chrono>
#include <iostream>
#include <stdexcept>

#include "server/api_error.hpp"
#include "server/authenticator.hpp"
#include "server/metrics.hpp"
#include "store/host_import.hpp"
#include "store/hosts.hpp"
#include "store/sqlite.hpp"

namespace drover::server {

struct Router::Compiled {
  Route route;
  std::vector<std::string> names;
  std::string regex_text;
  std::regex regex;
};

namespace {

// "/api/v1/hosts/{id}" -> "/api/v1/hosts/([^/]+)" and the names in order.
std::string path_regex(const std::string& path, std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    char ch = path[i];
    if (ch == '{') {
      size_t end = path.find('}', i);
      if (end == std::string::npos) throw std::logic_error("unclosed { in route " + path);
      names.push_back(path.substr(i + 1, end - i - 1));
      out += "([^/]+)";
      i = end;
    } else if (std::string_view(".+*?^$()[]|\\").find(ch) != std::string_view::npos) {
      out += '\\';
      out += ch;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

const std::string& Call::param(const std::string& name) const {
  for (const auto& [k, v] : path_params)
    if (k == name) return v;
  throw std::out_of_range("route has no path parameter " + name);
}

int64_t Call::id_param(const std::string& name) const {
  const std::string& text = param(name);
  int64_t id = 0;
  bool ok = !text.empty() && text.size() <= 18;
  for (char ch : text) {
    if (ch < '0' || ch > '9') {
      ok = false;
      break;
    }
    id = id * 10 + (ch - '0');
  }
  if (!ok || id <= 0) throw ApiError::not_found("no record with id '" + text + "'");
  return id;
}

Router::Router(Authenticator& auth, Metrics& metrics) : auth_(auth), metrics_(metrics) {}
Router::~Router() = default;

void Router::add(Route route) {
  for (const auto& r : routes_)
    if (r.method == route.method && r.path == route.path)
      throw std::logic_error("route registered twice: " + route.method + " " + route.path);
  auto c = std::make_unique<Compiled>();
  c->regex_text = path_regex(route.path, c->names);
  c->regex = std::regex(c->regex_text);
  c->route = route;
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(c));
}

const std::vector<Route>& Router::routes() const { return routes_; }

void Router::dispatch(const Compiled& c, const httplib::Request& req, httplib::Response& res) {
  auto start = std::chrono::steady_clock::now();
  Call call{req, res, Principal{}, req.remote_addr, {}};
  try {
    for (size_t i = 0; i < c.names.size() && i + 1 < req.matches.size(); ++i)
      call.path_params.emplace_back(c.names[i], req.matches[i + 1].str());
    if (c.route.role != Role::Public) {
      if (!req.has_header("Authorization"))
        throw ApiError::unauthorized("this endpoint needs a token: Authorization: Bearer <token>");
      auto who = auth_.authenticate(req.get_header_value("Authorization"));
      if (!who) throw ApiError::unauthorized("the token is unknown, expired or revoked");
      if (who->role < c.route.role)
        throw ApiError::forbidden(c.route.method + " " + c.route.path + " needs the " + role_name(c.route.role) +
                                  " role; " + who->username + " is " + role_name(who->role));
      call.user = *who;
    }
    c.route.handler(call);
  } catch (const ApiError& e) {
    send_error(res, e);
  } catch (const store::ImportError& e) {
    send_error(res, 400, "invalid_import", e.message(), {{"row", e.row()}, {"column", e.column()}});
  } catch (const store::FieldError& e) {
    send_error(res, 400, e.message().rfind("unknown field", 0) == 0 ? "unknown_field" : "bad_value", e.message(),
               {{"field", e.field()}});
  } catch (const store::ConstraintError& e) {
    send_error(res, 409, "conflict", e.message());
  } catch (const std::exception& e) {
    std::cerr << "drover server: " << req.method << " " << req.path << ": " << e.what() << "\n";
    send_error(res, 500, "internal", "internal error; the server log has the details");
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.observe_request(seconds, res.status);
}

void Router::install(httplib::Server& server) {
  for (const auto& cp : compiled_) {
    const Compiled* c = cp.get();
    auto handler = [this, c](const httplib::Request& req, httplib::Response& res) { dispatch(*c, req, res); };
    const std::string& m = c->route.method;
    if (m == "GET")
      server.Get(c->regex_text, handler);
    else if (m == "POST")
      server.Post(c->regex_text, handler);
    else if (m == "PUT")
      server.Put(c->regex_text, handler);
    else if (m == "PATCH")
      server.Patch(c->regex_text, handler);
    else if (m == "DELETE")
      server.Delete(c->regex_text, handler);
    else
      throw std::logic_error("unsupported method " + m);
  }
  // Paths that match no route: 404, or 405 when another method has one.
  server.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
      for (const auto& c : compiled_) {
        if (std::regex_match(req.path, c->regex)) {
          send_error(res, 405, "method_not_allowed", req.method + " is not allowed on " + req.path);
          return;
        }
      }
      send_error(res, 404, "not_found", "no such endpoint: " + req.method + " " + req.path);
    } else if (res.status == 413) {
      send_error(res, 413, "payload_too_large", "the request body is too large");
    } else {
      send_error(res, res.status, "bad_request", "the request could not be read");
    }
  });
}

}  // namespace drover::server
