#include "modules/python_module.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/pyrepr.hpp"
#include "core/strings.hpp"
#include "modules/async_job.hpp"
#include "modules/interpreter_discovery.hpp"
#include "modules/module_json_result.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

// Run by the target's Python with -c; the arguments and the payload come on
// stdin: one line of JSON (digest, module, remote_tmp, args), then the zip
// when this host may not have it yet. The zip is unpacked once per user into
// remote_tmp (a scratch name renamed into place, so concurrent tasks on one
// machine never see half a tree; a directory another user could have made
// or changed is never used) and kept: Python caches the bytecode it
// compiles beside the sources, which is most of a module's start-up cost
// (~150 ms of CPU for basic.py and its imports here). Then the module runs
// as AnsiballZ runs it: basic._ANSIBLE_ARGS set, runpy as __main__.
constexpr const char* kBootstrap = R"PY(import sys, os, json
def _drover_main():
    data = sys.stdin.buffer.read()
    nl = data.find(b'\n')
    head = json.loads(data[:nl].decode('utf-8'))
    tmp = os.path.expanduser(os.path.expandvars(head['remote_tmp']))
    lib = os.path.join(tmp, 'drover-modlib-%d-%s' % (os.getuid(), head['digest']))
    try:
        st = os.lstat(lib)
    except OSError:
        st = None
    # Only a directory of this user's, writable by no one else, is trusted
    # (remote_tmp may be a shared directory such as /tmp).
    if st is None or not os.path.isdir(lib) or os.path.islink(lib) or st.st_uid != os.getuid() or st.st_mode & 0o022:
        if len(data) <= nl + 1:
            sys.stdout.write('\x1edrover-payload-missing\x1e\n')
            sys.exit(3)
        import atexit, io, shutil, tempfile, zipfile
        if not os.path.isdir(tmp):
            os.makedirs(tmp, 0o700)
        stage = tempfile.mkdtemp(prefix='.drover-modlib-', dir=tmp)
        zipfile.ZipFile(io.BytesIO(data[nl + 1:])).extractall(stage)
        try:
            if st is not None:
                raise OSError('not ours')
            os.rename(stage, lib)
        except OSError:
            lib = stage
            atexit.register(shutil.rmtree, stage, True)
    del data
    sys.path.insert(0, lib)
    from ansible.module_utils import basic
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': head['args']}).encode('utf-8')
    import runpy
    runpy.run_module(head['module'], init_globals=dict(_module_fqn=head['module'], _modlib_path=lib),
                     run_name='__main__', alter_sys=True)
_drover_main()
)PY";

constexpr const char* kPayloadMissing = "\x1e" "drover-payload-missing\x1e";

// Old-style, WANT_JSON and binary modules: the arguments file's bytes as
// base64 on the first stdin line (read by `read`, which never reads past
// the newline), then the module's bytes. Both go to a private directory
// under remote_tmp, removed when the module ends, as Ansible's are.
constexpr const char* kFileModuleScript = R"SH(umask 77
t=%TMP% && mkdir -p "$t" && d=$(mktemp -d "$t/ansible-tmp-drover.XXXXXXXX") || exit 1
IFS= read -r a && printf '%s\n' "$a" | base64 -d > "$d/args" && cat > "$d/%NAME%" && chmod 700 "$d/%NAME%" || { rm -rf "$d"; exit 1; }
%RUN%; rc=$?
rm -rf "$d"
exit $rc)SH";

