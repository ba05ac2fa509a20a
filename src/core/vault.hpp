// Ansible Vault: the `$ANSIBLE_VAULT;1.1;AES256` and
// `$ANSIBLE_VAULT;1.2;AES256;LABEL` formats, byte-compatible with
// ansible-vault (ansible-core 2.14+; the format has not changed since 2.4).
//
// What is written: the header line, then hexlify(hexlify(salt) "\n"
// hexlify(hmac) "\n" hexlify(ciphertext)) in lines of 80 characters, and a
// final newline. The keys come from PBKDF2-HMAC-SHA256(password, 32-byte
// random salt, 10000 iterations, 80 bytes): AES-256 key, HMAC-SHA256 key and
// the CTR counter. The plaintext is PKCS#7-padded to 16 bytes, encrypted with
// AES-256-CTR, and the HMAC covers the ciphertext; it is checked in constant
// time before anything is decrypted. The crypto is OpenSSL's libcrypto.
//
// Secrets are tried as Ansible tries them (VaultLib.decrypt): the one whose
// vault id equals the envelope's label first, then (unless vault_id_match)
// every other secret in the order given. Error messages are Ansible's, with
// the file name when there is one. Nothing here prints or logs a secret.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"

namespace drover {

// One password with the vault id (label) it was given under; Ansible's
// default id is "default".
struct VaultSecret {
  std::string vault_id = "default";
  std::string password;
};

// The secrets of a run, in the order Ansible tries them.
struct VaultKeyring {
  std::vector<VaultSecret> secrets;
  bool vault_id_match = false;  // ansible.cfg vault_id_match / ANSIBLE_VAULT_ID_MATCH
  // Told of a malformed payload before the error is thrown, as Ansible warns
  // ("There was a vault format error in FILE: ..."); may be empty.
  std::function<void(const std::string&)> warn;
};

// A vault text that could not be opened (no secrets, none that fits);
// callers that must exit as Ansible does (a vars plugin's parser error, 4)
// catch this one.
class VaultError : public Error {
 public:
  using Error::Error;
};

// A malformed envelope or payload (Ansible's AnsibleVaultFormatError).
class VaultFormatError : public VaultError {
 public:
  using VaultError::VaultError;
};

// The parts of a vault text, before any key is known.
struct VaultEnvelope {
  std::string version;   // "1.1" or "1.2"
  std::string cipher;    // "AES256"
  std::string vault_id;  // the 1.2 label, else "default"
  std::string salt;      // raw bytes
  std::string hmac;      // raw bytes (32)
  std::string ciphertext;
};

// Whether `text` starts with the vault header (Ansible's is_encrypted: ASCII
// only, `$ANSIBLE_VAULT` at the very start).
bool is_vault_encrypted(std::string_view text);

// Splits and unhexlifies an envelope; throws VaultFormatError with Ansible's
// wording ("Vault format unhexlify error: ...") naming `filename` if given.
VaultEnvelope parse_vault_envelope(std::string_view text, const std::string& filename = {});

// Encrypts as `ansible-vault encrypt --vault-id ID@...` does: 1.1 for the id
// "default" (or empty), 1.2 with the label otherwise. `salt` (32 bytes) is
// for tests; empty means random.
std::string vault_encrypt(std::string_view plaintext, const VaultSecret& secret, std::string_view salt = {});

// Decrypts with one password: nullopt when the HMAC does not match (a wrong
// password or a tampered text).
std::optional<std::string> vault_decrypt_with(const VaultEnvelope& envelope, std::string_view password);

struct VaultPlaintext {
  std::string text;
  std::string vault_id;  // the id of the secret that opened it
};

// Decrypts with the keyring. Throws VaultError with Ansible's messages:
// "Attempting to decrypt but no vault secrets found", "Decryption failed (no
// vault secrets were found that could decrypt) on FILE", "input is not vault
// encrypted data. FILE is not a vault encrypted file".
VaultPlaintext vault_decrypt(std::string_view text, const VaultKeyring& keyring, const std::string& filename = {});

// The keyring every loader of this process decrypts with (YAML files,
// inline !vault values, controller files, lookups). Set once by the command
// line before anything is loaded; empty until then.
void set_process_vault_keyring(VaultKeyring keyring);
std::shared_ptr<const VaultKeyring> process_vault_keyring();

// An inline `!vault` value as loaded: kept encrypted as
// {"__ansible_vault": TEXT} (the shape ansible-inventory prints) until it
// is used (open_vault_value), as Ansible's lazily decrypted
// AnsibleVaultEncryptedUnicode; the unvault filter may open it with its
// own secret.
Value vault_marker(const std::string& text);
// The vault text of a marker; null for any other value.
const std::string* vault_marker_text(const Value& v);

// An inline !vault value opened when it is first used, as Ansible opens
// its AnsibleVaultEncryptedUnicode: the plaintext with the process keyring.
// Each text is decrypted once per keyring (a later use gets the kept
// plaintext, or the kept failure). Throws VaultError as vault_decrypt.
std::string open_vault_value(const std::string& text);
// A copy of `v` with every marker replaced by its plaintext: what a module
// receives. Throws VaultError.
Value reveal_vault_values(const Value& v);

// Decrypts `text` with the process keyring when it is vault-encrypted, else
// returns it unchanged.
std::string decrypt_if_vaulted(std::string text, const std::string& filename);

}  // namespace drover
