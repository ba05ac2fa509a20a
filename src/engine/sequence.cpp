// The sequence lookup (with_sequence): "[start-]end[/stride][:format]" or
// "start= end= count= stride= format=", checked and worded as Ansible's
// plugin does.
#include <cctype>
#include <cstdio>
#include <optional>
#include <regex>

#include "core/error.hpp"
#include "core/pyrepr.hpp"
#include "core/strings.hpp"
#include "engine/loops.hpp"
#include "modules/free_form.hpp"

namespace drover {
namespace {

// Python's int(s, 0): optional sign, 0x/0o/0b prefixes, decimal without a
// leading zero, underscores between digits, surrounding blanks.
std::optional<long> python_int(std::string s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  bool negative = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') negative = s[i++] == '-';
  int base = 10;
  if (s.size() > i + 1 && s[i] == '0' && std::isalpha(static_cast<unsigned char>(s[i + 1]))) {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
    base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (base == 0) return std::nullopt;
    i += 2;
  }
  long value = 0;
  bool digits = false, leading_zero = false, nonzero = false;
  for (; i < s.size(); ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    if (c == '_' && digits && i + 1 < s.size()) continue;
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c >= 'a' && c <= 'z') ? c - 'a' + 10 : 99;
    if (d >= base) return std::nullopt;
    if (!digits && base == 10 && d == 0) leading_zero = true;
    if (d) nonzero = true;
    digits = true;
    value = value * base + d;
  }
  if (!digits || (base == 10 && leading_zero && nonzero)) return std::nullopt;
  return negative ? -value : value;
}

struct Sequence {
  long start = 1, stride = 1;
  std::optional<long> end, count;
  std::string format = "%d";

  void set(const std::string& name, const std::string& raw) {
    std::optional<long> v = python_int(raw);
    if (!v) throw Error("can't parse " + name + "=" + raw + " as integer");
    if (name == "start") start = *v;
    else if (name == "end") end = *v;
    else if (name == "stride") stride = *v;
    else count = *v;
  }

  bool parse_simple(const std::string& term) {
    static const std::regex shortcut("^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(/(0?x?[0-9a-f]+))?(:(.+))?$",
                                     std::regex::icase);
    std::smatch m;
    if (!std::regex_match(term, m, shortcut)) return false;
    if (m[2].matched) set("start", m[2]);
    set("end", m[3]);
    if (m[5].matched) set("stride", m[5]);
    if (m[7].matched) format = m[7];
    return true;
  }

  void parse_kv_args(Value args) {
    for (const char* name : {"start", "end", "count", "stride"})
      if (args.contains(name)) {
        set(name, to_display_string(args[name]));
        args.erase(name);
      }
    if (args.contains("format")) {
      format = to_display_string(args["format"]);
      args.erase("format");
    }
    if (!args.empty()) {
      Value names = Value::array();
      for (auto it = args.begin(); it != args.end(); ++it) names.push_back(it.key());
      throw Error("unrecognized arguments to with_sequence: " + python_repr(names));
    }
  }

  void sanity_check() {
    if (!count && !end) throw Error("must specify count or end in with_sequence");
    if (count && end) throw Error("can't specify both count and end in with_sequence");
    if (count) {
      if (*count != 0) {
        end = start + *count * stride - 1;
      } else {
        start = end.emplace(0);
        stride = 0;
      }
    }
    if (stride > 0 && *end < start) throw Error("to count backwards make stride negative");
    if (stride < 0 && *end > start) throw Error("to count forward don't make stride negative");
    size_t percents = 0;
    for (char c : format) percents += c == '%';
    if (percents != 1) throw Error("bad formatting string: " + format);
  }

  // format % i for one %-conversion, as Python formats an int.
  std::string formatted(long i) const {
    size_t pct = format.find('%');
    size_t conv = format.find_first_not_of("#0- +123456789.", pct + 1);
    char c = conv == std::string::npos ? '\0' : format[conv];
    std::string spec = format.substr(0, conv == std::string::npos ? format.size() : conv);
    char buf[512];
    if (std::string("diouxX").find(c) != std::string::npos && c) {
      std::snprintf(buf, sizeof buf, (spec + "l" + c + format.substr(conv + 1)).c_str(), i);
    } else if (c && std::string("eEfFgG").find(c) != std::string::npos) {
      std::snprintf(buf, sizeof buf, format.c_str(), static_cast<double>(i));
    } else if (c == 's' || c == 'r') {
      std::snprintf(buf, sizeof buf, (spec + "s" + format.substr(conv + 1)).c_str(), std::to_string(i).c_str());
    } else {
      throw Error("problem formatting " + std::to_string(i) + " with " + python_repr(Value(format)));
    }
    return buf;
  }
};

}  // namespace

Value sequence_items(const std::string& spec_in) {
  std::string term = trim(spec_in);
  Sequence seq;
  if (!seq.parse_simple(term)) seq.parse_kv_args(parse_kv(term, false));
  seq.sanity_check();
  Value out = Value::array();
  if (seq.stride == 0) return out;
  long last = *seq.end + (seq.stride > 0 ? 1 : -1);
  for (long i = seq.start; seq.stride > 0 ? i < last : i > last; i += seq.stride) {
    out.push_back(seq.formatted(i));
    if (out.size() > 1000000) throw Error("with_sequence produced too many items");
  }
  return out;
}

}  // namespace drover
