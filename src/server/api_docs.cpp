// The documentation table's builders and openapi_document(): the router's
// routes joined with the table (see api_docs.hpp).
#include "server/api_docs.hpp"

#include <algorithm>
#include <cctype>

#include "server/router.hpp"
#include "server/system_routes.hpp"

namespace drover::server {
namespace {

using namespace schema;

std::string standard_description(int status) {
  switch (status) {
    case 400:
      return "bad request: not JSON, an unknown or missing field, a wrong type or value, a bad "
             "query parameter";
    case 401:
      return "no token, or the token is unknown, expired or revoked";
    case 403:
      return "the caller's role may not do this";
    case 404:
      return "no record with this id";
    case 409:
      return "conflicts with the stored records";
    case 413:
      return "the request body is over the limit";
    case 415:
      return "the Content-Type is not JSON";
    case 429:
      return "too many attempts; retry after Retry-After seconds";
    case 503:
      return "unavailable";
    default:
      return "error";
  }
}

Value error_schema() {
  return open(
      {{"error",
        open({{"code", str("a stable machine word: bad_request, invalid_json, unknown_field, "
                           "wrong_type, missing_field, bad_value, bad_query, invalid_import, "
                           "payload_too_large, "
                           "unsupported_media_type, unauthorized, forbidden, not_found, conflict, "
                           "rate_limited, method_not_allowed, internal")},
              {"message", str("a sentence for people")},
              {"details", described(any_object(), "where: the field, the query parameter, ...")}},
             {"code", "message", "details"})}},
      {"error"});
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// getHostsById, postJobsByIdCancel: unique per method and path, stable, the
// method name a client generator gives the call.
std::string operation_id(const Route& r) {
  std::string id = lower(r.method);
  std::string path = r.path.rfind("/api/v1", 0) == 0 ? r.path.substr(7) : r.path;
  bool upper = true;
  for (size_t i = 0; i < path.size(); ++i) {
    char ch = path[i];
    if (ch == '{') {
      id += "By";
      upper = true;
      continue;
    }
    if (ch == '/' || ch == '_' || ch == '.' || ch == '-' || ch == '}') {
      upper = true;
      continue;
    }
    id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    upper = false;
  }
  return id;
}

// The resource a route belongs to ("hosts" for /api/v1/hosts/{id}/...;
// "system" outside /api/v1): generators make one client class per tag.
std::string tag_of(const std::string& path) {
  const std::string prefix = "/api/v1/";
  if (path.rfind(prefix, 0) != 0 || path == "/api/v1/openapi.json") return "system";
  std::string rest = path.substr(prefix.size());
  std::string tag = rest.substr(0, rest.find('/'));
  if (tag == "login" || tag == "tokens") return "auth";
  if (tag == "inventory") return "groups";
  return tag;
}

Value path_parameters(const std::string& path) {
  Value params = Value::array();
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '{') continue;
    size_t end = path.find('}', i);
    std::string name = path.substr(i + 1, end - i - 1);
    params.push_back({{"name", name},
                      {"in", "path"},
                      {"required", true},
                      {"schema", name == "id" ? integer(1) : str()}});
    i = end;
  }
  return params;
}

Value response_object(const ResponseDoc& r) {
  Value out = {{"description", r.description}};
  if (!r.schema.is_null()) out["content"] = {{r.content_type, {{"schema", r.schema}}}};
  return out;
}

// A second entry of the same status adds its media type (export: JSON or CSV).
void add_response(Value& responses, const ResponseDoc& r) {
  std::string key = std::to_string(r.status);
  if (!responses.contains(key))
    responses[key] = response_object(r);
  else if (!r.schema.is_null())
    responses[key]["content"][r.content_type] = {{"schema", r.schema}};
}

Value operation(const Route& r, const RouteDoc* doc) {
  Value op = Value::object();
  op["operationId"] = operation_id(r);
  op["summary"] = r.summary;
  op["tags"] = Value::array({tag_of(r.path)});
  op["x-drover-role"] = role_name(r.role);
  if (r.role == Role::Public) op["security"] = Value::array();
  Value params = path_parameters(r.path);
  Value responses = Value::object();
  if (doc) {
    for (const auto& q : doc->query) params.push_back(q);
    for (const auto& h : doc->headers) params.push_back(h);
    if (!doc->body.is_null() || !doc->other_bodies.empty()) {
      Value content = Value::object();
      if (!doc->body.is_null()) content["application/json"] = {{"schema", doc->body}};
      for (const auto& [type, s] : doc->other_bodies) content[type] = {{"schema", s}};
      op["requestBody"] = {{"required", true}, {"content", content}};
    }
    for (const auto& resp : doc->responses) add_response(responses, resp);
    if (!doc->body.is_null())
      for (int status : {400, 413, 415}) add_response(responses, err(status));
  } else {
    op["x-drover-undocumented"] = true;
    responses["default"] = response_object(err(0, "undocumented"));
  }
  if (r.role != Role::Public) add_response(responses, err(401));
  if (r.role > Role::Viewer) add_response(responses, err(403));
  if (!params.empty()) op["parameters"] = params;
  // Status order, as a reader scans them.
  Value sorted = Value::object();
  std::vector<std::string> keys;
  for (auto it = responses.begin(); it != responses.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) sorted[k] = responses[k];
  op["responses"] = sorted;
  return op;
}

}  // namespace

ResponseDoc ok(Value schema, const std::string& description) {
  return {200, description, std::move(schema)};
}
ResponseDoc created(Value schema, const std::string& description) {
  return {201, description, std::move(schema)};
}
ResponseDoc accepted(Value schema, const std::string& description) {
  return {202, description, std::move(schema)};
}
ResponseDoc no_content(const std::string& description) {
  return {204, description, nullptr};
}
ResponseDoc text(const std::string& content_type, const std::string& description) {
  return {200, description, str(), content_type};
}
ResponseDoc err(int status, const std::string& description) {
  return {status, description.empty() ? standard_description(status) : description, ref("Error")};
}

namespace {

struct Tables {
  ApiDocs docs;
  Value components = Value::object();
  Tables() {
    components["Error"] = error_schema();
    add_system_docs(docs, components);
    add_auth_docs(docs, components);
    add_cmdb_docs(docs, components);
    add_catalog_docs(docs, components);
    add_job_docs(docs, components);
    add_automation_docs(docs, components);
    add_workflow_docs(docs, components);
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const ApiDocs& api_docs() {
  return tables().docs;
}
const Value& api_components() {
  return tables().components;
}

Value openapi_document(const std::vector<Route>& routes) {
  const ApiDocs& docs = api_docs();
  Value paths = Value::object();
  for (const Route& r : routes) {
    auto it = docs.find(r.method + " " + r.path);
    paths[r.path][lower(r.method)] = operation(r, it == docs.end() ? nullptr : &it->second);
  }
  Value doc = Value::object();
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "drover server API"},
                 {"version", "1"},
                 {"description",
                  "drover's REST API: CMDB, catalog, jobs, users. Every error has the Error "
                  "body. Each operation lists the statuses it answers; besides them, any "
                  "request may get the HTTP layer's answers: 404 for an unknown path, 405 for "
                  "a method the path does not have, and the limits of docs/SERVER.md (a body "
                  "or headers over the server's limit)."}};
  doc["paths"] = paths;
  doc["components"] = {{"schemas", api_components()},
                       {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}};
  doc["security"] = Value::array({{{"bearer", Value::array()}}});
  return doc;
}

}  // namespace drover::server
