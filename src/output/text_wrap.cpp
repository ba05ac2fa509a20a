#include "output/text_wrap.hpp"

#include <cstdint>

namespace drover {
namespace {

std::u32string decode_utf8(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + n > s.size()) n = 1;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out += cp;
    i += n;
  }
  return out;
}

std::string encode_utf8(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  return out;
}

bool is_space(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// Python's [^\d\W]: letters and underscore (non-ASCII counted as letters).
bool is_letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

bool is_word(char32_t c) { return is_letter(c) || (c >= '0' && c <= '9'); }  // Python's \w
bool is_word_punct(char32_t c) {                                              // [\w!"'&.,?]
  return is_word(c) || c == '!' || c == '"' || c == '\'' || c == '&' || c == '.' || c == ',' || c == '?';
}

// textwrap's wordsep_re (break_on_hyphens): whitespace runs; em-dashes
// ("--" between words); words ending at whitespace, before an em-dash, or
// just after a hyphen between letters ("long-" "word").
std::vector<std::u32string> split_chunks(const std::u32string& t) {
  std::vector<std::u32string> chunks;
  auto at = [&](size_t i) -> char32_t { return i < t.size() ? t[i] : 0; };
  // -{2,}\w starting at i.
  auto em_dash_at = [&](size_t i) {
    size_t j = i;
    while (at(j) == '-') ++j;
    return j - i >= 2 && is_word(at(j));
  };
  size_t p = 0;
  while (p < t.size()) {
    size_t k = p;
    if (is_space(t[p])) {
      while (k < t.size() && is_space(t[k])) ++k;
    } else if (p > 0 && is_word_punct(t[p - 1]) && em_dash_at(p)) {
      while (at(k) == '-') ++k;
    } else {
      k = p + 1;
      while (k < t.size() && !is_space(t[k])) {
        if (t[k] == '-') {
          bool behind = (k >= 2 && is_letter(at(k - 2)) && is_letter(at(k - 1))) ||
                        (k >= 3 && is_letter(at(k - 3)) && at(k - 2) == '-' && is_letter(at(k - 1)));
          bool ahead = is_letter(at(k + 1)) &&
                       (is_letter(at(k + 2)) || (at(k + 2) == '-' && is_letter(at(k + 3))));
          if (behind && ahead) {
            ++k;
            break;
          }
          if (is_word_punct(t[k - 1]) && em_dash_at(k)) break;
        }
        ++k;
      }
    }
    chunks.push_back(t.substr(p, k - p));
    p = k;
  }
  return chunks;
}

bool all_space(const std::u32string& s) {
  for (char32_t c : s)
    if (!is_space(c)) return false;
  return true;
}

}  // namespace

std::vector<std::string> text_wrap(const std::string& text, const WrapOptions& opts) {
  std::u32string t;
  // expandtabs(8) (columns restart after \n and \r), then replace_whitespace.
  size_t column = 0;
  for (char32_t c : decode_utf8(text)) {
    if (c == '\t') {
      do {
        t += U' ';
        ++column;
      } while (column % 8 != 0);
      continue;
    }
    column = (c == '\n' || c == '\r') ? 0 : column + 1;
    t += is_space(c) ? U' ' : c;
  }
  std::vector<std::u32string> chunks = split_chunks(t);
  std::vector<std::u32string> rev(chunks.rbegin(), chunks.rend());
  std::vector<std::string> lines;
  const size_t width = static_cast<size_t>(opts.width < 1 ? 1 : opts.width);
  while (!rev.empty()) {
    std::vector<std::u32string> cur;
    size_t cur_len = 0;
    if (opts.drop_whitespace && all_space(rev.back()) && !lines.empty()) rev.pop_back();
    while (!rev.empty() && cur_len + rev.back().size() <= width) {
      cur_len += rev.back().size();
      cur.push_back(std::move(rev.back()));
      rev.pop_back();
    }
    if (!rev.empty() && rev.back().size() > width) {
      // _handle_long_word: cut, preferably just after a hyphen.
      // width < 1 would be 1; otherwise what is left, possibly nothing.
      size_t space_left = width - cur_len;
      std::u32string& chunk = rev.back();
      size_t end = space_left;
      if (chunk.size() > space_left && space_left > 0) {
        size_t hyphen = chunk.rfind(U'-', space_left - 1);
        if (hyphen != std::u32string::npos && hyphen > 0 && hyphen < space_left &&
            chunk.find_first_not_of(U'-') < hyphen)
          end = hyphen + 1;
      }
      cur.push_back(chunk.substr(0, end));
      chunk = chunk.substr(end);
      if (chunk.empty()) rev.pop_back();
    }
    if (opts.drop_whitespace && !cur.empty() && all_space(cur.back())) cur.pop_back();
    if (!cur.empty()) {
      std::u32string line;
      for (auto& c : cur) line += c;
      lines.push_back(encode_utf8(line));
    }
  }
  return lines;
}

}  // namespace drover
