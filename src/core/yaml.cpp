#include "core/yaml.hpp"
#include "core/unsafe.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <yaml-cpp/eventhandler.h>

#include "core/big_int.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"

namespace drover {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("could not read file: " + std::string(std::strerror(errno)), {path, 0, 0});
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool all_of_chars(const std::string& s, size_t from, const char* set) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i)
    if (!std::strchr(set, s[i])) return false;
  return true;
}

std::string strip_underscores(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

// Sexagesimal (base 60) numbers such as 1:30 are ints in YAML 1.1.
std::optional<Value> parse_sexagesimal(const std::string& body) {
  static const std::regex re("^[1-9][0-9_]*(:[0-5]?[0-9])+$");
  if (!std::regex_match(body, re)) return std::nullopt;
  std::stringstream ss(strip_underscores(body));
  std::string part;
  BigInt v;
  while (std::getline(ss, part, ':')) v = v * BigInt(60) + BigInt::parse(part).value_or(BigInt());
  return big_int_value(v);
}

Value parse_int(const std::string& s) {
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  std::string body = s.substr(i);
  if (body.empty()) return Value();
  int base = 10;
  std::string digits;
  if (body == "0") {
    return 0;
  } else if (body.rfind("0b", 0) == 0 && all_of_chars(body, 2, "01_")) {
    base = 2;
    digits = strip_underscores(body.substr(2));
  } else if (body.rfind("0x", 0) == 0 && all_of_chars(body, 2, "0123456789abcdefABCDEF_")) {
    base = 16;
    digits = strip_underscores(body.substr(2));
  } else if (body[0] == '0' && all_of_chars(body, 1, "01234567_")) {
    base = 8;
    digits = strip_underscores(body.substr(1));
  } else if (body[0] >= '1' && body[0] <= '9' && all_of_chars(body, 0, "0123456789_")) {
    digits = strip_underscores(body);
  } else if (auto sexa = parse_sexagesimal(body)) {
    if (!neg) return *sexa;
    return big_int_value(-big_int_of(*sexa));
  } else {
    return Value();
  }
  if (digits.empty()) return 0;
  errno = 0;
  char* end = nullptr;
  unsigned long long u = std::strtoull(digits.c_str(), &end, base);
  if (errno == ERANGE || *end || u > static_cast<unsigned long long>(INT64_MAX)) {
    // Past int64: PyYAML's int is unbounded, and so is a big-int Value.
    BigInt n = BigInt::parse(digits, base).value_or(BigInt());
    return big_int_value(neg ? -n : n);
  }
  int64_t v = static_cast<int64_t>(u);
  return neg ? -v : v;
}

Value parse_float(const std::string& s) {
  static const std::regex re(
      "^[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?$|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$");
  static const std::regex inf_re("^[-+]?\\.(inf|Inf|INF)$");
  static const std::regex nan_re("^\\.(nan|NaN|NAN)$");
  if (std::regex_match(s, inf_re))
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  if (std::regex_match(s, nan_re)) return std::numeric_limits<double>::quiet_NaN();
  if (s == "." || !std::regex_match(s, re)) return Value();
  std::string body = strip_underscores(s);
  if (body.find(':') != std::string::npos) {
    bool neg = body[0] == '-';
    if (body[0] == '-' || body[0] == '+') body = body.substr(1);
    double v = 0;
    std::stringstream ss(body);
    std::string part;
    while (std::getline(ss, part, ':')) v = v * 60 + std::stod(part);
    return neg ? -v : v;
  }
  return std::strtod(body.c_str(), nullptr);
}

// `strings`: the Python class Ansible's loader gives the strings it reads
// (AnsibleUnicode; AnsibleUnsafeText under `!unsafe`; str for PyYAML's
// SafeLoader).
Value convert(const YAML::Node& node, PyStr strings = PyStr::ansible_unicode);


bool is_merge_key(const YAML::Node& k) { return k.IsScalar() && k.Scalar() == "<<" && k.Tag() == "?"; }

// A mapping key as the string a JSON object holds it under.
std::string key_text(const YAML::Node& k) {
  Value key = convert(k);
  if (key.is_string()) return key.get<std::string>();
  // Python prints dict keys that are bools/ints through str() when
  // Ansible templates them; JSON objects need string keys.
  if (key.is_boolean()) return key.get<bool>() ? "True" : "False";
  if (key.is_null()) return "None";
  return key.dump();
}

void merge_into(Value& obj, const Value& src) {
  if (!src.is_object()) return;
  for (auto it = src.begin(); it != src.end(); ++it)
    if (!obj.contains(it.key())) obj[it.key()] = it.value();
}

Value convert_map(const YAML::Node& node, PyStr strings) {
  Value obj = Value::object();
  std::vector<Value> merges;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // A copy: `it->` is a proxy that dies at the end of the statement, so a
    // reference to its member dangles (ASan: stack-use-after-scope, found by
    // fuzz/vault_fuzz).
    const YAML::Node k = it->first;
    if (is_merge_key(k)) {
      Value m = convert(it->second, strings);
      if (m.is_array()) {
        for (auto& e : m) merges.push_back(e);
      } else {
        merges.push_back(m);
      }
      continue;
    }
    obj[key_text(k)] = convert(it->second, strings);
  }
  // Explicit keys win over merged ones; earlier merge sources win over later.
  for (const auto& m : merges) merge_into(obj, m);
  return obj;
}

