#include "core/big_int.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace drover {
namespace {

using Mag = std::vector<uint32_t>;

void trim_mag(Mag& m) {
  while (!m.empty() && m.back() == 0) m.pop_back();
}

int cmp_mag(const Mag& a, const Mag& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

Mag add_mag(const Mag& a, const Mag& b) {
  const Mag& l = a.size() >= b.size() ? a : b;
  const Mag& s = a.size() >= b.size() ? b : a;
  Mag out(l.size() + 1, 0);
  uint64_t carry = 0;
  for (size_t i = 0; i < l.size(); ++i) {
    uint64_t sum = uint64_t{l[i]} + (i < s.size() ? s[i] : 0) + carry;
    out[i] = static_cast<uint32_t>(sum);
    carry = sum >> 32;
  }
  out[l.size()] = static_cast<uint32_t>(carry);
  trim_mag(out);
  return out;
}

// a - b with a >= b.
Mag sub_mag(const Mag& a, const Mag& b) {
  Mag out(a.size(), 0);
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t d = int64_t{a[i]} - (i < b.size() ? b[i] : 0) - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = static_cast<uint32_t>(d + (borrow << 32));
  }
  trim_mag(out);
  return out;
}

Mag mul_mag(const Mag& a, const Mag& b) {
  if (a.empty() || b.empty()) return {};
  Mag out(a.size() + b.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      uint64_t t = uint64_t{a[i]} * b[j] + out[i + j] + carry;
      out[i + j] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    out[i + b.size()] = static_cast<uint32_t>(carry);
  }
  trim_mag(out);
  return out;
}

// a / d, leaving a % d in `rem`.
Mag div_small(const Mag& a, uint32_t d, uint32_t& rem) {
  Mag q(a.size(), 0);
  uint64_t r = 0;
  for (size_t i = a.size(); i-- > 0;) {
    uint64_t cur = (r << 32) | a[i];
    q[i] = static_cast<uint32_t>(cur / d);
    r = cur % d;
  }
  rem = static_cast<uint32_t>(r);
  trim_mag(q);
  return q;
}

size_t bits_of(const Mag& m) {
  if (m.empty()) return 0;
  return (m.size() - 1) * 32 + (32 - static_cast<size_t>(__builtin_clz(m.back())));
}

Mag shift_left(const Mag& m, size_t bits) {
  if (m.empty()) return {};
  size_t words = bits / 32, rest = bits % 32;
  Mag out(m.size() + words + 1, 0);
  for (size_t i = 0; i < m.size(); ++i) {
    uint64_t v = uint64_t{m[i]} << rest;
    out[i + words] |= static_cast<uint32_t>(v);
    out[i + words + 1] |= static_cast<uint32_t>(v >> 32);
  }
  trim_mag(out);
  return out;
}

// Truncating division of magnitudes, one bit at a time past the one-word
// case: the numbers a template meets are a few words long.
void divmod_mag(const Mag& a, const Mag& b, Mag& q, Mag& r) {
  if (cmp_mag(a, b) < 0) {
    q.clear();
    r = a;
    return;
  }
  if (b.size() == 1) {
    uint32_t rem = 0;
    q = div_small(a, b[0], rem);
    r.clear();
    if (rem) r.push_back(rem);
    return;
  }
  size_t n = bits_of(a);
  q.assign(a.size(), 0);
  r.clear();
  for (size_t i = n; i-- > 0;) {
    r = shift_left(r, 1);
    if ((a[i / 32] >> (i % 32)) & 1u) {
      if (r.empty())
        r.push_back(1);
      else
        r[0] |= 1u;
    }
    if (cmp_mag(r, b) >= 0) {
      r = sub_mag(r, b);
      q[i / 32] |= 1u << (i % 32);
    }
  }
  trim_mag(q);
}

}  // namespace

BigInt::BigInt(int64_t v) {
  neg_ = v < 0;
  uint64_t u = neg_ ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  mag_ = {static_cast<uint32_t>(u), static_cast<uint32_t>(u >> 32)};
  trim();
}

void BigInt::trim() {
  trim_mag(mag_);
  if (mag_.empty()) neg_ = false;
}

BigInt BigInt::from_words(std::vector<uint32_t> words, bool negative) {
  BigInt out;
  out.mag_ = std::move(words);
  out.neg_ = negative;
  out.trim();
  return out;
}

std::optional<BigInt> BigInt::parse(std::string_view text, int base) {
  bool neg = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    neg = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || base < 2 || base > 36) return std::nullopt;
  Mag m;
  for (char c : text) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                   : 99;
    if (d >= base) return std::nullopt;
    uint64_t carry = static_cast<uint64_t>(d);
    for (auto& w : m) {
      uint64_t t = uint64_t{w} * static_cast<uint64_t>(base) + carry;
      w = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry) m.push_back(static_cast<uint32_t>(carry));
  }
  return from_words(std::move(m), neg);
}

BigInt BigInt::from_double(double d) {
  d = std::trunc(d);
  if (std::fabs(d) < 9.2e18) return BigInt(static_cast<int64_t>(d));
  int e = 0;
  double m = std::frexp(std::fabs(d), &e);  // |d| = m * 2^e, 0.5 <= m < 1
  auto mant = static_cast<uint64_t>(std::ldexp(m, 53));
  BigInt out(static_cast<int64_t>(mant));
  out.mag_ = shift_left(out.mag_, static_cast<size_t>(e - 53));
  out.neg_ = d < 0;
  out.trim();
  return out;
}

