// ansible.cfg and ANSIBLE_* settings, read as ansible-core 2.14 reads them.
//
// One file is used, the first found of: $ANSIBLE_CONFIG (a file, or a
// directory holding ansible.cfg), ./ansible.cfg (not when the current
// directory is world-writable, as Ansible refuses it), ~/.ansible.cfg,
// /etc/ansible/ansible.cfg. For each setting the environment variable wins
// over the file, the file over the default. Settings are named as in
// Ansible's base.yml (DEFAULT_FORKS, HOST_KEY_CHECKING, ...); only the ones
// drover supports are known, and asking for another is a programming error.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace drover {

class Config {
 public:
  // Finds and reads the configuration; throws Error on a malformed file.
  static Config load();
  // Reads `path` (or nothing when empty) with the given environment.
  static Config load_from(const std::string& path, const std::map<std::string, std::string>& env);

  std::string str(const std::string& name) const;
  // Unset (no default, nothing configured).
  bool is_set(const std::string& name) const;
  int integer(const std::string& name) const;
  bool boolean(const std::string& name) const;
  // Comma-separated (list) or colon-separated (pathlist/pathspec) values;
  // relative paths from the file are relative to its directory.
  std::vector<std::string> list(const std::string& name) const;

  // The file that was read; empty when none.
  const std::string& file() const { return file_; }
  // Warnings to show the user (a world-writable cwd, unknown keys are not
  // warned about: Ansible ignores them too).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::string file_;
  std::map<std::string, std::string> values_;  // by setting name, after precedence
  std::set<std::string> from_file_;            // settings whose value came from file_
  std::vector<std::string> warnings_;
};

// Reads an INI file as Python's configparser with Ansible's options:
// section -> key -> value; keys are lower-cased, ';' starts an inline comment
// after whitespace, indented lines continue the previous value.
std::map<std::string, std::map<std::string, std::string>> parse_ini_config(const std::string& text,
                                                                           const std::string& file);

// "~/x" -> "$HOME/x".
std::string expand_user(const std::string& path);

}  // namespace drover
