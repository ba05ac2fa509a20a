#include "template/operators.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "core/pyrepr.hpp"
#include "template/datetime.hpp"
#include "template/renderer.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"

namespace drover::tmpl {
namespace {

constexpr size_t kMaxRepeat = 64u << 20;

[[noreturn]] void unsupported(std::string_view op, const Val& a, const Val& b) {
  fail_type("unsupported operand type(s) for " + std::string(op) + ": '" + type_name(a) + "' and '" + type_name(b) + "'");
}

void check_operand(const Val& v) {
  if (v.is_undefined()) raise_undefined(v);
}

[[noreturn]] void too_large() {
  fail_python("OverflowError", "integer too large: drover's ints stop at 2**" + std::to_string(kMaxBigIntBits));
}

// The int operators past int64 (and where an operand is already a BigInt).
Val big_arith(char op, const BigInt& a, const BigInt& b) {
  switch (op) {
    case '+': return Val::big_integer(a + b);
    case '-': return Val::big_integer(a - b);
    case '*':
      if (a.bit_length() + b.bit_length() > kMaxBigIntBits) too_large();
      return Val::big_integer(a * b);
    default: break;
  }
  // '/' is floor division here, '%' modulo; the divisor is not zero.
  BigInt q, r;
  BigInt::floor_divmod(a, b, q, r);
  return Val::big_integer(op == '%' ? r : q);
}

// int / int where one is past int64: Python divides exactly and rounds
// once; this scales the quotient to 64 significant bits, then rounds it to
// a double (off by one unit in the last place at worst).
double big_true_divide(const BigInt& a, const BigInt& b) {
  if (b.is_zero()) fail_python("ZeroDivisionError", "division by zero");
  if (a.is_zero()) return b.negative() ? -0.0 : 0.0;
  long shift = 64 - (static_cast<long>(a.bit_length()) - static_cast<long>(b.bit_length()));
  BigInt num = a.abs(), den = b.abs();
  if (shift > 0) num = num * BigInt(2).pow(static_cast<uint64_t>(shift));
  else if (shift < 0) den = den * BigInt(2).pow(static_cast<uint64_t>(-shift));
  BigInt q, r;
  BigInt::floor_divmod(num, den, q, r);
  double d = std::ldexp(q.to_double().value_or(0.0), static_cast<int>(-shift));
  if (std::isinf(d)) fail_python("OverflowError", "integer division result too large for a float");
  return a.negative() != b.negative() ? -d : d;
}

// int ** int with a non-negative exponent.
Val int_power(const Val& base, const Val& exponent) {
  BigInt b = base.to_big();
  // (bit_length - 1) * exponent is the least number of bits the result has.
  size_t least_bits = 0;
  bool huge = exponent.is_big_int() ||
              __builtin_mul_overflow(b.bit_length() == 0 ? 0 : b.bit_length() - 1, static_cast<size_t>(exponent.as_int()), &least_bits) ||
              least_bits > kMaxBigIntBits;
  if (huge) {
    // Only 0, 1 and -1 stay small under a huge exponent.
    bool odd = exponent.is_big_int() ? (exponent.as_big().words()[0] & 1u) : (exponent.as_int() & 1);
    if (b.is_zero() || b == BigInt(1)) return Val::big_integer(b);
    if (b == BigInt(-1)) return Val::integer(odd ? -1 : 1);
    too_large();
  }
  int64_t e = exponent.as_int();
  if (!base.is_big_int()) {
    int64_t x = base.as_int(), r = 1, n = e;
    bool overflow = false;
    while (n > 0 && !overflow) {
      if (n & 1) overflow = __builtin_mul_overflow(r, x, &r);
      n >>= 1;
      if (n && !overflow) overflow = __builtin_mul_overflow(x, x, &x);
    }
    if (!overflow) return Val::integer(r);
  }
  return Val::big_integer(b.pow(static_cast<uint64_t>(e)));
}

Val repeat(const Val& seq, int64_t n) {
  if (n <= 0) return seq.is_str() ? Val::str("") : (seq.is_tuple() ? Val::seq({}, true) : Val::data(Value::array()));
  if (seq.is_str()) {
    const std::string& s = seq.as_str();
    if (s.size() * static_cast<size_t>(n) > kMaxRepeat) fail("string repetition too large");
    std::string out;
    out.reserve(s.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) out += s;
    return Val::str(std::move(out));
  }
  if (seq.size() * static_cast<size_t>(n) > kMaxRepeat / 16) fail("list repetition too large");
  std::vector<Val> items;
  for (int64_t i = 0; i < n; ++i)
    for (size_t k = 0; k < seq.size(); ++k) items.push_back(seq.at(k));
  if (seq.is_tuple()) return Val::seq(std::move(items), true);
  Value out = Value::array();
  for (const auto& v : items) out.push_back(v.to_value());
  return Val::data(std::move(out));
}

double py_fmod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

}  // namespace

Val negate(const Val& a) {
  check_operand(a);
  if (a.is_float()) return Val::flt(-a.as_float());
  if (a.is_integral()) {
    if (a.is_big_int() || a.as_int() == INT64_MIN) return Val::big_integer(-a.to_big());
    return Val::integer(-a.as_int());
  }
  fail_type("bad operand type for unary -: '" + type_name(a) + "'");
}

Val binary_op(std::string_view op, const Val& a, const Val& b) {
  check_operand(a);
  check_operand(b);
  if ((a.is_obj() || b.is_obj()) && (op == "+" || op == "-"))
    if (auto r = datetime_binary(op[0], a, b)) return *r;
  bool nums = a.is_number() && b.is_number();
  bool flt = nums && (a.is_float() || b.is_float());
  bool big = nums && !flt && (a.is_big_int() || b.is_big_int());
  switch (op[0]) {
    case '+':
      if (nums) {
        if (flt) return Val::flt(a.as_float() + b.as_float());
        int64_t r;
        if (big || __builtin_add_overflow(a.as_int(), b.as_int(), &r)) return big_arith('+', a.to_big(), b.to_big());
        return Val::integer(r);
      }
      if (a.is_str() && b.is_str()) return Val::str(a.as_str() + b.as_str());
      if (a.is_list() && b.is_list()) {
        if (a.kind() == Val::Kind::Data && b.kind() == Val::Kind::Data) {
          Value out = a.as_data();
          for (const auto& e : b.as_data()) out.push_back(e);
          return Val::data(std::move(out));
        }
        Value out = a.to_value();
        for (const auto& e : b.to_value()) out.push_back(e);
        return Val::data(std::move(out));
      }
      if (a.is_tuple() && b.is_tuple()) {
        std::vector<Val> items = a.as_seq();
        for (const auto& e : b.as_seq()) items.push_back(e);
        return Val::seq(std::move(items), true);
      }
      if (a.is_str()) fail_type("can only concatenate str (not \"" + type_name(b) + "\") to str");
      if (a.is_list()) fail_type("can only concatenate list (not \"" + type_name(b) + "\") to list");
      if (a.is_tuple()) fail_type("can only concatenate tuple (not \"" + type_name(b) + "\") to tuple");
      unsupported("+", a, b);
    case '-':
      if (nums) {
        if (flt) return Val::flt(a.as_float() - b.as_float());
        int64_t r;
        if (big || __builtin_sub_overflow(a.as_int(), b.as_int(), &r)) return big_arith('-', a.to_big(), b.to_big());
        return Val::integer(r);
      }
      unsupported("-", a, b);
    case '*':
      if (op == "**") {
        if (!nums) unsupported("** or pow()", a, b);
        if (!flt && !(b.is_big_int() ? b.as_big().negative() : b.as_int() < 0)) return int_power(a, b);
        if (a.as_float() == 0.0 && b.as_float() < 0) fail("0.0 cannot be raised to a negative power");
        double r = std::pow(a.as_float(), b.as_float());
        if (std::isnan(r) && a.as_float() < 0) fail("negative number cannot be raised to a fractional power");
        if (std::isinf(r)) fail("(34, 'Numerical result out of range')");
        return Val::flt(r);
      }
      if (nums) {
        if (flt) return Val::flt(a.as_float() * b.as_float());
        int64_t r;
        if (big || __builtin_mul_overflow(a.as_int(), b.as_int(), &r)) return big_arith('*', a.to_big(), b.to_big());
        return Val::integer(r);
      }
      if ((a.is_big_int() && (b.is_str() || b.is_sequence())) || (b.is_big_int() && (a.is_str() || a.is_sequence())))
        fail_python("OverflowError", "cannot fit 'int' into an index-sized integer");
      if ((a.is_str() || a.is_sequence()) && (b.is_int() || b.is_bool())) return repeat(a, b.as_int());
      if ((b.is_str() || b.is_sequence()) && (a.is_int() || a.is_bool())) return repeat(b, a.as_int());
      if (a.is_str() || a.is_sequence() || b.is_str() || b.is_sequence()) {
        const Val& other = (a.is_str() || a.is_sequence()) ? b : a;
        fail_type("can't multiply sequence by non-int of type '" + type_name(other) + "'");
      }
      unsupported("*", a, b);
    case '/':
      if (op == "//") {
        if (!nums) unsupported("//", a, b);
        if (flt) {
          if (b.as_float() == 0.0) fail_python("ZeroDivisionError", "float floor division by zero");
          return Val::flt(std::floor(a.as_float() / b.as_float()));
        }
        if (b.as_int() == 0) fail_python("ZeroDivisionError", "integer division or modulo by zero");
        if (big || (a.as_int() == INT64_MIN && b.as_int() == -1)) return big_arith('/', a.to_big(), b.to_big());
        int64_t q = a.as_int() / b.as_int();
        if ((a.as_int() % b.as_int() != 0) && ((a.as_int() < 0) != (b.as_int() < 0))) --q;
        return Val::integer(q);
      }
      if (!nums) unsupported("/", a, b);
      if (big) return Val::flt(big_true_divide(a.to_big(), b.to_big()));
      if (b.as_float() == 0.0) fail_python("ZeroDivisionError", flt ? "float division by zero" : "division by zero");
      return Val::flt(a.as_float() / b.as_float());
    case '%':
      if (a.is_str()) return Val::str(percent_format(a.as_str(), b));
      if (!nums) unsupported("%", a, b);
      if (flt) {
        if (b.as_float() == 0.0) fail_python("ZeroDivisionError", "float modulo");
        return Val::flt(py_fmod(a.as_float(), b.as_float()));
      }
      if (b.as_int() == 0) fail_python("ZeroDivisionError", "integer modulo by zero");
      if (big) return big_arith('%', a.to_big(), b.to_big());
      if (b.as_int() == -1) return Val::integer(0);
      {
        int64_t m = a.as_int() % b.as_int();
        if (m != 0 && ((m < 0) != (b.as_int() < 0))) m += b.as_int();
        return Val::integer(m);
      }
    default: break;
  }
  fail("unknown operator " + std::string(op));
}

std::string percent_format(const std::string& fmt, const Val& args) {
  std::vector<Val> list;
  bool mapping = args.is_dict();
  if (args.is_tuple()) list = args.as_seq();
  else list.push_back(args);
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) fail("incomplete format");
    Val arg;
    bool have_arg = false;
    if (fmt[i] == '(') {
      size_t close = fmt.find(')', i);
      if (close == std::string::npos) fail("incomplete format key");
      if (!mapping) fail("format requires a mapping");
      arg = args.get(fmt.substr(i + 1, close - i - 1));
      if (arg.is_undefined()) fail("'" + fmt.substr(i + 1, close - i - 1) + "'");
      have_arg = true;
      i = close + 1;
    }
    std::string flags;
    while (i < fmt.size() && std::string("-+ #0").find(fmt[i]) != std::string::npos) flags += fmt[i++];
    std::string width, prec;
    while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) width += fmt[i++];
    if (i < fmt.size() && fmt[i] == '.') {
      prec = ".";
      ++i;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) prec += fmt[i++];
    }
    if (i >= fmt.size()) fail("incomplete format");
    char conv = fmt[i];
    if (conv == '%') {
      out += '%';
      continue;
    }
    if (!have_arg) {
      if (mapping && list.size() == 1 && list[0].is_dict()) fail("format requires a mapping");
      if (next >= list.size()) fail("not enough arguments for format string");
      arg = list[next++];
    }
    std::string spec = "%" + flags + width + prec;
    char buf[512];
    std::string piece;
    switch (conv) {
      case 's': piece = to_str(arg); break;
      case 'r':
      case 'a':
        // AnsibleUndefined.__repr__ (only str() of it fails).
        piece = arg.is_undefined() ? "AnsibleUndefined(hint=None, obj=missing, name='" + arg.undefined_name() + "')"
                                   : repr(arg);
        break;
      case 'd':
      case 'i':
      case 'u': {
        if (!arg.is_number()) fail("%d format: a real number is required, not " + type_name(arg));
        if (arg.is_big_int() || (arg.is_float() && std::fabs(arg.as_float()) >= 9.2e18)) {
          // Python's %d of any int (and of a float's integer part).
          BigInt n = arg.is_big_int() ? arg.as_big() : BigInt::from_double(arg.as_float());
          std::string digits = n.digits(10);
          std::string sign = n.negative() ? "-" : flags.find('+') != std::string::npos ? "+" : flags.find(' ') != std::string::npos ? " " : "";
          piece = sign + digits;
          size_t w = width.empty() ? 0 : static_cast<size_t>(std::atoi(width.c_str()));
          if (piece.size() < w) {
            if (flags.find('-') != std::string::npos) piece += std::string(w - piece.size(), ' ');
            else if (flags.find('0') != std::string::npos) piece = sign + std::string(w - piece.size(), '0') + digits;
            else piece = std::string(w - piece.size(), ' ') + piece;
          }
          break;
        }
        long long v = arg.is_float() ? static_cast<long long>(arg.as_float()) : arg.as_int();
        std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), v);
        piece = buf;
        break;
      }
      case 'x':
      case 'X':
      case 'o': {
        if (!arg.is_integral()) fail("%" + std::string(1, conv) + " format: an integer is required, not " + type_name(arg));
        if (arg.is_big_int()) {
          const BigInt& n = arg.as_big();
          std::string digits = n.digits(conv == 'o' ? 8 : 16);
          if (conv == 'X') std::transform(digits.begin(), digits.end(), digits.begin(), ::toupper);
          if (flags.find('#') != std::string::npos) digits = std::string("0") + (conv == 'o' ? 'o' : conv) + digits;
          piece = (n.negative() ? "-" : "") + digits;
          break;
        }
        long long v = arg.as_int();
        std::string f = spec + "ll" + conv;
        if (v < 0) {
          std::snprintf(buf, sizeof buf, f.c_str(), -v);
          piece = std::string("-") + buf;
        } else {
          std::snprintf(buf, sizeof buf, f.c_str(), v);
          piece = buf;
        }
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (!arg.is_number()) fail("must be real number, not " + type_name(arg));
        std::snprintf(buf, sizeof buf, (spec + conv).c_str(), arg.as_float());
        piece = buf;
        break;
      }
      case 'c': piece = to_str(arg); break;
      default: fail(std::string("unsupported format character '") + conv + "'");
    }
    if (conv == 's' || conv == 'r' || conv == 'a' || conv == 'c') {
      if (!prec.empty()) {
        size_t p = static_cast<size_t>(std::atoi(prec.c_str() + 1));
        std::u32string u = utf8_decode(piece);
        if (u.size() > p) piece = utf8_encode(u.substr(0, p));
      }
      size_t w = width.empty() ? 0 : static_cast<size_t>(std::atoi(width.c_str()));
      size_t len = utf8_length(piece);
      if (len < w) {
        if (flags.find('-') != std::string::npos) piece += std::string(w - len, ' ');
        else piece = std::string(w - len, ' ') + piece;
      }
    }
    out += piece;
  }
  if (!mapping && next < list.size() && args.is_tuple()) fail("not all arguments converted during string formatting");
  if (!mapping && !args.is_tuple() && next == 0 && !list.empty())
    fail("not all arguments converted during string formatting");
  return out;
}

