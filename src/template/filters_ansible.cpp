// Ansible 2.14's core filters that convert and encode: to/from JSON and
// YAML, bool, ternary, mandatory, regex_*, base64, hashes and
// password_hash, paths, quote, comment, type_debug, random, shuffle, to_uuid,
// math (log, pow, root). Time and size filters: filters_ansible_time.cpp.
#include <crypt.h>
#include <glob.h>
#include <sys/stat.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <map>
#include <random>
#include <variant>

#include "core/pyjson.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"
#include "core/yaml.hpp"
#include "template/filter_support.hpp"
#include "template/methods.hpp"
#include "template/py_random.hpp"
#include "template/regex.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"
#include "template/yaml_dump.hpp"

namespace drover::tmpl {
namespace {

std::string text_of(const Val& v) {
  if (v.is_undefined()) raise_undefined(v);
  return to_str(v);
}

Val f_to_json(Renderer&, const Val& v, CallArgs& a) {
  JsonDumpOptions o;
  for (const auto& [k, x] : a.kw) {
    if (k == "indent" && !x.is_none()) o.indent = static_cast<int>(x.as_int());
    else if (k == "sort_keys") o.sort_keys = x.truthy();
    else if (k == "ensure_ascii") o.ensure_ascii = x.truthy();
  }
  return Val::str(python_json_dumps(v.to_value(), o));
}

Val f_to_nice_json(Renderer&, const Val& v, CallArgs& a) {
  JsonDumpOptions o;
  o.indent = static_cast<int>(a.get(0, "indent", Val::integer(4)).as_int());
  o.sort_keys = a.get(1, "sort_keys", Val::boolean(true)).truthy();
  o.item_separator = ",";
  for (const auto& [k, x] : a.kw)
    if (k == "ensure_ascii") o.ensure_ascii = x.truthy();
  return Val::str(python_json_dumps(v.to_value(), o));
}

Val f_from_json(Renderer&, const Val& v, CallArgs&) {
  std::string s = text_of(v);
  try {
    return Val::data(Value::parse(s));
  } catch (const std::exception& e) {
    fail(std::string("Expecting value: ") + e.what());
  }
}

Val yaml_dump(const Val& v, CallArgs& a, bool nice) {
  YamlDumpOptions o;
  o.indent = nice ? 4 : 2;
  if (nice) o.default_flow_style = false;
  if (const Val* i = a.find(0, "indent"); i && nice) o.indent = static_cast<int>(i->as_int());
  for (const auto& [k, x] : a.kw) {
    if (k == "indent") o.indent = static_cast<int>(x.as_int());
    else if (k == "default_flow_style") {
      if (x.is_none()) o.default_flow_style.reset();
      else o.default_flow_style = x.truthy();
    } else if (k == "width") o.width = static_cast<int>(std::min<int64_t>(x.as_int(), INT_MAX / 2));
    else if (k == "sort_keys") o.sort_keys = x.truthy();
    else if (k == "explicit_start") o.explicit_start = x.truthy();
  }
  if (o.indent < 2 || o.indent > 9) o.indent = 2;  // PyYAML's accepted range
  return Val::str(python_yaml_dump(v.to_value(), o));
}
Val f_to_yaml(Renderer&, const Val& v, CallArgs& a) { return yaml_dump(v, a, false); }
Val f_to_nice_yaml(Renderer&, const Val& v, CallArgs& a) { return yaml_dump(v, a, true); }

Val f_from_yaml(Renderer&, const Val& v, CallArgs&) {
  if (!v.is_str()) return v;
  return Val::data(load_yaml_value_string_plain(v.as_str(), "<from_yaml>"));
}

Val f_from_yaml_all(Renderer&, const Val& v, CallArgs&) {
  if (!v.is_str()) return v;
  Value out = Value::array();
  for (const auto& node : load_yaml_string_plain(v.as_str(), "<from_yaml_all>")) out.push_back(yaml_to_value(node, PyStr::str));
  return Val::data(std::move(out));
}

Val f_bool(Renderer&, const Val& v, CallArgs&) {
  if (v.is_undefined()) raise_undefined(v);
  if (v.is_none() || v.is_bool()) return v;
  if (v.is_str()) {
    std::string s = py_lower_str(v.as_str());
    return Val::boolean(s == "yes" || s == "on" || s == "1" || s == "true");
  }
  if (v.is_big_int()) return Val::boolean(false);
  if (v.is_number()) return Val::boolean(v.as_float() == 1.0);
  return Val::boolean(false);
}

Val f_ternary(Renderer&, const Val& v, CallArgs& a) {
  Val t = a.need(0, "true_val"), f = a.need(1, "false_val");
  Val n = a.get(2, "none_val", Val::none());
  if (v.is_none() && !n.is_none()) return n;
  return v.truthy() ? t : f;
}

Val f_mandatory(Renderer&, const Val& v, CallArgs& a) {
  if (v.is_undefined()) {
    Val msg = a.get(0, "msg", Val::none());
    if (!msg.is_none()) fail(to_str(msg));
    std::string n = v.undefined_name();
    std::string name = n.empty() ? "" : "'" + n + "' ";
    fail("Mandatory variable " + name + " not defined.");  // two spaces after a name, as Ansible's "%s " % name
  }
  return v;
}

Val f_regex_replace(Renderer&, const Val& v, CallArgs& a) {
  std::string value = text_of(v);
  std::string pattern = to_str(a.get(0, "pattern", Val::empty_str()));
  std::string repl = to_str(a.get(1, "replacement", Val::empty_str()));
  bool ic = a.get(2, "ignorecase", Val::boolean(false)).truthy();
  bool ml = a.get(3, "multiline", Val::boolean(false)).truthy();
  return Val::str(Regex::compile(pattern, ic, ml)->sub(value, repl));
}

Val f_regex_findall(Renderer&, const Val& v, CallArgs& a) {
  std::string value = text_of(v);
  std::string pattern = to_str(a.need(0, "regex"));
  bool ml = a.get(1, "multiline", Val::boolean(false)).truthy();
  bool ic = a.get(2, "ignorecase", Val::boolean(false)).truthy();
  auto re = Regex::compile(pattern, ic, ml);
  std::vector<Val> out;
  for (const auto& m : re->find_all(value)) {
    if (re->group_count() == 0) {
      out.push_back(Val::str(m.group(value, 0)));
    } else if (re->group_count() == 1) {
      out.push_back(Val::str(m.group(value, 1)));
    } else {
      std::vector<Val> t;
      for (size_t i = 1; i <= re->group_count(); ++i) t.push_back(Val::str(m.group(value, i)));
      out.push_back(Val::seq(std::move(t), true));
    }
  }
  return make_list(std::move(out));
}

Val f_regex_search(Renderer&, const Val& v, CallArgs& a) {
  std::string value = text_of(v);
  if (a.pos.empty()) fail("regex_search() missing required argument 'regex'");
  std::string pattern = to_str(a.pos[0]);
  bool ic = false, ml = false;
  for (const auto& [k, x] : a.kw) {
    if (k == "ignorecase") ic = x.truthy();
    if (k == "multiline") ml = x.truthy();
  }
  auto re = Regex::compile(pattern, ic, ml);
  std::vector<std::variant<int, std::string>> groups;
  static auto gname = Regex::compile(R"(\\g<(\S+)>)");
  static auto gnum = Regex::compile(R"(\\(\d+))");
  for (size_t i = 1; i < a.pos.size(); ++i) {
    std::string arg = to_str(a.pos[i]);
    if (arg.rfind("\\g", 0) == 0) {
      auto m = gname->match(arg);
      if (!m) fail("'NoneType' object has no attribute 'group'");
      std::string g = m->group(arg, 1);
      bool digits = std::all_of(g.begin(), g.end(), ::isdigit);
      if (digits) groups.emplace_back(std::stoi(g));
      else groups.emplace_back(g);
    } else if (arg.rfind("\\", 0) == 0) {
      auto m = gnum->match(arg);
      if (!m) fail("'NoneType' object has no attribute 'group'");
      groups.emplace_back(std::stoi(m->group(arg, 1)));
    } else {
      fail("Unknown argument");
    }
  }
  auto m = re->search(value);
  if (!m) return Val::none();
  if (groups.empty()) return Val::str(m->group(value, 0));
  std::vector<Val> out;
  for (const auto& g : groups) {
    int idx;
    if (std::holds_alternative<int>(g)) idx = std::get<int>(g);
    else {
      idx = re->group_index(std::get<std::string>(g));
      if (idx < 0) fail("no such group");
    }
    if (idx < 0 || static_cast<size_t>(idx) > re->group_count()) fail("no such group");
    out.push_back(m->participated(static_cast<size_t>(idx)) ? Val::str(m->group(value, static_cast<size_t>(idx))) : Val::none());
  }
  return make_list(std::move(out));
}

Val f_regex_escape(Renderer&, const Val& v, CallArgs& a) {
  std::string type = to_str(a.get(0, "re_type", Val::str("python")));
  std::string s = text_of(v);
  if (type == "python") return Val::str(regex_escape(s));
  if (type == "posix_basic") return Val::str(Regex::compile(R"(([].[^$*\\]))")->sub(s, R"(\\\1)"));
  if (type == "posix_extended") fail("Regex type (" + type + ") not yet implemented");
  fail("Invalid regex type (" + type + ")");
}

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// b64encode/b64decode's `encoding`: Python's codec for the text's bytes
// (utf-8, the default, and utf-16-le).
bool is_utf16le(std::string enc) {
  for (auto& c : enc) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (enc == "utf-8" || enc == "utf8" || enc == "utf_8") return false;
  if (enc == "utf-16-le" || enc == "utf-16le" || enc == "utf_16_le") return true;
  fail("unknown encoding: " + enc);
  return false;
}

std::string utf16le_bytes(const std::string& utf8) {
  std::string out;
  auto unit = [&](uint32_t u) {
    out += static_cast<char>(u & 0xFF);
    out += static_cast<char>((u >> 8) & 0xFF);
  };
  for (char32_t c : utf8_decode(utf8)) {
    uint32_t cp = static_cast<uint32_t>(c);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 | (cp >> 10));
      unit(0xDC00 | (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

std::string utf16le_text(const std::string& bytes) {
  if (bytes.size() % 2) fail("'utf-16-le' codec can't decode byte: truncated data");
  std::u32string cps;
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    uint32_t u = static_cast<uint8_t>(bytes[i]) | (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8);
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < bytes.size()) {
      uint32_t lo = static_cast<uint8_t>(bytes[i + 2]) | (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 3])) << 8);
      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    }
    cps.push_back(static_cast<char32_t>(u));
  }
  return utf8_encode(cps);
}

