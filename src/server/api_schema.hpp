// Builders for the JSON Schemas (OpenAPI 3.0's dialect) of the API's
// documentation tables (api_docs_*.cpp), so that a schema reads like the
// shape it describes:
//
//   obj({{"hostname", str()}, {"tags", array_of(str())}}, {"hostname"})
//   page_of("Host")            // $ref HostPage: {items: [Host], total, limit, offset}
//   nullable(integer(1))       // a positive integer or null
//   ref("Job")                 // #/components/schemas/Job
//
// obj() is strict (additionalProperties: false) because every request
// reader of the API refuses unknown fields; open() is for answers, which
// may grow fields (a generated client must not break on them): open() says
// nothing of additionalProperties, OpenAPI's default being "allowed".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/value.hpp"

namespace drover::server::schema {

using Properties = std::vector<std::pair<std::string, Value>>;

Value str(const std::string& description = "");
// A string of at most `max_bytes` UTF-8 bytes (maxLength counts characters,
// so a client's check is looser than the server's for non-ASCII text).
Value bounded_str(size_t max_bytes, const std::string& description = "");
// A string in ISO 8601 UTC (store::now_timestamp's form).
Value timestamp();
Value integer(std::optional<int64_t> min = std::nullopt, std::optional<int64_t> max = std::nullopt);
Value boolean();
Value enum_of(const std::vector<std::string>& choices);
Value array_of(Value items);
// Any JSON object (variables, free-form details).
Value any_object();
Value ref(const std::string& component);
// `s` or null; a $ref is wrapped in allOf (OpenAPI 3.0 ignores siblings of $ref).
Value nullable(Value s);
Value described(Value s, const std::string& description);

// A request object: only these properties (additionalProperties: false).
Value obj(const Properties& properties, const std::vector<std::string>& required = {});
// An answer object: these properties, more may come.
Value open(const Properties& properties, const std::vector<std::string>& required = {});
// The API's page of `component`: {items: [component], total, limit,
// offset}, registered as the component "<component>Page" (a named type in
// generated clients) with page_schema() by the part that uses it.
Value page_of(const std::string& component);
Value page_schema(const std::string& component);

// A query parameter object (in: query).
Value query(const std::string& name, Value schema, const std::string& description);
// limit (1..max_limit, default 50) and offset (>= 0): QueryReader::page().
std::vector<Value> page_params(int64_t max_limit = 1000);

}  // namespace drover::server::schema
