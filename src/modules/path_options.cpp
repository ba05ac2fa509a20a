#include "modules/path_options.hpp"

#include <vector>

#include "core/error.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

bool needs_expansion(const std::string& v) { return (!v.empty() && v[0] == '~') || v.find('$') != std::string::npos; }

bool controller_side(const std::string& module, const std::string& option, const Value& args) {
  if (module == "synchronize") return option == "private_key" || option == "src" || option == "dest";
  if (option != "src") return false;
  if (module == "template") return true;
  if (module != "copy" && module != "unarchive" && module != "uri" && module != "assemble") return false;
  auto remote = args.find("remote_src");
  bool remote_src = remote != args.end() && remote->is_boolean() ? remote->get<bool>() : module == "assemble";
  return !remote_src;
}

}  // namespace

Value expand_path_options(const std::string& module, const ArgSpec& spec, Value args, ModuleContext& ctx) {
  if (!args.is_object() || !ctx.connection) return args;
  std::vector<std::string> names;
  std::string words;
  bool uses_helpers = false;
  for (const OptionSpec& o : spec.options) {
    if (o.type != OptionType::path) continue;
    auto it = args.find(o.name);
    if (it == args.end() || !it->is_string() || !needs_expansion(it->get<std::string>())) continue;
    if (controller_side(module, o.name, args)) continue;
    names.push_back(o.name);
    words += " " + expanding_word(it->get<std::string>(), uses_helpers);
  }
  if (names.empty()) return args;
  // Each value ends with a NUL: a path may hold any other byte.
  std::string script = std::string(uses_helpers ? kExpandHelpers : "") + "printf '%s\\0'" + words;
  ExecResult r = run_script(ctx, script);
  if (r.exit_status != 0) throw Error("could not expand the path options of " + module + " on the target: " + r.err);
  size_t pos = 0;
  for (const std::string& name : names) {
    size_t end = r.out.find('\0', pos);
    if (end == std::string::npos) throw Error("could not expand the path options of " + module + " on the target");
    args[name] = r.out.substr(pos, end - pos);
    pos = end + 1;
  }
  return args;
}

}  // namespace drover
