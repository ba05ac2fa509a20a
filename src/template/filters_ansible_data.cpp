// Ansible 2.14's data-shaping filters: combine (recursive, list_merge),
// dict2items/items2dict, flatten, zip/zip_longest/product/permutations/
// combinations, the set-like list filters (unique, union, intersect,
// difference, symmetric_difference), extract, subelements, rekey_on_member.
#include <algorithm>

#include "template/filter_support.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

Value merge_hash(const Value& x, const Value& y, bool recursive, const std::string& list_merge) {
  if (x.empty() || x == y) return y;
  if (y.empty()) return x;
  Value out = x;
  if (!recursive && list_merge == "replace") {
    for (auto it = y.begin(); it != y.end(); ++it) out[it.key()] = it.value();
    return out;
  }
  for (auto it = y.begin(); it != y.end(); ++it) {
    const std::string& key = it.key();
    const Value& yv = it.value();
    if (!out.contains(key)) {
      out[key] = yv;
      continue;
    }
    Value& xv = out[key];
    if (xv.is_object() && yv.is_object()) {
      xv = recursive ? merge_hash(xv, yv, recursive, list_merge) : yv;
      continue;
    }
    if (xv.is_array() && yv.is_array()) {
      if (list_merge == "replace") xv = yv;
      else if (list_merge == "append") {
        for (const auto& e : yv) xv.push_back(e);
      } else if (list_merge == "prepend") {
        Value n = yv;
        for (const auto& e : xv) n.push_back(e);
        xv = n;
      } else if (list_merge == "append_rp") {
        Value n = Value::array();
        for (const auto& e : xv)
          if (std::find(yv.begin(), yv.end(), e) == yv.end()) n.push_back(e);
        for (const auto& e : yv) n.push_back(e);
        xv = n;
      } else if (list_merge == "prepend_rp") {
        Value n = yv;
        for (const auto& e : xv)
          if (std::find(yv.begin(), yv.end(), e) == yv.end()) n.push_back(e);
        xv = n;
      }
      continue;
    }
    xv = yv;
  }
  return out;
}

Val f_combine(Renderer&, const Val& v, CallArgs& a) {
  bool recursive = false;
  std::string list_merge = "replace";
  for (const auto& [k, x] : a.kw) {
    if (k == "recursive") recursive = x.truthy();
    else if (k == "list_merge") list_merge = to_str(x);
    else fail("'recursive' and 'list_merge' are the only valid keyword arguments");
  }
  if (list_merge != "replace" && list_merge != "keep" && list_merge != "append" && list_merge != "prepend" &&
      list_merge != "append_rp" && list_merge != "prepend_rp")
    fail("merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'");
  // Ansible's flatten(terms, levels=1): null terms (None, 'None', 'null')
  // are left out, at both levels.
  std::vector<Value> dicts;
  auto is_null = [](const Value& x) { return x.is_null() || x == Value("None") || x == Value("null"); };
  auto add = [&](const Val& t) {
    Value tv = t.to_value();
    if (is_null(tv)) return;
    if (t.is_sequence()) {
      for (size_t i = 0; i < t.size(); ++i)
        if (Value e = t.at(i).to_value(); !is_null(e)) dicts.push_back(std::move(e));
    } else {
      dicts.push_back(std::move(tv));
    }
  };
  add(v);
  for (const auto& p : a.pos) add(p);
  if (dicts.size() == 1) return Val::data(dicts.front());  // returned as it is, as Ansible's combine does
  for (const auto& d : dicts)
    if (!d.is_object()) fail("failed to combine variables, expected dicts but got a '" + std::string(d.is_array() ? "list" : d.is_string() ? "str" : d.is_null() ? "NoneType" : "int") + "' and a 'dict'");
  if (dicts.empty()) return Val::data(Value::object());
  Value result = dicts.back();
  for (size_t i = dicts.size() - 1; i-- > 0;) result = merge_hash(dicts[i], result, recursive, list_merge);
  return Val::data(std::move(result));
}

Val f_dict2items(Renderer&, const Val& v, CallArgs& a) {
  std::string kn = to_str(a.get(0, "key_name", Val::str("key")));
  std::string vn = to_str(a.get(1, "value_name", Val::str("value")));
  if (!v.is_dict()) fail("dict2items requires a dictionary, got " + type_name(v) + " instead.");
  Value out = Value::array();
  for (auto it = v.as_data().begin(); it != v.as_data().end(); ++it) {
    Value e = Value::object();
    e[kn] = it.key();
    e[vn] = it.value();
    out.push_back(std::move(e));
  }
  return Val::data(std::move(out));
}

