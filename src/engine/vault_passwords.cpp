#include "engine/vault_passwords.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/subprocess.hpp"

namespace drover {
namespace {

const char* const kDefaultId = "default";  // ansible.cfg vault_identity's default

std::string strip_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == '\n' || s[i] == '\r')) ++i;
  return s.substr(i);
}

std::string strip_space(std::string s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && sp(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && sp(s[i])) ++i;
  return s.substr(i);
}

// Runs `argv` with stdout (and stderr when `capture_err`) captured; stdin and,
// for plain scripts, stderr stay the terminal's so scripts can prompt (as
// Ansible leaves them).
ProcessResult run_script(const std::vector<std::string>& argv, bool capture_err, const std::string& what) {
  ProcessOptions o;
  o.inherit_stdin = true;
  o.capture_err = capture_err;
  ProcessResult r = run_process(argv, o);
  if (int e = r.exec_errno)
    throw Error("Problem running " + what + " " + argv[0] + " ([Errno " + std::to_string(e) + "] " +
                std::strerror(e) + ": '" + argv[0] + "'). If this is not a script, remove the executable bit from the file.");
  return r;
}

// Python's repr of the bytes Ansible puts in its message.
std::string bytes_repr(const std::string& s) {
  std::string out = "b'";
  for (unsigned char c : s) {
    if (c == '\\' || c == '\'') out += std::string("\\") + static_cast<char>(c);
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 32 || c >= 127) {
      char b[5];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else out += static_cast<char>(c);
  }
  return out + "'";
}

bool is_client_script(const std::string& path) {
  std::filesystem::path p(path);
  std::string stem = p.has_extension() ? (p.parent_path() / p.stem()).string() : path;
  return stem.size() >= 7 && stem.compare(stem.size() - 7, 7, "-client") == 0;
}

// Ansible's unfrackpath(follow=False): ~ expanded, made absolute, normalised.
std::string unfrack(const std::string& path) {
  return std::filesystem::absolute(expand_user(path)).lexically_normal().string();
}

std::pair<std::string, std::string> split_vault_id(const std::string& slug) {
  size_t at = slug.find('@');
  if (at == std::string::npos) return {"", slug};
  return {slug.substr(0, at), slug.substr(at + 1)};
}

}  // namespace

std::string read_vault_password_source(const std::string& source, const std::string& vault_id) {
  std::string path = unfrack(source);
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw Error("The vault password file " + path + " was not found");
  bool executable = S_ISREG(st.st_mode) && (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH));
  if (executable && is_client_script(source)) {
    std::vector<std::string> argv{path};
    if (!vault_id.empty()) argv.insert(argv.end(), {"--vault-id", vault_id});
    ProcessResult r = run_script(argv, true, "vault password client script");
    std::string id = vault_id.empty() ? "None" : vault_id;
    if (r.status == 2)
      throw Error("Vault password client script " + path + " did not find a secret for vault-id=" + id + ": " +
                  bytes_repr(r.err));
    if (r.status != 0)
      throw Error("Vault password client script " + path + " returned non-zero (" + std::to_string(r.status) +
                  ") when getting secret for vault-id=" + id + ": " + bytes_repr(r.err));
    std::string pass = strip_newlines(r.out);
    if (pass.empty()) throw Error("Invalid vault password was provided from script (" + path + ")");
    return pass;
  }
  if (executable) {
    ProcessResult r = run_script({path}, false, "vault password script");
    if (r.status != 0)
      throw Error("Vault password script " + path + " returned non-zero (" + std::to_string(r.status) + "): None");
    std::string pass = strip_newlines(r.out);
    if (pass.empty()) throw Error("Invalid vault password was provided from script (" + path + ")");
    return pass;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("Could not read vault password file " + path + ": [Errno " + std::to_string(errno) + "] " +
                       std::strerror(errno) + ": '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  // A password file may itself be vaulted (Ansible decrypts it with the
  // secrets found so far).
  std::string pass = strip_newlines(decrypt_if_vaulted(strip_space(ss.str()), path));
  if (pass.empty()) throw Error("Invalid vault password was provided from file (" + path + ")");
  return pass;
}

VaultKeyring load_vault_keyring(const VaultPasswordOptions& o, const Config& config, const SecretPrompt& prompt,
                                const std::function<void(const std::string&)>& warn) {
  // CLI.build_vault_ids: identity list, --vault-id, password files, prompt.
  std::vector<std::string> slugs = config.list("DEFAULT_VAULT_IDENTITY_LIST");
  slugs.insert(slugs.end(), o.vault_ids.begin(), o.vault_ids.end());
  std::vector<std::string> files = o.vault_password_files;
  if (config.is_set("DEFAULT_VAULT_PASSWORD_FILE")) files.push_back(config.str("DEFAULT_VAULT_PASSWORD_FILE"));
  for (const auto& f : files) slugs.push_back(std::string(kDefaultId) + "@" + f);
  if (o.ask_vault_pass || (slugs.empty() && o.auto_prompt)) slugs.push_back(std::string(kDefaultId) + "@prompt_ask_vault_pass");

  VaultKeyring ring;
  ring.vault_id_match = config.boolean("DEFAULT_VAULT_ID_MATCH");
  std::optional<Error> last;
  bool found = false;
  for (const auto& slug : slugs) {
    auto [name, source] = split_vault_id(slug);
    std::string id = name.empty() ? kDefaultId : name;
    if (source == "prompt" || source == "prompt_ask_vault_pass") {
      bool labelled = source == "prompt";
      std::string ask = o.new_password ? (labelled ? "New vault password (" + id + "): " : "New Vault password: ")
                                       : (labelled ? "Vault password (" + id + "): " : "Vault password: ");
      std::string pass = strip_space(prompt(ask));
      if (o.new_password) {
        std::string again = strip_space(prompt(labelled ? "Confirm new vault password (" + id + "): "
                                                        : "Confirm New Vault password: "));
        if (again != pass) throw Error("Passwords do not match");
      }
      if (pass.empty()) throw Error("Invalid vault password was provided from prompt");
      ring.secrets.push_back({id, pass});
      found = true;
      set_process_vault_keyring(ring);  // a later password file may be vaulted with this one
      continue;
    }
    std::string shown = name.empty() ? "None" : name;
    try {
      std::string pass = read_vault_password_source(source, name);
      ring.secrets.push_back({id, pass});
      found = true;
      set_process_vault_keyring(ring);
    } catch (const Error& e) {
      warn((std::string(e.message().rfind("The vault password file", 0) == 0 ? "Error getting vault password file ("
                                                                            : "Error in vault password file loading (") +
            shown + "): " + e.message()));
      last = e;
    }
  }
  if (last && !found) throw *last;
  return ring;
}

}  // namespace drover
