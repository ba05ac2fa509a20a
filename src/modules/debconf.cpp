// debconf: one answer in the debconf database, or a package's answers read
// (ansible.builtin.debconf, ansible-core 2.14): `debconf-show NAME` gives
// the current answers; a question whose answer differs (booleans compared
// in lower case) is set with debconf-set-selections (-u with unseen).
// Results as Ansible's: changed, msg (debconf-set-selections' output),
// current, previous and, with --diff, diff; without a question, current
// holds every answer of the package.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kShowBody = R"SH(
_show=$(command -v debconf-show) || _fail "Failed to find required executable \"debconf-show\" in paths: $PATH"
_run "$_show" "$name"
[ "$_rrc" = 0 ] || _fail "$_rerr"
_out show "$_rout"
)SH";

// The selection line rides on stdin, as Ansible passes it.
constexpr const char* kSetBody = R"SH(
_set=$(command -v debconf-set-selections) || _fail "Failed to find required executable \"debconf-set-selections\" in paths: $PATH"
if [ -n "$unseen" ]; then _run "$_set" -u; else _run "$_set"; fi
[ "$_rrc" = 0 ] || _fail "$_rerr"
_out msg "$_rout"
)SH";

// `debconf-show` lines "* key: value" ("*": seen) as an ordered object.
Value selections(const std::string& out) {
  Value s = Value::object();
  for (const auto& line : split_lines(out)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    size_t a = key.find_first_not_of('*'), b = key.find_last_not_of('*');
    key = a == std::string::npos ? "" : trim(key.substr(a, b - a + 1));
    s[key] = trim(line.substr(colon + 1));
  }
  return s;
}

class DebconfModule : public Module {
 public:
  DebconfModule() {
    spec_.options = {
        opt("name").req().alias({"pkg"}),
        opt("question").alias({"selection", "setting"}),
        opt("vtype").one_of({"boolean", "error", "multiselect", "note", "password", "seen", "select", "string", "text",
                             "title"}),
        opt("value").alias({"answer"}),
        opt("unseen", OptionType::boolean).def(false),
    };
    spec_.required_together = {{"question", "vtype", "value"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string name = to_display_string(args["name"]);
    ScriptAnswer show = run_answer_script(ctx, shell_assign("name", name) + kShowBody);
    Value failure = script_failure(show);
    if (!failure.is_null()) return failure;
    Value prev = selections(show.get("show"));
    if (args["question"].is_null()) return Value{{"changed", false}, {"msg", ""}, {"current", prev}};
    if (args["vtype"].is_null() || args["value"].is_null())
      return failed_result("when supplying a question you must supply a valid vtype and value");

    const std::string question = to_display_string(args["question"]), vtype = args["vtype"].get<std::string>();
    std::string value = to_display_string(args["value"]);
    bool changed = !prev.contains(question);
    if (!changed) {
      std::string existing = prev[question].get<std::string>();
      if (vtype == "boolean") value = to_lower(value), existing = to_lower(existing);
      changed = value != existing;
    }
    if (!changed) return Value{{"changed", false}, {"msg", ""}, {"current", prev}};

    std::string msg;
    if (!ctx.check_mode) {
      std::string set_value = value;
      if (vtype == "boolean" && set_value == "True") set_value = "true";
      if (vtype == "boolean" && set_value == "False") set_value = "false";
      ScriptAnswer set = run_answer_script(ctx, shell_assign("unseen", args["unseen"]) + kSetBody,
                                           name + " " + question + " " + vtype + " " + set_value);
      failure = script_failure(set);
      if (!failure.is_null()) return failure;
      msg = set.get("msg");
    }
    Value current{{question, value}};
    if (prev.contains(question))
      prev = Value{{question, prev[question]}};
    else
      prev[question] = "";
    Value diff = Value::object();
    if (ctx.diff_mode) {
      Value after = prev;
      after[question] = value;
      diff = Value{{"before", prev}, {"after", after}};
    }
    return Value{{"changed", true}, {"msg", msg}, {"current", current}, {"previous", prev}, {"diff", diff}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration debconf_registration({"debconf"}, make_module<DebconfModule>);

}  // namespace drover
