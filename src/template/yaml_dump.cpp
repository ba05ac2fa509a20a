// A transcription of PyYAML's Emitter decisions (analyze_scalar,
// choose_scalar_style, write_plain/single/double, write_indent) for the
// node shapes a Value can have.
#include "template/yaml_dump.hpp"

#include <algorithm>
#include <cmath>

#include "core/big_int.hpp"
#include "core/pyrepr.hpp"
#include "template/regex.hpp"
#include "template/runtime_value.hpp"
#include "template/text.hpp"

namespace drover::tmpl {
namespace {

bool is_break(char32_t c) { return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029; }
bool is_ws_or_end(char32_t c) { return c == 0 || c == ' ' || c == '\t' || c == '\r' || is_break(c); }

struct Analysis {
  bool empty = false, multiline = false, allow_flow_plain = true, allow_block_plain = true,
       allow_single_quoted = true, allow_double_quoted = true, allow_block = true;
};

Analysis analyze(const std::u32string& s) {
  Analysis a;
  if (s.empty()) {
    a.empty = true;
    a.allow_flow_plain = false;
    return a;
  }
  bool block_ind = false, flow_ind = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false;
  std::u32string head = s.substr(0, 3);
  if (head == U"---" || head == U"...") block_ind = flow_ind = true;
  bool preceded_ws = true;
  bool followed_ws = s.size() == 1 || is_ws_or_end(s[1]);
  bool prev_space = false, prev_break = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t ch = s[i];
    if (i == 0) {
      if (std::u32string(U"#,[]{}&*!|>'\"%@`").find(ch) != std::u32string::npos) flow_ind = block_ind = true;
      if (ch == '?' || ch == ':') {
        flow_ind = true;
        if (followed_ws) block_ind = true;
      }
      if (ch == '-' && followed_ws) flow_ind = block_ind = true;
    } else {
      if (std::u32string(U",?[]{}").find(ch) != std::u32string::npos) flow_ind = true;
      if (ch == ':') {
        flow_ind = true;
        if (followed_ws) block_ind = true;
      }
      if (ch == '#' && preceded_ws) flow_ind = block_ind = true;
    }
    if (is_break(ch)) line_breaks = true;
    if (!(ch == '\n' || (ch >= 0x20 && ch <= 0x7E))) {
      bool uni = (ch == 0x85 || (ch >= 0xA0 && ch <= 0xD7FF) || (ch >= 0xE000 && ch <= 0xFFFD) ||
                  (ch >= 0x10000 && ch < 0x10FFFF)) && ch != 0xFEFF;
      if (!uni) special = true;
    }
    if (ch == ' ') {
      if (i == 0) leading_space = true;
      if (i == s.size() - 1) trailing_space = true;
      if (prev_break) break_space = true;
      prev_space = true;
      prev_break = false;
    } else if (is_break(ch)) {
      if (i == 0) leading_break = true;
      if (i == s.size() - 1) trailing_break = true;
      if (prev_space) space_break = true;
      prev_space = false;
      prev_break = true;
    } else {
      prev_space = prev_break = false;
    }
    preceded_ws = is_ws_or_end(ch);
    followed_ws = i + 2 >= s.size() || is_ws_or_end(s[i + 2]);
  }
  if (leading_space || leading_break || trailing_space || trailing_break) a.allow_flow_plain = a.allow_block_plain = false;
  if (break_space) a.allow_flow_plain = a.allow_block_plain = a.allow_single_quoted = false;
  if (space_break || special) a.allow_flow_plain = a.allow_block_plain = a.allow_single_quoted = a.allow_block = false;
  if (trailing_space) a.allow_block = false;
  if (line_breaks) a.allow_flow_plain = a.allow_block_plain = false;
  if (flow_ind) a.allow_flow_plain = false;
  if (block_ind) a.allow_block_plain = false;
  a.multiline = line_breaks;
  return a;
}

// Would PyYAML's resolver read this plain scalar as something other than
// a string (bool, int, float, null, timestamp, merge, value)?
bool resolves_to_non_str(const std::string& s) {
  static auto re = Regex::compile(
      R"(^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$)"
      R"(|^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$)"
      R"(|^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$)"
      R"(|^(?:<<)$|^(?:~|null|Null|NULL)$|^(?:=)$)"
      R"(|^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$)");
  if (s.empty()) return true;
  return re->search(s).has_value() && re->fullmatch(s).has_value();
}

// Python's str.expandtabs(8).
std::u32string expand_tabs(const std::u32string& s) {
  std::u32string out;
  size_t column = 0;
  for (char32_t c : s) {
    if (c == '\t') {
      size_t n = 8 - column % 8;
      out.append(n, U' ');
      column += n;
    } else {
      out += c;
      column = (c == '\n' || c == '\r') ? 0 : column + 1;
    }
  }
  return out;
}

std::u32string rstrip(std::u32string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r' ||
                        s.back() == 0x0b || s.back() == 0x0c || s.back() == 0x85 || s.back() == 0x2028 ||
                        s.back() == 0x2029 || s.back() == 0x1c || s.back() == 0x1d || s.back() == 0x1e ||
                        s.back() == 0x1f || s.back() == 0xa0 || s.back() == 0x3000))
    s.pop_back();
  return s;
}

