// The one error type of the template engine.
//
// What Jinja2 raises (TemplateSyntaxError, UndefinedError, TypeError from a
// filter...) becomes a TemplateError whose message is Jinja2's wording,
// located at the template name and line where it happened. Nothing a
// template says may end the process: every failure path inside the engine
// ends here.
#pragma once

#include <string>

#include "core/error.hpp"

namespace drover::tmpl {

class TemplateError : public drover::Error {
 public:
  // Type: Python would raise a TypeError (an operand or a filter's input of
  // the wrong type). Engine::render_value reports it as Ansible's Templar
  // does: TypeReported, "Unexpected templating type error occurred on
  // (<template>): <message>. <message>".
  enum class Kind { Syntax, Undefined, Runtime, Type, TypeReported };
  TemplateError(Kind kind, const std::string& message, Location where = {})
      : drover::Error(message, std::move(where)), kind_(kind) {}
  Kind kind() const { return kind_; }
  bool located() const { return where().line > 0; }
  // The Python exception class ("ZeroDivisionError") of an error Ansible
  // lets through unwrapped (it fails the task with a traceback, no msg);
  // empty for what Ansible reports as its own errors.
  const std::string& python_type() const { return python_type_; }
  TemplateError& with_python_type(std::string type) {
    python_type_ = std::move(type);
    return *this;
  }

 private:
  Kind kind_;
  std::string python_type_;
};

[[noreturn]] inline void fail(const std::string& message) {
  throw TemplateError(TemplateError::Kind::Runtime, message);
}

// Jinja2 raising a Python exception of class `type` (ZeroDivisionError).
[[noreturn]] inline void fail_python(const std::string& type, const std::string& message) {
  throw TemplateError(TemplateError::Kind::Runtime, message).with_python_type(type);
}

// A Python TypeError (Kind::Type).
[[noreturn]] inline void fail_type(const std::string& message) {
  throw TemplateError(TemplateError::Kind::Type, message);
}

}  // namespace drover::tmpl
