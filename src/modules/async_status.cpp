// async_status: the state of an async job started by a task with `async:`
// and `poll: 0` (ansible.builtin.async_status), read from its job file on
// the target (async_job.hpp); mode=cleanup removes the file.
#include "modules/async_job.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

class AsyncStatusModule : public Module {
 public:
  AsyncStatusModule() {
    spec_.options = {opt("jid").req(), opt("mode").def("status").one_of({"status", "cleanup"})};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::string jid = args["jid"].get<std::string>();
    bool cleanup = args["mode"] == "cleanup";
    // What Ansible's action plugin starts from before the module's answer.
    Value r = {{"started", 0}, {"finished", 0}, {"stdout", ""}, {"stderr", ""}, {"stdout_lines", Value::array()},
               {"stderr_lines", Value::array()}, {"ansible_job_id", jid}};
    Value data = read_async_job(*ctx.connection, jid, cleanup, ctx.become);
    if (!cleanup && !data.value("failed", false)) r["started"] = 1;
    for (auto it = data.begin(); it != data.end(); ++it) r[it.key()] = it.value();
    if (!r.contains("changed")) r["changed"] = false;
    r.erase("stdout_lines");
    r.erase("stderr_lines");
    add_output_lines(r);
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration async_status_registration({"async_status"},
                         make_module<AsyncStatusModule>);

}  // namespace drover
