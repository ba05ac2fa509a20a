// OpenSSH command-line options (ansible_ssh_common_args, ansible_ssh_extra_args)
// read into settings drover's ssh transport applies.
//
// Understands "-o Key=Value" (also "-oKey=Value" and "Key Value"), "-F file",
// "-i file", "-p port", "-l user", "-J jump". As in OpenSSH the first value of
// a key wins, except IdentityFile, which accumulates. Options that make no
// sense for a libssh session (ControlMaster, ControlPersist, ControlPath,
// ServerAlive*, ...) and unknown ones are kept in `ignored` and otherwise
// ignored: Ansible users carry them in their inventories.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace drover {

struct SshArgs {
  std::optional<std::string> config_file;        // -F
  std::vector<std::string> identity_files;       // -i and IdentityFile, in order
  std::map<std::string, std::string> options;    // lower-case key -> first value
  std::vector<std::string> ignored;              // what was not understood

  // The value of option `key` (lower-case), if given.
  std::optional<std::string> get(const std::string& key) const;
};

// Reads OpenSSH arguments. Elements may be single tokens ("-o",
// "Port=22") or whole unsplit strings ("-o Port=22 -o User=x"), which are
// split as a POSIX shell would.
SshArgs parse_ssh_args(const std::vector<std::string>& args);

// POSIX-shell-like word splitting (quotes and backslashes), as Python's
// shlex.split does for Ansible's ssh arguments.
std::vector<std::string> split_shell_words(const std::string& s);

}  // namespace drover
