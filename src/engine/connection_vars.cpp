#include "engine/connection_vars.hpp"

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"
#include "engine/config.hpp"

namespace drover {
namespace {

// The first of `names` that the host defines, as a string.
std::optional<std::string> first_var(const HostVarLookup& var, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto v = var(n); v && !v->is_null()) return to_display_string(reveal_vault_values(*v));
  }
  return std::nullopt;
}

std::optional<bool> first_bool(const HostVarLookup& var, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto v = var(n); v && !v->is_null()) {
      auto b = to_bool(*v);
      if (!b) throw Error(std::string("variable ") + n + " is not a boolean: " + to_display_string(*v));
      return b;
    }
  }
  return std::nullopt;
}

HostKeyPolicy host_key_policy(const std::string& s) {
  std::string v = to_lower(trim(s));
  if (v == "accept-new" || v == "accept_new") return HostKeyPolicy::accept_new;
  auto b = to_bool(Value(v));
  return b.value_or(true) ? HostKeyPolicy::strict : HostKeyPolicy::off;
}

}  // namespace

Value connection_fallback_vars(const std::string& address, const ConnectionOptions& cli, const Config& config) {
  Value v = Value::object();
  std::string type = cli.connection.value_or(config.str("DEFAULT_TRANSPORT"));
  v["ansible_connection"] = type == "smart" ? "ssh" : type;
  v["ansible_module_compression"] = "ZIP_DEFLATED";
  v["ansible_shell_executable"] = "/bin/sh";
  auto both = [&v](const char* ssh_name, const char* name, const Value& value) {
    v[ssh_name] = value;
    v[name] = value;
  };
  both("ansible_ssh_host", "ansible_host", address);
  if (cli.remote_user) both("ansible_ssh_user", "ansible_user", *cli.remote_user);
  else if (config.is_set("DEFAULT_REMOTE_USER")) both("ansible_ssh_user", "ansible_user", config.str("DEFAULT_REMOTE_USER"));
  if (config.is_set("DEFAULT_REMOTE_PORT")) both("ansible_ssh_port", "ansible_port", config.integer("DEFAULT_REMOTE_PORT"));
  both("ansible_ssh_pipelining", "ansible_pipelining", config.boolean("ANSIBLE_PIPELINING"));
  both("ansible_ssh_timeout", "ansible_timeout", cli.timeout.value_or(config.integer("DEFAULT_TIMEOUT")));
  if (cli.private_key_file) both("ansible_ssh_private_key_file", "ansible_private_key_file", *cli.private_key_file);
  else if (config.is_set("DEFAULT_PRIVATE_KEY_FILE"))
    both("ansible_ssh_private_key_file", "ansible_private_key_file", config.str("DEFAULT_PRIVATE_KEY_FILE"));
  return v;
}

ResolvedConnection resolve_connection(const std::string& name, const HostVarLookup& var,
                                      const ConnectionOptions& cli, const Config& config) {
  ResolvedConnection out;
  ConnectionSpec& s = out.spec;
  s.name = name;

  std::string type = first_var(var, {"ansible_connection"})
                         .value_or(cli.connection.value_or(config.str("DEFAULT_TRANSPORT")));
  if (type == "smart" || type == "ssh" || type == "paramiko" || type == "ansible.builtin.ssh" ||
      type == "ansible.builtin.paramiko_ssh" || type == "paramiko_ssh")
    s.type = "ssh";
  else if (type == "local" || type == "ansible.builtin.local")
    s.type = "local";
  else
    throw Error("the connection plugin '" + type + "' was not found (drover supports ssh and local)");

  s.host = first_var(var, {"ansible_host", "ansible_ssh_host"}).value_or(name);
  if (auto port = first_var(var, {"ansible_port", "ansible_ssh_port"})) {
    try {
      s.port = std::stoi(*port);
    } catch (...) {
      throw Error("ansible_port for " + name + " is not a number: " + *port);
    }
  } else if (config.is_set("DEFAULT_REMOTE_PORT")) {
    s.port = config.integer("DEFAULT_REMOTE_PORT");
  }
  s.user = first_var(var, {"ansible_user", "ansible_ssh_user"})
               .value_or(cli.remote_user.value_or(config.str("DEFAULT_REMOTE_USER")));
  if (auto key = first_var(var, {"ansible_ssh_private_key_file", "ansible_private_key_file"}))
    s.identity_files.push_back(expand_user(*key));
  else if (cli.private_key_file)
    s.identity_files.push_back(expand_user(*cli.private_key_file));
  else if (config.is_set("DEFAULT_PRIVATE_KEY_FILE"))
    s.identity_files.push_back(config.str("DEFAULT_PRIVATE_KEY_FILE"));
  s.password = first_var(var, {"ansible_password", "ansible_ssh_pass", "ansible_ssh_password"})
                   .value_or(cli.password.value_or(""));

  auto add_args = [&](const std::optional<std::string>& args) {
    if (!args || args->empty()) return;
    for (auto& a : shlex_split(*args)) s.ssh_args.push_back(a);
  };
  if (config.is_set("SSH_ARGS") && config.str("SSH_ARGS") != "-C -o ControlMaster=auto -o ControlPersist=60s")
    add_args(config.str("SSH_ARGS"));
  add_args(first_var(var, {"ansible_ssh_common_args"})
               .value_or(cli.ssh_common_args.value_or(config.str("SSH_COMMON_ARGS"))));
  add_args(first_var(var, {"ansible_ssh_extra_args"})
               .value_or(cli.ssh_extra_args.value_or(config.str("SSH_EXTRA_ARGS"))));

  if (auto hk = first_var(var, {"ansible_host_key_checking", "ansible_ssh_host_key_checking"}))
    s.host_key_policy = host_key_policy(*hk);
  else
    s.host_key_policy = host_key_policy(config.str("HOST_KEY_CHECKING"));

  if (auto t = first_var(var, {"ansible_ssh_timeout", "ansible_timeout"})) {
    try {
      s.connect_timeout_s = std::stoi(*t);
    } catch (...) {
      throw Error("ansible_ssh_timeout for " + name + " is not a number: " + *t);
    }
  } else {
    s.connect_timeout_s = cli.timeout.value_or(config.integer("DEFAULT_TIMEOUT"));
  }

  bool become = first_bool(var, {"ansible_become"}).value_or(cli.become.value_or(config.boolean("DEFAULT_BECOME")));
  if (become) {
    BecomeSpec b;
    b.method = first_var(var, {"ansible_become_method"})
                   .value_or(cli.become_method.value_or(config.str("DEFAULT_BECOME_METHOD")));
    if (b.method != "sudo" && b.method != "su")
      throw Error("become method '" + b.method + "' is not supported (drover supports sudo and su)");
    b.user = first_var(var, {"ansible_become_user"}).value_or(cli.become_user.value_or(config.str("DEFAULT_BECOME_USER")));
    b.password = first_var(var, {"ansible_become_password", "ansible_become_pass"})
                     .value_or(cli.become_password.value_or(""));
    b.exe = first_var(var, {"ansible_become_exe"}).value_or(config.str("DEFAULT_BECOME_EXE"));
    b.flags = first_var(var, {"ansible_become_flags"}).value_or(config.str("DEFAULT_BECOME_FLAGS"));
    out.become = std::move(b);
  }
  return out;
}

}  // namespace drover
