#include "core/vault.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <map>
#include <mutex>

namespace drover {
namespace {

constexpr std::string_view kHeader = "$ANSIBLE_VAULT";
constexpr int kIterations = 10000;  // ansible-core's VaultAES256, fixed
constexpr size_t kKeyLength = 32, kIvLength = 16, kSaltLength = 32;

std::string hexlify(std::string_view raw) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Python's binascii.unhexlify, with its messages.
std::string unhexlify(std::string_view hex) {
  if (hex.size() % 2 != 0) throw VaultFormatError("Vault format unhexlify error: Odd-length string");
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) throw VaultFormatError("Vault format unhexlify error: Non-hexadecimal digit found");
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

// Python's bytes.splitlines(): \n, \r and \r\n end lines.
std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n' && s[i] != '\r') continue;
    lines.push_back(s.substr(start, i - start));
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < s.size()) lines.push_back(s.substr(start));
  return lines;
}

std::string_view strip(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

struct DerivedKeys {
  unsigned char bytes[2 * kKeyLength + kIvLength];
  const unsigned char* aes_key() const { return bytes; }
  const unsigned char* hmac_key() const { return bytes + kKeyLength; }
  const unsigned char* counter() const { return bytes + 2 * kKeyLength; }
  ~DerivedKeys() { OPENSSL_cleanse(bytes, sizeof bytes); }
};

void derive_keys(std::string_view password, std::string_view salt, DerivedKeys& keys) {
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        kIterations, EVP_sha256(), sizeof keys.bytes, keys.bytes) != 1)
    throw Error("vault: PBKDF2 key derivation failed");
}

std::string hmac_sha256(const unsigned char* key, std::string_view data) {
  unsigned char out[32];
  size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key, kKeyLength,
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out, &len))
    throw Error("vault: HMAC-SHA256 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

// AES-256-CTR is its own inverse.
std::string aes256_ctr(const DerivedKeys& keys, std::string_view in) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(in.size() + 16, '\0');
  int n = 0, tail = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ctr(), nullptr, keys.aes_key(), keys.counter()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &n, reinterpret_cast<const unsigned char*>(in.data()),
                        static_cast<int>(in.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + n, &tail) != 1)
    throw Error("vault: AES-256-CTR failed");
  out.resize(static_cast<size_t>(n + tail));
  return out;
}

std::mutex keyring_mutex;
std::shared_ptr<const VaultKeyring> keyring = std::make_shared<VaultKeyring>();

}  // namespace

bool is_vault_encrypted(std::string_view text) {
  if (text.substr(0, kHeader.size()) != kHeader) return false;
  for (unsigned char c : text)
    if (c > 127) return false;  // Ansible: the vault format is pure ASCII
  return true;
}

VaultEnvelope parse_vault_envelope(std::string_view text, const std::string& filename) {
  std::string in_file = filename.empty() ? "" : " in " + filename;
  auto lines = split_lines(text);
  if (lines.empty()) throw VaultFormatError("Vault envelope format error" + in_file + ": list index out of range");
  std::vector<std::string_view> header;
  std::string_view h = strip(lines[0]);
  for (size_t start = 0;;) {
    size_t semi = h.find(';', start);
    header.push_back(h.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start));
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  if (header.size() < 3) throw VaultFormatError("Vault envelope format error" + in_file + ": list index out of range");
  VaultEnvelope e;
  e.version = std::string(strip(header[1]));
  e.cipher = std::string(strip(header[2]));
  e.vault_id = header.size() >= 4 ? std::string(strip(header[3])) : "default";
  std::string payload;
  for (size_t i = 1; i < lines.size(); ++i) payload += lines[i];
  std::string inner = unhexlify(payload);
  size_t nl1 = inner.find('\n');
  size_t nl2 = nl1 == std::string::npos ? nl1 : inner.find('\n', nl1 + 1);
  if (nl2 == std::string::npos)
    throw VaultFormatError(std::string("Vault vaulttext format error: not enough values to unpack (expected 3, got ") +
                           (nl1 == std::string::npos ? "1" : "2") + ")");
  e.salt = unhexlify(std::string_view(inner).substr(0, nl1));
  e.hmac = unhexlify(std::string_view(inner).substr(nl1 + 1, nl2 - nl1 - 1));
  e.ciphertext = unhexlify(std::string_view(inner).substr(nl2 + 1));
  return e;
}

std::string vault_encrypt(std::string_view plaintext, const VaultSecret& secret, std::string_view salt) {
  std::string salt_bytes(salt);
  if (salt_bytes.empty()) {
    salt_bytes.resize(kSaltLength);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt_bytes.data()), kSaltLength) != 1)
      throw Error("vault: no random bytes for the salt");
  }
  DerivedKeys keys;
  derive_keys(secret.password, salt_bytes, keys);
  std::string padded(plaintext);
  size_t pad = 16 - padded.size() % 16;
  padded.append(pad, static_cast<char>(pad));
  std::string ciphertext = aes256_ctr(keys, padded);
  OPENSSL_cleanse(padded.data(), padded.size());
  std::string mac = hmac_sha256(keys.hmac_key(), ciphertext);
  std::string payload = hexlify(hexlify(salt_bytes) + "\n" + hexlify(mac) + "\n" + hexlify(ciphertext));

  bool labelled = !secret.vault_id.empty() && secret.vault_id != "default";
  std::string out = labelled ? "$ANSIBLE_VAULT;1.2;AES256;" + secret.vault_id : "$ANSIBLE_VAULT;1.1;AES256";
  for (size_t i = 0; i < payload.size(); i += 80) {
    out += '\n';
    out.append(payload, i, 80);
  }
  out += '\n';
  return out;
}

