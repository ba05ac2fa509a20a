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
// token (401 unauthorized when missing, unknown, expired or revoked), checks
// the role (403 forbidden when below `role`). Around it: an ApiError thrown
// by the handler becomes its error body (so do the store's FieldError: 400
// with the field, ImportError: 400 with row and column, ConstraintError:
// 409); any other exception a 500; the
// request's latency goes into the metrics histogram. Unknown paths answer
// 404 and a known path with another method 405, both with the error body.
// A handler may stream (SSE) with call.res.set_chunked_content_provider.
//
// routes() lists what is registered: the OpenAPI document and the role
// matrix test are generated from it.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "server/roles.hpp"

namespace drover::server {

class Authenticator;
class Metrics;

struct Call {
  const httplib::Request& req;
  httplib::Response& res;
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

  // Serves the registered routes on `server` (call once, after every add).
  void install(httplib::Server& server);

 private:
  struct Compiled;
  void dispatch(const Compiled& route, const httplib::Request& req, httplib::Response& res);

  Authenticator& auth_;
  Metrics& metrics_;
  std::vector<Route> routes_;
  std::vector<std::unique_ptr<Compiled>> compiled_;
};

}  // namespace drover::server
