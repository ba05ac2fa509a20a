#include "transport/ssh_args.hpp"

#include <cctype>

#include "core/strings.hpp"

namespace drover {

namespace {

// Options the transport maps onto libssh. Everything else is ignored.
const char* const kUnderstood[] = {
    "port",           "user",           "hostname",          "identityfile",
    "userknownhostsfile", "stricthostkeychecking", "proxycommand", "proxyjump",
    "connecttimeout", "kexalgorithms",  "ciphers",           "hostkeyalgorithms",
    "macs",           "compression",    "identitiesonly",    "identityagent",
    "passwordauthentication", "pubkeyauthentication", "kbdinteractiveauthentication",
    "globalknownhostsfile", "pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms",
    "batchmode",      "loglevel",
};

bool understood(const std::string& key) {
  for (const char* k : kUnderstood)
    if (key == k) return true;
  return false;
}

void add_option(SshArgs& out, const std::string& text) {
  std::string t = trim(text);
  size_t sep = t.find_first_of("= \t");
  if (sep == std::string::npos) {
    out.ignored.push_back(t);
    return;
  }
  std::string key = to_lower(t.substr(0, sep));
  size_t vstart = t.find_first_not_of("= \t", sep);
  std::string value = vstart == std::string::npos ? "" : t.substr(vstart);
  if (!understood(key)) {
    out.ignored.push_back(t);
    return;
  }
  if (key == "identityfile") {
    out.identity_files.push_back(value);
    return;
  }
  out.options.emplace(key, value);  // emplace keeps the first value, as OpenSSH
}

}  // namespace

std::optional<std::string> SshArgs::get(const std::string& key) const {
  auto it = options.find(key);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> split_shell_words(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\'') {
      in_word = true;
      size_t end = s.find('\'', i + 1);
      if (end == std::string::npos) end = s.size();
      cur.append(s, i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      in_word = true;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size() &&
            (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == '$' || s[i + 1] == '`'))
          ++i;
        cur += s[i];
      }
    } else if (c == '\\' && i + 1 < s.size()) {
      in_word = true;
      cur += s[++i];
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      in_word = true;
      cur += c;
    }
  }
  if (in_word) words.push_back(cur);
  return words;
}

SshArgs parse_ssh_args(const std::vector<std::string>& args) {
  // A whole argument string in one element ("-o A=1 -o B=2") is split first;
  // a value following a flag is never split ("-o", "ProxyCommand=ssh -W ...").
  std::vector<std::string> tokens;
  bool expect_value = false;
  for (const auto& a : args) {
    bool whole = !expect_value && a.size() > 1 && a[0] == '-' &&
                 a.find_first_of(" \t") != std::string::npos;
    if (whole) {
      auto words = split_shell_words(a);
      tokens.insert(tokens.end(), words.begin(), words.end());
      expect_value = !words.empty() && words.back().size() == 2 && words.back()[0] == '-';
    } else {
      tokens.push_back(a);
      expect_value = !expect_value && a.size() == 2 && a[0] == '-';
    }
  }

  SshArgs out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (t.size() < 2 || t[0] != '-') {
      out.ignored.push_back(t);
      continue;
    }
    char flag = t[1];
    bool takes_value = flag == 'o' || flag == 'F' || flag == 'i' || flag == 'p' || flag == 'l' ||
                       flag == 'J' || flag == 'E' || flag == 'S' || flag == 'c' || flag == 'm' ||
                       flag == 'b' || flag == 'D' || flag == 'L' || flag == 'R' || flag == 'W' ||
                       flag == 'e' || flag == 'O' || flag == 'Q' || flag == 'w' || flag == 'B' ||
                       flag == 'I';
    if (!takes_value) {
      out.ignored.push_back(t);  // -C, -q, -v, -T, -tt, -4, ...
      continue;
    }
    std::string value;
    if (t.size() > 2) {
      value = t.substr(2);
    } else if (i + 1 < tokens.size()) {
      value = tokens[++i];
    } else {
      out.ignored.push_back(t);
      continue;
    }
    switch (flag) {
      case 'o': add_option(out, value); break;
      case 'F': if (!out.config_file) out.config_file = value; break;
      case 'i': out.identity_files.push_back(value); break;
      case 'p': out.options.emplace("port", value); break;
      case 'l': out.options.emplace("user", value); break;
      case 'J': out.options.emplace("proxyjump", value); break;
      case 'c': out.options.emplace("ciphers", value); break;
      case 'm': out.options.emplace("macs", value); break;
      default: out.ignored.push_back(t + " " + value); break;
    }
  }
  return out;
}

}  // namespace drover