// A string scalar as the loader holds it: an unsafe one holding template
// markers becomes a template of exactly its text.
Value loaded_text(const std::string& s, PyStr strings) {
  return typed_string(strings == PyStr::unsafe_text ? unsafe_text(s) : s, strings);
}

Value convert(const YAML::Node& node, PyStr strings) {
  // `!unsafe` on a list or mapping marks every string inside (wrap_var).
  if (node.Tag() == "!unsafe") strings = PyStr::unsafe_text;
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return Value();
    case YAML::NodeType::Sequence: {
      Value arr = Value::array();
      for (const auto& e : node) arr.push_back(convert(e, strings));
      return arr;
    }
    case YAML::NodeType::Map: return convert_map(node, strings);
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      // Values are UTF-8 (they are printed and sent as JSON); a byte that
      // is not becomes U+FFFD, where Ansible fails later, when it prints
      // or writes the text ("surrogates not allowed").
      const std::string& raw = node.Scalar();
      std::string replaced;
      const std::string& s = is_valid_utf8(raw) ? raw : (replaced = to_valid_utf8(raw));
      if (tag == "?") {
        Value v = resolve_plain_scalar(s);
        return v.is_string() ? loaded_text(s, strings) : v;
      }
      if (tag == "!" || tag == "!unsafe" || tag == "tag:yaml.org,2002:str") return loaded_text(s, strings);
      if (tag == "tag:yaml.org,2002:int") {
        Value v = parse_int(s);
        if (v.is_null()) throw Error("invalid !!int value '" + s + "'");
        return v;
      }
      if (tag == "tag:yaml.org,2002:float") {
        Value v = parse_float(s);
        if (v.is_null()) v = parse_int(s);
        if (v.is_null()) throw Error("invalid !!float value '" + s + "'");
        return v.is_number_integer() ? Value(static_cast<double>(v.get<int64_t>())) : v;
      }
      if (tag == "tag:yaml.org,2002:bool") {
        Value v = resolve_plain_scalar(s);
        if (!v.is_boolean()) throw Error("invalid !!bool value '" + s + "'");
        return v;
      }
      if (tag == "tag:yaml.org,2002:null") return Value();
      // Kept encrypted: decrypted when first used, as Ansible does
      // (core/vault.hpp's open_vault_value).
      if (tag == "!vault") return vault_marker(s);
      return loaded_text(s, strings);
    }
  }
  return Value();
}

std::string describe_parser_error(const std::string& msg) {
  // yaml-cpp's terse messages, said as what was expected.
  if (msg == "end of map not found")
    return "expected a new 'key: value' line at this indentation (end of mapping not found)";
  if (msg == "end of sequence not found") return "expected '- item' or the end of the list";
  if (msg == "illegal map value")
    return "a mapping value is not allowed here (is a ':' or an indentation wrong?)";
  if (msg == "end of map flow not found") return "expected ',' or '}' in the inline mapping";
  if (msg == "end of sequence flow not found") return "expected ',' or ']' in the inline list";
  if (msg == "unknown token") return "unexpected character (tabs cannot indent YAML)";
  return msg;
}

// yaml-cpp 0.7 (Debian 12's) never returns from YAML::LoadAll when a
// document starts with a token no node can start with (`,`, `]`, `}`): the
// parser reports an empty document without consuming the token, again and
// again, allocating as it goes (upstream yaml-cpp#1040, fixed after 0.8).
// This pass reads the events only and stops when a document starts where
// the previous one started; PyYAML says "did not find expected node
// content" there.
class StuckDocumentGuard : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (started_ && mark.pos == last_start_.pos) throw YAML::ParserException(mark, "did not find expected node content");
    started_ = true;
    last_start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  bool started_ = false;
  YAML::Mark last_start_;
};

