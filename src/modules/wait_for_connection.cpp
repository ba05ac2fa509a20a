// wait_for_connection: waits until the host answers again
// (ansible.builtin.wait_for_connection), e.g. after a reboot. After `delay`
// seconds it reconnects and runs a trivial command, every `sleep` seconds
// until one works or `timeout` seconds have passed. The executor leaves the
// connecting to this module (Module::connects_itself), so a host that is
// down when the task starts is waited for, not reported unreachable.
// connect_timeout is accepted; each attempt uses the host's own connect
// timeout.
#include <algorithm>
#include <chrono>

#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

class WaitForConnectionModule : public Module {
 public:
  WaitForConnectionModule() {
    spec_.options = {opt("connect_timeout", OptionType::integer).def(5), opt("delay", OptionType::integer).def(0),
                     opt("sleep", OptionType::integer).def(1), opt("timeout", OptionType::integer).def(600)};
  }
  const ArgSpec& spec() const override { return spec_; }
  bool connects_itself() const override { return true; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    using Clock = std::chrono::steady_clock;
    auto start = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    double timeout = static_cast<double>(args["timeout"].get<int64_t>());
    double pause = static_cast<double>(std::max<int64_t>(args["sleep"].get<int64_t>(), 0));
    if (ctx.check_mode) return Value{{"changed", false}, {"elapsed", 0}};
    if (!wait_unless_cancelled(ctx.cancel, static_cast<double>(args["delay"].get<int64_t>())))
      return failed_result("cancelled");
    std::string last_error;
    for (;;) {
      try {
        // A fresh session each time: the old one may be dead without
        // knowing it yet (the host rebooted).
        ctx.connection->close();
        ctx.connection->connect();
        ExecOptions opts;
        opts.timeout_s = std::max(1, static_cast<int>(args["connect_timeout"].get<int64_t>()));
        ExecResult res = ctx.connection->exec("true", opts);
        if (res.exit_status == 0)
          return Value{{"changed", false}, {"elapsed", static_cast<int64_t>(elapsed())}};
        last_error = "the test command exited with " + std::to_string(res.exit_status);
      } catch (const CancelledError&) {
        throw;
      } catch (const Error& e) {
        last_error = e.message();
      }
      if (elapsed() + pause >= timeout) break;
      if (!wait_unless_cancelled(ctx.cancel, pause)) return failed_result("cancelled");
    }
    Value r = failed_result("timed out waiting for ping module test: " + last_error);
    r["elapsed"] = static_cast<int64_t>(elapsed());
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration wait_for_connection_registration({"wait_for_connection"},
                         make_module<WaitForConnectionModule>);

}  // namespace drover
