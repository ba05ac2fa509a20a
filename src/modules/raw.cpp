// raw: the command line as it is, through the login shell, no wrapping
// (ansible.builtin.raw). Ansible runs it under a pty, which merges stderr into
// stdout and adds "\r\n"; drover keeps the streams apart and the bytes as the
// command wrote them.
#include "core/strings.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

class RawModule : public Module {
 public:
  RawModule() { spec_.options = {opt("_raw_params").req(), opt("executable")}; }
  const ArgSpec& spec() const override { return spec_; }
  bool free_form() const override { return true; }
  bool prints_as_command() const override { return true; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::string cmd = args["_raw_params"].get<std::string>();
    if (args["executable"].is_string()) cmd = shell_quote(args["executable"].get<std::string>()) + " -c " + shell_quote(cmd);
    ExecOptions opts;
    opts.become = ctx.become;
    opts.timeout_s = ctx.timeout_s;
    ExecResult res = ctx.connection->exec(cmd, opts);
    return command_output_result(res);
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration raw_registration({"raw"}, make_module<RawModule>);

}  // namespace drover
