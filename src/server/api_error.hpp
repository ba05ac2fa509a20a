// The API's one error shape and the exception that carries it.
//
// Every 4xx/5xx answer of the API has the body
//   {"error": {"code": "not_found", "message": "no host 42", "details": {...}}}
// `code` is a stable machine word (bad_request, invalid_json, unknown_field,
// wrong_type, missing_field, bad_query, payload_too_large, unauthorized,
// forbidden, not_found, conflict, rate_limited, unavailable, internal), `message` a
// sentence for people, `details` an object (maybe empty) that says where:
// the field, the query parameter, the CSV row and column.
//
// Handlers throw ApiError; the router catches it and writes the body, so a
// handler never answers an error halfway. Anything else thrown becomes a 500
// "internal" (and its message is logged, never a secret).
#pragma once

#include <stdexcept>
#include <string>

#include "core/value.hpp"
#include "server/http/message.hpp"

namespace drover::server {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message, Value details = Value::object());

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const Value& details() const { return details_; }

  static ApiError bad_request(const std::string& message, Value details = Value::object());
  static ApiError not_found(const std::string& message);
  static ApiError conflict(const std::string& message, Value details = Value::object());
  static ApiError forbidden(const std::string& message);
  static ApiError unauthorized(const std::string& message);

 private:
  int status_;
  std::string code_;
  Value details_;
};

// {"error": {...}} for these fields.
Value error_body(const std::string& code, const std::string& message, const Value& details = Value::object());

// Sets status, the error body and its content type on `res`.
void send_error(HttpResponse& res, int status, const std::string& code, const std::string& message,
                const Value& details = Value::object());
void send_error(HttpResponse& res, const ApiError& e);

// Sets status and a JSON body.
void send_json(HttpResponse& res, int status, const Value& body);

}  // namespace drover::server
