// Drives the real server and checks each answer against the OpenAPI
// document it serves (tests/server/openapi_test.cpp):
//
//   Prober p(server, doc);
//   p.call(token, "GET", "/api/v1/hosts/{id}", "/api/v1/hosts/7");
//   // fails the test when 7's answer has a status the route does not
//   // document, a Content-Type it does not document, a body on a 204, or a
//   // JSON body that does not validate against that status's schema
//   p.expect_every_route_succeeded();   // each route answered a 2xx once
//   p.coverage(missing);                // documented (route, status) pairs seen
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/value.hpp"
#include "server/json_schema_check.hpp"
#include "server/server_fixture.hpp"

namespace drover::test {

std::string lower(std::string s);
std::string upper(std::string s);

class Prober {
 public:
  Prober(const ServerProcess& server, const Value& doc)
      : server_(server), doc_(doc), checker_(doc) {}

  // `route` is the documented path ("/api/v1/hosts/{id}"), `path` the one sent.
  HttpResponse call(const std::string& token, const std::string& method, const std::string& route,
                    const std::string& path, const std::string& body = "",
                    const std::string& type = "application/json");
  // Every documented route answered at least one of its success codes.
  void expect_every_route_succeeded() const;
  // (route, status) pairs documented and seen; the documented ones never
  // seen go to `missing`.
  std::pair<int, int> coverage(std::vector<std::string>& missing) const;

 private:
  const ServerProcess& server_;
  const Value& doc_;
  SchemaChecker checker_;
  std::map<std::string, std::set<std::string>> answered_;
};

}  // namespace drover::test
