#include "modules/arg_spec.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/pyrepr.hpp"
#include "core/strings.hpp"
#include "modules/module_args.hpp"

namespace drover {
namespace {

const char* type_name(OptionType t) {
  switch (t) {
    case OptionType::str: return "str";
    case OptionType::boolean: return "bool";
    case OptionType::integer: return "int";
    case OptionType::floating: return "float";
    case OptionType::path: return "path";
    case OptionType::list: return "list";
    case OptionType::dict: return "dict";
    case OptionType::raw: return "raw";
    case OptionType::octal_mode: return "raw";
  }
  return "raw";
}

std::string python_type(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null: return "NoneType";
    case Value::value_t::boolean: return "bool";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned: return "int";
    case Value::value_t::number_float: return "float";
    case Value::value_t::string: return "str";
    case Value::value_t::array: return "list";
    case Value::value_t::object: return "dict";
    default: return "object";
  }
}

// AnsibleModule's type checkers (module_utils/common/validation.py).
Value convert(const std::string& name, OptionType type, OptionType elements, const Value& v) {
  auto fail = [&](const std::string& why) -> Error {
    return Error("argument '" + name + "' is of type " + python_type(v) + " and we were unable to convert to " +
                 type_name(type) + ": " + why);
  };
  switch (type) {
    case OptionType::raw: return v;
    case OptionType::octal_mode:
      // Modes stay as given (int or string): the module interprets them.
      return v;
    case OptionType::str:
    case OptionType::path:
      if (v.is_string()) return v;
      if (v.is_null()) return v;
      return to_display_string(v);
    case OptionType::boolean: {
      if (v.is_null()) return v;
      auto b = to_bool(v);
      if (!b)
        throw Error("argument '" + name + "' is of type " + python_type(v) +
                    " and we were unable to convert to bool: The value " + python_repr(v) +
                    " is not a valid boolean.  Valid booleans include: 0, 'on', 'f', 'false', "
                    "1, 'no', 'n', '1', '0', 't', 'y', 'off', 'yes', 'true'");
      return *b;
    }
    case OptionType::integer: {
      if (v.is_number_integer()) return v;
      if (v.is_number_float() && v.get<double>() == static_cast<int64_t>(v.get<double>()))
        return static_cast<int64_t>(v.get<double>());
      if (v.is_string()) {
        const std::string& s = v.get_ref<const ValueString&>();
        try {
          size_t used = 0;
          long long n = std::stoll(s, &used);
          if (used == s.size()) return static_cast<int64_t>(n);
        } catch (...) {
        }
      }
      throw fail(python_repr(v) + " cannot be converted to an int");
    }
    case OptionType::floating: {
      if (v.is_number()) return v.get<double>();
      if (v.is_string()) {
        try {
          size_t used = 0;
          double d = std::stod(v.get<std::string>(), &used);
          if (used == v.get<std::string>().size()) return d;
        } catch (...) {
        }
      }
      throw fail(python_repr(v) + " cannot be converted to a float");
    }
    case OptionType::list: {
      Value list;
      if (v.is_array()) {
        list = v;
      } else if (v.is_string()) {
        list = Value::array();
        for (auto& part : split(v.get<std::string>(), ',')) list.push_back(part);
      } else if (v.is_number() || v.is_boolean()) {
        list = Value::array({to_display_string(v)});
      } else if (v.is_null()) {
        return v;
      } else {
        throw fail(python_repr(v) + " cannot be converted to a list");
      }
      if (elements != OptionType::raw)
        for (auto& e : list) e = convert(name, elements, OptionType::raw, e);
      return list;
    }
    case OptionType::dict: {
      if (v.is_object() || v.is_null()) return v;
      if (v.is_string()) {
        const std::string& s = v.get_ref<const ValueString&>();
        if (!s.empty() && s[0] == '{') {
          try {
            Value parsed = Value::parse(s);
            if (parsed.is_object()) return parsed;
          } catch (...) {
          }
        }
        Value out = Value::object();
        for (auto& pair : split(s, ',')) {
          auto eq = pair.find('=');
          if (eq == std::string::npos) throw fail("dictionary requested, could not parse JSON or key=value");
          out[trim(pair.substr(0, eq))] = trim(pair.substr(eq + 1));
        }
        return out;
      }
      throw fail(python_repr(v) + " cannot be converted to a dict");
    }
  }
  return v;
}

std::string supported_list(const ArgSpec& spec) {
  std::vector<std::string> names;
  for (const auto& o : spec.options) {
    std::string n = o.name;
    if (!o.aliases.empty()) n += " (" + join(o.aliases, ", ") + ")";
    names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return join(names, ", ");
}

std::vector<std::string> all_names(const ArgSpec& spec) {
  std::vector<std::string> names;
  for (const auto& o : spec.options) {
    names.push_back(o.name);
    names.insert(names.end(), o.aliases.begin(), o.aliases.end());
  }
  return names;
}

bool present(const Value& args, const std::string& name) {
  return args.contains(name) && !args[name].is_null();
}

void check_constraints(const std::string& module, const ArgSpec& spec, const Value& args) {
  for (const auto& group : spec.mutually_exclusive) {
    std::vector<std::string> given;
    for (const auto& n : group)
      if (present(args, n)) given.push_back(n);
    if (given.size() > 1)
      throw Error(module + ": parameters are mutually exclusive: " + join(group, "|"));
  }
  for (const auto& group : spec.required_together) {
    size_t n = std::count_if(group.begin(), group.end(), [&](auto& k) { return present(args, k); });
    if (n != 0 && n != group.size())
      throw Error(module + ": parameters are required together: " + join(group, ", "));
  }
  for (const auto& group : spec.required_one_of) {
    if (std::none_of(group.begin(), group.end(), [&](auto& k) { return present(args, k); }))
      throw Error(module + ": one of the following is required: " + join(group, ", "));
  }
}

}  // namespace

Value coerce_option(const std::string& name, OptionType type, const Value& v) {
  return convert(name, type, OptionType::raw, v);
}

const ArgSpec& ArgSpec::any() {
  static const ArgSpec spec = [] {
    ArgSpec s;
    s.any_options = true;
    return s;
  }();
  return spec;
}

const OptionSpec* ArgSpec::find(const std::string& name) const {
  for (const auto& o : options) {
    if (o.name == name) return &o;
    if (std::find(o.aliases.begin(), o.aliases.end(), name) != o.aliases.end()) return &o;
  }
  return nullptr;
}

bool is_templated(const Value& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const ValueString&>();
    return s.find("{{") != std::string::npos || s.find("{%") != std::string::npos;
  }
  if (v.is_array() || v.is_object()) {
    for (const auto& e : v)
      if (is_templated(e)) return true;
  }
  return false;
}