Val f_items2dict(Renderer&, const Val& v, CallArgs& a) {
  std::string kn = to_str(a.get(0, "key_name", Val::str("key")));
  std::string vn = to_str(a.get(1, "value_name", Val::str("value")));
  if (!v.is_sequence()) fail("items2dict requires a list, got " + type_name(v) + " instead.");
  Value out = Value::object();
  for (size_t i = 0; i < v.size(); ++i) {
    Val e = v.at(i);
    if (!e.is_dict()) fail("items2dict requires a list of dictionaries, got " + type_name(e) + " instead.");
    Val k = e.get(kn), x = e.get(vn);
    if (k.is_undefined() || x.is_undefined())
      fail("items2dict requires each dictionary in the list to contain the keys '" + kn + "' and '" + vn + "', got " + repr(e) + " instead.");
    out[k.is_str() ? k.as_str() : to_str(k)] = x.to_value();
  }
  return Val::data(std::move(out));
}

void flatten_into(const Val& list, int64_t levels, bool skip_nulls, std::vector<Val>& out) {
  for (size_t i = 0; i < list.size(); ++i) {
    Val e = list.at(i);
    if (skip_nulls && (e.is_none() || (e.is_str() && (e.as_str() == "None" || e.as_str() == "null")))) continue;
    if (e.is_sequence()) {
      if (levels < 0) flatten_into(e, -1, skip_nulls, out);
      else if (levels >= 1) flatten_into(e, levels - 1, skip_nulls, out);
      else out.push_back(e);
    } else {
      out.push_back(e);
    }
  }
}

Val f_flatten(Renderer&, const Val& v, CallArgs& a) {
  Val lv = a.get(0, "levels", Val::none());
  bool skip = a.get(1, "skip_nulls", Val::boolean(true)).truthy();
  std::vector<Val> out;
  if (!v.is_sequence()) fail_type("'" + type_name(v) + "' object is not iterable");
  flatten_into(v, lv.is_none() ? -1 : py_int(lv).as_int(), skip, out);
  return make_list(std::move(out));
}

Val f_zip(Renderer&, const Val& v, CallArgs& a) {
  std::vector<std::vector<Val>> lists{iterate(v)};
  for (const auto& p : a.pos) lists.push_back(iterate(p));
  size_t n = lists[0].size();
  for (const auto& l : lists) n = std::min(n, l.size());
  std::vector<Val> out;
  for (size_t i = 0; i < n; ++i) {
    std::vector<Val> t;
    for (const auto& l : lists) t.push_back(l[i]);
    out.push_back(Val::seq(std::move(t), true));
  }
  return Val::seq(std::move(out));
}

Val f_zip_longest(Renderer&, const Val& v, CallArgs& a) {
  std::vector<std::vector<Val>> lists{iterate(v)};
  for (const auto& p : a.pos) lists.push_back(iterate(p));
  Val fill = Val::none();
  for (const auto& [k, x] : a.kw)
    if (k == "fillvalue") fill = x;
  size_t n = 0;
  for (const auto& l : lists) n = std::max(n, l.size());
  std::vector<Val> out;
  for (size_t i = 0; i < n; ++i) {
    std::vector<Val> t;
    for (const auto& l : lists) t.push_back(i < l.size() ? l[i] : fill);
    out.push_back(Val::seq(std::move(t), true));
  }
  return Val::seq(std::move(out));
}

Val f_product(Renderer&, const Val& v, CallArgs& a) {
  std::vector<std::vector<Val>> lists{iterate(v)};
  for (const auto& p : a.pos) lists.push_back(iterate(p));
  int64_t repeat = 1;
  for (const auto& [k, x] : a.kw)
    if (k == "repeat") repeat = x.as_int();
  std::vector<std::vector<Val>> pools;
  for (int64_t r = 0; r < repeat; ++r)
    for (const auto& l : lists) pools.push_back(l);
  std::vector<std::vector<Val>> result{{}};
  for (const auto& pool : pools) {
    std::vector<std::vector<Val>> next;
    for (const auto& prefix : result)
      for (const auto& x : pool) {
        auto t = prefix;
        t.push_back(x);
        next.push_back(std::move(t));
        if (next.size() > 1'000'000) fail("product too large");
      }
    result = std::move(next);
  }
  std::vector<Val> out;
  for (auto& t : result) out.push_back(Val::seq(std::move(t), true));
  return Val::seq(std::move(out));
}

