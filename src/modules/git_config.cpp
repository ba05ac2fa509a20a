// git_config: one git configuration value read, set or unset, or every value
// of a scope listed (community.general.git_config as shipped in Debian 12's
// ansible 7). `git config --includes [--SCOPE | -f FILE] NAME` reads (scope
// system unless given; local runs in repo), a different value is written
// with the same command plus the value, `--unset` removes. The result:
// changed, msg ("setting changed", "no setting to unset", ""), config_value
// or config_values when reading, and the diff Ansible returns on a change.
//
// Two round trips at most: the read, then the write (not in check mode).
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

// Runs the command in $dir with the C locale; answers rc, stdout, stderr
// exactly (git's values may end in blanks).
constexpr const char* kBody = R"SH(
export LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
_git=$(PATH=$_p command -v git) || _fail "Failed to find required executable \"git\" in paths: $_p"
_out git "$_git"
[ -n "$run" ] || exit 0
cd "$dir" || _fail "[Errno 2] No such file or directory: '$dir'"
eval "set -- $words"
_run "$_git" "$@"
_outrun
exit 0
)SH";

class GitConfigModule : public Module {
 public:
  GitConfigModule() {
    spec_.options = {
        opt("list_all", OptionType::boolean),  // no default: exclusive with name only when given
        opt("name"),
        opt("repo", OptionType::path),
        opt("file", OptionType::path),
        opt("scope").one_of({"file", "local", "global", "system"}),
        opt("state").def("present").one_of({"present", "absent"}),
        opt("value", OptionType::raw),
    };
    spec_.mutually_exclusive = {{"list_all", "name"}, {"list_all", "value"}};
    spec_.required_if = {{"scope", "local", {"repo"}}, {"scope", "file", {"file"}}};
    spec_.required_one_of = {{"list_all", "name"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs p(validated);
    const bool list_all = p.flag("list_all");
    const std::string name = p.str("name");
    const std::string scope = !p.str("scope").empty() ? p.str("scope") : list_all ? "" : "system";
    const bool unset = p.str("state") == "absent";
    const std::string new_value = unset ? "" : p.str("value");
    const std::string dir = scope == "local" || (list_all && !p.str("repo").empty()) ? p.str("repo") : "/";

    ScriptAnswer found = run_answer_script(ctx, std::string(kBody));
    if (Value f = script_failure(found); !f.is_null()) return f;
    std::vector<std::string> args{found.get("git"), "config", "--includes"};
    if (list_all) args.push_back("-l");
    if (scope == "file") args.insert(args.end(), {"-f", p.str("file")});
    else if (!scope.empty()) args.push_back("--" + scope);
    if (!name.empty()) args.push_back(name);

    auto run_git = [&](const std::vector<std::string>& words) {
      std::string quoted;
      for (size_t i = 1; i < words.size(); ++i) quoted += " " + shell_quote(words[i]);
      return run_answer_script(ctx, shell_assign("run", Value(true)) + shell_assign("dir", Value(dir)) +
                                        shell_assign("words", Value(quoted)) + kBody);
    };
    ScriptAnswer read = run_git(args);
    if (Value f = script_failure(read); !f.is_null()) return f;
    const long long rc = read.get_int("rc");
    const std::string out = read.get("stdout"), err = read.get("stderr");
    if (list_all && !scope.empty() && rc == 128 && err.find("unable to read config file") != std::string::npos)
      return Value{{"changed", false}, {"msg", ""}, {"config_values", Value::object()}};
    if (rc >= 2) {
      Value r = failed_result(err);
      r["rc"] = rc;
      r["cmd"] = join(args, " ");
      return r;
    }
    std::string old_value = out;
    while (!old_value.empty() && std::isspace(static_cast<unsigned char>(old_value.back()))) old_value.pop_back();
    if (list_all) {
      Value values = Value::object();
      for (const auto& line : split_lines(old_value)) {
        size_t eq = line.find('=');
        if (eq == std::string::npos) return failed_result("not enough values to unpack (expected 2, got 1)");
        values[line.substr(0, eq)] = line.substr(eq + 1);
      }
      return Value{{"changed", false}, {"msg", ""}, {"config_values", values}};
    }
    if (new_value.empty() && !unset) return Value{{"changed", false}, {"msg", ""}, {"config_value", old_value}};
    if (unset && out.empty()) return Value{{"changed", false}, {"msg", "no setting to unset"}};
    if (!unset && old_value == new_value) return Value{{"changed", false}, {"msg", ""}};

    if (!ctx.check_mode) {
      std::vector<std::string> cmd = args;
      if (unset) cmd.insert(cmd.end() - 1, "--unset");
      else cmd.push_back(new_value);
      ScriptAnswer write = run_git(cmd);
      if (Value f = script_failure(write); !f.is_null()) return f;
      if (!write.get("stderr").empty()) {
        Value r = failed_result(write.get("stderr"));
        r["rc"] = write.get_int("rc");
        Value shown = Value::array();
        for (const auto& w : cmd) shown.push_back(w);
        r["cmd"] = shown;
        return r;
      }
      if (unset) args = cmd;  // Ansible inserts --unset into its own list; the value it appends to a copy
    }
    const std::string header = join(args, " ");
    return Value{{"msg", "setting changed"},
                 {"diff", Value{{"before_header", header},
                                {"before", old_value + "\n"},
                                {"after_header", header},
                                {"after", new_value + "\n"}}},
                 {"changed", true}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration git_config_registration({"git_config", "community.general.git_config"},
                                                 make_module<GitConfigModule>);

}  // namespace drover