void check_args(const std::string& module, const ArgSpec& spec, const Value& args) {
  if (!args.is_object()) return;
  std::vector<std::string> unknown;
  for (auto it = args.begin(); it != args.end(); ++it) {
    if (!spec.find(it.key()) && !spec.any_options) unknown.push_back(it.key());
  }
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    std::string hint;
    if (unknown.size() == 1 && unknown[0] != "_raw_params") {
      std::string close = closest_match(unknown[0], all_names(spec));
      if (!close.empty()) hint = "did you mean '" + close + "'?";
    }
    if (unknown.size() == 1 && unknown[0] == "_raw_params")
      throw Error("the " + module + " module takes no free-form arguments; give options as key=value");
    throw Error("Unsupported parameters for (" + module + ") module: " + join(unknown, ", ") +
                    ". Supported parameters include: " + supported_list(spec) + ".",
                {}, hint);
  }
  // Types and choices of values known now (not templated).
  for (auto it = args.begin(); it != args.end(); ++it) {
    const OptionSpec* o = spec.find(it.key());
    if (!o || is_templated(it.value())) continue;
    Value converted = convert(o->name, o->type, o->elements, it.value());
    if (!o->choices.empty() && converted.is_string() &&
        std::find(o->choices.begin(), o->choices.end(), converted.get<std::string>()) == o->choices.end())
      throw Error(module + ": value of " + o->name + " must be one of: " + join(o->choices, ", ") +
                      ", got: " + converted.get<std::string>(),
                  {}, [&] {
                    std::string c = closest_match(converted.get<std::string>(), o->choices);
                    return c.empty() ? std::string() : "did you mean '" + c + "'?";
                  }());
  }
  bool any_templated = is_templated(args);
  if (!any_templated) {
    for (const auto& o : spec.options) {
      bool given = args.contains(o.name) ||
                   std::any_of(o.aliases.begin(), o.aliases.end(), [&](auto& a) { return args.contains(a); });
      if (o.required && !given) throw Error(module + ": missing required arguments: " + o.name);
    }
  }
  // Mutually exclusive options given literally (not templated, so not a
  // possible omit) fail before any host runs: --syntax-check reports them.
  for (const auto& group : spec.mutually_exclusive) {
    size_t given = 0;
    for (const auto& n : group) {
      const OptionSpec* o = spec.find(n);
      if (!o) continue;
      std::vector<std::string> names{o->name};
      names.insert(names.end(), o->aliases.begin(), o->aliases.end());
      if (std::any_of(names.begin(), names.end(), [&](const std::string& k) {
            return args.contains(k) && !args[k].is_null() && !is_templated(args[k]);
          }))
        ++given;
    }
    if (given > 1) throw Error(module + ": parameters are mutually exclusive: " + join(group, "|"));
  }
}

Value validate_args(const std::string& module, const ArgSpec& spec, const Value& args) {
  Value out = Value::object();
  std::vector<std::string> missing;
  Value in = args.is_object() ? args : Value::object();
  check_args(module, spec, in);
  for (const auto& o : spec.options) {
    const Value* given = nullptr;
    if (in.contains(o.name)) given = &in[o.name];
    for (const auto& a : o.aliases)
      if (!given && in.contains(a)) given = &in[a];
    if (given && !given->is_null()) {
      Value v = convert(o.name, o.type, o.elements, *given);
      if (!o.choices.empty() && v.is_string() &&
          std::find(o.choices.begin(), o.choices.end(), v.get<std::string>()) == o.choices.end())
        throw Error("value of " + o.name + " must be one of: " + join(o.choices, ", ") +
                    ", got: " + v.get<std::string>());
      out[o.name] = std::move(v);
    } else if (!o.default_value.is_null()) {
      out[o.name] = o.default_value;
    } else {
      if (o.required) missing.push_back(o.name);
      out[o.name] = nullptr;
    }
  }
  if (!missing.empty()) throw Error("missing required arguments: " + join(missing, ", "));
  if (spec.any_options) {
    // Options outside the spec pass through as given (set_fact's facts).
    for (auto it = in.begin(); it != in.end(); ++it)
      if (!spec.find(it.key())) out[it.key()] = it.value();
  }
  check_constraints(module, spec, out);
  for (const auto& r : spec.required_if) {
    if (!present(out, r.option) || out[r.option] != r.value) continue;
    std::vector<std::string> absent;
    for (const auto& k : r.needed)
      if (!present(out, k)) absent.push_back(k);
    bool ok = r.any ? absent.size() < r.needed.size() : absent.empty();
    if (!ok)
      throw Error(r.option + " is " + to_display_string(r.value) + " but " +
                  (r.any ? "any" : "all") + " of the following are missing: " + join(absent, ", "));
  }
  return out;
}

}  // namespace drover
