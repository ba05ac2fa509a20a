#include "template/lexer.hpp"

#include <cstring>

#include "template/template_error.hpp"

#include "core/strings.hpp"

namespace drover::tmpl {

std::string SyntaxOptions::cache_key() const {
  std::string k;
  for (const auto* s : {&block_start, &block_end, &variable_start, &variable_end, &comment_start,
                        &comment_end, &newline_sequence}) {
    k += *s;
    k += '\x1f';
  }
  k += trim_blocks ? '1' : '0';
  k += lstrip_blocks ? '1' : '0';
  k += keep_trailing_newline ? '1' : '0';
  return k;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// The UTF-8 length of a non-ASCII whitespace character at s[p] (Python's \s
// matches them, so Jinja's lexer skips them: U+0085, U+00A0, U+1680,
// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000); 0 when none.
size_t unicode_space_len(const std::string& s, size_t p) {
  auto at = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0; };
  unsigned a = at(p), b = at(p + 1), c = at(p + 2);
  if (a == 0xC2 && (b == 0x85 || b == 0xA0)) return 2;
  if (a == 0xE1 && b == 0x9A && c == 0x80) return 3;
  if (a == 0xE2 && b == 0x80 && ((c >= 0x80 && c <= 0x8A) || c == 0xA8 || c == 0xA9 || c == 0xAF)) return 3;
  if (a == 0xE2 && b == 0x81 && c == 0x9F) return 3;
  if (a == 0xE3 && b == 0x80 && c == 0x80) return 3;
  return 0;
}

int count_nl(std::string_view s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

std::string rstrip(std::string_view s) {
  size_t e = s.size();
  while (e > 0 && is_space(s[e - 1])) --e;
  return std::string(s.substr(0, e));
}


int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  Lexer(std::string_view src, const SyntaxOptions& o, const std::string& name) : o_(o), name_(name) {
    // Jinja splits on \r\n, \r, \n, drops one trailing empty line and joins
    // with \n: a single trailing newline disappears.
    src_.reserve(src.size());
    for (size_t i = 0; i < src.size(); ++i) {
      if (src[i] == '\r') {
        if (i + 1 < src.size() && src[i + 1] == '\n') ++i;
        src_ += '\n';
      } else {
        src_ += src[i];
      }
    }
    if (!o_.keep_trailing_newline && !src_.empty() && src_.back() == '\n') src_.pop_back();
  }

  std::vector<Token> run() {
    size_t pos = 0;
    while (pos < src_.size()) pos = root(pos);
    toks_.push_back(Token{Tok::Eof, line_, {}});
    return std::move(toks_);
  }

 private:
  [[noreturn]] void error(const std::string& msg, int line) {
    throw TemplateError(TemplateError::Kind::Syntax, msg, Location{name_, line, 0});
  }

  bool at(size_t pos, const std::string& s) const { return src_.compare(pos, s.size(), s) == 0; }

  void emit_data(std::string text) {
    if (text.empty()) return;
    int l = line_;
    line_ += count_nl(text);
    if (o_.newline_sequence != "\n") {
      std::string t;
      for (char c : text) {
        if (c == '\n') t += o_.newline_sequence;
        else t += c;
      }
      text = std::move(t);
    }
    toks_.push_back(Token{Tok::Data, l, std::move(text)});
  }

  // Applies '-' / lstrip_blocks to the text before a tag.
  std::string strip_before(std::string_view text, char sign, bool is_variable) {
    if (sign == '-') {
      std::string s = rstrip(text);
      pending_nl_ = count_nl(text.substr(s.size()));
      return s;
    }
    if (sign != '+' && o_.lstrip_blocks && !is_variable) {
      size_t lpos = text.rfind('\n');
      lpos = lpos == std::string_view::npos ? 0 : lpos + 1;
      if (lpos > 0 || line_starting_) {
        bool all_ws = lpos < text.size();
        for (size_t i = lpos; i < text.size(); ++i)
          if (!is_space(text[i])) all_ws = false;
        if (all_ws) return std::string(text.substr(0, lpos));
      }
    }
    return std::string(text);
  }

  // Matches "{%(-|+|)\s*raw\s*(-%}\s*|%})" at pos; returns end or npos.
  size_t match_raw_begin(size_t pos) {
    size_t p = pos + o_.block_start.size();
    if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) ++p;
    while (p < src_.size() && is_space(src_[p])) ++p;
    if (src_.compare(p, 3, "raw") != 0) return std::string::npos;
    p += 3;
    while (p < src_.size() && is_space(src_[p])) ++p;
    if (p < src_.size() && src_[p] == '-' && at(p + 1, o_.block_end)) {
      p += 1 + o_.block_end.size();
      while (p < src_.size() && is_space(src_[p])) ++p;
      return p;
    }
    if (at(p, o_.block_end)) return p + o_.block_end.size();
    return std::string::npos;
  }

