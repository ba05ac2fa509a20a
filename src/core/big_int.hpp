// Python's unbounded int where int64 is not enough: `{{ 2**64 }}`,
// `{{ 10**30 // 7 }}`, `int('123456789012345678901234567890')`.
//
// BigInt is sign and magnitude (32-bit words, least significant first, no
// leading zero words; zero is never negative). The operators follow
// Python's: `floor_divmod` rounds the quotient toward minus infinity and
// gives the remainder the divisor's sign.
//
// A Value holds an integer beyond int64 as a binary value of subtype
// kBigIntSubtype whose bytes are its decimal text (nlohmann's own number
// kinds stop at 64 bits). `big_int_value` returns an ordinary integer
// Value when the number fits in int64, so that every other reader of
// Values keeps seeing int64; the writers (json.dumps, repr, YAML, str())
// print a big one by its digits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"

namespace drover {

class BigInt {
 public:
  BigInt() = default;
  BigInt(int64_t v);  // NOLINT: implicit, as Python mixes int sizes freely
  // Digits in `base` (2..36) with an optional sign; no prefix, no
  // underscores. nullopt when a character is not a digit of the base.
  static std::optional<BigInt> parse(std::string_view text, int base = 10);
  // The integer part of a finite double (Python's int(float)), exactly.
  static BigInt from_double(double d);

  bool negative() const { return neg_; }
  bool is_zero() const { return mag_.empty(); }
  std::optional<int64_t> to_int64() const;
  // The nearest double, correctly rounded as Python's float(int); nullopt
  // when it is too large (Python's OverflowError).
  std::optional<double> to_double() const;
  std::string to_string() const;
  // Digits of the magnitude in `base` (2..36, lower case), no sign.
  std::string digits(int base) const;
  size_t bit_length() const;
  // The magnitude's 32-bit words, least significant first.
  const std::vector<uint32_t>& words() const { return mag_; }
  static BigInt from_words(std::vector<uint32_t> words, bool negative = false);

  BigInt operator-() const;
  BigInt abs() const;
  friend BigInt operator+(const BigInt& a, const BigInt& b);
  friend BigInt operator-(const BigInt& a, const BigInt& b);
  friend BigInt operator*(const BigInt& a, const BigInt& b);
  // Python's divmod; `b` must not be zero.
  static void floor_divmod(const BigInt& a, const BigInt& b, BigInt& quotient, BigInt& remainder);
  BigInt pow(uint64_t exponent) const;
  // -1, 0, 1
  friend int compare(const BigInt& a, const BigInt& b);
  // Compares exactly with a double that is not NaN (Python's int < float).
  friend int compare(const BigInt& a, double b);
  friend bool operator==(const BigInt& a, const BigInt& b) {
    return a.neg_ == b.neg_ && a.mag_ == b.mag_;
  }

 private:
  void trim();
  bool neg_ = false;
  std::vector<uint32_t> mag_;
};

constexpr uint64_t kBigIntSubtype = 0x6269;  // "bi"

// Python 3.11's default int_max_str_digits: str() and int() of text past
// this many decimal digits raise ValueError.
constexpr size_t kMaxIntStrDigits = 4300;
// drover's own bound on a computed int (Python has none; this keeps a
// runaway `**` from taking the controller's memory): 2**(2**20).
constexpr size_t kMaxBigIntBits = size_t{1} << 20;

// The Value of an integer: an ordinary int64 when it fits, else a big one.
Value big_int_value(const BigInt& n);
// A Value holding an integer beyond int64.
bool is_big_int(const Value& v);
// The number of a big-int Value (an int64 Value works too).
BigInt big_int_of(const Value& v);
// The decimal text of a big-int Value.
std::string big_int_text(const Value& v);

}  // namespace drover
