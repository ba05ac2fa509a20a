// core/vault: the envelope, the crypto and the order secrets are tried in.
// The fixed vector was written by ansible-core 2.14's VaultAES256 with the
// salt "S" * 32 (the oracle compat tests in tests/cli/vault_compat_test.cpp
// cover random salts both ways).
#include "core/vault.hpp"

#include <gtest/gtest.h>

#include "core/yaml.hpp"

namespace drover {
namespace {

const char* kAnsibleVector =
    "$ANSIBLE_VAULT;1.2;AES256;dev\n"
    "35333533353335333533353335333533353335333533353335333533353335333533353335333533\n"
    "3533353335333533353335333533353335333533353335330a626536663463353761333739393231\n"
    "66616634666437656238383437346532383135663838373139666165396564346539616134623238\n"
    "6661363131663535640a616331346433363533633265343563333337373862363532336631633037\n"
    "3765\n";

VaultKeyring ring(std::vector<VaultSecret> s, bool match = false) {
  VaultKeyring r;
  r.secrets = std::move(s);
  r.vault_id_match = match;
  return r;
}

TEST(Vault, EncryptsByteForByteAsAnsibleWithTheSameSalt) {
  EXPECT_EQ(vault_encrypt("hello vault\n", {"dev", "pw1"}, std::string(32, 'S')), kAnsibleVector);
}

TEST(Vault, DecryptsWhatAnsibleWrote) {
  auto p = vault_decrypt(kAnsibleVector, ring({{"default", "pw1"}}));
  EXPECT_EQ(p.text, "hello vault\n");
  EXPECT_EQ(p.vault_id, "default");
}

TEST(Vault, WritesVersion11WithoutALabelAnd12WithOne) {
  std::string plain = vault_encrypt("x", {"default", "p"});
  EXPECT_EQ(plain.rfind("$ANSIBLE_VAULT;1.1;AES256\n", 0), 0u);
  std::string labelled = vault_encrypt("x", {"prod", "p"});
  EXPECT_EQ(labelled.rfind("$ANSIBLE_VAULT;1.2;AES256;prod\n", 0), 0u);
  EXPECT_EQ(parse_vault_envelope(labelled).vault_id, "prod");
  EXPECT_EQ(parse_vault_envelope(plain).vault_id, "default");
}

TEST(Vault, WrapsThePayloadAt80ColumnsAndEndsWithANewline) {
  std::string v = vault_encrypt(std::string(500, 'a'), {"default", "p"});
  ASSERT_EQ(v.back(), '\n');
  size_t start = v.find('\n') + 1;
  while (start < v.size()) {
    size_t end = v.find('\n', start);
    EXPECT_LE(end - start, 80u);
    start = end + 1;
  }
}

TEST(Vault, RoundTripsEmptyAndBinaryPlaintexts) {
  for (std::string s : {std::string(), std::string("\0\xff\x10", 3), std::string(16, 'z'), std::string(4096, '\n')}) {
    EXPECT_EQ(vault_decrypt(vault_encrypt(s, {"default", "k"}), ring({{"default", "k"}})).text, s);
  }
}

TEST(Vault, AWrongPasswordFailsWithAnsiblesMessageNamingTheFile) {
  std::string v = vault_encrypt("s", {"default", "right"});
  try {
    vault_decrypt(v, ring({{"default", "wrong"}}), "/x/secrets.yml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "Decryption failed (no vault secrets were found that could decrypt) on /x/secrets.yml");
  }
}

TEST(Vault, NoSecretsAtAllFailsWithAttemptingToDecrypt) {
  std::string v = vault_encrypt("s", {"default", "right"});
  EXPECT_THROW(
      {
        try {
          vault_decrypt(v, ring({}));
        } catch (const Error& e) {
          EXPECT_EQ(e.message(), "Attempting to decrypt but no vault secrets found");
          throw;
        }
      },
      Error);
}

TEST(Vault, ATamperedCiphertextFailsTheHmacCheck) {
  std::string v = vault_encrypt("secret value", {"default", "pw"});
  // Change the last ciphertext byte, keeping every digit valid hex: the
  // outer pair "3x"/"6x" stays a digit or a..f with x = 1 or 2.
  size_t pos = v.size() - 2;
  v[pos] = v[pos] == '1' ? '2' : '1';
  EXPECT_THROW(vault_decrypt(v, ring({{"default", "pw"}})), Error);
  auto e = parse_vault_envelope(v);
  EXPECT_FALSE(vault_decrypt_with(e, "pw").has_value());
}

TEST(Vault, TriesEverySecretInOrderUnlessVaultIdMatchIsSet) {
  std::string v = vault_encrypt("s", {"prod", "p2"});
  auto p = vault_decrypt(v, ring({{"dev", "p1"}, {"other", "p2"}}));
  EXPECT_EQ(p.vault_id, "other");
  EXPECT_THROW(vault_decrypt(v, ring({{"dev", "p1"}, {"other", "p2"}}, true)), Error);
  EXPECT_EQ(vault_decrypt(v, ring({{"dev", "p1"}, {"prod", "p2"}}, true)).vault_id, "prod");
}

TEST(Vault, MalformedEnvelopesAreFormatErrorsNotCrashes) {
  EXPECT_THROW(parse_vault_envelope("$ANSIBLE_VAULT"), VaultFormatError);
  EXPECT_THROW(parse_vault_envelope("$ANSIBLE_VAULT;1.1;AES256\nabc"), VaultFormatError);
  EXPECT_THROW(parse_vault_envelope("$ANSIBLE_VAULT;1.1;AES256\nzz"), VaultFormatError);
  EXPECT_THROW(parse_vault_envelope("$ANSIBLE_VAULT;1.1;AES256\n6162"), VaultFormatError);
}

TEST(Vault, RecognisesOnlyAsciiTextStartingWithTheHeader) {
  EXPECT_TRUE(is_vault_encrypted("$ANSIBLE_VAULT;1.1;AES256\n"));
  EXPECT_FALSE(is_vault_encrypted(" $ANSIBLE_VAULT;1.1;AES256\n"));
  EXPECT_FALSE(is_vault_encrypted("$ANSIBLE_VAULT;1.1;AES256\n\xc3\xa9"));
}

TEST(VaultYaml, InlineVaultValuesStayEncryptedUntilOpenedWithTheProcessKeyring) {
  set_process_vault_keyring(ring({{"default", "pw1"}}));
  std::string doc = "a: 1\nsecret: !vault |\n";
  std::string v = kAnsibleVector;
  for (size_t s = 0; s < v.size();) {
    size_t e = v.find('\n', s);
    doc += "  " + v.substr(s, e - s) + "\n";
    s = e + 1;
  }
  Value got = load_yaml_value_string(doc, "vars.yml");
  ASSERT_NE(vault_marker_text(got["secret"]), nullptr) << got.dump();
  EXPECT_EQ(open_vault_value(*vault_marker_text(got["secret"])), "hello vault\n");
  EXPECT_EQ(reveal_vault_values(got), Value({{"a", 1}, {"secret", "hello vault\n"}}));
  // A keyring that cannot open it: the failure comes when it is used.
  set_process_vault_keyring(ring({{"default", "wrong"}}));
  Value again = load_yaml_value_string(doc, "vars.yml");
  EXPECT_THROW(reveal_vault_values(again), VaultError);
  set_process_vault_keyring({});
}

}  // namespace
}  // namespace drover
