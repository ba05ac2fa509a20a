// The vault options every command that loads variables shares (`drover
// play`, `run`, `inventory`, `template`, `vault`): -J/--ask-vault-pass,
// --vault-password-file, --vault-id; added once here, not per command.
// open_vault() gathers the passwords (engine/vault_passwords.hpp) and makes
// them the process keyring (core/vault.hpp) before anything is loaded.
#pragma once

#include <CLI/CLI.hpp>

#include "engine/config.hpp"
#include "engine/vault_passwords.hpp"

namespace drover::cli {

void add_vault_flags(CLI::App& cmd, VaultPasswordOptions& options);

// Loads the keyring and sets it for the process; warnings go to stderr as
// Ansible prints them. Returns the keyring (drover vault encrypts with it).
// A warning about a vault password source, as Ansible prints it.
void print_vault_warning(const std::string& warning);
VaultKeyring open_vault(const VaultPasswordOptions& options, const Config& config);

}  // namespace drover::cli
