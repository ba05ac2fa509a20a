#include "inventory/python_literal.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/pyrepr.hpp"

#include "core/strings.hpp"

namespace drover::inventory {
namespace {

// Thrown inside the parser where ast.literal_eval would raise; caught once at
// the top. Never escapes this file.
struct NotALiteral {};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

void append_utf8_checked(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF) throw NotALiteral{};
  drover::append_utf8(out, cp);
}

// The JSON spelling of a dict key, as json.dumps writes non-string keys.
std::string key_string(const Value& key) {
  if (key.is_string()) return key.get<std::string>();
  if (key.is_boolean()) return key.get<bool>() ? "true" : "false";
  if (key.is_null()) return "null";
  if (key.is_number_float()) return python_float_repr(key.get<double>());
  if (key.is_number()) return key.dump();
  throw NotALiteral{};  // a list or dict key is unhashable in Python
}

class LiteralParser {
 public:
  explicit LiteralParser(std::string_view s) : s_(s) {}

  Value parse_all() {
    // literal_eval strips leading spaces and tabs before parsing (3.11).
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    Value v = parse_value();
    skip_space(false);
    // Trailing newlines are fine in eval mode.
    while (pos_ < s_.size() && (s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
      skip_space(false);
    }
    if (pos_ != s_.size()) throw NotALiteral{};
    return v;
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

  // Skips blanks, comments and backslash continuations; newlines only
  // inside brackets, where Python joins lines implicitly.
  void skip_space(bool newlines) {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\f') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == '\\' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') {
        pos_ += 2;
      } else if (newlines && (c == '\n' || c == '\r')) {
        ++pos_;
      } else {
        break;
      }
    }
  }

