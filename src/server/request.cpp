#include "server/request.hpp"

#include <charconv>
#include <cmath>

#include "server/api_error.hpp"

namespace drover::server {
namespace {

const char* type_name(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null: return "null";
    case Value::value_t::boolean: return "boolean";
    case Value::value_t::string: return "string";
    case Value::value_t::array: return "array";
    case Value::value_t::object: return "object";
    case Value::value_t::discarded: return "discarded";
    default: return "number";
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Value parse_json_body(const HttpRequest& req, size_t limit, bool want_object) {
  if (req.body.size() > limit)
    throw ApiError(413, "payload_too_large",
                   "request body is " + std::to_string(req.body.size()) + " bytes, the limit is " +
                       std::to_string(limit),
                   Value{{"limit", limit}});
  if (req.has_header("Content-Type")) {
    std::string type = req.get_header_value("Content-Type");
    if (type.find("json") == std::string::npos)
      throw ApiError(415, "unsupported_media_type", "expected a JSON body (Content-Type: application/json), got " + type);
  }
  Value body;
  try {
    // Depth is checked as the parser goes (the parser itself does not
    // recurse, but everything that walks a Value later does).
    body = Value::parse(req.body, [](int depth, nlohmann::json::parse_event_t event, Value& parsed) {
      using E = nlohmann::json::parse_event_t;
      if ((event == E::object_start || event == E::array_start) && depth >= kMaxJsonDepth)
        throw ApiError(400, "invalid_json", "the body is nested deeper than " + std::to_string(kMaxJsonDepth) +
                                                " levels", Value{{"max_depth", kMaxJsonDepth}});
      if (event == E::value && parsed.is_number_float() && !std::isfinite(parsed.get<double>()))
        throw ApiError(400, "invalid_json", "the body has a number out of range (not a finite double)");
      return true;
    });
  } catch (const nlohmann::json::parse_error& e) {
    throw ApiError(400, "invalid_json", std::string("the body is not valid JSON: ") + e.what(),
                   Value{{"byte", e.byte}});
  } catch (const nlohmann::json::exception& e) {
    throw ApiError(400, "invalid_json", std::string("the body is not valid JSON: ") + e.what());
  }
  if (want_object && !body.is_object())
    throw ApiError(400, "wrong_type", std::string("the body must be a JSON object, not ") + type_name(body));
  return body;
}

BodyReader::BodyReader(const Value& body, std::set<std::string> allowed) : body_(body) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!allowed.count(it.key())) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      throw ApiError(400, "unknown_field", "unknown field '" + it.key() + "' (known: " + join(names) + ")",
                     Value{{"field", it.key()}});
    }
  }
}

void BodyReader::wrong_type(const std::string& field, const char* expected) const {
  throw ApiError(400, "wrong_type",
                 "field '" + field + "' must be " + expected + ", not " + type_name(body_.at(field)),
                 Value{{"field", field}, {"expected", expected}});
}

bool BodyReader::has(const std::string& field) const { return body_.contains(field); }

std::string BodyReader::required_string(const std::string& field) const {
  auto v = optional_string(field);
  if (!v) throw ApiError(400, "missing_field", "field '" + field + "' is required", Value{{"field", field}});
  if (v->empty())
    throw ApiError(400, "bad_value", "field '" + field + "' must not be empty", Value{{"field", field}});
  return *v;
}

std::optional<std::string> BodyReader::optional_string(const std::string& field) const {
  auto it = body_.find(field);
  if (it == body_.end()) return std::nullopt;
  if (!it->is_string()) wrong_type(field, "a string");
  return it->get<std::string>();
}

std::optional<int64_t> BodyReader::optional_integer(const std::string& field, int64_t min, int64_t max) const {
  auto it = body_.find(field);
  if (it == body_.end()) return std::nullopt;
  if (!it->is_number_integer()) wrong_type(field, "an integer");
  int64_t n = it->get<int64_t>();
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) n = INT64_MAX;
  if (n < min || n > max)
    throw ApiError(400, "bad_value",
                   "field '" + field + "' must be between " + std::to_string(min) + " and " + std::to_string(max),
                   Value{{"field", field}});
  return n;
}

