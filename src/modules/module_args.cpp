#include "modules/module_args.hpp"

#include <stdexcept>

#include "core/strings.hpp"

namespace drover {

ModuleArgs::ModuleArgs(const Value& args) : args_(args) {}

const Value& ModuleArgs::value(const std::string& name) const {
  if (!args_.is_object() || !args_.contains(name))
    throw std::logic_error("the module reads option '" + name + "', which its spec does not declare");
  return args_[name];
}

bool ModuleArgs::has(const std::string& name) const { return !value(name).is_null(); }

std::optional<bool> ModuleArgs::optional_flag(const std::string& name) const {
  const Value& v = value(name);
  if (v.is_null()) return std::nullopt;
  return coerce_option(name, OptionType::boolean, v).get<bool>();
}

bool ModuleArgs::flag(const std::string& name) const { return optional_flag(name).value_or(false); }

std::optional<std::string> ModuleArgs::optional_str(const std::string& name) const {
  const Value& v = value(name);
  if (v.is_null()) return std::nullopt;
  return coerce_option(name, OptionType::str, v).get<std::string>();
}

std::string ModuleArgs::str(const std::string& name) const { return optional_str(name).value_or(""); }

std::optional<int64_t> ModuleArgs::optional_integer(const std::string& name) const {
  const Value& v = value(name);
  if (v.is_null()) return std::nullopt;
  return coerce_option(name, OptionType::integer, v).get<int64_t>();
}

int64_t ModuleArgs::integer(const std::string& name, int64_t fallback) const {
  return optional_integer(name).value_or(fallback);
}

std::vector<std::string> ModuleArgs::strings(const std::string& name) const {
  std::vector<std::string> out;
  const Value& v = value(name);
  if (v.is_null()) return out;
  for (const auto& e : coerce_option(name, OptionType::list, v)) out.push_back(to_display_string(e));
  return out;
}

}  // namespace drover
