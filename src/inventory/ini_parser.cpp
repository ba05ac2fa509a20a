#include "inventory/ini_parser.hpp"

#include <map>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "inventory/host_address.hpp"
#include "inventory/python_literal.hpp"

namespace drover::inventory {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool is_word(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// "\s*(#.*)?$" from position i.
bool only_comment_after(std::string_view s, size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i == s.size() || s[i] == '#';
}

// ^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:\#.*)?$
bool match_section(std::string_view line, std::string& name, std::string& tag, bool& has_tag) {
  if (line.empty() || line[0] != '[') return false;
  size_t i = 1;
  while (i < line.size() && line[i] != ':' && line[i] != ']' && !is_ws(line[i])) ++i;
  if (i == 1 || i >= line.size()) return false;
  name = std::string(line.substr(1, i - 1));
  has_tag = false;
  tag.clear();
  if (line[i] == ':') {
    size_t t = ++i;
    while (i < line.size() && is_word(line[i])) ++i;
    if (i == t) return false;
    tag = std::string(line.substr(t, i - t));
    has_tag = true;
  }
  if (i >= line.size() || line[i] != ']') return false;
  return only_comment_after(line, i + 1);
}

// ^([^:\]\s]+)\s*(?:\#.*)?$
bool match_group_name(std::string_view line, std::string& name) {
  size_t i = 0;
  while (i < line.size() && line[i] != ':' && line[i] != ']' && !is_ws(line[i])) ++i;
  if (i == 0) return false;
  name = std::string(line.substr(0, i));
  return only_comment_after(line, i);
}

struct Pending {
  int line = 0;
  std::string state;
  std::vector<std::string> parents;
};

class IniParser {
 public:
  IniParser(Inventory& inv, const std::string& path) : inv_(inv), path_(path) {}

  void parse(const std::string& text) {
    std::string group = "ungrouped";
    std::string state = "hosts";
    for (const auto& raw : split_lines(text)) {
      ++lineno_;
      std::string line = trim(raw);
      if (line.empty() || line[0] == ';' || line[0] == '#') continue;
      std::string name, tag;
      bool has_tag = false;
      if (match_section(line, name, tag, has_tag)) {
        group = name;
        state = has_tag ? tag : "hosts";
        if (state != "hosts" && state != "children" && state != "vars")
          fail("Section [" + name + ":" + tag + "] has unknown type: " + tag);
        if (!inv_.find_group(group)) {
          if (state == "vars" && !pending_.count(group)) add_pending(group, Pending{lineno_, "vars", {}});
          inv_.add_group(group);
        }
        auto p = pending_.find(group);
        if (p != pending_.end() && state != "vars") {
          if (p->second.state == "children") add_pending_children(group);
          else if (p->second.state == "vars") pending_.erase(p);
        }
        continue;
      }
      if (line.front() == '[' && line.back() == ']')
        fail("Invalid section entry: '" + line +
             "'. Please make sure that there are no spaces in the section entry, and that there are no other "
             "invalid characters");
      if (state == "hosts") {
        parse_host_line(line, group);
      } else if (state == "vars") {
        size_t eq = line.find('=');
        if (eq == std::string::npos) fail("Expected key=value, got: " + line);
        inv_.set_variable(group, trim(line.substr(0, eq)), ini_value(trim(line.substr(eq + 1))));
      } else {
        std::string child;
        if (!match_group_name(line, child)) fail("Expected group name, got: " + line);
        if (!inv_.find_group(child)) {
          auto p = pending_.find(child);
          if (p == pending_.end()) add_pending(child, Pending{lineno_, "children", {group}});
          else p->second.parents.push_back(group);
        } else {
          locate([&] { inv_.add_child(group, child); });
        }
      }
    }
    // What is still pending is an error; Ansible reports the first declared.
    for (const auto& name : pending_order_) {
      auto p = pending_.find(name);
      if (p == pending_.end()) continue;
      lineno_ = p->second.line;
      if (p->second.state == "vars")
        throw Error("Section [" + name + ":vars] not valid for undefined group: " + name, Location{path_, lineno_, 0});
      throw Error("Section [" + p->second.parents.back() + ":children] includes undefined group: " + name,
                  Location{path_, lineno_, 0});
    }
  }

 private:
  [[noreturn]] void fail(const std::string& message) { throw Error(message, Location{path_, lineno_, 0}); }

  // Errors from deeper down (a range, a cycle) get this line's location.
  template <typename F>
  void locate(F&& f) {
    try {
      f();
    } catch (const Error& e) {
      if (e.where().known()) throw;
      fail(e.message());
    }
  }

  void parse_host_line(const std::string& line, const std::string& group) {
    std::vector<std::string> tokens;
    try {
      tokens = shlex_split(line);
    } catch (const Error& e) {
      fail("Error parsing host definition '" + line + "': " + e.message());
    }
    if (tokens.empty()) return;
    HostEntry entry;
    locate([&] { entry = expand_host_entry(tokens[0]); });
    if (!tokens[0].empty() && trim(tokens[0]).back() == ':' && !entry.port)
      fail("Invalid host pattern '" + tokens[0] +
           "' supplied, ending in ':' is not allowed, this character is reserved to provide a port.");
    for (const auto& n : entry.names)
      if (trim(n) == "---")
        fail("Invalid host pattern '" + tokens[0] + "' supplied, '---' is normally a sign this is a YAML file.");
    std::vector<std::pair<std::string, Value>> vars;
    for (size_t i = 1; i < tokens.size(); ++i) {
      size_t eq = tokens[i].find('=');
      if (eq == std::string::npos) fail("Expected key=value host variable assignment, got: " + tokens[i]);
      std::string key = tokens[i].substr(0, eq);
      Value v = ini_value(std::string_view(tokens[i]).substr(eq + 1));
      bool replaced = false;
      for (auto& kv : vars)
        if (kv.first == key) {
          kv.second = v;
          replaced = true;
        }
      if (!replaced) vars.emplace_back(std::move(key), std::move(v));
    }
    locate([&] {
      for (const auto& name : entry.names) {
        inv_.add_host(name, group, entry.port);
        for (const auto& [k, v] : vars) inv_.set_variable(name, k, v);
      }
    });
  }

  void add_pending_children(const std::string& group) {
    auto parents = pending_[group].parents;
    for (const auto& parent : parents) {
      locate([&] { inv_.add_child(parent, group); });
      auto pp = pending_.find(parent);
      if (pp != pending_.end() && pp->second.state == "children") add_pending_children(parent);
    }
    pending_.erase(group);
  }

  Inventory& inv_;
  const std::string& path_;
  int lineno_ = 0;
  std::map<std::string, Pending> pending_;
  std::vector<std::string> pending_order_;  // first-declaration order

  void add_pending(const std::string& name, Pending p) {
    pending_[name] = std::move(p);
    pending_order_.push_back(name);
  }
};

}  // namespace

std::vector<std::string> shlex_split(std::string_view s) {
  std::vector<std::string> out;
  std::string token;
  bool quoted = false;
  char state = ' ';
  char escaped_state = 'a';
  size_t i = 0;
  auto emit = [&] {
    if (!token.empty() || quoted) out.push_back(token);
    token.clear();
    quoted = false;
  };
  while (true) {
    if (i >= s.size()) {
      if (state == '\'' || state == '"') throw Error("No closing quotation");
      if (state == '\\') throw Error("No escaped character");
      emit();
      return out;
    }
    char c = s[i++];
    if (state == ' ' || state == 'a') {
      if (is_ws(c)) {
        if (state == 'a') emit();
        state = ' ';
      } else if (c == '#') {
        while (i < s.size() && s[i] != '\n') ++i;
        if (state == 'a') emit();
        state = ' ';
      } else if (c == '\'' || c == '"') {
        state = c;
      } else if (c == '\\') {
        escaped_state = 'a';
        state = '\\';
      } else {
        token += c;
        state = 'a';
      }
    } else if (state == '\'' || state == '"') {
      quoted = true;
      if (c == state) {
        state = 'a';
      } else if (c == '\\' && state == '"') {
        escaped_state = state;
        state = '\\';
      } else {
        token += c;
      }
    } else {  // after a backslash
      if ((escaped_state == '"' || escaped_state == '\'') && c != escaped_state && c != '\\') token += '\\';
      token += c;
      state = escaped_state;
    }
  }
}

void parse_inventory_ini(Inventory& inv, const std::string& path, const std::string& text) {
  IniParser(inv, path).parse(text);
}

}  // namespace drover::inventory
