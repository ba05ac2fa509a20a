#include "server/api_schema.hpp"

namespace drover::server::schema {

Value str(const std::string& description) {
  Value s = {{"type", "string"}};
  if (!description.empty()) s["description"] = description;
  return s;
}

Value bounded_str(size_t max_bytes, const std::string& description) {
  Value s = str(description);
  s["maxLength"] = max_bytes;
  return s;
}

Value timestamp() {
  return {{"type", "string"}, {"description", "ISO 8601 UTC time, 2026-11-25T07:30:00.000Z"}};
}

Value integer(std::optional<int64_t> min, std::optional<int64_t> max) {
  Value s = {{"type", "integer"}, {"format", "int64"}};
  if (min) s["minimum"] = *min;
  if (max) s["maximum"] = *max;
  return s;
}

Value boolean() {
  return {{"type", "boolean"}};
}

Value enum_of(const std::vector<std::string>& choices) {
  return {{"type", "string"}, {"enum", choices}};
}

Value array_of(Value items) {
  return {{"type", "array"}, {"items", std::move(items)}};
}

Value any_object() {
  return {{"type", "object"}, {"additionalProperties", true}};
}

Value ref(const std::string& component) {
  return {{"$ref", "#/components/schemas/" + component}};
}

Value nullable(Value s) {
  if (s.contains("$ref")) return {{"allOf", Value::array({std::move(s)})}, {"nullable", true}};
  s["nullable"] = true;
  return s;
}

Value described(Value s, const std::string& description) {
  if (s.contains("$ref")) s = {{"allOf", Value::array({std::move(s)})}};
  s["description"] = description;
  return s;
}

namespace {

Value object_schema(const Properties& properties, const std::vector<std::string>& required,
                    bool strict) {
  Value props = Value::object();
  for (const auto& [name, s] : properties) props[name] = s;
  Value out = {{"type", "object"}, {"properties", std::move(props)}};
  if (!required.empty()) out["required"] = required;
  // Open is OpenAPI's default; an explicit `additionalProperties: true`
  // makes some generators (openapi-typescript-codegen) type the object as
  // a plain map and lose its properties.
  if (strict) out["additionalProperties"] = false;
  return out;
}

}  // namespace

Value obj(const Properties& properties, const std::vector<std::string>& required) {
  return object_schema(properties, required, true);
}

Value open(const Properties& properties, const std::vector<std::string>& required) {
  return object_schema(properties, required, false);
}

Value page_of(const std::string& component) {
  return schema::ref(component + "Page");
}

Value page_schema(const std::string& component) {
  return open({{"items", array_of(ref(component))},
               {"total", described(integer(0), "records that match, over all pages")},
               {"limit", integer(1)},
               {"offset", integer(0)}},
              {"items", "total", "limit", "offset"});
}

Value query(const std::string& name, Value schema, const std::string& description) {
  return {{"name", name},
          {"in", "query"},
          {"required", false},
          {"description", description},
          {"schema", std::move(schema)}};
}

std::vector<Value> page_params(int64_t max_limit) {
  Value limit = integer(1, max_limit);
  limit["default"] = 50;
  Value offset = integer(0);
  offset["default"] = 0;
  return {query("limit", limit, "records per page"), query("offset", offset, "records to skip")};
}

}  // namespace drover::server::schema