Val f_b64encode(Renderer&, const Val& v, CallArgs& args) {
  std::string s = text_of(v);
  Val enc = args.get(0, "encoding");
  if (!enc.is_none() && !enc.is_undefined() && is_utf16le(text_of(enc))) s = utf16le_bytes(s);
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(s[i]) << 16) | (static_cast<uint8_t>(s[i + 1]) << 8) | static_cast<uint8_t>(s[i + 2]);
    out += kB64[n >> 18];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += kB64[n & 63];
  }
  if (i + 1 == s.size()) {
    uint32_t n = static_cast<uint8_t>(s[i]) << 16;
    out += kB64[n >> 18];
    out += kB64[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    uint32_t n = (static_cast<uint8_t>(s[i]) << 16) | (static_cast<uint8_t>(s[i + 1]) << 8);
    out += kB64[n >> 18];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += '=';
  }
  return Val::str(out);
}

Val f_b64decode(Renderer&, const Val& v, CallArgs& args) {
  std::string s = text_of(v);
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  size_t valid = 0;
  for (char c : s) {
    const char* p = std::strchr(kB64, c);
    if (c == '=' || !p || c == '\0') continue;  // Python's b64decode discards non-alphabet characters
    ++valid;
    buf = (buf << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  if (valid % 4 == 1) fail("Invalid base64-encoded string: number of data characters cannot be 1 more than a multiple of 4");
  Val enc = args.get(0, "encoding");
  if (!enc.is_none() && !enc.is_undefined() && is_utf16le(text_of(enc))) return Val::str(utf16le_text(out));
  // Ansible decodes the bytes as UTF-8 strictly.
  std::u32string check = utf8_decode(out);
  if (utf8_encode(check) != out) fail("'utf-8' codec can't decode bytes");
  return Val::str(out);
}

std::string digest(const std::string& data, const std::string& algo) {
  const EVP_MD* md = EVP_get_digestbyname(algo.c_str());
  if (!md) fail("unsupported hash type " + algo);
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, data.data(), data.size());
  EVP_DigestFinal_ex(ctx, buf, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  char h[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(h, sizeof h, "%02x", buf[i]);
    hex += h;
  }
  return hex;
}

Val f_hash(Renderer&, const Val& v, CallArgs& a) {
  return Val::str(digest(text_of(v), to_str(a.get(0, "hashtype", Val::str("sha1")))));
}
Val f_md5(Renderer&, const Val& v, CallArgs&) { return Val::str(digest(text_of(v), "md5")); }
Val f_sha1(Renderer&, const Val& v, CallArgs&) { return Val::str(digest(text_of(v), "sha1")); }

Val f_password_hash(Renderer&, const Val& v, CallArgs& a) {
  std::string password = text_of(v);
  std::string type = to_str(a.get(0, "hashtype", Val::str("sha512")));
  Val salt = a.get(1, "salt", Val::none());
  Val rounds = a.get(3, "rounds", Val::none());
  // salt_size: the length of the random salt; anything but an integer fails
  // (Python's random_salt(length) raises on it).
  Val salt_size = a.get(2, "salt_size", Val::none());
  int salt_length = 16;
  if (!salt_size.is_none() && !salt_size.is_undefined()) {
    if (!salt_size.is_int()) fail("password_hash: salt_size must be an integer, got " + type_name(salt_size));
    salt_length = static_cast<int>(salt_size.as_int());
  }
  std::string prefix;
  if (type == "sha512" || type == "sha512_crypt") prefix = "$6$";
  else if (type == "sha256" || type == "sha256_crypt") prefix = "$5$";
  else if (type == "md5" || type == "md5_crypt") prefix = "$1$";
  else fail("crypt.crypt does not support '" + type + "' algorithm");
  std::string s;
  if (salt.is_none()) {
    static const char* chars = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::random_device rd;
    for (int i = 0; i < salt_length; ++i) s += chars[rd() % 64];
  } else {
    s = to_str(salt);
  }
  std::string setting = prefix;
  if (!rounds.is_none() && prefix != "$1$") setting += "rounds=" + std::to_string(rounds.as_int()) + "$";
  setting += s;
  struct crypt_data data {};
  const char* r = crypt_r(password.c_str(), setting.c_str(), &data);
  if (!r || r[0] == '*') fail("crypt.crypt failed to hash the password");
  return Val::str(r);
}

std::string basename(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string dirname(const std::string& p) {
  size_t s = p.rfind('/');
  if (s == std::string::npos) return "";
  std::string head = p.substr(0, s + 1);
  bool all_slash = std::all_of(head.begin(), head.end(), [](char c) { return c == '/'; });
  if (!all_slash)
    while (!head.empty() && head.back() == '/') head.pop_back();
  return head;
}

Val f_basename(Renderer&, const Val& v, CallArgs&) { return Val::str(basename(text_of(v))); }
Val f_dirname(Renderer&, const Val& v, CallArgs&) { return Val::str(dirname(text_of(v))); }

Val f_splitext(Renderer&, const Val& v, CallArgs&) {
  std::string p = text_of(v);
  size_t slash = p.rfind('/');
  size_t base = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = p.rfind('.');
  if (dot != std::string::npos && dot > base) {
    size_t first = base;
    while (first < p.size() && p[first] == '.') ++first;
    if (dot >= first) return Val::seq({Val::str(p.substr(0, dot)), Val::str(p.substr(dot))}, true);
  }
  return Val::seq({Val::str(p), Val::empty_str()}, true);
}

Val f_expanduser(Renderer&, const Val& v, CallArgs&) {
  std::string p = text_of(v);
  if (p.empty() || p[0] != '~') return Val::str(p);
  size_t slash = p.find('/');
  if (slash != 1 && p.size() > 1) return Val::str(p);  // ~user: left alone here
  const char* home = std::getenv("HOME");
  std::string h = home ? home : "/";
  if (h.size() > 1 && h.back() == '/') h.pop_back();
  return Val::str(h + (slash == std::string::npos ? "" : p.substr(slash)));
}

Val f_realpath(Renderer&, const Val& v, CallArgs&) {
  std::string p = text_of(v);
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf)) return Val::str(buf);
  return Val::str(p);
}

// Ansible's fileglob filter: the regular files the pattern matches on the
// controller (Python's glob: no hidden files for `*`), sorted here.
Val f_fileglob(Renderer&, const Val& v, CallArgs&) {
  std::vector<Val> out;
  glob_t g{};
  if (::glob(text_of(v).c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      struct stat st {};
      if (::stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) out.push_back(Val::str(g.gl_pathv[i]));
    }
  }
  ::globfree(&g);
  return Val::seq(std::move(out));
}

Val f_path_join(Renderer&, const Val& v, CallArgs&) {
  std::vector<std::string> parts;
  if (v.is_str()) parts.push_back(v.as_str());
  else if (v.is_sequence())
    for (size_t i = 0; i < v.size(); ++i) parts.push_back(to_str(v.at(i)));
  else fail("|path_join expects string or sequence, got " + type_name(v) + " instead.");
  std::string out;
  for (const auto& p : parts) {
    if (!p.empty() && p[0] == '/') out = p;
    else if (out.empty() || out.back() == '/') out += p;
    else out += "/" + p;
  }
  return Val::str(out);
}

Val f_quote(Renderer&, const Val& v, CallArgs&) {
  if (v.is_none()) return Val::str("''");
  return Val::str(shell_quote(text_of(v)));
}

Val f_comment(Renderer&, const Val& v, CallArgs& a) {
  std::string text = text_of(v);
  std::string style = to_str(a.get(0, "style", Val::str("plain")));
  std::map<std::string, std::map<std::string, std::string>> styles = {
      {"plain", {{"decoration", "# "}}},
      {"erlang", {{"decoration", "% "}}},
      {"c", {{"decoration", "// "}}},
      {"cblock", {{"beginning", "/*"}, {"decoration", " * "}, {"end", " */"}}},
      {"xml", {{"beginning", "<!--"}, {"decoration", " - "}, {"end", "-->"}}}};
  auto it = styles.find(style);
  if (it == styles.end()) fail("'" + style + "'");
  auto rstrip = [](std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.pop_back();
    return s;
  };
  std::string prepostfix = it->second["decoration"];
  for (const auto& [k, x] : a.kw)
    if (k == "decoration") prepostfix = to_str(x);
  std::map<std::string, std::string> p = {{"newline", "\n"}, {"beginning", ""}, {"prefix", rstrip(prepostfix)},
                                          {"prefix_count", "1"}, {"decoration", ""}, {"postfix", rstrip(prepostfix)},
                                          {"postfix_count", "1"}, {"end", ""}};
  for (const auto& [k, x] : it->second) p[k] = x;
  for (const auto& [k, x] : a.kw) p[k] = to_str(x);
  auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
    if (from.empty()) return s;
    std::string out;
    size_t pos = 0;
    for (size_t f; (f = s.find(from, pos)) != std::string::npos; pos = f + from.size()) out += s.substr(pos, f - pos) + to;
    return out + s.substr(pos);
  };
  const std::string& nl = p["newline"];
  std::string beginning = p["beginning"].empty() ? "" : p["beginning"] + nl;
  std::string prefix;
  int pc = std::atoi(p["prefix_count"].c_str()), qc = std::atoi(p["postfix_count"].c_str());
  if (!p["prefix"].empty()) {
    for (int i = 0; i < pc; ++i) prefix += p["prefix"] != nl ? p["prefix"] + nl : nl;
  }
  std::string body = replace_all(p["decoration"] + replace_all(text, nl, nl + p["decoration"]), p["decoration"] + nl,
                                 rstrip(p["decoration"]) + nl);
  std::string postfix;
  for (int i = 0; i < qc; ++i) postfix += nl + p["postfix"];
  std::string end = p["end"].empty() ? "" : nl + p["end"];
  return Val::str(beginning + prefix + body + postfix + end);
}

