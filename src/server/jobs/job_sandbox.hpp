// The sandbox a job process runs in: the bubblewrap (bwrap) command line
// that starts `drover job-exec` for one job, built from the server's
// settings and what the job names.
//
// Inside, a job sees: /usr, /bin, /lib*, /sbin and /etc read-only, with
// /etc's secrets (shadow, gshadow, sudoers, SSH host keys,
// /etc/ssl/private) masked; a fresh /proc (own PID namespace whose init is
// job-exec: the server's /proc/<pid>/environ is not there, and a dead job
// leaves no process behind), a minimal /dev, a private /tmp; read-only: its project
// checkout, the directories of its playbook and inventory files and the
// server's --job-show-path directories; read-write: its own job directory.
// The data directory (drover.db, secret.key, other jobs' directories) is
// covered by an empty tmpfs even when a shown or system directory contains
// it. The
// environment is cleared: PATH, HOME (<job dir>/home), LANG, LOGNAME and
// the server's ANSIBLE_* settings only. The network is shared: jobs reach
// their hosts over SSH. Capabilities are dropped when bwrap runs as root.
//
// sandbox_command() is a pure function of its inputs (tested without
// running anything); the caller runs the command (job_process.hpp).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace drover::server {

struct SandboxSettings {
  // "bwrap" (the default) or "none": no sandbox, only a cleared environment
  // (for machines without user namespaces; docs/SERVER.md says what is lost).
  std::string kind = "bwrap";
  std::string bwrap = "/usr/bin/bwrap";
  std::string data_dir;                    // hidden from every job
  std::vector<std::string> show_paths;     // shown read-only to every job
  std::map<std::string, std::string> env;  // added to the cleared environment
  // The server is root: bwrap runs as root (no user namespace needed),
  // drops every capability, and with `switch_user` keeps only
  // CAP_SETUID/CAP_SETGID for `drover job-exec --uid --gid`, which switches
  // to the job user before it reads anything (and sets no_new_privs, so
  // no set-user-ID program gives root back). Otherwise bwrap runs as the
  // server's user in a user namespace.
  bool as_root = false;
  bool switch_user = false;
};

struct SandboxJob {
  std::string work_dir;                     // read-write; HOME is work_dir/home
  std::vector<std::string> readonly_paths;  // the project, playbook and inventory directories
  std::string program;                      // the drover binary (shown read-only)
  std::vector<std::string> args;            // after the program: job-exec --job N
  std::string user_name;                    // LOGNAME / USER in the job
};

// The command to run (argv[0] is bwrap, or the program for kind "none"),
// and the environment for kind "none" (bwrap clears its own). bwrap reports
// its namespace's init pid on fd 3 (--info-fd 3): killing it kills every
// process of the sandbox. Directories are bound from descriptors that the
// server opens (as root when it is root) and passes as fd kFirstPathFd + i
// for fd_paths[i]: the job user need not be able to reach them (a data
// directory is 0700), and a path swapped for a symlink after the check
// cannot redirect a mount.
inline constexpr int kFirstPathFd = 4;
struct SandboxCommand {
  std::vector<std::string> argv;
  std::vector<std::string> envp;  // "K=V"
  bool info_fd = false;
  std::vector<std::string> fd_paths;
};
SandboxCommand sandbox_command(const SandboxSettings& s, const SandboxJob& job);

// The readonly_paths for a spec: the project directory, the playbook's
// directory and each inventory file's directory (where Ansible also reads
// group_vars/ and host_vars/); host lists and sources with a scheme
// ("drover:", "https://") name no path. Relative paths are taken from
// the project directory.
std::vector<std::string> job_readonly_paths(const std::string& project_dir,
                                            const std::string& playbook,
                                            const std::vector<std::string>& inventory);

}  // namespace drover::server
