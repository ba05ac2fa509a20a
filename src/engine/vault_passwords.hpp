// Where the vault passwords of a run come from, as ansible-core 2.14's
// CLI.setup_vault_secrets gathers them.
//
// Sources, in the order they are tried and kept: ansible.cfg
// vault_identity_list (ANSIBLE_VAULT_IDENTITY_LIST), each --vault-id
// [LABEL@]SOURCE, each --vault-password-file, ansible.cfg
// vault_password_file (ANSIBLE_VAULT_PASSWORD_FILE), then a prompt when
// --ask-vault-pass is given (or, for `drover vault`, when nothing else is).
// A SOURCE is `prompt`, a file (its content, stripped), an executable (its
// stdout) or an executable named `*-client[.ext]` (run with `--vault-id
// LABEL`; exit 2 means "no secret for this id"). A source that fails is a
// warning while another one works, and the error when none does. Passwords
// never reach a log or an error message.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/vault.hpp"
#include "engine/config.hpp"

namespace drover {

struct VaultPasswordOptions {
  bool ask_vault_pass = false;                  // -J, --ask-vault-pass
  std::vector<std::string> vault_ids;           // --vault-id, repeatable
  std::vector<std::string> vault_password_files;  // --vault-password-file, repeatable
  // `drover vault` asks when no source is given (Ansible's auto_prompt);
  // playbook runs do not.
  bool auto_prompt = false;
  // Prompt for a new password with a confirmation (create, encrypt, rekey).
  bool new_password = false;
};

// Reads a secret with echo off; `prompt` is Ansible's text.
using SecretPrompt = std::function<std::string(const std::string& prompt)>;

// Gathers the secrets. Warnings (a failing source while another works) go to
// `warn`. Throws Error with Ansible's message when no source gave a secret.
VaultKeyring load_vault_keyring(const VaultPasswordOptions& options, const Config& config, const SecretPrompt& prompt,
                                const std::function<void(const std::string&)>& warn);

// One source: "prompt" is not handled here. Exposed for tests.
std::string read_vault_password_source(const std::string& source, const std::string& vault_id);

}  // namespace drover