Val f_type_debug(Renderer&, const Val& v, CallArgs&) {
  if (v.is_undefined()) return Val::str("AnsibleUndefined");
  if (v.is_vault_text() || (v.is_dict() && vault_marker_text(v.as_data()))) return Val::str("AnsibleVaultEncryptedUnicode");
  return Val::str(type_name(v));
}

std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

// Draws as Ansible's filters draw: Python's random.Random(seed) when
// seeded (the same picks as Ansible's), else the system's randomness.
class Draw {
 public:
  explicit Draw(const Val& seed) {
    if (seed.is_none()) return;
    if (seed.is_big_int())
      seeded_.emplace(seed.as_big());
    else if (seed.is_int() || seed.is_bool())
      seeded_.emplace(seed.as_int());
    else
      seeded_.emplace(to_str(seed));
  }
  uint64_t below(uint64_t n) { return seeded_ ? seeded_->randbelow(n) : rng()() % n; }
  BigInt below(const BigInt& n) {
    if (seeded_) return seeded_->randbelow(n);
    PyRandom fresh(BigInt::from_words({static_cast<uint32_t>(rng()()), static_cast<uint32_t>(rng()()),
                                       static_cast<uint32_t>(rng()()), static_cast<uint32_t>(rng()())}));
    return fresh.randbelow(n);
  }

