#include "engine/extra_vars.hpp"

#include "core/error.hpp"
#include "core/yaml.hpp"
#include "engine/config.hpp"
#include "modules/free_form.hpp"

namespace drover {

Value parse_extra_vars(const std::vector<std::string>& options) {
  Value out = Value::object();
  for (const auto& opt : options) {
    Value data;
    if (opt.empty()) continue;
    if (opt[0] == '@') {
      data = load_yaml_value_file(expand_user(opt.substr(1)));
    } else if (opt[0] == '[' || opt[0] == '{') {
      data = load_yaml_value_string(opt, "<extra vars>");
    } else {
      data = parse_kv(opt, false);
    }
    if (data.is_null()) continue;
    if (!data.is_object())
      throw Error("Invalid extra vars data supplied. '" + opt + "' could not be made into a dictionary");
    for (auto it = data.begin(); it != data.end(); ++it) out[it.key()] = it.value();
  }
  return out;
}

}  // namespace drover
