#include "cli/vault_flags.hpp"

#include <cstdio>

#include "cli/prompt.hpp"

namespace drover::cli {

void add_vault_flags(CLI::App& cmd, VaultPasswordOptions& o) {
  cmd.add_flag("-J,--ask-vault-pass,--ask-vault-password", o.ask_vault_pass, "Ask for the vault password");
  cmd.add_option("--vault-password-file,--vault-pass-file", o.vault_password_files, "Vault password file (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--vault-id", o.vault_ids, "Vault identity LABEL@SOURCE: prompt, a file or a script (repeatable)")
      ->allow_extra_args(false);
}

VaultKeyring open_vault(const VaultPasswordOptions& options, const Config& config) {
  VaultKeyring ring = load_vault_keyring(options, config, prompt_secret, [](const std::string& w) {
    std::fflush(stdout);
    std::fprintf(stderr, "[WARNING]: %s\n", w.c_str());
  });
  set_process_vault_keyring(ring);
  return ring;
}

}  // namespace drover::cli
