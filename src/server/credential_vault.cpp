#include "server/credential_vault.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"

static_assert(crypto_secretbox_KEYBYTES == 32, "vault key size");

namespace drover::server {

CredentialVault::CredentialVault(const std::string& data_dir) {
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
  std::string path = (std::filesystem::path(data_dir) / "secret.key").string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    randombytes_buf(key_, sizeof key_);
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw Error("cannot create the credential key " + path + ": " + std::strerror(errno));
    bool ok = ::write(fd, key_, sizeof key_) == static_cast<ssize_t>(sizeof key_) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw Error("cannot write the credential key " + path + ": " + std::strerror(errno));
    return;
  }
  if (fd < 0) throw Error("cannot read the credential key " + path + ": " + std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    throw Error("the credential key " + path + " is readable by others (mode " +
                std::to_string(st.st_mode & 0777) + "); chmod 600 it");
  }
  ssize_t n = ::read(fd, key_, sizeof key_);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof key_) || st.st_size != static_cast<off_t>(sizeof key_))
    throw Error("the credential key " + path + " is not 32 bytes");
}

CredentialVault::~CredentialVault() { sodium_memzero(key_, sizeof key_); }

std::string CredentialVault::seal(const std::string& plaintext) const {
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, key_);
  std::string out(sodium_base64_encoded_len(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), nonce, box.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string CredentialVault::open(const std::string& sealed) const {
  std::string box(sealed.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(), sealed.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    throw Error("a stored credential is damaged (not base64 secretbox)");
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, nonce, key_) != 0)
    throw Error("a stored credential cannot be decrypted with " "this data directory's secret.key");
  return plain;
}

}  // namespace drover::server
