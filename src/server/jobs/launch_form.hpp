// A template's launch form (AWX's survey): typed questions whose answers
// become the job's extra vars. Pure: the checks that need the CMDB (a host
// pattern's hosts) and the sealing of passwords are handed in.
//
// A question (one object of the template's `launch_form` list):
//   {"variable": "version", "label": "Version", "description": "",
//    "type": "text" | "textarea" | "integer" | "float" | "choice" |
//            "multichoice" | "password" | "hosts",
//    "required": false, "default": ..., "min": N, "max": N,
//    "choices": ["a", "b"]}
// min/max bound an integer's or a float's value and a text's (text,
// textarea, password) length in bytes; choice and multichoice need
// `choices`; a `hosts` answer is a host pattern that must match CMDB hosts.
//
// Promises:
// * parse_launch_form() refuses a malformed form with a LaunchFormError
//   naming the field ("launch_form[2].choices").
// * answer_launch_form() gives the extra vars of a launch: every answer
//   checked against its question (type, required, bounds, choices), the
//   defaults of unanswered questions filled in; an error names the field as
//   "extra_vars.<variable>". Password answers (and defaults) are returned
//   apart, so that the caller seals them and no spec stores them in clear.
// * A password default is stored sealed (`seal`) and shown back as
//   "$encrypted$" (AWX's placeholder), which a form edit may send back to
//   keep the stored default.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"

namespace drover::server {

inline constexpr const char* kEncryptedPlaceholder = "$encrypted$";

class LaunchFormError : public Error {
 public:
  LaunchFormError(std::string field, const std::string& message)
      : Error(field + ": " + message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

struct FormQuestion {
  std::string variable, label, description, type = "text";
  bool required = false;
  Value default_value;  // null: none; a password's is the sealed text
  std::optional<double> min, max;
  std::vector<std::string> choices;
};

const std::vector<std::string>& launch_form_types();

// `seal` turns a password default into its stored form; `previous` is the
// stored form before an edit, whose sealed password defaults a
// "$encrypted$" keeps. Throws LaunchFormError.
std::vector<FormQuestion> parse_launch_form(const Value& form, const std::function<std::string(const std::string&)>& seal,
                                            const std::vector<FormQuestion>& previous = {});
// The stored form (what parse_stored_form reads) and the API's form
// (password defaults as "$encrypted$").
Value stored_form(const std::vector<FormQuestion>& form);
Value shown_form(const std::vector<FormQuestion>& form);
std::vector<FormQuestion> parse_stored_form(const std::string& text);

struct FormAnswers {
  Value vars = Value::object();       // plain answers and defaults
  Value passwords = Value::object();  // variable -> clear text (to seal)
  Value sealed = Value::object();     // variable -> sealed default, unanswered passwords
};

// `hosts_match(pattern)` returns "" when the pattern matches CMDB hosts,
// else why not. Throws LaunchFormError naming "extra_vars.<variable>".
FormAnswers answer_launch_form(const std::vector<FormQuestion>& form, const Value& answers,
                               const std::function<std::string(const std::string&)>& hosts_match);

}  // namespace drover::server