std::string base64(std::string_view in) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += tbl[(v >> s) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += i + 1 < in.size() ? tbl[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

std::string dump_line(const Value& v) { return v.dump(-1, ' ', false, Value::error_handler_t::replace); }

// A variable of the task, templated.
std::optional<Value> task_var(ModuleContext& ctx, std::string_view name) {
  if (!ctx.vars) return std::nullopt;
  const Value* v = ctx.vars->lookup(name);
  if (!v || v->is_null()) return std::nullopt;
  if (ctx.templar && is_templated(*v)) return ctx.templar->render_value(*v, *ctx.vars);
  return *v;
}

std::string task_var_string(ModuleContext& ctx, std::string_view name) {
  auto v = task_var(ctx, name);
  return v ? trim(to_display_string(*v)) : "";
}

// Ansible's remote_tmp: ansible_remote_tmp, ANSIBLE_REMOTE_TMP, ~/.ansible/tmp.
std::string remote_tmp(ModuleContext& ctx) {
  std::string t = task_var_string(ctx, "ansible_remote_tmp");
  if (t.empty()) t = task_var_string(ctx, "ansible_shell_remote_tmp");
  if (t.empty())
    if (const char* env = std::getenv("ANSIBLE_REMOTE_TMP"); env && *env) t = env;
  return t.empty() ? "~/.ansible/tmp" : t;
}

// remote_tmp for the shell: ~ and $HOME stay expandable, the rest quoted.
std::string shell_path(const std::string& path) {
  if (starts_with(path, "~/")) return "\"$HOME\"/" + shell_quote(path.substr(2));
  if (path == "~") return "\"$HOME\"";
  return shell_quote(path);
}

struct Interpreter {
  std::string path;
  bool found = true;
  std::string discovered;  // set when this task discovered it (returned as a fact)
  std::vector<std::string> warnings;
  std::vector<std::string> tried;
};

// Which Python runs the module (Ansible's _get_shebang for "python").
Interpreter python_interpreter(ModuleContext& ctx, std::map<std::string, std::string>& memo, std::mutex& mu) {
  Interpreter in;
  std::string configured = task_var_string(ctx, "ansible_python_interpreter");
  if (configured.empty())
    if (const char* env = std::getenv("ANSIBLE_PYTHON_INTERPRETER"); env && *env) configured = env;
  if (!is_discovery_mode(configured)) {
    in.path = configured;
    return in;
  }
  if (auto facts = task_var(ctx, "ansible_facts"); facts && facts->is_object() &&
                                                    facts->contains("discovered_interpreter_python")) {
    in.path = to_display_string((*facts)["discovered_interpreter_python"]);
    return in;
  }
  std::string where = ctx.connection ? ctx.connection->spec().name : ctx.host;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = memo.find(where); it != memo.end()) {
      in.path = it->second;
      return in;
    }
  }
  std::vector<std::string> fallback = default_python_fallback();
  if (auto v = task_var(ctx, "ansible_interpreter_python_fallback"); v && v->is_array()) {
    fallback.clear();
    for (const auto& e : *v) fallback.push_back(to_display_string(e));
  }
  // Discovery runs in the foreground even for an async task, and without
  // become (Ansible's sudoable=False).
  Connection* conn = ctx.connection;
  if (auto* async = dynamic_cast<AsyncJobConnection*>(conn)) conn = &async->target();
  ExecResult r = conn->exec(discovery_command(fallback));
  DiscoveredInterpreter d = decide_interpreter(r.out, ctx.host, configured.empty() ? "auto" : configured, fallback);
  in.path = d.path;
  in.found = d.found;
  in.warnings = d.warnings;
  in.tried = fallback;
  if (d.found) {
    in.discovered = d.path;
    std::lock_guard<std::mutex> lock(mu);
    memo[where] = d.path;
  }
  return in;
}

// The shebang's interpreter and its arguments.
std::pair<std::string, std::string> shebang_of(const std::string& source) {
  if (!starts_with(source, "#!")) return {"", ""};
  std::string line = trim(source.substr(2, source.find('\n') - 2));
  auto sp = line.find_first_of(" \t");
  if (sp == std::string::npos) return {line, ""};
  return {line.substr(0, sp), trim(line.substr(sp))};
}

std::string basename_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Old-style modules read `k=v k2='v 2'` (Ansible: str(v), shell-quoted).
std::string old_style_args(const Value& args) {
  std::string out;
  for (auto it = args.begin(); it != args.end(); ++it) {
    const Value& v = it.value();
    std::string text = v.is_string() ? v.get<std::string>() : v.is_boolean() ? (v.get<bool>() ? "True" : "False")
                                                                              : v.is_null() ? "None" : python_repr(v);
    out += it.key() + "=" + shell_quote(text) + " ";
  }
  return out;
}

std::string no_python_message(const std::string& module, const std::string& host,
                              const std::vector<std::string>& tried) {
  std::vector<std::string> native;
  for (const auto& n : module_names())
    if (const ModuleEntry* e = find_module(n); e && e->module->needs_connection()) native.push_back(n);
  return "module '" + module + "' is not native to drover and needs Python on the target, but no Python interpreter "
         "was found on host " + host + " (tried " + join(tried, ", ") +
         "). Install Python there, set ansible_python_interpreter, or use a module drover runs without Python: " +
         join(native, ", ") + ".";
}

class PythonModule final : public Module {
 public:
  PythonModule(ModuleFile file, std::shared_ptr<PythonModuleRuntime> rt) : file_(std::move(file)), rt_(std::move(rt)) {}