  Value parse_value() {
    skip_space(depth_ > 0);
    char c = peek();
    if (c == '-' || c == '+') {
      // Only a number may carry a sign (ast.literal_eval's _convert_signed_num).
      ++pos_;
      skip_space(depth_ > 0);
      if (!(is_digit(peek()) || (peek() == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1]))))
        throw NotALiteral{};
      Value n = parse_number();
      reject_complex_tail();
      if (c == '-') {
        if (n.is_number_float()) return -n.get<double>();
        if (n.is_number_unsigned()) {
          uint64_t u = n.get<uint64_t>();
          if (u > static_cast<uint64_t>(INT64_MAX) + 1) throw NotALiteral{};
          return static_cast<int64_t>(0 - u);
        }
        return -n.get<int64_t>();
      }
      return n;
    }
    if (is_digit(c) || (c == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1]))) {
      Value n = parse_number();
      reject_complex_tail();
      return n;
    }
    if (c == '[') return parse_sequence(']');
    if (c == '(') return parse_paren();
    if (c == '{') return parse_brace();
    if (c == '\'' || c == '"') return parse_strings();
    if (is_ident_start(c)) {
      size_t start = pos_;
      while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
      std::string_view word = s_.substr(start, pos_ - start);
      if (peek() == '\'' || peek() == '"') {
        pos_ = start;
        return parse_strings();
      }
      if (word == "True") return true;
      if (word == "False") return false;
      if (word == "None") return nullptr;
      throw NotALiteral{};
    }
    throw NotALiteral{};
  }

  // 1+2j is a literal (a complex number) that drover has no type for, and
  // 1+2 is not a literal at all; both keep their text.
  void reject_complex_tail() {
    size_t save = pos_;
    skip_space(depth_ > 0);
    if (peek() == '+' || peek() == '-') throw NotALiteral{};
    pos_ = save;
  }

  // digit (_? digit)*, returned without underscores.
  std::string digit_part(bool (*ok)(char)) {
    std::string out;
    if (!ok(peek())) throw NotALiteral{};
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (ok(c)) {
        out += c;
        ++pos_;
      } else if (c == '_' && pos_ + 1 < s_.size() && ok(s_[pos_ + 1])) {
        ++pos_;
      } else {
        break;
      }
    }
    return out;
  }

  Value parse_number() {
    size_t start = pos_;
    if (peek() == '0' && pos_ + 1 < s_.size()) {
      char k = s_[pos_ + 1];
      int base = (k == 'x' || k == 'X') ? 16 : (k == 'o' || k == 'O') ? 8 : (k == 'b' || k == 'B') ? 2 : 0;
      if (base) {
        pos_ += 2;
        if (peek() == '_') ++pos_;
        auto ok = base == 16 ? +[](char c) { return is_hex(c); }
                  : base == 8 ? +[](char c) { return c >= '0' && c <= '7'; }
                              : +[](char c) { return c == '0' || c == '1'; };
        std::string digits = digit_part(ok);
        if (is_ident_char(peek())) throw NotALiteral{};
        return make_int(digits, base);
      }
    }
    std::string int_part;
    if (peek() != '.') int_part = digit_part(is_digit);
    bool is_float = false;
    std::string text = int_part;
    if (peek() == '.') {
      is_float = true;
      ++pos_;
      text += '.';
      if (is_digit(peek())) text += digit_part(is_digit);
    }
    if (peek() == 'e' || peek() == 'E') {
      size_t save = pos_;
      ++pos_;
      std::string exp = "e";
      if (peek() == '+' || peek() == '-') exp += s_[pos_++];
      if (!is_digit(peek())) {
        pos_ = save;
        throw NotALiteral{};
      }
      exp += digit_part(is_digit);
      text += exp;
      is_float = true;
    }
    if (peek() == 'j' || peek() == 'J') throw NotALiteral{};  // complex
    if (is_ident_char(peek()) || peek() == '.') throw NotALiteral{};
    if (is_float) return std::strtod(text.c_str(), nullptr);
    // Python 3 forbids leading zeros in a non-zero decimal int ("01").
    if (int_part.size() > 1 && int_part[0] == '0' &&
        int_part.find_first_not_of('0') != std::string::npos)
      throw NotALiteral{};
    (void)start;
    return make_int(int_part, 10);
  }

  static Value make_int(const std::string& digits, int base) {
    errno = 0;
    char* end = nullptr;
    unsigned long long u = std::strtoull(digits.c_str(), &end, base);
    // Python's ints are unbounded; past 64 bits drover keeps the text.
    if (errno == ERANGE) throw NotALiteral{};
    if (u <= static_cast<unsigned long long>(INT64_MAX)) return static_cast<int64_t>(u);
    return static_cast<uint64_t>(u);
  }

  // Adjacent string literals concatenate ('a' "b" == 'ab'); str and bytes
  // may not be mixed.
  Value parse_strings() {
    std::string out;
    int kind = -1;  // 0 str, 1 bytes
    while (true) {
      size_t save = pos_;
      bool raw = false, bytes = false;
      while (pos_ < s_.size() && is_ident_start(s_[pos_])) {
        char c = s_[pos_];
        if (c == 'r' || c == 'R') raw = true;
        else if (c == 'b' || c == 'B') bytes = true;
        else if (c == 'u' || c == 'U') {}
        else throw NotALiteral{};  // f-strings are not literals
        ++pos_;
      }
      if (pos_ - save > 2) throw NotALiteral{};
      if (peek() != '\'' && peek() != '"') throw NotALiteral{};
      if (kind != -1 && kind != (bytes ? 1 : 0)) throw NotALiteral{};
      kind = bytes ? 1 : 0;
      parse_one_string(out, raw, bytes);
      size_t after = pos_;
      skip_space(depth_ > 0);
      char c = peek();
      bool more = c == '\'' || c == '"';
      if (!more && is_ident_start(c)) {
        size_t p = pos_;
        while (p < s_.size() && is_ident_start(s_[p]) && p - pos_ < 3) ++p;
        more = p < s_.size() && (s_[p] == '\'' || s_[p] == '"');
      }
      if (!more) {
        pos_ = after;
        break;
      }
    }
    return out;
  }

  void parse_one_string(std::string& out, bool raw, bool bytes) {
    char q = s_[pos_];
    bool triple = s_.substr(pos_, 3) == std::string(3, q);
    pos_ += triple ? 3 : 1;
    while (true) {
      if (pos_ >= s_.size()) throw NotALiteral{};
      char c = s_[pos_];
      if (c == q) {
        if (!triple) {
          ++pos_;
          return;
        }
        if (s_.substr(pos_, 3) == std::string(3, q)) {
          pos_ += 3;
          return;
        }
      }
      if (c == '\n' && !triple) throw NotALiteral{};
      if (bytes && static_cast<unsigned char>(c) >= 0x80) throw NotALiteral{};
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= s_.size()) throw NotALiteral{};
      char e = s_[pos_ + 1];
      if (raw) {
        // A raw string keeps the backslash, but it still protects a quote.
        out += c;
        out += e;
        pos_ += 2;
        continue;
      }
      pos_ += 2;
      switch (e) {
        case '\n': break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x': {
          if (pos_ + 2 > s_.size() || !is_hex(s_[pos_]) || !is_hex(s_[pos_ + 1])) throw NotALiteral{};
          uint32_t v = std::stoul(std::string(s_.substr(pos_, 2)), nullptr, 16);
          pos_ += 2;
          if (bytes) out += static_cast<char>(v);
          else append_utf8_checked(out, v);
          break;
        }
        case 'u':
        case 'U': {
          if (bytes) {
            out += '\\';
            out += e;
            break;
          }
          size_t n = e == 'u' ? 4 : 8;
          if (pos_ + n > s_.size()) throw NotALiteral{};
          for (size_t k = 0; k < n; ++k)
            if (!is_hex(s_[pos_ + k])) throw NotALiteral{};
          uint32_t v = std::stoul(std::string(s_.substr(pos_, n)), nullptr, 16);
          pos_ += n;
          append_utf8_checked(out, v);
          break;
        }
        case 'N':
          if (bytes) {
            out += "\\N";
            break;
          }
          throw NotALiteral{};  // named characters: no Unicode name table here
        default:
          if (e >= '0' && e <= '7') {
            uint32_t v = e - '0';
            for (int k = 0; k < 2 && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7'; ++k)
              v = v * 8 + (s_[pos_++] - '0');
            if (bytes) out += static_cast<char>(v & 0xFF);
            else append_utf8_checked(out, v);
          } else {
            // Unknown escapes stay as written (a DeprecationWarning in 3.11).
            out += '\\';
            out += e;
          }
      }
    }
  }

  // [a, b] and the inside of (a, b) and {a, b}: items up to `close`.
  Value parse_items(char close, bool* saw_comma) {
    Value list = Value::array();
    ++depth_;
    while (true) {
      skip_space(true);
      if (peek() == close) break;
      list.push_back(parse_value());
      skip_space(true);
      if (peek() == ',') {
        ++pos_;
        if (saw_comma) *saw_comma = true;
        continue;
      }
      if (peek() != close) throw NotALiteral{};
    }
    ++pos_;
    --depth_;
    return list;
  }

  Value parse_sequence(char close) {
    ++pos_;
    return parse_items(close, nullptr);
  }

  // (x) is x; (x,) and () are tuples, which JSON shows as lists.
  Value parse_paren() {
    ++pos_;
    bool comma = false;
    Value items = parse_items(')', &comma);
    if (items.size() == 1 && !comma) return items[0];
    return items;
  }

  Value parse_brace() {
    ++pos_;
    ++depth_;
    skip_space(true);
    if (peek() == '}') {
      ++pos_;
      --depth_;
      return Value::object();
    }
    Value first = parse_value();
    skip_space(true);
    if (peek() != ':') {
      // A set: JSON has no sets, ansible-inventory would fail on it; a list
      // of the distinct members is the closest a user can read.
      Value set = Value::array();
      set.push_back(first);
      while (true) {
        skip_space(true);
        if (peek() == ',') {
          ++pos_;
          skip_space(true);
          if (peek() == '}') break;
          Value v = parse_value();
          bool dup = false;
          for (const auto& m : set) dup = dup || m == v;
          if (!dup) set.push_back(std::move(v));
          continue;
        }
        if (peek() != '}') throw NotALiteral{};
        break;
      }
      ++pos_;
      --depth_;
      return set;
    }
    Value dict = Value::object();
    Value key = first;
    while (true) {
      ++pos_;  // ':'
      Value val = parse_value();
      dict[key_string(key)] = std::move(val);
      skip_space(true);
      if (peek() == ',') {
        ++pos_;
        skip_space(true);
        if (peek() == '}') break;
        key = parse_value();
        skip_space(true);
        if (peek() != ':') throw NotALiteral{};
        continue;
      }
      if (peek() != '}') throw NotALiteral{};
      break;
    }
    ++pos_;
    --depth_;
    return dict;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

std::optional<Value> parse_python_literal(std::string_view text) {
  try {
    return LiteralParser(text).parse_all();
  } catch (const NotALiteral&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Value ini_value(std::string_view text) {
  if (auto v = parse_python_literal(text)) return std::move(*v);
  return std::string(text);
}

}  // namespace drover::inventory