  size_t root(size_t pos) {
    // Earliest tag start; at equal positions the longer delimiter wins
    // (Jinja sorts its rules by length).
    size_t best = std::string::npos;
    int kind = -1;  // 0 comment, 1 block, 2 variable
    const std::string* delims[3] = {&o_.comment_start, &o_.block_start, &o_.variable_start};
    for (int k = 0; k < 3; ++k) {
      size_t f = src_.find(*delims[k], pos);
      if (f == std::string::npos) continue;
      if (f < best || (f == best && delims[k]->size() > delims[kind]->size())) {
        best = f;
        kind = k;
      }
    }
    if (best == std::string::npos) {
      emit_data(src_.substr(pos));
      return src_.size();
    }
    std::string_view text(src_.data() + pos, best - pos);
    if (kind == 1) {
      size_t raw_end = match_raw_begin(best);
      if (raw_end != std::string::npos) {
        char sign = src_[best + o_.block_start.size()];
        emit_data(strip_before(text, sign, false));
        line_ += pending_nl_;
        pending_nl_ = 0;
        line_ += count_nl(std::string_view(src_).substr(best, raw_end - best));
        return raw_body(raw_end);
      }
    }
    size_t after = best + delims[kind]->size();
    char sign = after < src_.size() ? src_[after] : '\0';
    if (sign != '-' && sign != '+') sign = '\0';
    emit_data(strip_before(text, sign, kind == 2));
    line_ += pending_nl_;
    pending_nl_ = 0;
    size_t p = after + (sign ? 1 : 0);
    line_starting_ = false;
    if (kind == 0) return comment(p);
    toks_.push_back(Token{kind == 1 ? Tok::BlockBegin : Tok::VarBegin, line_, {}});
    return tag(p, kind == 1);
  }

  size_t comment(size_t p) {
    int start_line = line_;
    for (size_t i = p; i < src_.size(); ++i) {
      if (src_[i] == '+' && at(i + 1, o_.comment_end)) {
        return finish_comment(p, i, i + 1 + o_.comment_end.size());
      }
      if (src_[i] == '-' && at(i + 1, o_.comment_end)) {
        size_t e = i + 1 + o_.comment_end.size();
        while (e < src_.size() && is_space(src_[e])) ++e;
        return finish_comment(p, i, e);
      }
      if (at(i, o_.comment_end)) {
        size_t e = i + o_.comment_end.size();
        if (o_.trim_blocks && e < src_.size() && src_[e] == '\n') ++e;
        return finish_comment(p, i, e);
      }
    }
    error("Missing end of comment tag", start_line);
  }

  size_t finish_comment(size_t from, size_t, size_t end_pos) {
    line_ += count_nl(std::string_view(src_).substr(from, end_pos - from));
    line_starting_ = end_pos > 0 && src_[end_pos - 1] == '\n';
    return end_pos;
  }

  size_t raw_body(size_t p) {
    int start_line = line_;
    for (size_t i = p; i < src_.size(); ++i) {
      if (!at(i, o_.block_start)) continue;
      size_t q = i + o_.block_start.size();
      char sign = 0;
      if (q < src_.size() && (src_[q] == '-' || src_[q] == '+')) sign = src_[q++];
      while (q < src_.size() && is_space(src_[q])) ++q;
      if (src_.compare(q, 6, "endraw") != 0) continue;
      q += 6;
      while (q < src_.size() && is_space(src_[q])) ++q;
      size_t end;
      if (src_[q] == '+' && at(q + 1, o_.block_end)) {
        end = q + 1 + o_.block_end.size();
      } else if (src_[q] == '-' && at(q + 1, o_.block_end)) {
        end = q + 1 + o_.block_end.size();
        while (end < src_.size() && is_space(src_[end])) ++end;
      } else if (at(q, o_.block_end)) {
        end = q + o_.block_end.size();
        if (o_.trim_blocks && end < src_.size() && src_[end] == '\n') ++end;
      } else {
        continue;
      }
      std::string_view text(src_.data() + p, i - p);
      line_starting_ = false;
      emit_data(strip_before(text, sign, false));
      line_ += pending_nl_;
      pending_nl_ = 0;
      line_ += count_nl(std::string_view(src_).substr(i, end - i));
      line_starting_ = end > 0 && src_[end - 1] == '\n';
      return end;
    }
    error("Missing end of raw directive", start_line);
  }