std::optional<bool> BodyReader::optional_bool(const std::string& field) const {
  auto it = body_.find(field);
  if (it == body_.end()) return std::nullopt;
  if (!it->is_boolean()) wrong_type(field, "a boolean");
  return it->get<bool>();
}

std::optional<Value> BodyReader::optional_object(const std::string& field) const {
  auto it = body_.find(field);
  if (it == body_.end()) return std::nullopt;
  if (!it->is_object()) wrong_type(field, "an object");
  return *it;
}

std::optional<std::vector<std::string>> BodyReader::optional_string_list(const std::string& field) const {
  auto it = body_.find(field);
  if (it == body_.end()) return std::nullopt;
  if (!it->is_array()) wrong_type(field, "a list of strings");
  std::vector<std::string> out;
  for (const auto& item : *it) {
    if (!item.is_string()) wrong_type(field, "a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::string> BodyReader::optional_choice(const std::string& field,
                                                       const std::vector<std::string>& choices) const {
  auto v = optional_string(field);
  if (!v) return v;
  for (const auto& c : choices)
    if (c == *v) return v;
  throw ApiError(400, "bad_value", "field '" + field + "' must be one of: " + join(choices),
                 Value{{"field", field}, {"choices", choices}});
}

std::optional<Value> BodyReader::optional_value(const std::string& field) const {
  auto it = body_.find(field);
  if (it == body_.end()) return std::nullopt;
  return *it;
}

QueryReader::QueryReader(const HttpRequest& req, std::set<std::string> allowed) : req_(req) {
  for (const auto& [name, value] : req.params) {
    if (!allowed.count(name)) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      throw ApiError(400, "bad_query", "unknown query parameter '" + name + "' (known: " + join(names) + ")",
                     Value{{"parameter", name}});
    }
    if (req.get_param_value_count(name) > 1)
      throw ApiError(400, "bad_query", "query parameter '" + name + "' is given more than once",
                     Value{{"parameter", name}});
  }
}

std::optional<std::string> QueryReader::optional_string(const std::string& name) const {
  if (!req_.has_param(name)) return std::nullopt;
  return req_.get_param_value(name);
}

std::optional<int64_t> QueryReader::optional_integer(const std::string& name, int64_t min, int64_t max) const {
  auto text = optional_string(name);
  if (!text) return std::nullopt;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < min || n > max)
    throw ApiError(400, "bad_query",
                   "query parameter '" + name + "' must be an integer between " + std::to_string(min) + " and " +
                       std::to_string(max) + ", not '" + *text + "'",
                   Value{{"parameter", name}});
  return n;
}

std::optional<bool> QueryReader::optional_bool(const std::string& name) const {
  auto text = optional_string(name);
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "1") return true;
  if (*text == "false" || *text == "0") return false;
  throw ApiError(400, "bad_query", "query parameter '" + name + "' must be true or false, not '" + *text + "'",
                 Value{{"parameter", name}});
}

std::optional<std::string> QueryReader::optional_choice(const std::string& name,
                                                        const std::vector<std::string>& choices) const {
  auto v = optional_string(name);
  if (!v) return v;
  for (const auto& c : choices)
    if (c == *v) return v;
  throw ApiError(400, "bad_query", "query parameter '" + name + "' must be one of: " + join(choices),
                 Value{{"parameter", name}, {"choices", choices}});
}

Page QueryReader::page(int64_t default_limit, int64_t max_limit) const {
  Page p;
  p.limit = optional_integer("limit", 1, max_limit).value_or(default_limit);
  p.offset = optional_integer("offset", 0, INT64_MAX / 2).value_or(0);
  return p;
}

Value page_body(Value items, int64_t total, const Page& page) {
  Value body = Value::object();
  body["items"] = std::move(items);
  body["total"] = total;
  body["limit"] = page.limit;
  body["offset"] = page.offset;
  return body;
}

}  // namespace drover::server