void refuse_stuck_documents(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  StuckDocumentGuard guard;
  while (parser.HandleNextDocument(guard)) {
  }
}


std::mutex policy_mutex;
std::shared_ptr<const YamlPolicy> policy = std::make_shared<const YamlPolicy>();

std::shared_ptr<const YamlPolicy> process_yaml_policy() {
  std::lock_guard<std::mutex> lock(policy_mutex);
  return policy;
}

// Ansible's AnsibleConstructor.construct_mapping: a key met again in one
// mapping (after PyYAML's flatten_mapping put the `<<` merged pairs first)
// is reported with the mapping's own position and the file's absolute path;
// the earlier explicit pair is dropped so that every reader of the node,
// node["key"] included, sees the last value only.
class DuplicateKeyCheck {
 public:
  DuplicateKeyCheck(const YamlPolicy& policy, const std::string& name) : policy_(policy), name_(name) {}

  // Breadth first, as PyYAML fills the collections it constructs (a
  // mapping's own keys before those of the mappings inside it): the
  // warnings come in Ansible's order and an error names the same mapping.
  void walk(YAML::Node root) {
    std::deque<YAML::Node> queue{root};
    while (!queue.empty()) {
      YAML::Node node = queue.front();
      queue.pop_front();
      if (!(node.IsSequence() || node.IsMap()) || !visit(node)) continue;
      if (node.IsSequence()) {
        for (auto e : node) queue.push_back(e);
        continue;
      }
      check_map(node);
      for (auto it = node.begin(); it != node.end(); ++it) queue.push_back(it->second);
    }
  }

 private:
  // Each collection once: an alias is the anchored node again.
  bool visit(const YAML::Node& node) {
    auto m = node.Mark();
    return m.is_null() || seen_.insert(m.pos).second;
  }

  void check_map(YAML::Node& node) {
    std::vector<std::string> merged, keys;
    std::vector<YAML::Node> key_nodes;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node k = it->first;
      if (is_merge_key(k)) {
        add_merged_keys(it->second, merged);
        continue;
      }
      keys.push_back(key_text(k));
      key_nodes.push_back(k);
    }
    // Hashed: a mapping of thousands of hosts is common in inventories.
    std::unordered_set<std::string> met;
    for (const auto& k : merged)
      if (!met.insert(k).second) report(node, k);
    std::unordered_map<std::string, size_t> last;
    for (size_t i = 0; i < keys.size(); ++i) last[keys[i]] = i;
    std::vector<YAML::Node> superseded;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!met.insert(keys[i]).second) report(node, keys[i]);
      if (last[keys[i]] != i) superseded.push_back(key_nodes[i]);
    }
    for (auto& k : superseded) node.remove(k);
  }

  // PyYAML's flatten_mapping: the pairs of `<<: *a` or, for `<<: [*a, *b]`,
  // b's then a's.
  void add_merged_keys(const YAML::Node& source, std::vector<std::string>& out) {
    if (source.IsSequence()) {
      std::vector<YAML::Node> sources(source.begin(), source.end());
      for (auto it = sources.rbegin(); it != sources.rend(); ++it) add_merged_keys(*it, out);
      return;
    }
    if (!source.IsMap()) return;
    for (auto it = source.begin(); it != source.end(); ++it) {
      const YAML::Node k = it->first;
      if (is_merge_key(k)) add_merged_keys(it->second, out);
    }
    for (auto it = source.begin(); it != source.end(); ++it) {
      const YAML::Node k = it->first;
      if (!is_merge_key(k)) out.push_back(key_text(k));
    }
  }

  void report(const YAML::Node& map, const std::string& key) {
    if (policy_.duplicate_keys == DuplicateKeys::ignore) return;
    auto mark = map.Mark();
    int line = mark.is_null() ? 0 : mark.line + 1, column = mark.is_null() ? 0 : mark.column + 1;
    std::string msg = "While constructing a mapping from " + source_name() + ", line " + std::to_string(line) +
                      ", column " + std::to_string(column) + ", found a duplicate dict key (" + key +
                      "). Using last defined value only.";
    if (policy_.duplicate_keys == DuplicateKeys::error)
      throw ParserError("Syntax Error while loading YAML.\n  " + msg, {name_, line, column});
    if (policy_.warn) {
      policy_.warn(msg);
    } else {
      std::fprintf(stderr, "[WARNING]: %s\n", msg.c_str());
    }
  }

  // Ansible names a file by its absolute path and text from the command
  // line as "<string>".
  std::string source_name() const {
    if (name_.empty() || name_[0] == '<') return "<string>";
    std::error_code ec;
    auto abs = std::filesystem::absolute(name_, ec);
    return ec ? name_ : abs.lexically_normal().string();
  }

  const YamlPolicy& policy_;
  const std::string& name_;
  std::set<size_t> seen_;
};

