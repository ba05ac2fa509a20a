// reboot: reboots the host and waits until it is back (ansible.builtin.reboot,
// ansible-core 2.14's action plugin). The boot is told apart by the boot
// time command's answer (default: the kernel's boot_id), read before the
// reboot command and then, on a fresh session each time, until it differs;
// then the test command (default `whoami`) must succeed. Retries back off as
// Ansible's do (2^n seconds plus up to one, at most 12) until reboot_timeout.
// The reboot command is `shutdown -r DELAY_MIN "MSG"` (Alpine: `reboot`), or
// reboot_command; a command without a slash is looked up in search_paths on
// the target as Ansible's find does. Check mode reboots nothing and reports
// changed, rebooted; a local connection is refused (it would reboot the
// controller). The result: changed, elapsed (seconds), rebooted.
#include <chrono>
#include <cmath>
#include <functional>
#include <random>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"
#include "transport/interrupt.hpp"

namespace drover {
namespace {

// Which command reboots: the first entry named $name in the search paths
// (absolute names are taken as they are), and the distribution's default
// arguments.
constexpr const char* kFindBody = R"SH(
if [ -f /etc/alpine-release ]; then _out distribution alpine
elif [ -f /etc/os-release ] && grep -qi '^ID="*void' /etc/os-release; then _out distribution void
fi
[ -n "$name" ] || exit 0
case $name in /*) _out path "$name"; exit 0 ;; esac
for _d in $paths; do
  for _f in "$_d"/$name; do
    if [ -e "$_f" ] || [ -L "$_f" ]; then _out path "$_f"; exit 0; fi
  done
done
exit 0
)SH";

using Clock = std::chrono::steady_clock;

// Python's repr of a list of strings: ['/sbin', '/bin'].
std::string python_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& s : items) out += (out.size() > 1 ? ", '" : "'") + s + "'";
  return out + "]";
}

class RebootModule : public Module {
 public:
  RebootModule() {
    spec_.options = {
        opt("boot_time_command").def("cat /proc/sys/kernel/random/boot_id"),
        opt("connect_timeout", OptionType::integer),
        opt("msg").def("Reboot initiated by Ansible"),
        opt("post_reboot_delay", OptionType::integer).def(0),
        opt("pre_reboot_delay", OptionType::integer).def(0),
        opt("reboot_command"),
        opt("reboot_timeout", OptionType::integer).def(600),
        opt("search_paths", OptionType::list).of(OptionType::str)
            .def(Value::array({"/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin"})),
        opt("test_command").def("whoami"),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs args(validated);
    if (ctx.connection->spec().type == "local")
      return Value{{"changed", false}, {"elapsed", 0}, {"rebooted", false}, {"failed", true},
                   {"msg", "Running reboot with local connection would reboot the control node."}};
    if (ctx.check_mode) return Value{{"changed", true}, {"elapsed", 0}, {"rebooted", true}};

    const std::string boot_time_command = args.str("boot_time_command");
    const std::string test_command = args.str("test_command");
    std::string previous;
    if (std::string err = boot_time(ctx, boot_time_command, previous); !err.empty())
      return Value{{"changed", false}, {"failed", true}, {"reboot", false}, {"msg", err}};

    // The command and its arguments (get_shutdown_command / _args).
    std::string name = "shutdown", command_args;
    const bool custom = args.has("reboot_command");
    if (custom) {
      std::string rc = args.str("reboot_command");
      size_t sp = rc.find(' ');
      name = rc.substr(0, sp);
      command_args = sp == std::string::npos ? "" : rc.substr(sp + 1);
    }
    const std::vector<std::string> paths = args.strings("search_paths");
    std::string body = shell_assign("name", Value(name)) + shell_assign("paths", Value(join(paths, " "))) + kFindBody;
    ScriptAnswer found = run_answer_script(ctx, body);
    if (Value f = script_failure(found); !f.is_null()) return f;
    const std::string distribution = found.get("distribution");
    if (!custom) {
      const int64_t delay = std::max<int64_t>(args.integer("pre_reboot_delay"), 0);
      const std::string msg = args.str("msg");
      if (distribution == "alpine") {
        name = "reboot";
        found = run_answer_script(ctx, shell_assign("name", Value(name)) +
                                           shell_assign("paths", Value(join(paths, " "))) + kFindBody);
      } else if (distribution == "void") {
        command_args = "-r +" + std::to_string(delay / 60) + " \"" + msg + "\"";
      } else {
        command_args = "-r " + std::to_string(delay / 60) + " \"" + msg + "\"";
      }
    }
    if (!found.has("path"))
      return Value{{"changed", false}, {"failed", true},
                   {"msg", "Unable to find command \"" + name + "\" in search paths: " + python_list(paths)}};

    // perform_reboot: a session cut by the going-down host counts as success.
    const auto start_wall = std::chrono::system_clock::now();
    const auto start = Clock::now();
    ExecOptions opts;
    opts.become = ctx.become;
    ExecResult res;
    res.exit_status = 0;
    try {
      res = ctx.connection->exec(found.get("path") + " " + command_args, opts);
      if (res.exit_status < 0 && !res.timed_out) res.exit_status = 0;  // the session died under it
    } catch (const UnreachableError&) {
      res = ExecResult{};
      res.exit_status = 0;
    }
    auto elapsed = [&] { return static_cast<int64_t>(std::chrono::duration<double>(Clock::now() - start).count()); };
    if (res.exit_status != 0)
      return Value{{"changed", false},
                   {"start", format_timestamp(start_wall)},
                   {"failed", true},
                   {"rebooted", false},
                   {"msg", "Reboot command failed. Error was: '" + trim(res.out) + ", " +
                               trim(res.err) + "'"},
                   {"elapsed", elapsed()}};

    if (!wait_unless_cancelled(ctx.cancel,
                               static_cast<double>(std::max<int64_t>(args.integer("post_reboot_delay"), 0))))
      return failed_result("cancelled");

    // validate_reboot: the boot time changes, then the test command works.
    const int64_t timeout = args.integer("reboot_timeout");
    auto boot_changed = [&]() -> std::string {
      reconnect(ctx);
      std::string now;
      if (std::string err = boot_time(ctx, boot_time_command, now); !err.empty()) return err;
      if (now.empty() || now == previous) return "boot time has not changed";
      return "";
    };
    auto test_works = [&]() -> std::string {
      if (!ctx.connection->connected()) reconnect(ctx);
      ExecResult t = ctx.connection->exec(test_command, opts);
      if (t.exit_status != 0) return "Test command failed: " + t.err + " " + t.out;
      return "";
    };
    for (auto [step, desc] : {std::pair<std::function<std::string()>, const char*>{boot_changed, "last boot time check"},
                              {test_works, "post-reboot test command"}}) {
      if (!until_success(ctx, step, timeout)) {
        if (ctx.cancel && ctx.cancel->load()) return failed_result("cancelled");
        return Value{{"changed", false},
                     {"failed", true},
                     {"rebooted", true},
                     {"msg", std::string("Timed out waiting for ") + desc + " (timeout=" + std::to_string(timeout) + ")"},
                     {"elapsed", elapsed()}};
      }
    }
    return Value{{"changed", true}, {"elapsed", elapsed()}, {"rebooted", true}};
  }

 private:
  // The boot time command's stdout, stripped; or the failure message.
  static std::string boot_time(ModuleContext& ctx, const std::string& command, std::string& out) {
    ExecOptions opts;
    opts.become = ctx.become;
    ExecResult r = ctx.connection->exec(command, opts);
    if (r.exit_status != 0)
      return "reboot: failed to get host boot time info, rc: " + std::to_string(r.exit_status) +
             ", stdout: " + r.out + ", stderr: " + r.err;
    out = trim(r.out);
    return "";
  }

  // A fresh session: the old one may be dead without knowing it yet.
  static void reconnect(ModuleContext& ctx) {
    ctx.connection->close();
    ctx.connection->connect();
  }

  // do_until_success_or_timeout: `step` returns "" on success; a lost or
  // refused connection counts as a failed try.
  static bool until_success(ModuleContext& ctx, const std::function<std::string()>& step, int64_t timeout) {
    const auto end = Clock::now() + std::chrono::seconds(timeout);
    std::minstd_rand jitter(static_cast<unsigned>(Clock::now().time_since_epoch().count()));
    for (int fails = 0; Clock::now() < end; ++fails) {
      try {
        if (step().empty()) return true;
      } catch (const CancelledError&) {
        throw;
      } catch (const Error&) {
        try {
          ctx.connection->close();
        } catch (const Error&) {
        }
      }
      double random = static_cast<double>(jitter() % 1001) / 1000.0;
      double pause = std::pow(2.0, std::min(fails, 4)) + random;
      if (pause > 12) pause = 12 + random;
      if (!wait_unless_cancelled(ctx.cancel, pause)) return false;
    }
    return false;
  }

  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration reboot_registration({"reboot"}, make_module<RebootModule>);

}  // namespace drover
