// selinux: SELinux's state and policy (ansible.posix.selinux as shipped in
// Debian 12's ansible 7), through the tools instead of Python's bindings:
// `selinuxenabled` and `getenforce` give the running state, the config
// file's SELINUX= and SELINUXTYPE= lines the configured ones (libselinux
// reads the running policy type from the same file); `setenforce` changes
// the running state, the config lines are rewritten as Ansible rewrites
// them (one line replaced, or added at the end), `grubby` edits the kernel
// arguments with update_kernel_param. Messages, warnings, reboot_required
// and the check-mode early exits are Ansible's.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/command_steps.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
export LC_ALL=C
[ -f "$conf" ] || _fail "Unable to find file $conf"
_out config "$(cat -- "$conf"; printf x)"
if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled; then _out runtime "$(getenforce)"; fi
[ -n "$policy" ] && [ -e "/etc/selinux/$policy/policy" ] && _out policy_exists 1
if [ -n "$kernel" ]; then
  _g=$(command -v grubby) || _fail "'grubby' command not found on host"
  _out grubby "$_g"
  _run "$_g" --info=ALL || _fail "unable to run grubby"
  _out grubby_info "$_rout"
fi
exit 0
)SH";

// The value of the first KEY= line (Ansible's get_config_state/_policy).
std::optional<std::string> config_value(const std::vector<std::string>& lines, const std::string& key) {
  for (const auto& l : lines)
    if (l.starts_with(key + "=")) {
      auto parts = split(l, '=');
      return trim(parts[1]);
    }
  return std::nullopt;
}

// Ansible's set_config_state/_policy: KEY= lines replaced, or one added.
std::vector<std::string> with_value(std::vector<std::string> lines, const std::string& key, const std::string& value) {
  bool found = false;
  for (auto& l : lines)
    if (l.starts_with(key + "=")) l = key + "=" + value, found = true;
  if (!found) lines.push_back(key + "=" + value);
  return lines;
}

class SelinuxModule : public Module {
 public:
  SelinuxModule() {
    spec_.options = {
        opt("policy"),
        opt("state").req().one_of({"enforcing", "permissive", "disabled"}),
        opt("configfile").def("/etc/selinux/config").alias({"conf", "file"}),
        opt("update_kernel_param", OptionType::boolean).def(false),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string conf = to_display_string(args["configfile"]), state = args["state"].get<std::string>();
    std::string policy = args["policy"].is_null() ? "" : to_display_string(args["policy"]);
    const bool kernel = args["update_kernel_param"] == true;
    ScriptAnswer read = run_answer_script(ctx, shell_assign("conf", conf) + shell_assign("policy", policy) +
                                                   shell_assign("kernel", kernel) + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    std::string text = read.get("config");
    text.pop_back();
    // get_file_lines(strip=False): lines without their newlines.
    std::vector<std::string> lines = split_lines(text);
    const bool runtime_enabled = read.has("runtime");
    const std::string runtime_state = runtime_enabled ? to_lower(trim(read.get("runtime"))) : "disabled";
    const auto config_policy = config_value(lines, "SELINUXTYPE"), config_state = config_value(lines, "SELINUX");
    const std::string runtime_policy = config_policy.value_or("");
    std::optional<bool> kernel_enabled;
    if (kernel) {
      bool all_enabled = true, all_disabled = true;
      for (const auto& l : split(read.get("grubby_info"), '\n')) {
        if (!l.starts_with("args=\"") || !l.ends_with("\"")) continue;
        auto words = split(l.substr(6, l.size() - 7), ' ');
        (std::find(words.begin(), words.end(), "selinux=0") != words.end() ? all_enabled : all_disabled) = false;
      }
      if (all_enabled != all_disabled) kernel_enabled = all_enabled;
    }
    if (state != "disabled" && policy.empty()) return failed_result("Policy is required if state is not 'disabled'");
    if (policy.empty()) policy = config_policy.value_or("");

    bool changed = false, reboot_required = false;
    std::vector<std::string> msgs;
    Value warnings = Value::array();
    std::string steps;
    if (policy != runtime_policy) {
      if (ctx.check_mode) return Value{{"changed", true}};
      msgs.push_back("Running SELinux policy changed from '" + runtime_policy + "' to '" + policy + "'");
      changed = true;
    }
    if (!config_policy || policy != *config_policy) {
      if (ctx.check_mode) return Value{{"changed", true}};
      if (!read.has("policy_exists")) return failed_result("Policy " + policy + " does not exist in /etc/selinux/");
      lines = with_value(lines, "SELINUXTYPE", policy);
      msgs.push_back("SELinux policy configuration in '" + conf + "' changed from '" + config_policy.value_or("None") +
                     "' to '" + policy + "'");
      changed = true;
    }
    if (state != runtime_state) {
      if (runtime_enabled && state == "disabled") {
        if (runtime_state != "permissive") {
          steps += command_step({"setenforce", "0"});
          warnings.push_back("SELinux state temporarily changed from '" + runtime_state +
                             "' to 'permissive'. State change will take effect next reboot.");
          changed = true;
        } else {
          warnings.push_back("SELinux state change will take effect next reboot");
        }
        reboot_required = true;
      } else if (runtime_enabled) {
        steps += command_step({"setenforce", state == "enforcing" ? "1" : "0"});
        msgs.push_back("SELinux state changed from '" + runtime_state + "' to '" + state + "'");
        changed = true;
      } else {
        warnings.push_back("Reboot is required to set SELinux state to '" + state + "'");
        reboot_required = true;
      }
    }
    if (!config_state || state != *config_state) {
      lines = with_value(lines, "SELINUX", state);
      msgs.push_back("Config SELinux state changed from '" + config_state.value_or("None") + "' to '" + state + "'");
      changed = true;
    }
    const bool want_kernel = state == "enforcing" || state == "permissive";
    if (kernel && kernel_enabled != std::optional<bool>(want_kernel)) {
      steps += command_step({read.get("grubby"), "--update-kernel=ALL", want_kernel ? "--remove-args" : "--args", "selinux=0"});
      std::string from = !kernel_enabled ? "<inconsistent>" : want_kernel ? "disabled" : "enabled";
      msgs.push_back("Kernel SELinux state changed from '" + from + "' to '" + (want_kernel ? "enabled" : "disabled") + "'");
      changed = true;
    }
    std::string new_text;
    for (const auto& l : lines) new_text += l + "\n";
    if (!ctx.check_mode && (new_text != text || !steps.empty())) {
      std::string body = std::string(kCommandStepFunction) + steps;
      if (new_text != text)
        body += "_t=$(mktemp \"$(dirname -- \"$conf\")/.selinux.XXXXXX\") && cp -p -- \"$conf\" \"$_t\" && printf '%s' \"$new\" > \"$_t\""
                " && mv -f -- \"$_t\" \"$conf\" || _fail \"cannot write $conf\"\n";
      failure = command_steps_failure(
          run_answer_script(ctx, shell_assign("conf", conf) + shell_assign("new", new_text) + body));
      if (!failure.is_null()) return failure;
    }
    Value r{{"changed", changed}, {"msg", join(msgs, ", ")}, {"configfile", conf}, {"policy", policy},
            {"state", state}, {"reboot_required", reboot_required}};
    if (!warnings.empty()) r["warnings"] = warnings;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration selinux_registration({"selinux", "ansible.posix.selinux"}, make_module<SelinuxModule>);

}  // namespace drover
