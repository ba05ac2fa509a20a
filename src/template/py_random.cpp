#include "template/py_random.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace drover::tmpl {
namespace {

constexpr int kN = 624, kM = 397;

// The 32-bit words of a big-endian unsigned integer, least significant
// first (CPython's _PyLong_AsByteArray as random_seed uses it).
std::vector<uint32_t> words_of(const std::string& big_endian) {
  size_t start = big_endian.find_first_not_of('\0');
  std::vector<uint32_t> key;
  if (start == std::string::npos) return {0};
  for (size_t end = big_endian.size(); end > start;) {
    uint32_t w = 0;
    for (int shift = 0; shift < 32 && end > start; shift += 8)
      w |= static_cast<uint32_t>(static_cast<unsigned char>(big_endian[--end])) << shift;
    key.push_back(w);
  }
  return key;
}

std::string sha512(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, EVP_sha512(), nullptr) != 1)
    throw std::runtime_error("sha512 failed");
  return std::string(reinterpret_cast<char*>(out), n);
}

}  // namespace

PyRandom::PyRandom(const std::string& seed) { init_by_array(words_of(seed + sha512(seed))); }

PyRandom::PyRandom(int64_t seed) {
  uint64_t a = seed < 0 ? 0 - static_cast<uint64_t>(seed) : static_cast<uint64_t>(seed);
  std::vector<uint32_t> key = {static_cast<uint32_t>(a)};
  if (a >> 32) key.push_back(static_cast<uint32_t>(a >> 32));
  init_by_array(key);
}

PyRandom::PyRandom(const BigInt& seed) {
  std::vector<uint32_t> key = seed.words();  // of the absolute value
  if (key.empty()) key.push_back(0);
  init_by_array(key);
}

void PyRandom::init_by_array(const std::vector<uint32_t>& key) {
  mt_[0] = 19650218U;
  for (uint32_t i = 1; i < kN; ++i) mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + i;
  uint32_t i = 1, j = 0;
  const uint32_t len = static_cast<uint32_t>(key.size());
  for (uint32_t k = kN > len ? kN : len; k; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] + j;
    if (++i >= kN) {
      mt_[0] = mt_[kN - 1];
      i = 1;
    }
    if (++j >= len) j = 0;
  }
  for (uint32_t k = kN - 1; k; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) - i;
    if (++i >= kN) {
      mt_[0] = mt_[kN - 1];
      i = 1;
    }
  }
  mt_[0] = 0x80000000U;
  index_ = kN;
}

uint32_t PyRandom::next32() {
  static const uint32_t mag01[2] = {0x0U, 0x9908b0dfU};
  if (index_ >= kN) {
    int kk = 0;
    uint32_t y;
    for (; kk < kN - kM; ++kk) {
      y = (mt_[kk] & 0x80000000U) | (mt_[kk + 1] & 0x7fffffffU);
      mt_[kk] = mt_[kk + kM] ^ (y >> 1) ^ mag01[y & 1U];
    }
    for (; kk < kN - 1; ++kk) {
      y = (mt_[kk] & 0x80000000U) | (mt_[kk + 1] & 0x7fffffffU);
      mt_[kk] = mt_[kk + (kM - kN)] ^ (y >> 1) ^ mag01[y & 1U];
    }
    y = (mt_[kN - 1] & 0x80000000U) | (mt_[0] & 0x7fffffffU);
    mt_[kN - 1] = mt_[kM - 1] ^ (y >> 1) ^ mag01[y & 1U];
    index_ = 0;
  }
  uint32_t y = mt_[index_++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

uint64_t PyRandom::getrandbits(int k) {
  if (k <= 32) return next32() >> (32 - k);
  uint64_t low = next32();  // the least significant word comes first
  uint64_t high = next32() >> (64 - k);
  return low | (high << 32);
}

uint64_t PyRandom::randbelow(uint64_t n) {
  int k = 64 - __builtin_clzll(n);  // n.bit_length()
  uint64_t r = getrandbits(k);
  while (r >= n) r = getrandbits(k);
  return r;
}

// CPython's getrandbits for k > 32: 32-bit words, least significant
// first, the last one shifted down to the bits that remain.
BigInt PyRandom::getrandbits_big(size_t k) {
  std::vector<uint32_t> words;
  for (size_t left = k; left > 0;) {
    uint32_t r = next32();
    if (left < 32) r >>= (32 - left);
    words.push_back(r);
    left = left < 32 ? 0 : left - 32;
  }
  return BigInt::from_words(std::move(words));
}

BigInt PyRandom::randbelow(const BigInt& n) {
  if (auto small = n.to_int64()) return BigInt(static_cast<int64_t>(randbelow(static_cast<uint64_t>(*small))));
  size_t k = n.bit_length();
  BigInt r = getrandbits_big(k);
  while (compare(r, n) >= 0) r = getrandbits_big(k);
  return r;
}

}  // namespace drover::tmpl
