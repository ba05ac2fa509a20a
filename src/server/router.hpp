// Routes of the API and how a request reaches its handler.
//
// Contract for code that adds endpoints (hosts_routes.cpp, the jobs side):
//
//   void add_job_routes(Router& r, ServerContext& ctx) {
//     r.add({"POST", "/api/v1/jobs", Role::Operator, "Submit a job",
//            [&ctx](Call& call) {
//              Value body = parse_json_body(call.req);
//              ...
//              send_json(call.res, 202, {{"id", id}});
//            }});
//     r.add({"GET", "/api/v1/jobs/{id}/events", Role::Viewer, "Events of a job",
//            [&ctx](Call& call) { int64_t id = call.id_param(); ... }});
//   }
//
// The router, before the handler runs: finds the route (paths use OpenAPI's
// `{name}` parameters, matching one path segment), authenticates the Bearer
// token, or without an Authorization header the browser's session cookie
// (401 unauthorized when missing, unknown, expired or revoked; a cookie
// write without the X-Drover-CSRF header: 403), checks
// the role (403 forbidden when below `role`). Around it: an ApiError thrown
// by the handler becomes its error body (so do the store's FieldError: 400
// with the field, ImportError: 400 with row and column, ConstraintError:
// 409); any other exception a 500; the
// request's latency goes into the metrics histogram and one line into the
// log (server/log.hpp). Unknown paths answer 404 and a known path with
// another method 405, both with the error body; HEAD is served by the GET
// route. A handler may stream (SSE) with call.res.set_stream.
//
// routes() lists what is registered: the OpenAPI document and the role
// matrix test are generated from it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/http/message.hpp"
#include "server/roles.hpp"

namespace drover::server {

class Authenticator;
class Metrics;

struct Call {
  const HttpRequest& req;
  HttpResponse& res;
  Principal user;        // the caller (user_id 0 on public routes)
  std::string address;   // the client's IP address
  std::vector<std::pair<std::string, std::string>> path_params;

  // A path parameter by name; throws std::out_of_range for a name the route
  // does not have (a programming error).
  const std::string& param(const std::string& name) const;
  // A path parameter that must be a positive integer id; 404 otherwise.
  int64_t id_param(const std::string& name = "id") const;
};

using Handler = std::function<void(Call&)>;

struct Route {
  std::string method;   // GET POST PUT PATCH DELETE
  std::string path;     // "/api/v1/hosts/{id}"
  Role role;            // the least role that may call it; Public: no token
  std::string summary;  // one line for the OpenAPI document
  Handler handler;
};

class Router {
 public:
  Router(Authenticator& auth, Metrics& metrics);
  ~Router();

  // Registers a route. A duplicate method+path is a programming error
  // (std::logic_error).
  void add(Route route);
  const std::vector<Route>& routes() const;

  // The most a route's request body may be, as sent and after gzip/deflate
  // (the transport refuses a larger one with 413 before reading it). Routes
  // without one get the server's default (--max-body, 8 MiB); handlers may
  // still refuse less (parse_json_body's limit).
  void set_body_limit(const std::string& method, const std::string& path, size_t bytes);
  // The limit for a request (64 KiB when no route matches).
  size_t body_limit(const std::string& method, const std::string& path, size_t default_limit) const;

  // Answers one request (on a worker thread of the HTTP server; routes are
  // not added any more once requests come).
  void handle(const HttpRequest& req, HttpResponse& res);

 private:
  struct Compiled;
  void dispatch(const Compiled& route, Call& call);
  // The route for `path` and `method` (HEAD: GET); `other_method` when only
  // another method has the path.
  const Compiled* find(const std::string& method, const std::string& path, bool& other_method) const;

  Authenticator& auth_;
  Metrics& metrics_;
  std::vector<Route> routes_;
  std::vector<std::unique_ptr<Compiled>> compiled_;
};

}  // namespace drover::server