// Spaces before a line break dropped (block scalars cannot keep them).
std::u32string drop_spaces_before_breaks(const std::u32string& s, bool any_break) {
  std::u32string out;
  for (char32_t c : s) {
    bool brk = any_break ? is_break(c) : c == '\n';
    if (brk)
      while (!out.empty() && out.back() == ' ') out.pop_back();
    out += c;
  }
  return out;
}

// The text Ansible's callbacks give PyYAML for a multi-line string
// (_munge_data_for_lossy_yaml, community.general.yaml's representer).
std::u32string munge_multiline(const std::u32string& s, YamlDumpOptions::Literal how) {
  std::u32string t = rstrip(s);
  if (how == YamlDumpOptions::Literal::ansible) {
    t = expand_tabs(t);
    std::u32string kept;
    for (char32_t ch : t)
      if ((ch == 10 || (ch >= 32 && ch <= 126) || ch == 133 || (ch >= 160 && ch <= 55295) ||
           (ch >= 57344 && ch <= 65533) || (ch >= 65536 && ch < 1114111)) && ch != 65279)
        kept += ch;
    return drop_spaces_before_breaks(kept, true);
  }
  std::u32string kept;  // string.printable or at least U+00A0
  for (char32_t ch : t)
    if ((ch >= 32 && ch <= 126) || ch == '\t' || ch == '\n' || ch == '\r' || ch == 0x0b || ch == 0x0c || ch >= 0xA0)
      kept += ch;
  kept = expand_tabs(kept);
  std::u32string out;
  for (char32_t ch : kept)
    if (ch != 0x0b && ch != 0x0c && ch != '\r') out += ch;
  return drop_spaces_before_breaks(out, false);
}

class Emitter {
 public:
  explicit Emitter(const YamlDumpOptions& o) : o_(o) {}

  std::string run(const Value& v) {
    if (o_.explicit_start) {
      out_ += "---";
      column_ = 3;
      whitespace_ = false;
      indention_ = false;
    }
    node(v, Ctx::Root);
    write_line_break();
    return out_;
  }

 private:
  enum class Ctx { Root, Sequence, Mapping, SimpleKey };

  bool is_scalar(const Value& v) const { return !v.is_array() && !v.is_object(); }

  bool flow_style(const Value& v) const {
    if (o_.default_flow_style) return *o_.default_flow_style;
    for (const auto& e : v)
      if (!is_scalar(e)) return false;
    return true;
  }

  void write(const std::string& s, size_t width) {
    out_ += s;
    column_ += static_cast<int>(width);
  }
  void write(const std::string& s) { write(s, utf8_length(s)); }

  void write_line_break() {
    out_ += '\n';
    whitespace_ = true;
    indention_ = true;
    column_ = 0;
  }