std::optional<std::string> vault_decrypt_with(const VaultEnvelope& envelope, std::string_view password) {
  DerivedKeys keys;
  derive_keys(password, envelope.salt, keys);
  std::string mac = hmac_sha256(keys.hmac_key(), envelope.ciphertext);
  if (envelope.hmac.size() != mac.size() || CRYPTO_memcmp(mac.data(), envelope.hmac.data(), mac.size()) != 0)
    return std::nullopt;
  std::string plain = aes256_ctr(keys, envelope.ciphertext);
  // PKCS#7 as the cryptography package's unpadder checks it.
  unsigned char pad = plain.empty() ? 0 : static_cast<unsigned char>(plain.back());
  bool ok = pad >= 1 && pad <= 16 && pad <= plain.size() && plain.size() % 16 == 0;
  for (size_t i = 0; ok && i < pad; ++i) ok = static_cast<unsigned char>(plain[plain.size() - 1 - i]) == pad;
  if (!ok) throw Error("Invalid padding bytes.");
  plain.resize(plain.size() - pad);
  return plain;
}

VaultPlaintext vault_decrypt(std::string_view text, const VaultKeyring& ring, const std::string& filename) {
  std::string on_file = filename.empty() ? "" : " on " + filename;
  if (!is_vault_encrypted(text)) {
    std::string msg = "input is not vault encrypted data. ";
    if (!filename.empty()) msg += filename + " is not a vault encrypted file";
    throw Error(msg);
  }
  VaultEnvelope e;
  try {
    e = parse_vault_envelope(text, filename);
  } catch (const VaultFormatError& fe) {
    // Ansible splits the header first and unhexlifies the payload only when
    // it tries a secret: no secrets is the first error, then a warning.
    if (fe.message().rfind("Vault envelope format error", 0) == 0) throw;
    if (ring.secrets.empty()) throw VaultError("Attempting to decrypt but no vault secrets found");
    if (ring.warn)
      ring.warn("There was a vault format error" + (filename.empty() ? "" : " in " + filename) + ": " + fe.message());
    throw;
  }
  if (e.cipher != "AES256") throw Error(e.cipher + " cipher could not be found");
  if (ring.secrets.empty()) throw VaultError("Attempting to decrypt but no vault secrets found");
  for (const auto& s : ring.secrets) {
    if (ring.vault_id_match && s.vault_id != e.vault_id) continue;
    if (auto plain = vault_decrypt_with(e, s.password)) return {std::move(*plain), s.vault_id};
  }
  throw VaultError("Decryption failed (no vault secrets were found that could decrypt)" + on_file);
}

namespace {

// Inline values opened so far with the current keyring: the plaintext, or
// why it could not be opened (each text is tried once).
struct OpenedValue {
  std::optional<std::string> plain;
  std::string error;
  bool format_error = false;
};
std::mutex opened_mutex;
std::map<std::string, OpenedValue, std::less<>> opened_values;

std::string opened_or_throw(const OpenedValue& o) {
  if (o.plain) return *o.plain;
  if (o.format_error) throw VaultFormatError(o.error);
  throw VaultError(o.error);
}

}  // namespace

void set_process_vault_keyring(VaultKeyring ring) {
  auto next = std::make_shared<const VaultKeyring>(std::move(ring));
  {
    std::lock_guard<std::mutex> lock(keyring_mutex);
    keyring = std::move(next);
  }
  std::lock_guard<std::mutex> lock(opened_mutex);
  opened_values.clear();
}

std::string open_vault_value(const std::string& text) {
  {
    std::lock_guard<std::mutex> lock(opened_mutex);
    if (auto it = opened_values.find(text); it != opened_values.end()) return opened_or_throw(it->second);
  }
  OpenedValue o;
  try {
    o.plain = vault_decrypt(text, *process_vault_keyring()).text;
  } catch (const VaultFormatError& e) {
    o.error = e.message();
    o.format_error = true;
  } catch (const VaultError& e) {
    o.error = e.message();
  }
  std::lock_guard<std::mutex> lock(opened_mutex);
  return opened_or_throw(opened_values.emplace(text, std::move(o)).first->second);
}

Value reveal_vault_values(const Value& v) {
  if (const std::string* text = vault_marker_text(v)) return Value(open_vault_value(*text));
  if (!v.is_object() && !v.is_array()) return v;
  Value out = v;
  for (auto& child : out) child = reveal_vault_values(child);
  return out;
}

std::shared_ptr<const VaultKeyring> process_vault_keyring() {
  std::lock_guard<std::mutex> lock(keyring_mutex);
  return keyring;
}

Value vault_marker(const std::string& text) { return Value{{"__ansible_vault", text}}; }

const std::string* vault_marker_text(const Value& v) {
  if (!v.is_object() || v.size() != 1) return nullptr;
  auto it = v.find("__ansible_vault");
  if (it == v.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const ValueString*>();
}

std::string decrypt_if_vaulted(std::string text, const std::string& filename) {
  if (!is_vault_encrypted(text)) return text;
  return vault_decrypt(text, *process_vault_keyring(), filename).text;
}

}  // namespace drover
