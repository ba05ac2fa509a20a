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
  enum class Kind { Syntax, Undefined, Runtime };
  TemplateError(Kind kind, const std::string& message, Location where = {})
      : drover::Error(message, std::move(where)), kind_(kind) {}
  Kind kind() const { return kind_; }
  bool located() const { return where().line > 0; }

 private:
  Kind kind_;
};

[[noreturn]] inline void fail(const std::string& message) {
  throw TemplateError(TemplateError::Kind::Runtime, message);
}

}  // namespace drover::tmpl
