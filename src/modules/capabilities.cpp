// capabilities: one Linux file capability present or absent on a file
// (community.general.capabilities as shipped in Debian 12's ansible 7). The
// file's capabilities come from `getcap -v PATH`, parsed as Ansible parses
// them (cap, operator, flags; "a,b=ep" gives one entry per name); a missing
// or different entry is replaced and the whole set written back with
// `setcap 'CAPS' PATH`. The result: changed, state, msg, stdout (setcap's).
//
// Two round trips when something changes: the read, then setcap.
#include <algorithm>
#include <optional>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

constexpr const char* kBody = R"SH(
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
for _t in getcap setcap; do
  PATH=$_p command -v $_t >/dev/null || _fail "Failed to find required executable \"$_t\" in paths: $_p"
done
_getcap=$(PATH=$_p command -v getcap); _setcap=$(PATH=$_p command -v setcap)
if [ -n "$set" ]; then _run "$_setcap" "$caps" "$path"; else _run "$_getcap" -v "$path"; fi
_outrun
exit 0
)SH";

struct Cap {
  std::string name, op, flags;  // op empty: no operator (state=absent)
  bool operator==(const Cap&) const = default;
};

// _parse_cap: the first of '=', '-', '+' found splits name and flags.
std::optional<Cap> parse_cap(const std::string& cap) {
  for (char op : {'=', '-', '+'}) {
    size_t at = cap.find(op);
    if (at == std::string::npos) continue;
    return Cap{cap.substr(0, at), std::string(1, op), cap.substr(at + 1)};
  }
  return std::nullopt;
}

std::string strip(std::string s) { return trim(s); }

class CapabilitiesModule : public Module {
 public:
  CapabilitiesModule() {
    spec_.options = {opt("path").req().alias({"key"}), opt("capability").req().alias({"cap"}),
                     opt("state").def("present").one_of({"absent", "present"})};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs args(validated);
    const std::string path = strip(args.str("path"));
    const std::string capability = to_lower(strip(args.str("capability")));
    const std::string state = args.str("state");
    std::optional<Cap> wanted = parse_cap(capability);
    if (!wanted) {
      if (state == "present") return failed_result("Couldn't find operator (one of: ('=', '-', '+'))");
      wanted = Cap{capability, "", ""};
    }
    // No caps: read them; else write them.
    auto run_tool = [&](const std::optional<std::string>& caps) {
      return run_answer_script(ctx, shell_assign("path", Value(path)) + shell_assign("caps", Value(caps.value_or(""))) +
                                        shell_assign("set", Value(caps.has_value())) + kBody);
    };
    ScriptAnswer read = run_tool(std::nullopt);
    if (Value f = script_failure(read); !f.is_null()) return f;
    const std::string out = read.get("stdout"), err = read.get("stderr");
    if (read.get_int("rc") != 0 || !err.empty()) {
      Value r = failed_result("Unable to get capabilities of " + path);
      r["stdout"] = strip(out);
      r["stderr"] = err;
      add_output_lines(r);  // as Ansible's action adds them
      return r;
    }
    std::vector<Cap> current;
    if (strip(out) != path) {
      std::vector<std::string> caps;
      if (size_t eq = out.find(" ="); eq != std::string::npos) {
        caps = split_whitespace(out.substr(eq + 2));
      } else {
        auto words = split_whitespace(out);
        if (words.size() > 1) caps = {words[1]};
      }
      for (auto c : caps) {
        c = to_lower(c);
        auto group = split(c, ',');
        std::optional<Cap> last = parse_cap(group.back());
        if (!last) last = Cap{group.back(), "", ""};
        group.back() = last->name;
        for (const auto& name : group) current.push_back(Cap{name, last->op, last->flags});
      }
    }
    bool has_name = false;
    for (const auto& c : current) has_name = has_name || c.name == wanted->name;
    const bool add = state == "present" && std::find(current.begin(), current.end(), *wanted) == current.end();
    if (!add && !(state == "absent" && has_name)) return Value{{"changed", false}, {"state", state}};
    if (ctx.check_mode) return Value{{"changed", true}, {"msg", "capabilities changed"}};
    std::vector<std::string> kept;
    for (const auto& c : current)
      if (c.name != wanted->name) kept.push_back(c.name + c.op + c.flags);
    if (add) kept.push_back(wanted->name + wanted->op + wanted->flags);
    ScriptAnswer set = run_tool(join(kept, " "));
    if (Value f = script_failure(set); !f.is_null()) return f;
    if (set.get_int("rc") != 0) {
      Value r = failed_result("Unable to set capabilities of " + path);
      r["stdout"] = set.get("stdout");
      r["stderr"] = set.get("stderr");
      add_output_lines(r);
      return r;
    }
    Value r{{"changed", true}, {"state", state}, {"msg", "capabilities changed"}, {"stdout", set.get("stdout")}};
    add_output_lines(r);
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration capabilities_registration({"capabilities", "community.general.capabilities"},
                                                   make_module<CapabilitiesModule>);

}  // namespace drover