void combos(const std::vector<Val>& pool, size_t r, bool perm, std::vector<size_t>& cur, std::vector<bool>& used,
            size_t start, std::vector<Val>& out) {
  if (cur.size() == r) {
    std::vector<Val> t;
    for (size_t i : cur) t.push_back(pool[i]);
    out.push_back(Val::seq(std::move(t), true));
    if (out.size() > 1'000'000) fail("too many combinations");
    return;
  }
  for (size_t i = perm ? 0 : start; i < pool.size(); ++i) {
    if (perm && used[i]) continue;
    used[i] = true;
    cur.push_back(i);
    combos(pool, r, perm, cur, used, i + 1, out);
    cur.pop_back();
    used[i] = false;
  }
}

Val f_permutations(Renderer&, const Val& v, CallArgs& a) {
  auto pool = iterate(v);
  Val rv = a.get(0, "r", Val::none());
  size_t r = rv.is_none() ? pool.size() : static_cast<size_t>(rv.as_int());
  std::vector<Val> out;
  std::vector<size_t> cur;
  std::vector<bool> used(pool.size());
  if (r <= pool.size()) combos(pool, r, true, cur, used, 0, out);
  return Val::seq(std::move(out));
}

Val f_combinations(Renderer&, const Val& v, CallArgs& a) {
  auto pool = iterate(v);
  size_t r = static_cast<size_t>(a.need(0, "r").as_int());
  std::vector<Val> out;
  std::vector<size_t> cur;
  std::vector<bool> used(pool.size());
  if (r <= pool.size()) combos(pool, r, false, cur, used, 0, out);
  return Val::seq(std::move(out));
}

std::vector<Val> unique_list(const std::vector<Val>& items, bool case_sensitive) {
  std::vector<Val> out;
  for (const auto& x : items) {
    bool seen = false;
    for (const auto& y : out) {
      if (!case_sensitive && x.is_str() && y.is_str() ? compare(x, y, false) == 0 : equals(x, y)) {
        seen = true;
        break;
      }
    }
    if (!seen) out.push_back(x);
  }
  return out;
}

Val f_unique(Renderer& r, const Val& v, CallArgs& a) {
  Val cs_arg = a.get(0, "case_sensitive", Val::none());
  bool cs = cs_arg.truthy();
  Val attr = a.get(1, "attribute", Val::none());
  auto items = iterate(v);
  // Jinja's do_unique hashes each key; Ansible falls back to its own
  // version on a TypeError, except for the parameters that one lacks.
  if ((cs_arg.is_bool() && !cs) || !attr.is_none())
    for (const auto& x : items) {
      Val k = attr.is_none() ? x : attr_path(r, x, to_str(attr));
      if (k.is_dict() || k.is_list())
        fail("Jinja2's unique filter failed and we cannot fall back to Ansible's version as it does not support the "
             "parameters supplied. unhashable type: '" + type_name(k) + "'");
    }
  if (attr.is_none()) return make_list(unique_list(items, cs));
  std::vector<Val> out, keys;
  for (const auto& x : items) {
    Val k = attr_path(r, x, to_str(attr));
    bool seen = false;
    for (const auto& y : keys)
      if (!cs && k.is_str() && y.is_str() ? compare(k, y, false) == 0 : equals(k, y)) seen = true;
    if (!seen) {
      keys.push_back(k);
      out.push_back(x);
    }
  }
  return make_list(std::move(out));
}

Val f_union(Renderer&, const Val& v, CallArgs& a) {
  auto items = iterate(v);
  for (auto& x : iterate(a.need(0, "b"))) items.push_back(x);
  return make_list(unique_list(items, true));
}

Val f_intersect(Renderer&, const Val& v, CallArgs& a) {
  Val b = a.need(0, "b");
  std::vector<Val> keep;
  for (auto& x : iterate(v))
    for (auto& y : iterate(b))
      if (equals(x, y)) {
        keep.push_back(x);
        break;
      }
  return make_list(unique_list(keep, true));
}

Val f_difference(Renderer&, const Val& v, CallArgs& a) {
  Val b = a.need(0, "b");
  auto bl = iterate(b);
  std::vector<Val> keep;
  for (auto& x : iterate(v)) {
    bool in = false;
    for (auto& y : bl)
      if (equals(x, y)) in = true;
    if (!in) keep.push_back(x);
  }
  return make_list(unique_list(keep, true));
}