  void write_indent() {
    int indent = indent_;
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) write_line_break();
    if (column_ < indent) {
      whitespace_ = true;
      write(std::string(static_cast<size_t>(indent - column_), ' '));
    }
  }

  void write_indicator(const std::string& ind, bool need_ws, bool whitespace = false, bool indention = false) {
    std::string data = (whitespace_ || !need_ws) ? ind : " " + ind;
    whitespace_ = whitespace;
    indention_ = indention_ && indention;
    write(data);
  }

  void increase_indent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (indent_ < 0) indent_ = flow ? o_.indent : 0;
    else if (!indentless) indent_ += o_.indent;
  }
  void decrease_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  std::string scalar_text(const Value& v, bool& is_str) const {
    is_str = false;
    switch (v.type()) {
      case Value::value_t::null: return "null";
      case Value::value_t::boolean: return v.get<bool>() ? "true" : "false";
      case Value::value_t::number_integer: return std::to_string(v.get<int64_t>());
      case Value::value_t::number_unsigned: return std::to_string(v.get<uint64_t>());
      case Value::value_t::binary: return big_int_text(v);
      case Value::value_t::number_float: {
        double d = v.get<double>();
        if (std::isnan(d)) return ".nan";
        if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
        std::string r = python_float_repr(d);
        std::transform(r.begin(), r.end(), r.begin(), ::tolower);
        if (r.find('.') == std::string::npos && r.find('e') != std::string::npos) r.replace(r.find('e'), 1, ".0e");
        return r;
      }
      default: is_str = true; return v.get<std::string>();
    }
  }

  // PyYAML's expect_scalar indents every scalar one step (flow-style), which
  // is where folded continuation lines go.
  void scalar(const Value& v, Ctx ctx) {
    increase_indent(true, false);
    write_scalar(v, ctx);
    decrease_indent();
  }

  void write_scalar(const Value& v, Ctx ctx) {
    bool is_str;
    std::string text = scalar_text(v, is_str);
    std::u32string u = utf8_decode(text);
    bool simple_key = ctx == Ctx::SimpleKey;
    if (!is_str) {
      write_plain(u, !simple_key);
      return;
    }
    if (o_.literal_multiline != YamlDumpOptions::Literal::never &&
        std::any_of(u.begin(), u.end(), [](char32_t c) { return is_break(c); })) {
      // A representer asking for style "|": granted outside flow
      // collections and keys when the text allows a block, else "double".
      u = munge_multiline(u, o_.literal_multiline);
      Analysis a = analyze(u);
      if (flow_level_ == 0 && !simple_key && a.allow_block) write_literal(u);
      else write_double(u, !simple_key);
      return;
    }
    Analysis a = analyze(u);
    bool implicit_plain = !resolves_to_non_str(text);
    if (implicit_plain && !(simple_key && (a.empty || a.multiline)) &&
        ((flow_level_ > 0 && a.allow_flow_plain) || (flow_level_ == 0 && a.allow_block_plain))) {
      write_plain(u, !simple_key);
      return;
    }
    if (a.allow_single_quoted && !(simple_key && a.multiline)) {
      write_single(u, !simple_key);
      return;
    }
    write_double(u, !simple_key);
  }

  void write_plain(const std::u32string& t, bool split) {
    if (t.empty()) return;
    if (!whitespace_) write(" ");
    whitespace_ = false;
    indention_ = false;
    bool spaces = false;
    size_t start = 0;
    for (size_t end = 0; end <= t.size(); ++end) {
      char32_t ch = end < t.size() ? t[end] : 0;
      bool at_end = end == t.size();
      if (spaces) {
        if (ch != ' ') {
          if (start + 1 == end && column_ > o_.width && split) {
            write_indent();
            whitespace_ = false;
            indention_ = false;
          } else {
            write(utf8_encode(t.substr(start, end - start)), end - start);
          }
          start = end;
        }
      } else if (at_end || ch == ' ' || is_break(ch)) {
        write(utf8_encode(t.substr(start, end - start)), end - start);
        start = end;
      }
      if (!at_end) spaces = ch == ' ';
    }
  }

  void write_single(const std::u32string& t, bool split) {
    write_indicator("'", true);
    bool spaces = false, breaks = false;
    size_t start = 0;
    for (size_t end = 0; end <= t.size(); ++end) {
      bool at_end = end == t.size();
      char32_t ch = at_end ? 0 : t[end];
      if (spaces) {
        if (at_end || ch != ' ') {
          if (start + 1 == end && column_ > o_.width && split && start != 0 && end != t.size()) {
            write_indent();
          } else {
            write(utf8_encode(t.substr(start, end - start)), end - start);
          }
          start = end;
        }
      } else if (breaks) {
        if (at_end || !is_break(ch)) {
          if (t[start] == '\n') write_line_break();
          for (size_t k = start; k < end; ++k) {
            if (t[k] == '\n') write_line_break();
            else {
              std::string b;
              utf8_append(b, t[k]);
              out_ += b;
              whitespace_ = true;
              indention_ = true;
              column_ = 0;
            }
          }
          write_indent();
          start = end;
        }
      } else if (at_end || ch == ' ' || is_break(ch) || ch == '\'') {
        if (start < end) {
          write(utf8_encode(t.substr(start, end - start)), end - start);
          start = end;
        }
      }
      if (ch == '\'') {
        write("''");
        start = end + 1;
      }
      if (!at_end) {
        spaces = ch == ' ';
        breaks = is_break(ch);
      }
    }
    write_indicator("'", false);
  }

  // PyYAML's write_literal with its block hints.
  void write_literal(const std::u32string& t) {
    std::string hints;
    if (!t.empty()) {
      if (t[0] == ' ' || is_break(t[0])) hints += std::to_string(o_.indent);
      if (!is_break(t.back())) hints += "-";
      else if (t.size() == 1 || is_break(t[t.size() - 2])) hints += "+";
    }
    write_indicator("|" + hints, true);
    write_line_break();
    bool breaks = true;
    size_t start = 0;
    for (size_t end = 0; end <= t.size(); ++end) {
      bool at_end = end == t.size();
      char32_t ch = at_end ? 0 : t[end];
      if (breaks) {
        if (at_end || !is_break(ch)) {
          for (size_t i = start; i < end; ++i) {
            if (t[i] == '\n') {
              write_line_break();
            } else {
              out_ += utf8_encode(std::u32string(1, t[i]));
              whitespace_ = indention_ = true;
              column_ = 0;
            }
          }
          if (!at_end) write_indent();
          start = end;
        }
      } else if (at_end || is_break(ch)) {
        write(utf8_encode(t.substr(start, end - start)), end - start);
        if (at_end) write_line_break();
        start = end;
      }
      if (!at_end) breaks = is_break(ch);
    }
  }

  void write_double(const std::u32string& t, bool split) {
    write_indicator("\"", true);
    size_t start = 0;
    for (size_t end = 0; end <= t.size(); ++end) {
      bool at_end = end == t.size();
      char32_t ch = at_end ? 0 : t[end];
      bool escape = !at_end && (ch == '"' || ch == '\\' || ch == 0x85 || ch == 0x2028 || ch == 0x2029 || ch == 0xFEFF ||
                                !((ch >= 0x20 && ch <= 0x7E) || (ch >= 0xA0 && ch <= 0xD7FF) || (ch >= 0xE000 && ch <= 0xFFFD)));
      if (at_end || escape) {
        if (start < end) {
          write(utf8_encode(t.substr(start, end - start)), end - start);
          start = end;
        }
        if (!at_end) {
          std::string data;
          switch (ch) {
            case 0: data = "\\0"; break;
            case 0x07: data = "\\a"; break;
            case 0x08: data = "\\b"; break;
            case 0x09: data = "\\t"; break;
            case 0x0A: data = "\\n"; break;
            case 0x0B: data = "\\v"; break;
            case 0x0C: data = "\\f"; break;
            case 0x0D: data = "\\r"; break;
            case 0x1B: data = "\\e"; break;
            case '"': data = "\\\""; break;
            case '\\': data = "\\\\"; break;
            case 0x85: data = "\\N"; break;
            case 0xA0: data = "\\_"; break;
            case 0x2028: data = "\\L"; break;
            case 0x2029: data = "\\P"; break;
            default: {
              char buf[16];
              if (ch <= 0xFF) std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(ch));
              else if (ch <= 0xFFFF) std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(ch));
              else std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(ch));
              data = buf;
            }
          }
          write(data);
          start = end + 1;
        }
      }
      if (!at_end && end > 0 && end < t.size() - 1 && (ch == ' ' || start >= end) &&
          column_ + static_cast<int>(end - start) > o_.width && split) {
        std::string data = utf8_encode(t.substr(start, end - start)) + "\\";
        if (start < end) start = end;
        write(data);
        write_indent();
        whitespace_ = false;
        indention_ = false;
        if (t[start] == ' ') write("\\");
      }
    }
    write_indicator("\"", false);
  }

  std::vector<std::pair<std::string, const Value*>> entries(const Value& v) const {
    std::vector<std::pair<std::string, const Value*>> out;
    for (auto it = v.begin(); it != v.end(); ++it) out.emplace_back(it.key(), &it.value());
    if (o_.sort_keys)
      std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
  }

  void node(const Value& v, Ctx ctx) {
    if (is_scalar(v)) {
      scalar(v, ctx);
      return;
    }
    bool flow = flow_level_ > 0 || v.empty() || flow_style(v);
    if (v.is_array()) {
      if (flow) flow_sequence(v);
      else block_sequence(v, ctx == Ctx::Mapping && !indention_);
    } else {
      if (flow) flow_mapping(v);
      else block_mapping(v);
    }
  }

  void flow_sequence(const Value& v) {
    write_indicator("[", true, true);
    ++flow_level_;
    increase_indent(true, false);
    bool first = true;
    for (const auto& e : v) {
      if (!first) {
        write_indicator(",", false);
        if (column_ > o_.width) write_indent();
      } else if (column_ > o_.width) {
        write_indent();
      }
      first = false;
      node(e, Ctx::Sequence);
    }
    decrease_indent();
    --flow_level_;
    write_indicator("]", false);
  }

  void flow_mapping(const Value& v) {
    write_indicator("{", true, true);
    ++flow_level_;
    increase_indent(true, false);
    bool first = true;
    for (const auto& [k, val] : entries(v)) {
      if (!first) {
        write_indicator(",", false);
        if (column_ > o_.width) write_indent();
      } else if (column_ > o_.width) {
        write_indent();
      }
      first = false;
      node(Value(k), Ctx::SimpleKey);
      write_indicator(":", false);
      node(*val, Ctx::Mapping);
    }
    decrease_indent();
    --flow_level_;
    write_indicator("}", false);
  }

  void block_sequence(const Value& v, bool indentless) {
    increase_indent(false, indentless);
    for (const auto& e : v) {
      write_indent();
      write_indicator("-", true, false, true);
      node(e, Ctx::Sequence);
    }
    decrease_indent();
  }

  void block_mapping(const Value& v) {
    increase_indent(false, false);
    for (const auto& [k, val] : entries(v)) {
      write_indent();
      bool simple = utf8_length(k) < 128 && k.find('\n') == std::string::npos;
      if (simple) {
        node(Value(k), Ctx::SimpleKey);
        write_indicator(":", false);
        node(*val, Ctx::Mapping);
      } else {
        write_indicator("?", true, false, true);
        node(Value(k), Ctx::Mapping);
        write_indent();
        write_indicator(":", true, false, true);
        node(*val, Ctx::Mapping);
      }
    }
    decrease_indent();
  }

  const YamlDumpOptions& o_;
  std::string out_;
  int column_ = 0;
  int indent_ = -1;
  std::vector<int> indents_;
  int flow_level_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
};

}  // namespace

std::string python_yaml_dump(const Value& v, const YamlDumpOptions& opts) { return Emitter(opts).run(v); }

}  // namespace drover::tmpl