  const ArgSpec& spec() const override { return ArgSpec::any(); }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::call_once(load_once_, [this] {
      std::ifstream in(file_.path, std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      source_ = s.str();
      style_ = module_style(source_);
    });
    Value module_args = with_internal_args(args, ctx);
    auto [shebang, shebang_args] = shebang_of(source_);
    bool python = style_ == ModuleStyle::new_python || basename_of(shebang) == "python";
    Interpreter interp;
    if (python) {
      interp = python_interpreter(ctx, discovered_, mu_);
      if (!interp.found) {
        Value r = failed_result(no_python_message(file_.name, ctx.host, interp.tried));
        if (!interp.warnings.empty()) r["warnings"] = interp.warnings;
        return r;
      }
    } else if (!shebang.empty()) {
      interp.path = task_var_string(ctx, "ansible_" + basename_of(shebang) + "_interpreter");
      if (interp.path.empty()) interp.path = shebang;
    }
    Value result = style_ == ModuleStyle::new_python ? run_new_style(module_args, ctx, interp.path)
                                                      : run_file_module(module_args, ctx, interp.path, shebang_args);
    if (!interp.discovered.empty()) {
      if (!result.contains("ansible_facts") || !result["ansible_facts"].is_object())
        result["ansible_facts"] = Value::object();
      result["ansible_facts"]["discovered_interpreter_python"] = interp.discovered;
    }
    if (!interp.warnings.empty()) {
      if (!result.contains("warnings") || !result["warnings"].is_array()) result["warnings"] = Value::array();
      for (const auto& w : interp.warnings) result["warnings"].push_back(w);
    }
    return result;
  }

 private:
  // The arguments Ansible adds for every module (ActionBase._update_module_args, 2.14).
  Value with_internal_args(const Value& args, ModuleContext& ctx) const {
    Value a = args.is_object() ? args : Value::object();
    a["_ansible_check_mode"] = ctx.check_mode;
    a["_ansible_no_log"] = ctx.no_log;
    a["_ansible_debug"] = false;
    a["_ansible_diff"] = ctx.diff_mode;
    a["_ansible_verbosity"] = ctx.verbosity;
    a["_ansible_version"] = rt_->ansible_version();
    a["_ansible_module_name"] = file_.name;
    std::string facility = task_var_string(ctx, "ansible_syslog_facility");
    a["_ansible_syslog_facility"] = facility.empty() ? "LOG_USER" : facility;
    a["_ansible_selinux_special_fs"] = Value::array({"fuse", "nfs", "vboxsf", "ramfs", "9p", "vfat"});
    a["_ansible_string_conversion_action"] = "warn";
    a["_ansible_socket"] = nullptr;
    a["_ansible_shell_executable"] = "/bin/sh";
    a["_ansible_keep_remote_files"] = false;
    // Pipelined, as Ansible with pipelining: no task directory; the module
    // makes one under remote_tmp when it needs it.
    a["_ansible_tmpdir"] = nullptr;
    a["_ansible_remote_tmp"] = remote_tmp(ctx);
    return a;
  }

  Value run_new_style(const Value& module_args, ModuleContext& ctx, const std::string& interpreter) const {
    std::shared_ptr<const PythonPayload> payload = rt_->payload(file_, source_);
    std::string where = (ctx.connection ? ctx.connection->spec().name : ctx.host) + "\n" +
                        (ctx.become ? ctx.become->user : "") + "\n" + interpreter;
    Value head = {{"digest", payload->digest},
                  {"module", payload->module_fqn},
                  {"remote_tmp", module_args["_ansible_remote_tmp"]},
                  {"args", module_args}};
    std::string line = dump_line(head) + "\n";
    std::string command = interpreter + " -c " + shell_quote(kBootstrap);
    // The payload is sent only when the target says it lacks it: the
    // unpacked tree outlives the run (a second round trip, once per host,
    // user and payload, the first time ever; none in a fleet's steady
    // state). Within a run, a host that had to be sent it once gets it
    // with the command (its remote_tmp may not keep it).
    // An async job cannot answer "missing" before it is detached: it
    // always gets the payload.
    bool send = rt_->always_send(payload->digest, where) || dynamic_cast<AsyncJobConnection*>(ctx.connection);
    ExecResult r = run_script(ctx, command, send ? line + payload->zip : line);
    if (!send && r.out.find(kPayloadMissing) != std::string::npos) {
      rt_->mark_always_send(payload->digest, where);
      r = run_script(ctx, command, line + payload->zip);
    }
    if (!r.become_error.empty()) return failed_result(r.become_error);
    if (r.timed_out) return failed_result("The module " + file_.name + " timed out");
    return module_answer(r, ctx, interpreter, interpreter + " -c <bootstrap of " + payload->module_fqn + ">");
  }

