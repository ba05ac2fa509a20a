#include "engine/loops.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/pyrepr.hpp"
#include "core/strings.hpp"

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

// Ansible's subelements plugin: pairs of (item without the subkey, element
// of the list the dotted subkey names).
Value subelements(const Value& terms) {
  const std::string usage = "subelements lookup expects a list of two or three items, ";
  Value t = as_list(terms);
  if (t.size() < 2 || t.size() > 3) throw Error(usage);
  Value list = t[0].is_object() ? t[0] : as_list(t[0]);
  if (!t[1].is_string()) throw Error(usage + "first a dict or a list, second a string pointing to the subkey");
  auto skipped = [](const Value& v) { return v.contains("skipped") && v["skipped"] != Value(false); };
  if (list.is_object()) {
    if (skipped(list)) return Value::array();
    Value l = Value::array();
    for (auto it = list.begin(); it != list.end(); ++it) l.push_back(it.value());
    list = l;
  }
  Value flags = t.size() == 3 ? t[2] : Value::object();
  if (!flags.is_object()) {
    bool all_known = true;
    for (const auto& f : as_list(flags)) all_known = all_known && f == Value("skip_missing");
    if (!flags.is_array() || !all_known)
      throw Error(usage + "the optional third item must be a dict with flags skip_missing");
    flags = Value::object();
  }
  bool skip_missing = truthy(flags.value("skip_missing", Value(false)));
  std::vector<std::string> subkeys = split(t[1].get<std::string>(), '.');
  Value out = Value::array();
  for (Value item : list) {
    if (!item.is_object()) throw Error("subelements lookup expects a dictionary, got '" + to_display_string(item) + "'");
    if (skipped(item)) continue;
    // As the plugin's loop: a missing key with skip_missing moves on to the
    // next subkey; the last one's list is taken out of the item.
    Value* sub = &item;
    Value sublist = Value::array();
    for (size_t i = 0; i < subkeys.size(); ++i) {
      const std::string& key = subkeys[i];
      if (!sub->contains(key)) {
        if (skip_missing) continue;
        throw Error("could not find '" + key + "' key in iterated item '" + to_display_string(*sub) + "'");
      }
      Value& next = (*sub)[key];
      if (i + 1 < subkeys.size()) {
        if (next.is_object()) sub = &next;
        else if (!skip_missing)
          throw Error("the key " + key + " should point to a dictionary, got '" + to_display_string(next) + "'");
      } else if (!next.is_array()) {
        throw Error("the key " + key + " should point to a list, got '" + to_display_string(next) + "'");
      } else {
        sublist = next;
        sub->erase(key);
      }
    }
    for (const auto& e : sublist) out.push_back(Value::array({item, e}));
  }
  return out;
}

}  // namespace

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
    if (!terms.is_array()) throw Error("with_indexed_items expects a list");
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
  if (kind == "subelements") return subelements(terms);
  throw Error("lookup plugin (" + kind + ") not found: drover supports with_items, with_list, with_dict, "
              "with_together, with_sequence, with_fileglob, with_subelements, with_nested, with_indexed_items, "
              "with_first_found");
}

}  // namespace drover