 private:
  std::optional<PyRandom> seeded_;
};

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// random.randrange(start, stop, step) of CPython 3.11.
int64_t randrange(Draw& g, int64_t start, int64_t stop, int64_t step) {
  int64_t width = stop - start;  // f_random checked that it fits
  if (step == 1) {
    if (width <= 0)
      fail("empty range for randrange(" + std::to_string(start) + ", " + std::to_string(stop) + ", " +
           std::to_string(width) + ")");
    return start + static_cast<int64_t>(g.below(static_cast<uint64_t>(width)));
  }
  if (step == 0) fail("zero step for randrange()");
  int64_t n = step > 0 ? floor_div(width + step - 1, step) : floor_div(width + step + 1, step);
  if (n <= 0) fail("empty range for randrange()");
  return start + step * static_cast<int64_t>(g.below(static_cast<uint64_t>(n)));
}

// randrange past int64 (any bound a BigInt, or a width that overflows).
Val randrange_big(Draw& g, const BigInt& start, const BigInt& stop, const BigInt& step) {
  BigInt width = stop - start;
  if (step == BigInt(1)) {
    if (width.negative() || width.is_zero())
      fail("empty range for randrange(" + start.to_string() + ", " + stop.to_string() + ", " + width.to_string() + ")");
    return Val::big_integer(start + g.below(width));
  }
  if (step.is_zero()) fail("zero step for randrange()");
  BigInt n, rest;
  BigInt::floor_divmod(step.negative() ? width + step + BigInt(1) : width + step - BigInt(1), step, n, rest);
  if (n.negative() || n.is_zero()) fail("empty range for randrange()");
  return Val::big_integer(start + step * g.below(n));
}