  // Under async, async_wrapper reads the module's output (its own failure
  // when that is not JSON); otherwise the action plugin does.
  static Value module_answer(const ExecResult& r, const ModuleContext& ctx, const std::string& interpreter,
                             const std::string& cmd) {
    if (dynamic_cast<AsyncJobConnection*>(ctx.connection)) return parse_async_module_output(r, cmd);
    return parse_module_output(r, interpreter);
  }

  // Old-style, WANT_JSON, JSONARGS and binary modules: written to a file
  // and run with their arguments file, as Ansible runs them.
  Value run_file_module(const Value& module_args, ModuleContext& ctx, const std::string& interpreter,
                        const std::string& interpreter_args) const {
    std::string module = source_;
    std::string args_text;
    if (style_ == ModuleStyle::old_style)
      args_text = old_style_args(module_args);
    else
      args_text = module_args.dump(-1, ' ', false, Value::error_handler_t::replace);
    std::string run;
    if (!interpreter.empty()) run = interpreter + (interpreter_args.empty() ? "" : " " + interpreter_args) + " ";
    run += "\"$d\"/" + shell_quote(file_.short_name);
    if (style_ == ModuleStyle::jsonargs) {
      replace_all(module, "<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>", args_text);
      replace_all(module, "\"<<ANSIBLE_VERSION>>\"", python_string_repr(rt_->ansible_version()));
      replace_all(module, "<<ANSIBLE_VERSION>>", python_string_repr(rt_->ansible_version()));
      replace_all(module, "<<INCLUDE_ANSIBLE_MODULE_COMPLEX_ARGS>>", python_string_repr(args_text));
      replace_all(module, "<<SELINUX_SPECIAL_FILESYSTEMS>>", "fuse,nfs,vboxsf,ramfs,9p,vfat");
    } else {
      run += " \"$d\"/args";
    }
    std::string script = kFileModuleScript;
    replace_all(script, "%TMP%", shell_path(to_display_string(module_args["_ansible_remote_tmp"])));
    replace_all(script, "%NAME%", shell_quote(file_.short_name));
    replace_all(script, "%RUN%", run);
    ExecResult r = run_script(ctx, script, base64(args_text) + "\n" + module);
    if (!r.become_error.empty()) return failed_result(r.become_error);
    if (r.timed_out) return failed_result("The module " + file_.name + " timed out");
    return module_answer(r, ctx, interpreter, run);
  }

  ModuleFile file_;
  std::shared_ptr<PythonModuleRuntime> rt_;
  mutable std::once_flag load_once_;
  mutable std::string source_;
  mutable ModuleStyle style_ = ModuleStyle::old_style;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::string> discovered_;  // connection name -> interpreter, this run
};

}  // namespace

std::shared_ptr<const PythonPayload> PythonModuleRuntime::payload(const ModuleFile& file, const std::string& source) {
  // Built under the lock: the run's hosts all reach their first task of a
  // module at once, and one build serves them all.
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = payloads_.find(file.path); it != payloads_.end()) return it->second;
  auto built = std::make_shared<const PythonPayload>(
      build_python_payload(source, payload_module_fqn(file.short_name, file.collection), roots_));
  return payloads_.emplace(file.path, std::move(built)).first->second;
}

void PythonModuleRuntime::add_module_utils_dir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  roots_.module_utils_dirs.insert(roots_.module_utils_dirs.begin(), dir);
}

void PythonModuleRuntime::add_collection_root(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  roots_.collection_roots.insert(roots_.collection_roots.begin(), dir);
}

bool PythonModuleRuntime::always_send(const std::string& digest, const std::string& where) const {
  std::lock_guard<std::mutex> lock(mu_);
  return always_send_.count(digest + "\n" + where) > 0;
}

void PythonModuleRuntime::mark_always_send(const std::string& digest, const std::string& where) {
  std::lock_guard<std::mutex> lock(mu_);
  always_send_.insert(digest + "\n" + where);
}

std::unique_ptr<Module> make_python_module(ModuleFile file, std::shared_ptr<PythonModuleRuntime> runtime) {
  return std::make_unique<PythonModule>(std::move(file), std::move(runtime));
}

}  // namespace drover
