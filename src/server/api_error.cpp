#include "server/api_error.hpp"

namespace drover::server {

ApiError::ApiError(int status, std::string code, const std::string& message, Value details)
    : std::runtime_error(message), status_(status), code_(std::move(code)), details_(std::move(details)) {}

ApiError ApiError::bad_request(const std::string& message, Value details) {
  return ApiError(400, "bad_request", message, std::move(details));
}
ApiError ApiError::not_found(const std::string& message) { return ApiError(404, "not_found", message); }
ApiError ApiError::conflict(const std::string& message, Value details) {
  return ApiError(409, "conflict", message, std::move(details));
}
ApiError ApiError::forbidden(const std::string& message) { return ApiError(403, "forbidden", message); }
ApiError ApiError::unauthorized(const std::string& message) { return ApiError(401, "unauthorized", message); }

Value error_body(const std::string& code, const std::string& message, const Value& details) {
  Value err = Value::object();
  err["code"] = code;
  err["message"] = message;
  err["details"] = details.is_object() ? details : Value::object();
  Value body = Value::object();
  body["error"] = std::move(err);
  return body;
}

void send_json(HttpResponse& res, int status, const Value& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void send_error(HttpResponse& res, int status, const std::string& code, const std::string& message,
                const Value& details) {
  send_json(res, status, error_body(code, message, details));
}

void send_error(HttpResponse& res, const ApiError& e) {
  send_error(res, e.status(), e.code(), e.what(), e.details());
}

}  // namespace drover::server