Val f_random(Renderer&, const Val& v, CallArgs& a) {
  Val start = a.get(0, "start", Val::none());
  Val step = a.get(1, "step", Val::none());
  Draw g(a.get(2, "seed", Val::none()));
  if (v.is_int() || v.is_big_int()) {
    Val st = start.is_none() || !start.truthy() ? Val::integer(0) : start;
    Val sp = step.is_none() || !step.truthy() ? Val::integer(1) : step;
    int64_t width;
    if (v.is_big_int() || st.is_big_int() || sp.is_big_int() || __builtin_sub_overflow(v.as_int(), st.as_int(), &width))
      return randrange_big(g, st.to_big(), v.to_big(), sp.to_big());
    return Val::integer(randrange(g, st.as_int(), v.as_int(), sp.as_int()));
  }
  if (v.is_sequence() || v.is_str() || v.is_dict()) {
    if (start.truthy() || step.truthy()) fail("start and step can only be used with integer values");
    auto items = iterate(v);
    if (items.empty()) fail("Cannot choose from an empty sequence");
    return items[g.below(items.size())];
  }
  fail("random can only be used on sequences and integers");
}

Val f_shuffle(Renderer&, const Val& v, CallArgs& a) {
  // Ansible's randomize_list returns what it cannot make a list of as it is.
  if (v.is_number() || v.is_none()) return v;
  auto items = iterate(v);
  Val seed = a.get(0, "seed", Val::none());
  Draw g(seed.truthy() ? seed : Val::none());
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[g.below(i)]);
  return make_list(std::move(items));
}

