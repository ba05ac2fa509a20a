#include "server/jobs/launch_form.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace drover::server {
namespace {

const std::set<std::string>& question_fields() {
  static const std::set<std::string> fields = {"variable", "label", "description", "type", "required",
                                               "default",  "min",   "max",         "choices"};
  return fields;
}

bool valid_variable(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_text(const std::string& type) { return type == "text" || type == "textarea" || type == "password" || type == "hosts"; }

std::string number_text(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return Value(d).dump();
}

// Checks `v` against `q`; returns the value to use (an integer's JSON
// integer, a float's number). `where` names the field in errors.
Value check_answer(const FormQuestion& q, const Value& v, const std::string& where) {
  auto fail = [&](const std::string& why) -> Value { throw LaunchFormError(where, why); };
  if (is_text(q.type)) {
    if (!v.is_string()) return fail("expected a string");
    double n = static_cast<double>(v.get<std::string>().size());
    if (q.min && n < *q.min) return fail("at least " + number_text(*q.min) + " characters");
    if (q.max && n > *q.max) return fail("at most " + number_text(*q.max) + " characters");
    return v;
  }
  if (q.type == "integer" || q.type == "float") {
    double n = 0;
    if (q.type == "integer") {
      if (!v.is_number_integer()) return fail("expected an integer");
      n = static_cast<double>(v.get<int64_t>());
    } else {
      if (!v.is_number()) return fail("expected a number");
      n = v.get<double>();
    }
    if (q.min && n < *q.min) return fail("must be at least " + number_text(*q.min));
    if (q.max && n > *q.max) return fail("must be at most " + number_text(*q.max));
    return v;
  }
  auto check_choice = [&](const Value& c) {
    if (!c.is_string()) fail("expected one of the choices (a string)");
    if (std::find(q.choices.begin(), q.choices.end(), c.get<std::string>()) == q.choices.end()) {
      std::string list;
      for (const auto& x : q.choices) list += (list.empty() ? "" : ", ") + x;
      fail("'" + c.get<std::string>() + "' is not one of the choices (" + list + ")");
    }
  };
  if (q.type == "choice") {
    check_choice(v);
    return v;
  }
  // multichoice: a list of distinct choices; min/max bound how many.
  if (!v.is_array()) return fail("expected a list of choices");
  for (const auto& c : v) check_choice(c);
  double n = static_cast<double>(v.size());
  if (q.min && n < *q.min) return fail("choose at least " + number_text(*q.min));
  if (q.max && n > *q.max) return fail("choose at most " + number_text(*q.max));
  return v;
}

}  // namespace

const std::vector<std::string>& launch_form_types() {
  static const std::vector<std::string> types = {"text",   "textarea",    "integer",  "float",
                                                 "choice", "multichoice", "password", "hosts"};
  return types;
}

std::vector<FormQuestion> parse_launch_form(const Value& form, const std::function<std::string(const std::string&)>& seal,
                                            const std::vector<FormQuestion>& previous) {
  if (!form.is_array()) throw LaunchFormError("launch_form", "expected a list of questions");
  if (form.size() > 100) throw LaunchFormError("launch_form", "at most 100 questions");
  std::vector<FormQuestion> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < form.size(); ++i) {
    const Value& item = form[i];
    std::string where = "launch_form[" + std::to_string(i) + "]";
    auto fail = [&](const std::string& field, const std::string& why) {
      throw LaunchFormError(where + (field.empty() ? "" : "." + field), why);
    };
    if (!item.is_object()) fail("", "expected an object");
    for (auto it = item.begin(); it != item.end(); ++it)
      if (!question_fields().count(it.key())) {
        std::vector<std::string> names(question_fields().begin(), question_fields().end());
        std::string hint = closest_match(it.key(), names);
        fail(it.key(), "unknown field" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
    FormQuestion q;
    auto text = [&](const char* key, std::string& into) {
      if (!item.contains(key) || item[key].is_null()) return;
      if (!item[key].is_string()) fail(key, "expected a string");
      into = item[key].get<std::string>();
    };
    text("variable", q.variable);
    text("label", q.label);
    text("description", q.description);
    text("type", q.type);
    if (!valid_variable(q.variable))
      fail("variable", "required: a variable name (letters, digits and _, not starting with a digit)");
    if (!seen.insert(q.variable).second) fail("variable", "'" + q.variable + "' is asked twice");
    if (q.label.empty()) q.label = q.variable;
    const auto& types = launch_form_types();
    if (std::find(types.begin(), types.end(), q.type) == types.end())
      fail("type", "'" + q.type + "' is not a question type (text textarea integer float choice multichoice password hosts)");
    if (item.contains("required") && !item["required"].is_null()) {
      if (!item["required"].is_boolean()) fail("required", "expected true or false");
      q.required = item["required"].get<bool>();
    }
    for (const char* key : {"min", "max"}) {
      if (!item.contains(key) || item[key].is_null()) continue;
      if (!item[key].is_number()) fail(key, "expected a number");
      (std::string(key) == "min" ? q.min : q.max) = item[key].get<double>();
    }
    if (q.min && q.max && *q.min > *q.max) fail("min", "greater than max");
    if (item.contains("choices") && !item["choices"].is_null()) {
      if (!item["choices"].is_array()) fail("choices", "expected a list of strings");
      for (const auto& c : item["choices"]) {
        if (!c.is_string() || c.get<std::string>().empty()) fail("choices", "expected a list of non-empty strings");
        q.choices.push_back(c.get<std::string>());
      }
    }
    bool choosing = q.type == "choice" || q.type == "multichoice";
    if (choosing && q.choices.empty()) fail("choices", "required for a " + q.type + " question");
    if (!choosing && !q.choices.empty()) fail("choices", "only for choice and multichoice questions");
    if (item.contains("default") && !item["default"].is_null() &&
        !(item["default"].is_string() && item["default"].get<std::string>().empty() && q.type != "text" &&
          q.type != "textarea")) {
      const Value& d = item["default"];
      if (q.type == "password") {
        if (d.is_string() && d.get<std::string>() == kEncryptedPlaceholder) {
          auto old = std::find_if(previous.begin(), previous.end(),
                                  [&](const FormQuestion& p) { return p.variable == q.variable && p.type == "password"; });
          if (old == previous.end() || old->default_value.is_null())
            fail("default", "\"$encrypted$\" keeps a stored password default; there is none");
          q.default_value = old->default_value;
        } else {
          check_answer(q, d, where + ".default");
          q.default_value = seal(d.get<std::string>());
        }
      } else if (q.type == "hosts") {
        check_answer(q, d, where + ".default");  // the CMDB is checked at launch: hosts come and go
        q.default_value = d;
      } else {
        q.default_value = check_answer(q, d, where + ".default");
      }
    }
    out.push_back(std::move(q));
  }
  return out;
}

Value stored_form(const std::vector<FormQuestion>& form) {
  Value out = Value::array();
  for (const auto& q : form) {
    Value v = {{"variable", q.variable}, {"label", q.label}, {"description", q.description},
               {"type", q.type},         {"required", q.required}, {"default", q.default_value}};
    v["min"] = q.min ? Value(*q.min) : Value(nullptr);
    v["max"] = q.max ? Value(*q.max) : Value(nullptr);
    if (!q.choices.empty()) v["choices"] = q.choices;
    out.push_back(std::move(v));
  }
  return out;
}

Value shown_form(const std::vector<FormQuestion>& form) {
  Value out = stored_form(form);
  for (size_t i = 0; i < form.size(); ++i)
    if (form[i].type == "password" && !form[i].default_value.is_null()) out[i]["default"] = kEncryptedPlaceholder;
  return out;
}

std::vector<FormQuestion> parse_stored_form(const std::string& text) {
  Value v = Value::parse(text.empty() ? "[]" : text, nullptr, false);
  std::vector<FormQuestion> out;
  if (!v.is_array()) return out;
  for (const auto& item : v) {
    FormQuestion q;
    q.variable = item.value("variable", "");
    q.label = item.value("label", "");
    q.description = item.value("description", "");
    q.type = item.value("type", "text");
    q.required = item.value("required", false);
    q.default_value = item.value("default", Value(nullptr));
    if (item.contains("min") && item["min"].is_number()) q.min = item["min"].get<double>();
    if (item.contains("max") && item["max"].is_number()) q.max = item["max"].get<double>();
    for (const auto& c : item.value("choices", Value::array())) q.choices.push_back(c.get<std::string>());
    out.push_back(std::move(q));
  }
  return out;
}

FormAnswers answer_launch_form(const std::vector<FormQuestion>& form, const Value& answers,
                               const std::function<std::string(const std::string&)>& hosts_match) {
  FormAnswers out;
  for (const auto& q : form) {
    std::string where = "extra_vars." + q.variable;
    bool given = answers.is_object() && answers.contains(q.variable) && !answers[q.variable].is_null();
    if (given && q.type == "password" && answers[q.variable] == kEncryptedPlaceholder) given = false;
    if (!given) {
      if (q.default_value.is_null()) {
        if (q.required) throw LaunchFormError(where, "required: " + q.label);
        continue;
      }
      if (q.type == "password") {
        out.sealed[q.variable] = q.default_value;
        continue;
      }
      if (q.type == "hosts" && hosts_match) {
        std::string why = hosts_match(q.default_value.get<std::string>());
        if (!why.empty()) throw LaunchFormError(where, why);
      }
      out.vars[q.variable] = q.default_value;
      continue;
    }
    Value v = check_answer(q, answers[q.variable], where);
    if (q.required && v.is_string() && v.get<std::string>().empty()) throw LaunchFormError(where, "required: " + q.label);
    if (q.required && v.is_array() && v.empty()) throw LaunchFormError(where, "required: " + q.label);
    if (q.type == "hosts" && hosts_match) {
      std::string why = hosts_match(v.get<std::string>());
      if (!why.empty()) throw LaunchFormError(where, why);
    }
    if (q.type == "password")
      out.passwords[q.variable] = v;
    else
      out.vars[q.variable] = v;
  }
  return out;
}

}  // namespace drover::server