std::optional<int64_t> BigInt::to_int64() const {
  if (mag_.size() > 2) return std::nullopt;
  uint64_t u = mag_.empty() ? 0 : mag_[0];
  if (mag_.size() == 2) u |= uint64_t{mag_[1]} << 32;
  if (!neg_) {
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (u > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
  return static_cast<int64_t>(0 - u);
}

std::optional<double> BigInt::to_double() const {
  if (auto small = to_int64()) return static_cast<double>(*small);
  // strtod rounds correctly (half to even), as CPython's int-to-float does.
  std::string text = to_string();
  errno = 0;
  double d = std::strtod(text.c_str(), nullptr);
  if (errno == ERANGE || std::isinf(d)) return std::nullopt;
  return d;
}

std::string BigInt::to_string() const {
  if (mag_.empty()) return "0";
  std::vector<uint32_t> chunks;  // base 10^9, least significant first
  Mag cur = mag_;
  while (!cur.empty()) {
    uint32_t rem = 0;
    cur = div_small(cur, 1000000000u, rem);
    chunks.push_back(rem);
  }
  std::string out = neg_ ? "-" : "";
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  return out;
}

std::string BigInt::digits(int base) const {
  if (mag_.empty()) return "0";
  std::string out;
  Mag cur = mag_;
  while (!cur.empty()) {
    uint32_t rem = 0;
    cur = div_small(cur, static_cast<uint32_t>(base), rem);
    out += "0123456789abcdefghijklmnopqrstuvwxyz"[rem];
  }
  std::reverse(out.begin(), out.end());
  return out;
}

size_t BigInt::bit_length() const {
  return bits_of(mag_);
}

BigInt BigInt::operator-() const {
  BigInt out = *this;
  if (!out.mag_.empty()) out.neg_ = !out.neg_;
  return out;
}

BigInt BigInt::abs() const {
  BigInt out = *this;
  out.neg_ = false;
  return out;
}

BigInt operator+(const BigInt& a, const BigInt& b) {
  BigInt out;
  if (a.neg_ == b.neg_) {
    out.mag_ = add_mag(a.mag_, b.mag_);
    out.neg_ = a.neg_;
  } else if (cmp_mag(a.mag_, b.mag_) >= 0) {
    out.mag_ = sub_mag(a.mag_, b.mag_);
    out.neg_ = a.neg_;
  } else {
    out.mag_ = sub_mag(b.mag_, a.mag_);
    out.neg_ = b.neg_;
  }
  out.trim();
  return out;
}

BigInt operator-(const BigInt& a, const BigInt& b) {
  return a + (-b);
}

BigInt operator*(const BigInt& a, const BigInt& b) {
  BigInt out;
  out.mag_ = mul_mag(a.mag_, b.mag_);
  out.neg_ = a.neg_ != b.neg_;
  out.trim();
  return out;
}

void BigInt::floor_divmod(const BigInt& a, const BigInt& b, BigInt& quotient, BigInt& remainder) {
  Mag q, r;
  divmod_mag(a.mag_, b.mag_, q, r);
  quotient = from_words(std::move(q), a.neg_ != b.neg_);
  remainder = from_words(std::move(r), a.neg_);
  // Truncation to floor: a remainder whose sign differs from the divisor's
  // moves one step.
  if (!remainder.is_zero() && remainder.neg_ != b.neg_) {
    quotient = quotient - BigInt(1);
    remainder = remainder + b;
  }
}

BigInt BigInt::pow(uint64_t exponent) const {
  BigInt result(1), base = *this;
  while (exponent > 0) {
    if (exponent & 1) result = result * base;
    exponent >>= 1;
    if (exponent) base = base * base;
  }
  return result;
}

int compare(const BigInt& a, const BigInt& b) {
  if (a.neg_ != b.neg_) return a.neg_ ? -1 : 1;
  int c = cmp_mag(a.mag_, b.mag_);
  return a.neg_ ? -c : c;
}

int compare(const BigInt& a, double b) {
  if (std::isinf(b)) return b > 0 ? -1 : 1;
  double whole = std::trunc(b);
  int c = compare(a, BigInt::from_double(whole));
  if (c != 0) return c;
  double frac = b - whole;
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

Value big_int_value(const BigInt& n) {
  if (auto small = n.to_int64()) return Value(*small);
  std::string text = n.to_string();
  return Value::binary(std::vector<uint8_t>(text.begin(), text.end()), kBigIntSubtype);
}

bool is_big_int(const Value& v) {
  return v.is_binary() && v.get_binary().has_subtype() &&
         v.get_binary().subtype() == kBigIntSubtype;
}

std::string big_int_text(const Value& v) {
  if (is_big_int(v)) {
    const auto& bytes = v.get_binary();
    return std::string(bytes.begin(), bytes.end());
  }
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return {};
}

BigInt big_int_of(const Value& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return BigInt(v.get<int64_t>());
  return BigInt::parse(big_int_text(v)).value_or(BigInt());
}

}  // namespace drover
