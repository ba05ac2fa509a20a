// From a host's variables to how to reach it: Ansible's connection and
// become variables (ansible_host, ansible_port, ansible_user,
// ansible_ssh_private_key_file, ansible_password, ansible_ssh_common_args,
// ansible_connection, ansible_become_*, ...) resolved over the command line
// options and ansible.cfg, with Ansible's precedence: a host variable beats
// a command line option, which beats the configuration file.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/value.hpp"
#include "transport/connection.hpp"

namespace drover {

class Config;

// What the command line says about connections (unset fields: not given).
struct ConnectionOptions {
  std::optional<std::string> remote_user;       // -u
  std::optional<std::string> private_key_file;  // --private-key
  std::optional<std::string> connection;        // -c
  std::optional<int> timeout;                   // -T
  std::optional<std::string> ssh_common_args;   // --ssh-common-args
  std::optional<std::string> ssh_extra_args;    // --ssh-extra-args
  std::optional<std::string> password;          // -k answer
  std::optional<bool> become;                   // -b
  std::optional<std::string> become_method;     // --become-method
  std::optional<std::string> become_user;       // --become-user
  std::optional<std::string> become_password;   // -K answer
};

// Looks a variable up for the host, templated; nullopt when undefined.
using HostVarLookup = std::function<std::optional<Value>(const std::string& name)>;

struct ResolvedConnection {
  ConnectionSpec spec;
  std::optional<BecomeSpec> become;  // set when become is on
};

// The connection settings Ansible's PlayContext.update_vars adds to a task's
// variables where the host has no variable of that name: ansible_connection,
// ansible_host, ansible_user, ansible_port, ansible_timeout, ... (secrets
// never). `cli` holds the command line with the task's connection and
// remote_user keywords applied.
Value connection_fallback_vars(const std::string& address, const ConnectionOptions& cli, const Config& config);

// Throws Error for an unsupported connection type or a bad value.
ResolvedConnection resolve_connection(const std::string& inventory_hostname, const HostVarLookup& var,
                                      const ConnectionOptions& cli, const Config& config);

}  // namespace drover
