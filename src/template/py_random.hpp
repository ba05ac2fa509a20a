// Python's random.Random, bit for bit, for the filters Ansible seeds:
// `random(seed=...)` and `shuffle(seed=...)` pick what Ansible picks for
// the same seed (a cron minute spread by inventory_hostname stays put when
// a project moves from ansible-playbook to drover).
//
// The generator is MT19937 seeded as CPython 3 seeds it: a str by
// init_by_array over the integer of its UTF-8 bytes followed by their
// SHA-512 (seed version 2), an int by its absolute value's 32-bit words;
// randbelow, randrange, getrandbits and shuffle draw as CPython's do.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/big_int.hpp"

namespace drover::tmpl {

class PyRandom {
 public:
  explicit PyRandom(const std::string& seed);  // random.Random("text")
  explicit PyRandom(int64_t seed);             // random.Random(42)
  explicit PyRandom(const BigInt& seed);       // random.Random(2**100)

  uint32_t next32();                 // genrand_uint32
  uint64_t getrandbits(int k);       // 0 < k <= 64
  uint64_t randbelow(uint64_t n);    // n > 0: uniform in [0, n)
  BigInt getrandbits_big(size_t k);  // any k > 0
  BigInt randbelow(const BigInt& n); // n > 0, any size

 private:
  void init_by_array(const std::vector<uint32_t>& key);
  std::array<uint32_t, 624> mt_{};
  int index_ = 624;
};

}  // namespace drover::tmpl
