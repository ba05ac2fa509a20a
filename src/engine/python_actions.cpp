#include "engine/python_actions.hpp"

#include <algorithm>
#include <filesystem>

#include "core/strings.hpp"
#include "engine/connection_vars.hpp"
#include "engine/playbook.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

// Where python_play_context hands the executor's fallback variables to run().
const char* const kFallbackKey = "drover_connection_fallback";
const char* const kDelegateKey = "drover_delegate_to";

class PythonActionModule : public Module {
 public:
  PythonActionModule(std::string name, std::string path, std::vector<std::string> collections,
                     std::shared_ptr<PythonActionRuntime> runtime)
      : name_(std::move(name)), path_(std::move(path)), collections_(std::move(collections)),
        runtime_(std::move(runtime)) {}

  // The plugin checks its own arguments.
  const ArgSpec& spec() const override { return ArgSpec::any(); }
  // The plugin's connection is Python's own.
  bool needs_connection() const override { return false; }
  bool needs_play_context() const override { return true; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    // The task's variables as the plugin sees them (each templated; one
    // that fails to template is left out, as for Python lookups).
    Value pc = ctx.play_context.is_object() ? ctx.play_context : Value::object();
    // TaskExecutor's delegation (the delegated host's variables as the
    // connection's) is not passed on yet: refused rather than run on the
    // wrong host.
    if (pc.contains(kDelegateKey))
      return failed_result("delegate_to (" + to_display_string(pc[kDelegateKey]) + ") is not supported for action " +
                           name_ + ", an action plugin drover runs in the controller's Python");
    Value fallback = pc.contains(kFallbackKey) ? pc[kFallbackKey] : Value::object();
    pc.erase(kFallbackKey);
    Value variables = Value::object();
    if (ctx.vars)
      for (const auto& n : ctx.vars->names()) {
        try {
          const Value* v = ctx.vars->lookup(n);
          if (v && !(fallback.is_object() && fallback.contains(n) && fallback[n] == *v)) variables[n] = *v;
        } catch (const std::exception&) {
        }
      }
    Value& kw = pc["keywords"];
    if (!kw.is_object()) kw = Value::object();
    kw["check_mode"] = ctx.check_mode;
    kw["diff"] = ctx.diff_mode;
    kw["no_log"] = ctx.no_log;
    std::string basedir = ctx.search_path.empty() ? fs::current_path().string() : ctx.search_path.back();
    Value dirs = Value::array();
    for (const auto& d : runtime_->plugin_dirs()) dirs.push_back(d);
    Value colls = Value::array();
    for (const auto& c : collections_) colls.push_back(c);
    Value req = {{"kind", "action"},   {"name", name_},       {"args", args},
                 {"collections", colls}, {"variables", variables}, {"play_context", pc},
                 {"basedir", basedir},  {"playbook_paths", Value::array({basedir})}, {"plugin_dirs", dirs}};
    std::string why;
    std::optional<Value> answer = runtime_->worker().ask(req, why);
    if (answer && answer->is_object() && answer->contains("ran") && (*answer)["ran"].is_object())
      return (*answer)["ran"];
    if (answer && answer->is_object() && answer->contains("error"))
      why = (*answer)["error"].value("message", "");
    return failed_result("the Python running action plugin " + name_ + " (" + path_ + ", " +
                         runtime_->worker().python() + ") failed: " + why);
  }

 private:
  std::string name_, path_;
  std::vector<std::string> collections_;
  std::shared_ptr<PythonActionRuntime> runtime_;
};

}  // namespace

void PythonActionRuntime::add_plugin_dir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(plugin_dirs_.begin(), plugin_dirs_.end(), dir) == plugin_dirs_.end()) plugin_dirs_.push_back(dir);
}

std::vector<std::string> PythonActionRuntime::plugin_dirs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return plugin_dirs_;
}

std::unique_ptr<Module> make_python_action(std::string name, std::string plugin_path,
                                           std::vector<std::string> collections,
                                           std::shared_ptr<PythonActionRuntime> runtime) {
  return std::make_unique<PythonActionModule>(std::move(name), std::move(plugin_path), std::move(collections),
                                              std::move(runtime));
}

Value python_play_context(const std::function<const Value&(Value Keywords::*)>& keyword,
                          const ConnectionOptions& cli, int verbosity, const Value& fallback,
                          const std::optional<std::string>& delegate_to, const tmpl::Engine& templar,
                          tmpl::VariableSource& vars) {
  Value kw = Value::object();
  for (auto [name, member] : {std::pair{"become", &Keywords::become},
                              {"become_user", &Keywords::become_user},
                              {"become_method", &Keywords::become_method},
                              {"become_exe", &Keywords::become_exe},
                              {"become_flags", &Keywords::become_flags},
                              {"connection", &Keywords::connection},
                              {"remote_user", &Keywords::remote_user},
                              {"port", &Keywords::port},
                              {"timeout", &Keywords::timeout},
                              {"environment", &Keywords::environment}}) {
    const Value& v = keyword(member);
    if (!v.is_null()) kw[name] = templar.render_value(v, vars);
  }
  // Ansible's CLIARGS keys for what drover's command line says.
  Value c = Value::object();
  c["verbosity"] = verbosity;
  if (cli.remote_user) c["remote_user"] = *cli.remote_user;
  if (cli.private_key_file) c["private_key_file"] = *cli.private_key_file;
  if (cli.connection) c["connection"] = *cli.connection;
  if (cli.timeout) c["timeout"] = *cli.timeout;
  if (cli.ssh_common_args) c["ssh_common_args"] = *cli.ssh_common_args;
  if (cli.ssh_extra_args) c["ssh_extra_args"] = *cli.ssh_extra_args;
  if (cli.become) c["become"] = *cli.become;
  if (cli.become_method) c["become_method"] = *cli.become_method;
  if (cli.become_user) c["become_user"] = *cli.become_user;
  Value passwords = Value::object();
  if (cli.password) passwords["conn_pass"] = *cli.password;
  if (cli.become_password) passwords["become_pass"] = *cli.become_password;
  Value pc{{"keywords", kw}, {"cli", c}, {"passwords", passwords}, {kFallbackKey, fallback}};
  if (delegate_to) pc[kDelegateKey] = *delegate_to;
  return pc;
}

}  // namespace drover
