// Encryption at rest of credentials (SSH private keys, passwords, become
// passwords) with libsodium's secretbox (XSalsa20-Poly1305).
//
// The key is 32 random bytes in <data>/secret.key, created at first start
// with mode 0600 (refused if it exists with other permissions or the wrong
// size). A sealed value is base64(nonce || ciphertext) with a fresh random
// nonce each time. Only the job side calls open() (to run a job); the API
// never returns an opened secret and nothing logs one.
#pragma once

#include <string>

namespace drover::server {

class CredentialVault {
 public:
  // Loads or creates <data_dir>/secret.key. Throws drover::Error.
  explicit CredentialVault(const std::string& data_dir);
  ~CredentialVault();
  CredentialVault(const CredentialVault&) = delete;
  CredentialVault& operator=(const CredentialVault&) = delete;

  std::string seal(const std::string& plaintext) const;
  // Throws drover::Error when the value was not sealed with this key.
  std::string open(const std::string& sealed) const;

 private:
  unsigned char key_[32];
};

}  // namespace drover::server
