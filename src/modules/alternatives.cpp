// alternatives: one alternative of update-alternatives (Debian's, or Red
// Hat's `alternatives` under that name) (community.general.alternatives as
// shipped in Debian 12's ansible 7): state present (installed), selected
// (installed and chosen), auto (installed, automatic mode) or absent, with
// link, priority and subcommands (followers). As in Ansible the current
// state is read from `update-alternatives --display NAME` with LC_ALL=C,
// the commands (--install, --set, --auto, --remove) are decided from it at
// once and run in one more round trip; results: changed, msg, diff
// (before/after, filled only with --diff) and, when a command fails,
// Ansible's cmd/rc/stdout/stderr.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/command_steps.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
export LC_ALL=C
_ua=$(command -v update-alternatives) || _fail "Failed to find required executable \"update-alternatives\" in paths: $PATH"
_out tool "$_ua"
_run "$_ua" --display "$name" && _out display "$_rout"
[ -e "$path" ] && _out path_exists 1
exit 0
)SH";

Value subcommand(const Value& name, const Value& path, const Value& link) {
  return Value{{"name", name}, {"path", path}, {"link", link}};
}

struct Current {
  std::string mode, path, link;  // empty: not known
  bool has_mode = false, has_path = false, has_link = false;
  std::map<std::string, std::pair<long long, Value>> alternatives;  // path -> priority, subcommands
};

Current parse_display(const std::string& out, const Value& subcommands_param) {
  Current c;
  auto re = [](const char* p) { return tmpl::Regex::compile(p, false, true); };
  auto mode = re(R"(\s-\s(?:status\sis\s)?(\w*)(?:\smode|.)$)")->search(out);
  if (!mode) return c;
  c.has_mode = true;
  c.mode = mode->group(out, 1);
  if (auto m = re(R"(^\s*link currently points to (.*)$)")->search(out)) c.has_path = true, c.path = m->group(out, 1);
  if (auto m = re(R"(^\s*link \w+ is (.*)$)")->search(out)) c.has_link = true, c.link = m->group(out, 1);
  std::map<std::string, std::string> links;
  for (const auto& m : re(R"(^\s*(?:slave|follower) (\S+) is (.*)$)")->find_all(out)) links[m.group(out, 1)] = m.group(out, 2);
  if (links.empty() && subcommands_param.is_array())
    for (const auto& s : subcommands_param) links[s["name"].get<std::string>()] = s["link"].get<std::string>();
  auto sub_re = re(R"(^\s+(?:slave|follower) (.*): (.*)$)");
  for (const auto& m : re(R"(^(\/.*)\s-\s(?:family\s\S+\s)?priority\s(\d+)((?:\s+(?:slave|follower).*)*))")->find_all(out)) {
    Value subs = Value::array();
    const std::string block = m.group(out, 3);
    for (const auto& s : sub_re->find_all(block)) {
      std::string name = s.group(block, 1), spath = s.group(block, 2);
      if (spath == "(null)") continue;
      subs.push_back(subcommand(name, spath, links.count(name) ? Value(links[name]) : Value()));
    }
    c.alternatives[m.group(out, 1)] = {std::atoll(m.group(out, 2).c_str()), subs};
  }
  return c;
}

bool contains_all(const Value& list, const Value& of) {
  for (const auto& x : of)
    if (std::find(list.begin(), list.end(), x) == list.end()) return false;
  return true;
}

