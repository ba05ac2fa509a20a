// Fuzzes the Ansible Vault envelope: the header, the 80-column hex lines, the
// inner hex fields, and decryption with a fixed password (PBKDF2 runs only
// when the envelope parses, so most inputs stay cheap). Any Error (a format
// error, a failed decryption) is fine; a crash, a sanitizer report or a hang
// is a bug. Inputs starting with '!' are also wrapped as an inline `!vault`
// YAML value, to reach core/yaml's tag handling.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/vault.hpp"
#include "core/yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  static const drover::VaultKeyring ring = [] {
    drover::VaultKeyring r;
    r.secrets = {{"default", "fuzz"}, {"dev", "other"}};
    return r;
  }();
  try {
    drover::is_vault_encrypted(text);
    drover::VaultEnvelope e = drover::parse_vault_envelope(text, "fuzz.yml");
    (void)e;
    drover::vault_decrypt(text, ring, "fuzz.yml");
  } catch (const drover::Error&) {
  }
  if (!text.empty() && text[0] == '!') {
    std::string doc = "v: !vault |\n";
    size_t start = 1;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      doc += "  " + text.substr(start, nl - start) + "\n";
      start = nl + 1;
    }
    drover::set_process_vault_keyring(ring);
    try {
      drover::load_yaml_value_string(doc, "fuzz.yml");
    } catch (const drover::Error&) {
    }
  }
  return 0;
}