// Ansible's DataLoader tries json.loads before YAML.
bool is_json(const std::string& text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string::npos || (text[i] != '{' && text[i] != '[')) return false;
  return !Value::parse(text, nullptr, false).is_discarded();
}

std::vector<YAML::Node> parse_documents(const std::string& text, const std::string& name) {
  try {
    refuse_stuck_documents(text);
    return YAML::LoadAll(text);
  } catch (const YAML::ParserException& e) {
    // Ansible's AnsibleParserError: ansible-playbook exits 4.
    throw ParserError("YAML syntax error: " + describe_parser_error(e.msg),
                      {name, e.mark.line + 1, e.mark.column + 1});
  } catch (const YAML::Exception& e) {
    throw ParserError("YAML error: " + e.msg, {name, e.mark.line + 1, e.mark.column + 1});
  }
}

Value single_document_value(const std::vector<YAML::Node>& docs, const std::string& name,
                            PyStr strings = PyStr::ansible_unicode) {
  if (docs.empty()) return Value();
  if (docs.size() > 1)
    throw Error("expected one YAML document, found " + std::to_string(docs.size()),
                yaml_location(docs[1], name));
  try {
    return convert(docs[0], strings);
  } catch (const Error& e) {
    if (e.where().known()) throw;
    throw Error(e.message(), {name, 0, 0});
  }
}

}  // namespace

DuplicateKeys parse_duplicate_keys(const std::string& setting) {
  if (setting == "warn") return DuplicateKeys::warn;
  if (setting == "error") return DuplicateKeys::error;
  return DuplicateKeys::ignore;
}

void set_process_yaml_policy(YamlPolicy p) {
  auto next = std::make_shared<const YamlPolicy>(std::move(p));
  std::lock_guard<std::mutex> lock(policy_mutex);
  policy = std::move(next);
}

Value resolve_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value();
  switch (s[0]) {
    case 'y': case 'Y': case 'n': case 'N': case 't': case 'T': case 'f': case 'F':
    case 'o': case 'O': {
      static const char* const yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
      static const char* const no[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
      for (const char* w : yes)
        if (s == w) return true;
      for (const char* w : no)
        if (s == w) return false;
      return s;
    }
    default: break;
  }
  char c = s[0];
  if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
    Value v = parse_int(s);
    if (!v.is_null()) return v;
    v = parse_float(s);
    if (!v.is_null()) return v;
  }
  return s;
}

std::vector<YAML::Node> load_yaml_string(const std::string& text, const std::string& name) {
  auto docs = parse_documents(text, name);
  auto p = process_yaml_policy();
  if (is_json(text)) return docs;
  DuplicateKeyCheck check(*p, name);
  for (auto& d : docs) check.walk(d);
  return docs;
}

std::vector<YAML::Node> load_yaml_string_plain(const std::string& text, const std::string& name) {
  auto docs = parse_documents(text, name);
  YamlPolicy silent;
  silent.duplicate_keys = DuplicateKeys::ignore;
  DuplicateKeyCheck check(silent, name);  // still drops the superseded pairs
  for (auto& d : docs) check.walk(d);
  return docs;
}

std::vector<YAML::Node> load_yaml_file(const std::string& path) {
  return load_yaml_string(decrypt_if_vaulted(read_file(path), path), path);
}

Value yaml_to_value(const YAML::Node& node, PyStr strings) { return convert(node, strings); }

Value load_yaml_value_string(const std::string& text, const std::string& name) {
  // Ansible's loader reads JSON text with json.loads: its strings are str.
  return single_document_value(load_yaml_string(text, name), name, is_json(text) ? PyStr::str : PyStr::ansible_unicode);
}

Value load_yaml_value_string_plain(const std::string& text, const std::string& name) {
  return single_document_value(load_yaml_string_plain(text, name), name, PyStr::str);
}

Value load_yaml_value_file(const std::string& path) {
  return load_yaml_value_string(decrypt_if_vaulted(read_file(path), path), path);
}

Location yaml_location(const YAML::Node& node, const std::string& file) {
  auto m = node.Mark();
  if (m.is_null()) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

}  // namespace drover
