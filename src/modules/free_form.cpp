#include "modules/free_form.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace drover {
namespace {

// The quote we are inside after `token`, starting inside `quote` (0: none).
char quote_state_after(const std::string& token, char quote) {
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if ((c == '"' || c == '\'') && (i == 0 || token[i - 1] != '\\')) {
      if (quote == 0)
        quote = c;
      else if (c == quote)
        quote = 0;
    }
  }
  return quote;
}

size_t count_of(const std::string& s, const char* needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 2)) ++n;
  return n;
}

int block_depth_after(const std::string& token, int depth, const char* open, const char* close) {
  auto opened = static_cast<int>(count_of(token, open));
  auto closed = static_cast<int>(count_of(token, close));
  if (opened != closed) {
    depth += opened - closed;
    if (depth < 0)
      throw Error("failed at splitting arguments: a Jinja2 block was closed without being opened");
  }
  return depth;
}

// Ansible decodes Python-style escapes (\n, \t, \u00e9, \x41, ...) in k=v
// values before splitting on '='.
std::string decode_escapes(const std::string& s) {
  if (s.find('\\') == std::string::npos) return s;
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char n = s[i + 1];
    auto hex = [&](size_t len) -> bool {
      if (i + 2 + len > s.size()) return false;
      uint32_t cp = 0;
      for (size_t k = 0; k < len; ++k) {
        char h = s[i + 2 + k];
        if (!std::isxdigit(static_cast<unsigned char>(h))) return false;
        cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
      }
      append_utf8(out, cp);
      i += 1 + len;
      return true;
    };
    if (n == 'x' && hex(2)) continue;
    if (n == 'u' && hex(4)) continue;
    if (n == 'U' && hex(8)) continue;
    const char* singles = "\\'\"abfnrtv";
    const char* decoded = "\\'\"\a\b\f\n\r\t\v";
    if (const char* p = std::strchr(singles, n); p && n) {
      out += decoded[p - singles];
      ++i;
      continue;
    }
    // Octal and other escapes are not decoded by Ansible: left as written.
    out += s[i];
  }
  return out;
}

bool is_command_option(const std::string& key) {
  static const std::array<const char*, 8> keys = {"creates", "removes", "chdir", "executable",
                                                  "warn", "stdin", "stdin_add_newline",
                                                  "strip_empty_ends"};
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
}

}  // namespace

std::vector<std::string> split_args(const std::string& args) {
  std::vector<std::string> params;
  std::vector<std::string> lines = split(args, '\n');
  char quote = 0;
  int print_depth = 0, block_depth = 0, comment_depth = 0;
  for (size_t li = 0; li < lines.size(); ++li) {
    std::vector<std::string> tokens = split(lines[li], ' ');
    bool continuation = false;
    for (size_t ti = 0; ti < tokens.size(); ++ti) {
      const std::string& token = tokens[ti];
      bool in_jinja = print_depth || block_depth || comment_depth;
      if (token.empty() && ti != 0) {
        // Ansible fails the same way on leading spaces ("Unable to parse
        // argument string"): there is no previous word to extend.
        if (params.empty()) throw Error("Unable to parse argument string: " + args);
        params.back() += ' ';
        continue;
      }
      if (token == "\\" && quote == 0) {
        continuation = true;
        continue;
      }
      bool was_quoted = quote != 0;
      quote = quote_state_after(token, quote);
      bool quoted = quote != 0;
      bool appended = false;
      if (quoted && !was_quoted && !in_jinja) {
        params.push_back(token);
        appended = true;
      } else if ((in_jinja || quoted || was_quoted) && !params.empty()) {
        if (ti == 0 && was_quoted)
          params.back() += token;
        else if (tokens.size() > 1)
          params.back() += (ti > 0 ? " " : "") + token;
        else
          params.back() += "\n" + token;
        appended = true;
      }
      int before = print_depth;
      print_depth = block_depth_after(token, print_depth, "{{", "}}");
      if (print_depth != before && !appended) {
        params.push_back(token);
        appended = true;
      }
      before = block_depth;
      block_depth = block_depth_after(token, block_depth, "{%", "%}");
      if (block_depth != before && !appended) {
        params.push_back(token);
        appended = true;
      }
      before = comment_depth;
      comment_depth = block_depth_after(token, comment_depth, "{#", "#}");
      if (comment_depth != before && !appended) {
        params.push_back(token);
        appended = true;
      }
      if (!(print_depth || block_depth || comment_depth) && !quoted && !appended && !token.empty())
        params.push_back(token);
    }
    if (lines.size() > 1 && li + 1 != lines.size() && !continuation && !params.empty())
      params.back() += '\n';
  }
  if (print_depth || block_depth || comment_depth || quote)
    throw Error("failed at splitting arguments, either an unbalanced jinja2 block or quotes: " +
                args);
  return params;
}

std::string join_args(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty() && out.back() != '\n') out += ' ';
    out += t;
  }
  return out;
}

std::string unquote(const std::string& s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front() &&
      s[s.size() - 2] != '\\')
    return s.substr(1, s.size() - 2);
  return s;
}

Value parse_kv(const std::string& args, bool check_raw) {
  Value options = Value::object();
  if (args.empty()) return options;
  std::vector<std::string> raw;
  for (const std::string& original : split_args(args)) {
    std::string token = decode_escapes(original);
    size_t eq = std::string::npos;
    for (size_t p = token.find('=', 1); p != std::string::npos; p = token.find('=', p + 1)) {
      if (token[p - 1] != '\\') {
        eq = p;
        break;
      }
    }
    if (token.find('=') == std::string::npos) {
      raw.push_back(original);
      continue;
    }
    if (eq == std::string::npos) {
      // Only escaped '=' signs: a raw word with the escapes removed.
      std::string unescaped;
      for (size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '\\' && i + 1 < token.size() && token[i + 1] == '=') continue;
        unescaped += token[i];
      }
      raw.push_back(unescaped);
      continue;
    }
    std::string key = token.substr(0, eq);
    std::string val = token.substr(eq + 1);
    if (check_raw && !is_command_option(key)) {
      raw.push_back(original);
    } else {
      options[trim(key)] = unquote(trim(val));
    }
  }
  if (!raw.empty()) options["_raw_params"] = join_args(raw);
  return options;
}

}  // namespace drover
