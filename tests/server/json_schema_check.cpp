#include "server/json_schema_check.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

namespace drover::test {
namespace {

bool has_type(const Value& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  return false;
}

}  // namespace

const Value& SchemaChecker::resolve(const std::string& ref) const {
  const std::string prefix = "#/components/schemas/";
  if (ref.rfind(prefix, 0) != 0) throw std::out_of_range("unsupported $ref " + ref);
  const Value& schemas = doc_.at("components").at("schemas");
  auto it = schemas.find(ref.substr(prefix.size()));
  if (it == schemas.end()) throw std::out_of_range("$ref " + ref + " does not resolve");
  return *it;
}

std::vector<std::string> SchemaChecker::validate(const Value& value, const Value& schema,
                                                 bool undocumented_fields) const {
  std::vector<std::string> errors;
  check(value, schema, "$", errors, undocumented_fields);
  return errors;
}

// The property names an object schema lists (through $ref and allOf), and
// whether it lists any.
void SchemaChecker::property_names(const Value& s, std::vector<std::string>& names,
                                   bool& listed) const {
  if (s.contains("$ref")) return property_names(resolve(s["$ref"]), names, listed);
  if (s.contains("allOf"))
    for (const auto& part : s["allOf"]) property_names(part, names, listed);
  if (s.contains("properties") && !s["properties"].empty()) {
    listed = true;
    for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it)
      names.push_back(it.key());
  }
}

void SchemaChecker::check(const Value& v, const Value& s, const std::string& where,
                          std::vector<std::string>& errors, bool strict) const {
  if (s.contains("$ref")) return check(v, resolve(s["$ref"]), where, errors, strict);
  if (v.is_null()) {
    if (!s.value("nullable", false))
      errors.push_back(where + ": null where the schema is not nullable");
    return;
  }
  if (s.contains("allOf")) {
    for (const auto& part : s["allOf"]) check(v, part, where, errors, false);
    if (strict && v.is_object()) {
      std::vector<std::string> names;
      bool listed = false;
      property_names(s, names, listed);
      for (auto it = v.begin(); listed && it != v.end(); ++it)
        if (std::find(names.begin(), names.end(), it.key()) == names.end())
          errors.push_back(where + "." + it.key() + ": a field the document does not list");
    }
  }
  if (s.contains("oneOf")) {
    int matches = 0;
    for (const auto& part : s["oneOf"]) {
      std::vector<std::string> e;
      check(v, part, where, e, strict);
      if (e.empty()) ++matches;
    }
    if (matches != 1)
      errors.push_back(where + ": matches " + std::to_string(matches) + " of oneOf, not 1");
  }
  if (s.contains("type") && !has_type(v, s["type"])) {
    errors.push_back(where + ": " + v.dump() + " is not " + s["type"].get<std::string>());
    return;
  }
  if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end())
    errors.push_back(where + ": " + v.dump() + " is not one of " + s["enum"].dump());
  if (v.is_string()) {
    const std::string text = v.get<std::string>();
    if (s.contains("maxLength") && text.size() > s["maxLength"].get<size_t>())
      errors.push_back(where + ": longer than " + s["maxLength"].dump());
    if (s.contains("minLength") && text.size() < s["minLength"].get<size_t>())
      errors.push_back(where + ": shorter than " + s["minLength"].dump());
    if (s.contains("pattern") &&
        !std::regex_search(text, std::regex(s["pattern"].get<std::string>())))
      errors.push_back(where + ": " + v.dump() + " does not match " + s["pattern"].dump());
  }
  if (v.is_number()) {
    if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>())
      errors.push_back(where + ": " + v.dump() + " is below the minimum " + s["minimum"].dump());
    if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>())
      errors.push_back(where + ": " + v.dump() + " is above the maximum " + s["maximum"].dump());
  }
  if (v.is_array() && s.contains("items"))
    for (size_t i = 0; i < v.size(); ++i)
      check(v[i], s["items"], where + "[" + std::to_string(i) + "]", errors, strict);
  if (!v.is_object()) return;
  if (s.contains("minProperties") && v.size() < s["minProperties"].get<size_t>())
    errors.push_back(where + ": fewer properties than " + s["minProperties"].dump());
  if (s.contains("maxProperties") && v.size() > s["maxProperties"].get<size_t>())
    errors.push_back(where + ": more properties than " + s["maxProperties"].dump());
  for (const auto& name : s.value("required", Value::array()))
    if (!v.contains(name.get<std::string>()))
      errors.push_back(where + ": missing required " + name.dump());
  const Value props = s.value("properties", Value::object());
  bool closed = s.contains("additionalProperties") && s["additionalProperties"] == false;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (props.contains(it.key())) {
      check(it.value(), props[it.key()], where + "." + it.key(), errors, strict);
    } else if (closed) {
      errors.push_back(where + "." + it.key() + ": not allowed (additionalProperties false)");
    } else if (strict && !props.empty() && !s.contains("allOf") &&
               !s.contains("additionalProperties")) {
      errors.push_back(where + "." + it.key() + ": a field the document does not list");
    }
  }
}

std::vector<std::string> SchemaChecker::unknown_keywords(const Value& schema) const {
  static const std::set<std::string> known = {
      "type",          "nullable",      "enum",
      "required",      "properties",    "additionalProperties",
      "items",         "minimum",       "maximum",
      "minProperties", "maxProperties", "allOf",
      "oneOf",         "$ref",          "description",
      "format",        "default",       "maxLength",
      "minLength",     "pattern"};
  std::vector<std::string> out;
  if (!schema.is_object()) return {"a schema that is not an object: " + schema.dump()};
  for (auto it = schema.begin(); it != schema.end(); ++it) {
    if (!known.count(it.key())) out.push_back(it.key());
    if (it.key() == "properties")
      for (const auto& [name, sub] : it.value().items())
        for (auto& k : unknown_keywords(sub)) out.push_back(name + "." + k);
    if (it.key() == "items")
      for (auto& k : unknown_keywords(it.value())) out.push_back("items." + k);
    if (it.key() == "allOf" || it.key() == "oneOf")
      for (const auto& sub : it.value())
        for (auto& k : unknown_keywords(sub)) out.push_back(it.key() + "." + k);
  }
  return out;
}

}  // namespace drover::test