Val slice_value(const Val& obj, const Val& start, const Val& stop, const Val& step) {
  auto as_index = [](const Val& v, const char* what) -> std::optional<int64_t> {
    if (v.is_none() || v.is_undefined()) return std::nullopt;
    if (!v.is_int() && !v.is_bool()) fail(std::string("slice ") + what + " must be integers or None or have an __index__ method");
    return v.as_int();
  };
  int64_t st = as_index(step, "indices").value_or(1);
  if (st == 0) fail("slice step cannot be zero");
  bool is_str = obj.is_str();
  std::u32string u;
  int64_t n;
  if (is_str) {
    u = utf8_decode(obj.as_str());
    n = static_cast<int64_t>(u.size());
  } else if (obj.is_sequence()) {
    n = static_cast<int64_t>(obj.size());
  } else {
    if (obj.is_undefined()) raise_undefined(obj);
    fail("'" + type_name(obj) + "' object is not subscriptable");
  }
  auto norm = [&](std::optional<int64_t> v, int64_t def_pos, int64_t def_neg) {
    if (!v) return st > 0 ? def_pos : def_neg;
    int64_t x = *v;
    if (x < 0) x += n;
    if (st > 0) return std::clamp<int64_t>(x, 0, n);
    return std::clamp<int64_t>(x, -1, n - 1);
  };
  int64_t b = norm(as_index(start, "indices"), 0, n - 1);
  int64_t e = norm(as_index(stop, "indices"), n, -1);
  if (is_str) {
    std::u32string r;
    for (int64_t i = b; st > 0 ? i < e : i > e; i += st) r += u[static_cast<size_t>(i)];
    return Val::str(utf8_encode(r));
  }
  std::vector<Val> items;
  for (int64_t i = b; st > 0 ? i < e : i > e; i += st) items.push_back(obj.at(static_cast<size_t>(i)));
  if (obj.is_tuple()) return Val::seq(std::move(items), true);
  Value out = Value::array();
  for (const auto& v : items) out.push_back(v.to_value());
  return Val::data(std::move(out));
}

bool contains(const Val& container, const Val& item) {
  if (container.is_undefined()) raise_undefined(container);
  if (item.is_undefined()) raise_undefined(item);
  if (container.is_str()) {
    if (!item.is_str()) fail("'in <string>' requires string as left operand, not " + type_name(item));
    return container.as_str().find(item.as_str()) != std::string::npos;
  }
  if (container.is_dict()) {
    if (!item.is_str()) return false;
    return container.has_key(item.as_str());
  }
  if (container.is_sequence()) {
    for (size_t i = 0; i < container.size(); ++i)
      if (equals(container.at(i), item)) return true;
    return false;
  }
  if (container.is_object(Object::Type::Namespace)) return false;
  fail_type("argument of type '" + type_name(container) + "' is not iterable");
}

}  // namespace drover::tmpl
