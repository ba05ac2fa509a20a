// The API's documentation, as a table keyed by route ("GET /api/v1/hosts"):
// each route's query parameters, request body and answers (status, schema),
// read from its handler. openapi_document() (system_routes.hpp) joins this
// table with the routes the router has, so the document lists exactly the
// registered routes; a route without an entry is listed with only its
// summary and `x-drover-undocumented: true`, and the OpenAPI test fails on
// it (add the entry in the api_docs_<part>.cpp of its part).
//
// Codes that follow from a rule are added by openapi_document, not written
// in the table: 401 for a route that needs a token, 403 for one that needs
// more than viewer (the router's checks), 400 413 415 for a route with a
// JSON body (parse_json_body). The table lists the rest, including a
// handler's own 403 (e.g. a job deleted by someone else).
//
//   docs["GET /api/v1/hosts/{id}"] = {.responses = {ok(ref("Host")), err(404)}};
//   docs["POST /api/v1/hosts"] = {.body = ref("HostInput"),
//                                  .responses = {created(ref("Host")), err(409)}};
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "server/api_schema.hpp"

namespace drover::server {

struct ResponseDoc {
  int status = 200;
  std::string description;
  Value schema;  // null: no body
  std::string content_type = "application/json";
};

struct RouteDoc {
  std::vector<Value> query{};  // query parameter objects (schema::query)
  Value body{};                // JSON request body schema; null: no JSON body
  // Other media types of the body (the host import's text/csv): type -> schema.
  std::vector<std::pair<std::string, Value>> other_bodies{};
  std::vector<ResponseDoc> responses{};
  std::vector<Value> headers{};  // header parameter objects (in: header)
};

// "METHOD /path" -> documentation.
using ApiDocs = std::map<std::string, RouteDoc>;

// The table and the component schemas (Host, Job, Error, ...).
const ApiDocs& api_docs();
const Value& api_components();

// Answers, for the tables.
ResponseDoc ok(Value schema, const std::string& description = "success");
ResponseDoc created(Value schema, const std::string& description = "created");
ResponseDoc accepted(Value schema, const std::string& description = "accepted");
ResponseDoc no_content(const std::string& description = "done; no body");
ResponseDoc text(const std::string& content_type, const std::string& description);
// An error answer with the Error body; the description says when (a
// standard sentence per status when empty).
ResponseDoc err(int status, const std::string& description = "");

// The parts' tables (api_docs_<part>.cpp): each adds its routes and components.
void add_system_docs(ApiDocs& docs, Value& components);
void add_auth_docs(ApiDocs& docs, Value& components);
void add_cmdb_docs(ApiDocs& docs, Value& components);
void add_catalog_docs(ApiDocs& docs, Value& components);
void add_job_docs(ApiDocs& docs, Value& components);
void add_automation_docs(ApiDocs& docs, Value& components);
void add_workflow_docs(ApiDocs& docs, Value& components);

}  // namespace drover::server
