#include "server/router.hpp"

#include <chrono>
#include <stdexcept>

#include "server/api_error.hpp"
#include "server/authenticator.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "store/host_import.hpp"
#include "store/hosts.hpp"
#include "store/sqlite.hpp"

namespace drover::server {

struct Router::Compiled {
  Route route;
  // The path's segments; a `{name}` segment matches any non-empty one.
  std::vector<std::string> segments;
  std::vector<bool> is_param;
  std::vector<std::string> names;
  size_t body_limit = 0;  // 0: the server's default
};

namespace {

// "/api/v1/hosts/7" -> {"", "api", "v1", "hosts", "7"}
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
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
  for (std::string_view seg : split_path(route.path)) {
    bool param = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    if (!param && seg.find_first_of("{}") != std::string_view::npos)
      throw std::logic_error("a path parameter must be a whole segment: " + route.path);
    c->segments.emplace_back(param ? seg.substr(1, seg.size() - 2) : seg);
    c->is_param.push_back(param);
    if (param) c->names.emplace_back(seg.substr(1, seg.size() - 2));
  }
  c->route = route;
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(c));
}

const std::vector<Route>& Router::routes() const { return routes_; }

const Router::Compiled* Router::find(const std::string& method, const std::string& path, bool& other_method) const {
  std::string_view want = method == "HEAD" ? std::string_view("GET") : std::string_view(method);
  std::vector<std::string_view> parts = split_path(path);
  other_method = false;
  for (const auto& cp : compiled_) {
    const Compiled& c = *cp;
    if (c.segments.size() != parts.size()) continue;
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i)
      match = c.is_param[i] ? !parts[i].empty() : parts[i] == c.segments[i];
    if (!match) continue;
    if (c.route.method == want) return &c;
    other_method = true;
  }
  return nullptr;
}

void Router::set_body_limit(const std::string& method, const std::string& path, size_t bytes) {
  for (auto& c : compiled_)
    if (c->route.method == method && c->route.path == path) {
      c->body_limit = bytes;
      return;
    }
  throw std::logic_error("no route " + method + " " + path + " to set a body limit on");
}

size_t Router::body_limit(const std::string& method, const std::string& path, size_t default_limit) const {
  bool other_method = false;
  const Compiled* c = find(method, path, other_method);
  if (!c) return 64 * 1024;
  return c->body_limit ? c->body_limit : default_limit;
}

void Router::handle(const HttpRequest& req, HttpResponse& res) {
  auto start = req.received.time_since_epoch().count() ? req.received : std::chrono::steady_clock::now();
  Call call{req, res, Principal{}, req.remote_addr, {}};
  bool other_method = false;
  const Compiled* found = find(req.method, req.path, other_method);
  if (found) {
    std::vector<std::string_view> parts = split_path(req.path);
    for (size_t i = 0; i < parts.size(); ++i)
      if (found->is_param[i]) call.path_params.emplace_back(found->segments[i], std::string(parts[i]));
  }
  if (found)
    dispatch(*found, call);
  else if (other_method)
    send_error(res, 405, "method_not_allowed", req.method + " is not allowed on " + req.path);
  else
    send_error(res, 404, "not_found", "no such endpoint: " + req.method + " " + req.path);
  if (res.status < 0) res.status = 200;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.observe_request(seconds, res.status);
  log_request({req.method, found ? found->route.path : "-", res.status, seconds * 1000,
               call.user.username.empty() ? "-" : call.user.username, req.remote_addr});
}

void Router::dispatch(const Compiled& c, Call& call) {
  const HttpRequest& req = call.req;
  HttpResponse& res = call.res;
  try {
    if (c.route.role != Role::Public) {
      std::optional<Principal> who;
      auto cookie = Authenticator::session_cookie(req.get_header_value("Cookie"));
      if (req.has_header("Authorization"))
        who = auth_.authenticate(req.get_header_value("Authorization"));
      else if (cookie)
        who = auth_.authenticate_token(*cookie);
      else
        throw ApiError::unauthorized("this endpoint needs a token: Authorization: Bearer <token>");
      if (!who) throw ApiError::unauthorized("the token is unknown, expired or revoked");
      // A browser sends the cookie with any request to this origin, also one
      // another site provokes (a form, an image): a write authenticated by
      // the cookie must carry a header that no other site can set without
      // a CORS preflight, which drover never grants. SameSite=Strict is the
      // second lock.
      if (!req.has_header("Authorization") && req.method != "GET" && req.method != "HEAD" &&
          req.get_header_value("X-Drover-CSRF").empty())
        throw ApiError::forbidden("a request authenticated by the session cookie must carry the X-Drover-CSRF header");
      if (who->role < c.route.role)
        throw ApiError::forbidden(c.route.method + " " + c.route.path + " needs the " + role_name(c.route.role) +
                                  " role; " + who->username + " is " + role_name(who->role));
      call.user = *who;
    }
    c.route.handler(call);
  } catch (const ApiError& e) {
    res.stream.reset();
    send_error(res, e);
  } catch (const store::ImportError& e) {
    res.stream.reset();
    send_error(res, 400, "invalid_import", e.message(), {{"row", e.row()}, {"column", e.column()}});
  } catch (const store::FieldError& e) {
    res.stream.reset();
    send_error(res, 400, e.message().rfind("unknown field", 0) == 0 ? "unknown_field" : "bad_value", e.message(),
               {{"field", e.field()}});
  } catch (const store::ConstraintError& e) {
    res.stream.reset();
    send_error(res, 409, "conflict", e.message());
  } catch (const store::BusyError& e) {
    // The write lock stayed taken past the write budget (another process
    // writing): the request may be retried, nothing was written.
    res.stream.reset();
    res.set_header("Retry-After", "1");
    send_error(res, 503, "unavailable", "the database is busy; retry the request");
  } catch (const std::exception& e) {
    res.stream.reset();
    log_line(LogLevel::error, "handler failed",
             {{"method", req.method}, {"route", c.route.path}, {"error", e.what()}});
    send_error(res, 500, "internal", "internal error; the server log has the details");
  }
}

}  // namespace drover::server
