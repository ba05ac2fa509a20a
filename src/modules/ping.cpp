// ping: proves that drover can log in and run a command on the host
// (ansible.builtin.ping); data=crash fails on purpose, as Ansible's does.
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

class PingModule : public Module {
 public:
  PingModule() { spec_.options = {opt("data").def("pong")}; }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    std::string data = args.str("data");
    if (data == "crash") {
      // Ansible's module raises; the result is its "MODULE FAILURE" with
      // the traceback's last line.
      return Value{{"changed", false}, {"failed", true}, {"module_stdout", ""},
                   {"module_stderr", "Traceback (most recent call last):\n  File \"ansible/modules/ping.py\", line 79, in main\n"
                                     "Exception: boom\n"},
                   {"msg", "MODULE FAILURE\nSee stdout/stderr for the exact error"}, {"rc", 1}};
    }
    // One round trip proves what Ansible's ping proves: we can log in and
    // run something.
    ExecOptions opts;
    opts.become = ctx.become;
    ExecResult res = ctx.connection->exec("echo pong", opts);
    if (res.exit_status != 0)
      return failed_result("ping failed on the target: " + rstrip_newlines(res.err));
    return Value{{"ping", data}, {"changed", false}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration ping_registration({"ping"}, make_module<PingModule>);

}  // namespace drover
