#include "cli/vault_flags.hpp"

#include <cstdio>

#include "cli/prompt.hpp"
#include "output/terminal_display.hpp"
#include "output/text_wrap.hpp"

namespace drover::cli {

void add_vault_flags(CLI::App& cmd, VaultPasswordOptions& o) {
  cmd.add_flag("-J,--ask-vault-pass,--ask-vault-password", o.ask_vault_pass, "Ask for the vault password");
  cmd.add_option("--vault-password-file,--vault-pass-file", o.vault_password_files, "Vault password file (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--vault-id", o.vault_ids, "Vault identity LABEL@SOURCE: prompt, a file or a script (repeatable)")
      ->allow_extra_args(false);
}

void print_vault_warning(const std::string& w) {
  // Wrapped as Ansible's Display.warning wraps (before any callback exists).
  WrapOptions wrap;
  wrap.width = display_columns(1);
  std::string text;
  for (const auto& line : text_wrap("[WARNING]: " + w, wrap)) text += line + "\n";
  std::fflush(stdout);
  std::fputs(text.c_str(), stderr);
}

VaultKeyring open_vault(const VaultPasswordOptions& options, const Config& config) {
  VaultKeyring ring = load_vault_keyring(options, config, prompt_secret, print_vault_warning);
  ring.warn = [](const std::string& w) {
    // Display.warning(formatted=True): not wrapped, on its own line.
    std::fflush(stdout);
    std::fprintf(stderr, "\n[WARNING]: \n%s\n", w.c_str());
  };
  set_process_vault_keyring(ring);
  return ring;
}

}  // namespace drover::cli