Val f_to_uuid(Renderer&, const Val& v, CallArgs& a) {
  std::string ns = to_str(a.get(0, "namespace", Val::str("361E6D51-FAEC-444A-9079-341386DA8E2E")));
  std::string hex;
  for (char c : ns)
    if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
  if (hex.size() != 32) fail("Invalid value '" + ns + "' for 'namespace': badly formed hexadecimal UUID string");
  std::string bytes;
  for (size_t i = 0; i < 32; i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  std::string h = digest(bytes + text_of(v), "sha1");
  std::string u = h.substr(0, 32);
  u[12] = '5';
  int variant = std::stoi(u.substr(16, 1), nullptr, 16);
  const char* hexd = "0123456789abcdef";
  u[16] = hexd[(variant & 0x3) | 0x8];
  return Val::str(u.substr(0, 8) + "-" + u.substr(8, 4) + "-" + u.substr(12, 4) + "-" + u.substr(16, 4) + "-" + u.substr(20));
}

double need_number(const Val& v, const char* fn) {
  if (!v.is_number()) fail_type(std::string(fn) + "() can only be used on numbers: must be real number, not " + type_name(v));
  return v.as_float();
}

Val f_log(Renderer&, const Val& v, CallArgs& a) {
  double x = need_number(v, "log");
  Val base = a.get(0, "base", Val::none());
  if (x <= 0) fail("math domain error");
  if (base.is_none()) return Val::flt(std::log(x));
  double b = need_number(base, "log");
  if (b == 10) return Val::flt(std::log10(x));
  if (b <= 0 || b == 1) fail(b == 1 ? "float division by zero" : "math domain error");
  return Val::flt(std::log(x) / std::log(b));
}

Val f_pow(Renderer&, const Val& v, CallArgs& a) {
  double r = std::pow(need_number(v, "pow"), need_number(a.need(0, "y"), "pow"));
  if (std::isnan(r)) fail("math domain error");
  if (std::isinf(r)) fail("math range error");
  return Val::flt(r);
}

Val f_root(Renderer&, const Val& v, CallArgs& a) {
  double x = need_number(v, "root");
  double base = need_number(a.get(0, "base", Val::integer(2)), "root");
  if (base == 2) {
    if (x < 0) fail("root() can only be used on numbers: math domain error");
    return Val::flt(std::sqrt(x));
  }
  double r = std::pow(x, 1.0 / base);
  if (std::isnan(r)) fail("root() can only be used on numbers: math domain error");
  return Val::flt(r);
}

Val f_split(Renderer& r, const Val& v, CallArgs& a) {
  CallArgs c;
  c.pos = a.pos;
  c.kw = a.kw;
  return call_method(r, Val::str(text_of(v)), "split", c);
}

Val f_urldecode(Renderer&, const Val& v, CallArgs&) {
  std::string s = text_of(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return Val::str(out);
}

}  // namespace

void add_ansible_filters(FilterTable& t) {
  t["to_json"] = f_to_json;
  t["to_nice_json"] = f_to_nice_json;
  t["from_json"] = f_from_json;
  t["to_yaml"] = f_to_yaml;
  t["to_nice_yaml"] = f_to_nice_yaml;
  t["from_yaml"] = f_from_yaml;
  t["from_yaml_all"] = f_from_yaml_all;
  t["bool"] = f_bool;
  t["ternary"] = f_ternary;
  t["mandatory"] = f_mandatory;
  t["regex_replace"] = f_regex_replace;
  t["regex_findall"] = f_regex_findall;
  t["regex_search"] = f_regex_search;
  t["regex_escape"] = f_regex_escape;
  t["b64encode"] = f_b64encode;
  t["b64decode"] = f_b64decode;
  t["hash"] = f_hash;
  t["md5"] = f_md5;
  t["sha1"] = t["checksum"] = f_sha1;
  t["password_hash"] = f_password_hash;
  t["basename"] = f_basename;
  t["dirname"] = f_dirname;
  t["splitext"] = f_splitext;
  t["expanduser"] = f_expanduser;
  t["realpath"] = f_realpath;
  t["fileglob"] = f_fileglob;
  t["path_join"] = f_path_join;
  t["quote"] = f_quote;
  t["comment"] = f_comment;
  t["type_debug"] = f_type_debug;
  t["random"] = f_random;
  t["shuffle"] = f_shuffle;
  t["to_uuid"] = f_to_uuid;
  t["log"] = f_log;
  t["pow"] = f_pow;
  t["root"] = f_root;
  t["split"] = f_split;
  t["urldecode"] = f_urldecode;
}

}  // namespace drover::tmpl
