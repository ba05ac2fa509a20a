// Asking the user for a secret on the terminal (-k, -K), echo off, as
// Ansible's getpass prompts. Reads /dev/tty, falling back to stdin.
#pragma once

#include <string>

namespace drover::cli {

std::string prompt_secret(const std::string& prompt);

}  // namespace drover::cli