  size_t tag(size_t p, bool block) {
    const std::string& end = block ? o_.block_end : o_.variable_end;
    std::vector<char> balance;
    for (;;) {
      if (p >= src_.size()) return p;  // the parser reports the missing end
      char c = src_[p];
      if (balance.empty()) {
        // end of tag: "+%}" (block only), "-%}\s*", "%}" + trim_blocks newline
        if (block && c == '+' && at(p + 1, end)) {
          p += 1 + end.size();
          toks_.push_back(Token{Tok::BlockEnd, line_, {}});
          line_starting_ = false;
          return p;
        }
        if (c == '-' && at(p + 1, end)) {
          size_t e = p + 1 + end.size();
          size_t ws = e;
          while (e < src_.size() && is_space(src_[e])) ++e;
          toks_.push_back(Token{block ? Tok::BlockEnd : Tok::VarEnd, line_, {}});
          line_ += count_nl(std::string_view(src_).substr(ws, e - ws));
          line_starting_ = e > 0 && src_[e - 1] == '\n';
          return e;
        }
        if (at(p, end)) {
          size_t e = p + end.size();
          toks_.push_back(Token{block ? Tok::BlockEnd : Tok::VarEnd, line_, {}});
          line_starting_ = false;
          if (block && o_.trim_blocks && e < src_.size() && src_[e] == '\n') {
            ++e;
            ++line_;
            line_starting_ = true;
          }
          return e;
        }
      }
      if (is_space(c)) {
        if (c == '\n') ++line_;
        ++p;
        continue;
      }
      if (size_t n = unicode_space_len(src_, p)) {
        p += n;
        continue;
      }
      if (is_digit(c)) {
        p = number(p);
        continue;
      }
      if (is_name_start(c)) {
        size_t s = p;
        while (p < src_.size() && is_name_char(src_[p]) && !unicode_space_len(src_, p)) ++p;
        toks_.push_back(Token{Tok::Name, line_, src_.substr(s, p - s)});
        continue;
      }
      if (c == '\'' || c == '"') {
        p = string(p);
        continue;
      }
      static const char* two[] = {"//", "**", "==", "!=", ">=", "<="};
      bool matched = false;
      for (const char* op : two) {
        if (src_.compare(p, 2, op) == 0) {
          toks_.push_back(Token{Tok::Op, line_, op});
          p += 2;
          matched = true;
          break;
        }
      }
      if (matched) continue;
      if (std::strchr("+-/*%~[](){}<>=.:|,;", c) && c != '\0') {
        if (c == '(' || c == '[' || c == '{') {
          balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
        } else if (c == ')' || c == ']' || c == '}') {
          if (balance.empty()) error(std::string("unexpected '") + c + "'", line_);
          char want = balance.back();
          balance.pop_back();
          if (want != c) error(std::string("unexpected '") + c + "', expected '" + want + "'", line_);
        }
        toks_.push_back(Token{Tok::Op, line_, std::string(1, c)});
        ++p;
        continue;
      }
      std::string ch = c == '\'' ? "\"'\"" : "'" + std::string(1, c) + "'";
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "'\\x%02x'", static_cast<unsigned char>(c));
        ch = buf;
      }
      error("unexpected char " + ch + " at " + std::to_string(p), line_);
    }
  }

  // Jinja's float_re (tried first, not after a '.') and integer_re.
  size_t number(size_t p) {
    auto digits = [&](size_t q) -> size_t {  // (\d+_)*\d+ ; returns end or q
      size_t e = q;
      if (e >= src_.size() || !is_digit(src_[e])) return q;
      while (e < src_.size() && is_digit(src_[e])) {
        ++e;
        if (e + 1 < src_.size() && src_[e] == '_' && is_digit(src_[e + 1])) ++e;
      }
      return e;
    };
    auto strip_us = [](std::string s) {
      std::string o;
      for (char c : s)
        if (c != '_') o += c;
      return o;
    };
    bool after_dot = p > 0 && src_[p - 1] == '.';
    if (!after_dot) {
      size_t e = digits(p);
      size_t f = e;
      bool is_float = false;
      if (f < src_.size() && src_[f] == '.') {
        size_t g = digits(f + 1);
        if (g > f + 1) {
          f = g;
          is_float = true;
        }
      }
      if (f < src_.size() && (src_[f] == 'e' || src_[f] == 'E')) {
        size_t g = f + 1;
        if (g < src_.size() && (src_[g] == '+' || src_[g] == '-')) ++g;
        size_t h = digits(g);
        if (h > g) {
          f = h;
          is_float = true;
        }
      }
      if (is_float) {
        std::string t = strip_us(src_.substr(p, f - p));
        Token tok{Tok::Float, line_, t};
        tok.fval = std::strtod(t.c_str(), nullptr);
        toks_.push_back(tok);
        return f;
      }
    }
    // integers
    size_t e = p;
    int base = 10;
    if (src_[p] == '0' && p + 1 < src_.size()) {
      char x = static_cast<char>(std::tolower(static_cast<unsigned char>(src_[p + 1])));
      if (x == 'b' || x == 'o' || x == 'x') {
        base = x == 'b' ? 2 : x == 'o' ? 8 : 16;
        size_t q = p + 2;
        size_t start = q;
        while (q < src_.size()) {
          size_t r = q;
          if (src_[r] == '_') ++r;
          if (r < src_.size() && hexval(src_[r]) >= 0 && hexval(src_[r]) < base) q = r + 1;
          else break;
        }
        if (q > start) e = q;
        else base = 10;
      }
    }
    if (base == 10) {
      if (src_[p] == '0') {
        e = p + 1;
        while (e < src_.size()) {
          size_t r = e;
          if (src_[r] == '_') ++r;
          if (r < src_.size() && src_[r] == '0') e = r + 1;
          else break;
        }
      } else {
        e = digits(p);
      }
    }
    std::string t = strip_us(src_.substr(p, e - p));
    Token tok{Tok::Int, line_, t};
    errno = 0;
    const char* s = t.c_str();
    if (base != 10) s += 2;
    unsigned long long v = std::strtoull(s, nullptr, base);
    if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX)) tok.big_base = base;
    tok.ival = static_cast<int64_t>(v);
    toks_.push_back(tok);
    return e;
  }

  size_t string(size_t p) {
    char q = src_[p];
    size_t i = p + 1;
    int start_line = line_;
    std::string raw;
    while (i < src_.size() && src_[i] != q) {
      if (src_[i] == '\\' && i + 1 < src_.size()) {
        raw += src_[i];
        raw += src_[i + 1];
        i += 2;
        continue;
      }
      raw += src_[i++];
    }
    if (i >= src_.size()) {
      // Jinja's string_re does not match; the quote is an unexpected char.
      error(std::string("unexpected char '") + (q == '\'' ? "\\'" : "\"") + "' at " + std::to_string(p),
            start_line);
    }
    line_ += count_nl(raw);
    toks_.push_back(Token{Tok::String, start_line, unescape(raw, start_line)});
    return i + 1;
  }

  // Python's unicode-escape decoding of the literal's body.
  std::string unescape(const std::string& raw, int line) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '\n') {
        out += o_.newline_sequence;
        continue;
      }
      if (c != '\\' || i + 1 >= raw.size()) {
        out += c;
        continue;
      }
      char e = raw[++i];
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
        case 'x':
        case 'u':
        case 'U': {
          int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (int k = 0; k < n; ++k) {
            if (i + 1 >= raw.size() || hexval(raw[i + 1]) < 0) {
              error(std::string("truncated \\") + (e == 'x' ? "xXX" : e == 'u' ? "uXXXX" : "UXXXXXXXX") +
                        " escape",
                    line);
            }
            cp = cp * 16 + static_cast<uint32_t>(hexval(raw[++i]));
          }
          if (cp > 0x10FFFF) error("illegal Unicode character", line);
          append_utf8(out, cp);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            uint32_t cp = static_cast<uint32_t>(e - '0');
            for (int k = 0; k < 2 && i + 1 < raw.size() && raw[i + 1] >= '0' && raw[i + 1] <= '7'; ++k)
              cp = cp * 8 + static_cast<uint32_t>(raw[++i] - '0');
            append_utf8(out, cp);
          } else {
            out += '\\';
            out += e;
          }
      }
    }
    return out;
  }

  std::string src_;
  const SyntaxOptions& o_;
  const std::string& name_;
  std::vector<Token> toks_;
  int line_ = 1;
  int pending_nl_ = 0;
  bool line_starting_ = true;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, const SyntaxOptions& opts, const std::string& name) {
  return Lexer(source, opts, name).run();
}

std::string describe_token(const Token& t) {
  switch (t.type) {
    case Tok::Data: return "template data / text";
    case Tok::VarBegin: return "begin of print statement";
    case Tok::VarEnd: return "end of print statement";
    case Tok::BlockBegin: return "begin of statement block";
    case Tok::BlockEnd: return "end of statement block";
    case Tok::Name: return t.text;
    case Tok::String: return "string";
    case Tok::Int: return "integer";
    case Tok::Float: return "float";
    case Tok::Op: return t.text;
    case Tok::Eof: return "end of template";
  }
  return "?";
}

}  // namespace drover::tmpl