Val f_symmetric_difference(Renderer& r, const Val& v, CallArgs& a) {
  Val isect = f_intersect(r, v, a);
  Val uni = f_union(r, v, a);
  auto il = iterate(isect);
  std::vector<Val> out;
  for (auto& x : iterate(uni)) {
    bool in = false;
    for (auto& y : il)
      if (equals(x, y)) in = true;
    if (!in) out.push_back(x);
  }
  return make_list(std::move(out));
}

Val f_extract(Renderer& r, const Val& item, CallArgs& a) {
  Val container = a.need(0, "container");
  Val more = a.get(1, "morekeys", Val::none());
  std::vector<Val> keys{item};
  if (more.is_list()) {
    for (size_t i = 0; i < more.size(); ++i) keys.push_back(more.at(i));
  } else if (!more.is_none()) {
    keys.push_back(more);
  }
  Val value = container;
  for (const auto& k : keys) value = r.getitem(value, k);
  return value;
}

Val f_subelements(Renderer&, const Val& v, CallArgs& a) {
  Val sub = a.need(0, "subelements");
  bool skip_missing = a.get(1, "skip_missing", Val::boolean(false)).truthy();
  std::vector<Val> elements;
  if (v.is_dict()) {
    for (const auto& k : v.keys()) elements.push_back(v.get(k));
  } else if (v.is_list()) {
    elements = iterate(v);
  } else {
    fail("obj must be a list of dicts or a nested dict");
  }
  std::vector<std::string> path;
  if (sub.is_list()) {
    for (size_t i = 0; i < sub.size(); ++i) path.push_back(to_str(sub.at(i)));
  } else if (sub.is_str()) {
    std::string s = sub.as_str();
    size_t st = 0;
    for (size_t i = 0; i <= s.size(); ++i)
      if (i == s.size() || s[i] == '.') {
        path.push_back(s.substr(st, i - st));
        st = i + 1;
      }
  } else {
    fail("subelements must be a list or a string");
  }
  std::vector<Val> out;
  for (const auto& e : elements) {
    Val values = e;
    bool skipped = false;
    for (const auto& p : path) {
      if (!values.is_dict()) fail("the key " + p + " should point to a dictionary, got '" + to_str(values) + "'");
      Val next = values.get(p);
      if (next.is_undefined()) {
        if (skip_missing) {
          skipped = true;
          break;
        }
        fail("could not find '" + p + "' key in iterated item " + repr(values));
      }
      values = next;
    }
    if (skipped) continue;
    if (!values.is_list()) fail("the key '" + path.back() + "' should point to a list, got " + repr(values));
    for (size_t i = 0; i < values.size(); ++i) out.push_back(Val::seq({e, values.at(i)}, true));
  }
  return Val::seq(std::move(out));
}

Val f_rekey_on_member(Renderer&, const Val& v, CallArgs& a) {
  std::string key = to_str(a.need(0, "key"));
  std::string dup = to_str(a.get(1, "duplicates", Val::str("error")));
  if (dup != "error" && dup != "overwrite") fail("duplicates parameter to rekey_on_member has unknown value: " + dup);
  std::vector<Val> items;
  if (v.is_dict()) {
    for (const auto& k : v.keys()) items.push_back(v.get(k));
  } else if (v.is_sequence()) {
    items = iterate(v);
  } else {
    fail_type("Type is not a valid list, set, or dict");
  }
  Value out = Value::object();
  for (const auto& item : items) {
    if (!item.is_dict()) fail_type("List item is not a valid dict");
    Val kv = item.get(key);
    if (kv.is_undefined()) fail("Key " + key + " was not found");
    std::string k = to_str(kv);
    if (out.contains(k) && dup == "error") fail("Key " + k + " is not unique, cannot correctly turn into dict");
    out[k] = item.to_value();
  }
  return Val::data(std::move(out));
}

}  // namespace

void add_ansible_data_filters(FilterTable& t) {
  t["combine"] = f_combine;
  t["dict2items"] = f_dict2items;
  t["items2dict"] = f_items2dict;
  t["flatten"] = f_flatten;
  t["zip"] = f_zip;
  t["zip_longest"] = f_zip_longest;
  t["product"] = f_product;
  t["permutations"] = f_permutations;
  t["combinations"] = f_combinations;
  t["unique"] = f_unique;
  t["union"] = f_union;
  t["intersect"] = f_intersect;
  t["difference"] = f_difference;
  t["symmetric_difference"] = f_symmetric_difference;
  t["extract"] = f_extract;
  t["subelements"] = f_subelements;
  t["rekey_on_member"] = f_rekey_on_member;
}

}  // namespace drover::tmpl