class AlternativesModule : public Module {
 public:
  AlternativesModule() {
    spec_.options = {
        opt("name").req(),
        opt("path", OptionType::path).req(),
        opt("link", OptionType::path),
        opt("priority", OptionType::integer),
        opt("state").def("selected").one_of({"present", "selected", "absent", "auto"}),
        opt("subcommands", OptionType::list).of(OptionType::dict).alias({"slaves"}),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string name = to_display_string(args["name"]), path = args["path"].get<std::string>();
    const std::string state = args["state"].get<std::string>();
    Value subs_param = Value();
    if (args["subcommands"].is_array()) {
      subs_param = Value::array();
      for (const auto& s : args["subcommands"]) {
        for (const char* k : {"name", "path", "link"})
          if (!s.is_object() || !s.contains(k) || s[k].is_null())
            return failed_result(std::string("missing required arguments: ") + k + " found in subcommands");
        subs_param.push_back(subcommand(to_display_string(s["name"]), to_display_string(s["path"]),
                                        to_display_string(s["link"])));
      }
    }
    ScriptAnswer read = run_answer_script(ctx, shell_assign("name", name) + shell_assign("path", path) + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    Current cur = read.has("display") ? parse_display(read.get("display"), subs_param) : Current{};
    const auto found = cur.alternatives.find(path);
    const bool installed = found != cur.alternatives.end();
    const Value link = !args["link"].is_null() ? args["link"] : cur.has_link ? Value(cur.link) : Value();
    const long long priority = !args["priority"].is_null() ? args["priority"].get<long long>()
                               : installed                 ? found->second.first
                                                           : 50;
    Value subcommands = subs_param;
    if (subcommands.is_null() && installed && !found->second.second.empty()) subcommands = found->second.second;

    Value before = Value::object(), after = Value::object();
    if (ctx.diff_mode && installed) {
      before = Value{{"state", "present"}, {"path", path}, {"priority", found->second.first},
                     {"link", cur.has_link ? Value(cur.link) : Value()}};
      if (!found->second.second.empty()) before["subcommands"] = found->second.second;
      if (cur.mode == "manual" && cur.path != path) before["state"] = "selected";
    } else if (ctx.diff_mode && cur.has_mode) {  // Ansible says nothing when --display fails
      before["state"] = "absent";
    }

    std::vector<std::vector<std::string>> cmds;
    std::vector<std::string> msgs;
    const std::string tool = read.get("tool");
    if (state != "absent") {
      bool install = !installed || (!args["priority"].is_null() && found->second.first != priority) ||
                     (!subs_param.is_null() && (!contains_all(subs_param, found->second.second) ||
                                                !contains_all(found->second.second, subs_param)));
      if (install) {
        if (!read.has("path_exists")) return failed_result("Specified path " + path + " does not exist");
        if (link.is_null())
          return failed_result("Needed to install the alternative, but unable to do so as we are missing the link");
        std::vector<std::string> c{tool, "--install", link.get<std::string>(), name, path, std::to_string(priority)};
        if (!subs_param.is_null())
          for (const auto& s : subcommands)
            c.insert(c.end(), {"--slave", s["link"].get<std::string>(), s["name"].get<std::string>(),
                               s["path"].get<std::string>()});
        cmds.push_back(c);
        msgs.push_back("Install alternative '" + path + "' for '" + name + "'.");
        if (ctx.diff_mode) {
          after = Value{{"state", "present"}, {"path", path}, {"priority", priority}, {"link", link}};
          if (subcommands.is_array() && !subcommands.empty()) after["subcommands"] = subcommands;
        }
      }
      if (state == "selected" && (!cur.has_path || cur.path != path)) {
        cmds.push_back({tool, "--set", name, path});
        msgs.push_back("Set alternative '" + path + "' for '" + name + "'.");
        if (ctx.diff_mode) after["state"] = "selected";
      }
      if (state == "auto" && cur.mode == "manual") {
        cmds.push_back({tool, "--auto", name});
        msgs.push_back("Set alternative to auto for '" + name + "'.");
        if (ctx.diff_mode) after["state"] = "present";
      }
    } else if (installed) {
      cmds.push_back({tool, "--remove", name, path});
      msgs.push_back("Remove alternative '" + path + "' from '" + name + "'.");
      if (ctx.diff_mode) after = Value{{"state", "absent"}};
    }
    if (!ctx.check_mode && !cmds.empty()) {
      std::string body = std::string("export LC_ALL=C\n") + kCommandStepFunction;
      for (const auto& c : cmds) body += command_step(c);
      failure = command_steps_failure(run_answer_script(ctx, body));
      if (!failure.is_null()) return failure;
    }
    return Value{{"changed", !cmds.empty()}, {"diff", {{"before", before}, {"after", after}}}, {"msg", join(msgs, " ")}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration alternatives_registration({"alternatives", "community.general.alternatives"}, make_module<AlternativesModule>);

}  // namespace drover
