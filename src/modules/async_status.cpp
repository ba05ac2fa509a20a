// async_status: the state of an async job started by a task with `async:`
// and `poll: 0` (ansible.builtin.async_status), read from its job file on
// the target (async_job.hpp); mode=cleanup removes the file.
#include "modules/async_job.hpp"
#include "modules/module_json_result.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

// A finished job of a module that answers in JSON: its answer, with the
// job's own fields (id, started, finished, results_file).
Value module_answer(Value data) {
  data.erase(kAsyncModuleOutput);
  if (!truthy(data.value("finished", Value(0))) || data.value("msg", "") == "Timeout exceeded") return data;
  ExecResult er;
  er.exit_status = data.value("rc", 0);
  er.out = data.value("stdout", "");
  er.err = data.value("stderr", "");
  Value answer = parse_async_module_output(er, data.value("cmd", ""));
  for (const char* k : {"ansible_job_id", "started", "finished", "results_file"})
    if (data.contains(k)) answer[k] = data[k];
  return answer;
}

class AsyncStatusModule : public Module {
 public:
  AsyncStatusModule() {
    spec_.options = {opt("jid").req(), opt("mode").def("status").one_of({"status", "cleanup"})};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    std::string jid = args.str("jid");
    bool cleanup = args.str("mode") == "cleanup";
    // What Ansible's action plugin starts from before the module's answer.
    Value r = {{"started", 0}, {"finished", 0}, {"stdout", ""}, {"stderr", ""}, {"stdout_lines", Value::array()},
               {"stderr_lines", Value::array()}, {"ansible_job_id", jid}};
    std::optional<Value> dir;
    if (ctx.vars)
      if (const Value* v = ctx.vars->lookup("ansible_async_dir"))
        dir = ctx.templar ? ctx.templar->render_value(*v, *ctx.vars) : *v;
    Value data = read_async_job(*ctx.connection, jid, cleanup, ctx.become, async_dir_setting(dir ? &*dir : nullptr));
    if (!cleanup && !data.value("failed", false)) r["started"] = 1;
    if (data.contains(kAsyncModuleOutput)) {
      data = module_answer(data);
    } else {
      // The job file keeps the command's output as it was; command and
      // shell answer with it less its last newline.
      for (const char* k : {"stdout", "stderr"})
        if (data.contains(k) && data[k].is_string()) data[k] = rstrip_newlines(data[k].get<std::string>());
    }
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
