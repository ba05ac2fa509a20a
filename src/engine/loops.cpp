#include "engine/loops.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "core/error.hpp"
#include "core/pyrepr.hpp"
#include "core/strings.hpp"
#include "modules/free_form.hpp"

namespace drover {
namespace {

Value as_list(const Value& v) {
  if (v.is_array()) return v;
  if (v.is_null()) return Value::array();
  return Value::array({v});
}

Value flatten_one_level(const Value& terms) {
  Value out = Value::array();
  for (const auto& t : as_list(terms)) {
    if (t.is_array())
      for (const auto& e : t) out.push_back(e);
    else
      out.push_back(t);
  }
  return out;
}

bool is_file(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Value product(const Value& lists) {
  Value out = Value::array({Value::array()});
  for (const auto& l : lists) {
    Value next = Value::array();
    for (const auto& prefix : out)
      for (const auto& e : as_list(l)) {
        Value p = prefix;
        p.push_back(e);
        next.push_back(p);
      }
    out = next;
  }
  return out;
}

}  // namespace

Value sequence_items(const std::string& spec_in) {
  std::string spec = trim(spec_in);
  long start = 1, end = 0, stride = 1, count = -1;
  std::string format = "%d";
  bool have_end = false;
  auto num = [](const std::string& s) { return std::stol(s, nullptr, 0); };
  Value kv;
  if (spec.find('=') != std::string::npos) {
    kv = parse_kv(spec, false);
  } else {
    // "[start-]end[/stride][:format]"
    std::string body = spec, fmt;
    auto colon = spec.find(':');
    if (colon != std::string::npos) {
      fmt = spec.substr(colon + 1);
      body = spec.substr(0, colon);
    }
    std::string range = body, step;
    auto slash = body.find('/');
    if (slash != std::string::npos) {
      step = body.substr(slash + 1);
      range = body.substr(0, slash);
    }
    auto dash = range.find('-', 1);
    try {
      if (dash != std::string::npos) {
        start = num(range.substr(0, dash));
        end = num(range.substr(dash + 1));
      } else {
        end = num(range);
      }
      if (!step.empty()) stride = num(step);
    } catch (...) {
      throw Error("can't parse arg " + spec + " in with_sequence");
    }
    have_end = true;
    if (!fmt.empty()) format = fmt;
  }
  if (kv.is_object()) {
    try {
      for (auto it = kv.begin(); it != kv.end(); ++it) {
        std::string v = to_display_string(it.value());
        if (it.key() == "start") start = num(v);
        else if (it.key() == "end") { end = num(v); have_end = true; }
        else if (it.key() == "stride") stride = num(v);
        else if (it.key() == "count") count = num(v);
        else if (it.key() == "format") format = v;
        else throw Error("unrecognized arguments to with_sequence: " + it.key());
      }
    } catch (const Error&) {
      throw;
    } catch (...) {
      throw Error("can't parse arg in with_sequence: " + spec);
    }
  }
  if (count >= 0) {
    if (have_end) throw Error("can't specify both count and end in with_sequence");
    if (count == 0) return Value::array();
    end = start + count * stride - stride;
    have_end = true;
  }
  if (!have_end) throw Error("must specify count or end in with_sequence");
  if (stride > 0 && end < start) throw Error("to count backwards make stride negative");
  if (stride < 0 && end > start) throw Error("to count forward don't make stride negative");
  Value out = Value::array();
  if (stride == 0) return out;
  for (long i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    char buf[256];
    std::snprintf(buf, sizeof buf, format.c_str(), i);
    out.push_back(std::string(buf));
    if (out.size() > 1000000) throw Error("with_sequence produced too many items");
  }
  return out;
}

Value loop_items(const std::string& kind, const Value& terms, const std::vector<std::string>& search_path) {
  if (kind.empty()) {
    if (!terms.is_array())
      throw Error("Invalid data passed to 'loop', it requires a list, got this instead: " + python_repr(terms) +
                  ". Hint: If you passed a list/dict of just one element, try adding wantlist=True to your "
                  "lookup invocation or use q/query instead of lookup.");
    return terms;
  }
  if (kind == "items") return flatten_one_level(terms);
  if (kind == "list") {
    if (terms.is_object()) throw Error("with_list expects a list");
    return as_list(terms);
  }
  if (kind == "indexed_items") {
    Value out = Value::array();
    int i = 0;
    for (const auto& e : flatten_one_level(terms)) out.push_back(Value::array({i++, e}));
    return out;
  }
  if (kind == "dict") {
    Value out = Value::array();
    for (const auto& d : as_list(terms)) {
      if (!d.is_object()) throw Error("with_dict expects a dict");
      for (auto it = d.begin(); it != d.end(); ++it) out.push_back(Value{{"key", it.key()}, {"value", it.value()}});
    }
    return out;
  }
  if (kind == "together") {
    Value lists = as_list(terms);
    if (lists.empty()) throw Error("with_together requires at least one element in each list");
    size_t longest = 0;
    for (const auto& l : lists) longest = std::max(longest, as_list(l).size());
    Value out = Value::array();
    for (size_t i = 0; i < longest; ++i) {
      Value row = Value::array();
      for (const auto& l : lists) {
        Value ll = as_list(l);
        row.push_back(i < ll.size() ? ll[i] : Value());
      }
      out.push_back(row);
    }
    return out;
  }
  if (kind == "nested" || kind == "cartesian") {
    Value lists = as_list(terms);
    if (lists.empty()) throw Error("with_nested requires at least one element in the nested list");
    return product(lists);
  }
  if (kind == "sequence") {
    Value out = Value::array();
    for (const auto& t : as_list(terms))
      for (const auto& e : sequence_items(to_display_string(t))) out.push_back(e);
    return out;
  }
  if (kind == "fileglob") {
    Value out = Value::array();
    for (const auto& t : as_list(terms)) {
      std::string pattern = to_display_string(t);
      std::vector<std::string> bases;
      if (!pattern.empty() && pattern[0] == '/') bases.push_back("");
      else
        for (const auto& b : search_path) {
          bases.push_back(b + "/files/");
          bases.push_back(b + "/");
        }
      for (const auto& base : bases) {
        glob_t g{};
        if (glob((base + pattern).c_str(), 0, nullptr, &g) == 0) {
          bool found = false;
          for (size_t i = 0; i < g.gl_pathc; ++i)
            if (is_file(g.gl_pathv[i])) {
              out.push_back(std::string(g.gl_pathv[i]));
              found = true;
            }
          globfree(&g);
          if (found) break;
        } else {
          globfree(&g);
        }
      }
    }
    return out;
  }
  if (kind == "first_found") {
    for (const auto& t : flatten_one_level(terms)) {
      std::vector<std::string> names;
      if (t.is_object()) {
        for (const auto& f : as_list(t.value("files", Value()))) names.push_back(to_display_string(f));
      } else {
        names.push_back(to_display_string(t));
      }
      for (const auto& n : names) {
        if (!n.empty() && n[0] == '/' && is_file(n)) return Value::array({n});
        for (const auto& b : search_path)
          for (const std::string& c : {b + "/files/" + n, b + "/" + n, b + "/templates/" + n, b + "/vars/" + n,
                                       b + "/tasks/" + n})
            if (is_file(c)) return Value::array({c});
      }
    }
    throw Error("No file was found when using first_found.");
  }
  if (kind == "subelements") {
    Value t = as_list(terms);
    if (t.size() < 2 || t.size() > 3)
      throw Error("subelements lookup expects a list of two or three items, ");
    Value list = t[0];
    if (list.is_object()) {
      Value l = Value::array();
      for (auto it = list.begin(); it != list.end(); ++it) l.push_back(it.value());
      list = l;
    }
    std::string key = to_display_string(t[1]);
    bool skip_missing = t.size() == 3 && t[2].is_object() && truthy(t[2].value("skip_missing", Value(false)));
    Value out = Value::array();
    for (const auto& original : as_list(list)) {
      if (original.is_object() && truthy(original.value("skipped", Value(false)))) continue;
      // Ansible's plugin pops the last key from the item it pairs.
      Value item = original;
      std::vector<std::string> parts = split(key, '.');
      Value* holder = &item;
      Value sub;
      bool missing = false;
      for (size_t i = 0; i < parts.size(); ++i) {
        if (!holder->is_object() || !holder->contains(parts[i])) {
          if (skip_missing) {
            missing = true;
            break;
          }
          throw Error("could not find '" + key + "' key in iterated item " + python_repr(original));
        }
        if (i + 1 < parts.size()) {
          holder = &(*holder)[parts[i]];
        } else {
          sub = (*holder)[parts[i]];
          holder->erase(parts[i]);
        }
      }
      if (missing || sub.is_null()) continue;
      if (!sub.is_array()) throw Error("the key " + key + " should point to a list, got " + python_repr(sub));
      for (const auto& s : sub) out.push_back(Value::array({item, s}));
    }
    return out;
  }
  throw Error("lookup plugin (" + kind + ") not found: drover supports with_items, with_list, with_dict, "
              "with_together, with_sequence, with_fileglob, with_subelements, with_nested, with_indexed_items, "
              "with_first_found");
}

}  // namespace drover
