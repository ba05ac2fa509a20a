#include "template/jmespath.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/pyjson.hpp"
#include "template/jmespath_ast.hpp"

namespace drover::tmpl {
namespace {

using namespace jmespath;

// ---- evaluation -----------------------------------------------------------

bool is_false(const Value& v) {
  return v.is_null() || (v.is_boolean() && !v.get<bool>()) || (v.is_string() && v.get<std::string>().empty()) ||
         (v.is_array() && v.empty()) || (v.is_object() && v.empty());
}

std::string type_name(const Value& v) {
  if (v.is_boolean()) return "boolean";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  if (v.is_null()) return "null";
  if (v.is_string()) return "string";
  return "number";
}

bool equals(const Value& a, const Value& b) {
  if ((a.is_boolean() && b.is_number()) || (a.is_number() && b.is_boolean())) return false;
  return a == b;
}

// Python's ordering of two numbers or two strings.
int order(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    double x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const auto& x = a.get_ref<const ValueString&>();
  const auto& y = b.get_ref<const ValueString&>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

class Interpreter {
 public:
  Value visit(const Node& n, const Value& v) {
    switch (n.kind) {
      case N::field:
        if (v.is_object()) {
          auto it = v.find(n.name);
          return it == v.end() ? Value() : *it;
        }
        return Value();
      case N::current: return v;
      case N::literal: return n.value;
      case N::index: {
        if (!v.is_array()) return Value();
        long long i = n.value.get<long long>();
        long long size = static_cast<long long>(v.size());
        if (i < 0) i += size;
        return i < 0 || i >= size ? Value() : v[static_cast<size_t>(i)];
      }
      case N::slice: return v.is_array() ? slice(v, n) : Value();
      case N::sub: {
        Value left = visit(*n.children[0], v);
        return left.is_null() ? Value() : visit(*n.children[1], left);
      }
      case N::index_expr: return visit(*n.children[1], visit(*n.children[0], v));
      case N::pipe: return visit(*n.children[1], visit(*n.children[0], v));
      case N::projection:
      case N::value_projection: {
        Value base = visit(*n.children[0], v);
        std::vector<const Value*> items;
        if (n.kind == N::projection ? base.is_array() : base.is_object()) {
          for (const auto& e : base) items.push_back(&e);
        } else {
          return Value();
        }
        Value out = Value::array();
        for (const Value* e : items) {
          Value r = visit(*n.children[1], *e);
          if (!r.is_null()) out.push_back(std::move(r));
        }
        return out;
      }
      case N::filter_projection: {
        Value base = visit(*n.children[0], v);
        if (!base.is_array()) return Value();
        Value out = Value::array();
        for (const auto& e : base) {
          if (is_false(visit(*n.children[2], e))) continue;
          Value r = visit(*n.children[1], e);
          if (!r.is_null()) out.push_back(std::move(r));
        }
        return out;
      }
      case N::flatten: {
        Value base = visit(*n.children[0], v);
        if (!base.is_array()) return Value();
        Value out = Value::array();
        for (const auto& e : base) {
          if (e.is_array())
            for (const auto& x : e) out.push_back(x);
          else
            out.push_back(e);
        }
        return out;
      }
      case N::or_: {
        Value l = visit(*n.children[0], v);
        return is_false(l) ? visit(*n.children[1], v) : l;
      }
      case N::and_: {
        Value l = visit(*n.children[0], v);
        return is_false(l) ? l : visit(*n.children[1], v);
      }
      case N::not_: {
        Value x = visit(*n.children[0], v);
        if (x.is_number()) return false;  // Python's `not` except that 0 is true
        return x.is_null() || (x.is_boolean() && !x.get<bool>()) || (x.is_string() && x.get<std::string>().empty()) ||
               ((x.is_array() || x.is_object()) && x.empty());
      }
      case N::compare: {
        Value a = visit(*n.children[0], v), b = visit(*n.children[1], v);
        if (n.name == "eq") return equals(a, b);
        if (n.name == "ne") return !equals(a, b);
        auto comparable = [](const Value& x) { return x.is_number() || x.is_string(); };
        if (!comparable(a) || !comparable(b)) return Value();
        if (a.is_number() != b.is_number())  // Python's TypeError for 1 < 'b'
          throw JmesPathError("'" + std::string(n.name == "lt" ? "<" : n.name == "lte" ? "<=" : n.name == "gt" ? ">" : ">=") +
                              "' not supported between instances of '" + (a.is_number() ? "int" : "str") + "' and '" +
                              (b.is_number() ? "int" : "str") + "'");
        int c = order(a, b);
        if (n.name == "lt") return c < 0;
        if (n.name == "lte") return c <= 0;
        if (n.name == "gt") return c > 0;
        return c >= 0;
      }
      case N::multi_list: {
        if (v.is_null()) return Value();
        Value out = Value::array();
        for (const auto& c : n.children) out.push_back(visit(*c, v));
        return out;
      }
      case N::multi_hash: {
        if (v.is_null()) return Value();
        Value out = Value::object();
        for (size_t i = 0; i < n.keys.size(); ++i) out[n.keys[i]] = visit(*n.children[i], v);
        return out;
      }
      case N::expref: throw JmesPathError("expref is only valid as a function argument");
      case N::function: return call(n, v);
    }
    return Value();
  }

 private:
  static Value slice(const Value& v, const Node& n) {
    long long size = static_cast<long long>(v.size());
    long long step = n.slice[2].value_or(1);
    if (step == 0) throw JmesPathError("Invalid value for slice step: 0");
    auto clamp = [&](std::optional<long long> x, long long dflt) {
      if (!x) return dflt;
      long long i = *x;
      if (i < 0) i = std::max(i + size, step < 0 ? -1LL : 0LL);
      else i = std::min(i, step < 0 ? size - 1 : size);
      return i;
    };
    long long start = clamp(n.slice[0], step < 0 ? size - 1 : 0);
    long long stop = clamp(n.slice[1], step < 0 ? -1 : size);
    Value out = Value::array();
    for (long long i = start; step > 0 ? i < stop : i > stop; i += step) out.push_back(v[static_cast<size_t>(i)]);
    return out;
  }

  [[noreturn]] static void type_error(const std::string& fn, const Value& got, const std::string& expected) {
    throw JmesPathError("In function " + fn + "(), invalid type for value: " + python_json_dumps(got, {}) +
                        ", expected one of: " + expected + ", received: \"" + type_name(got) + "\"");
  }

  void arity(const Node& n, size_t want, bool variadic = false) {
    size_t got = n.children.size();
    if (variadic ? got < want : got != want)
      throw JmesPathError("Expected " + std::string(variadic ? "at least " : "") + std::to_string(want) + " argument" +
                          (want == 1 ? "" : "s") + " for function " + n.name + "(), received " + std::to_string(got));
  }

  const Node& expref_arg(const Node& n, size_t i) {
    if (n.children[i]->kind != N::expref) type_error(n.name, visit(*n.children[i], Value()), "['expref']");
    return *n.children[i]->children[0];
  }

  // Every element a number, or every element a string.
  static bool homogeneous(const Value& a, bool allow_strings) {
    if (a.empty()) return true;
    bool numbers = a[0].is_number();
    bool strings = allow_strings && a[0].is_string();
    if (!numbers && !strings) return false;
    return std::all_of(a.begin(), a.end(), [&](const Value& e) { return numbers ? e.is_number() : e.is_string(); });
  }

  Value by_key(const Node& n, const Value& array, const Node& key, const char* fn) {
    std::vector<std::pair<Value, Value>> keyed;
    for (const auto& e : array) {
      Value k = visit(key, e);
      if (!k.is_number() && !k.is_string()) type_error(fn, k, "['number', 'string']");
      if (!keyed.empty() && keyed[0].first.is_number() != k.is_number()) type_error(fn, k, "['" + type_name(keyed[0].first) + "']");
      keyed.emplace_back(std::move(k), e);
    }
    (void)n;
    Value out = Value::array();
    if (std::string(fn) == "sort_by") {
      std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return order(a.first, b.first) < 0; });
      for (auto& kv : keyed) out.push_back(kv.second);
      return out;
    }
    if (keyed.empty()) return Value();
    bool max = std::string(fn) == "max_by";
    size_t best = 0;
    for (size_t i = 1; i < keyed.size(); ++i) {
      int c = order(keyed[i].first, keyed[best].first);
      if (max ? c > 0 : c < 0) best = i;
    }
    return keyed[best].second;
  }

  Value call(const Node& n, const Value& v) {
    const std::string& f = n.name;
    auto arg = [&](size_t i) { return visit(*n.children[i], v); };
    auto need = [&](const Value& x, bool ok, const char* expected) {
      if (!ok) type_error(f, x, expected);
    };
    if (f == "abs" || f == "ceil" || f == "floor") {
      arity(n, 1);
      Value x = arg(0);
      need(x, x.is_number(), "['number']");
      if (x.is_number_integer() || x.is_number_unsigned()) return f == "abs" ? Value(std::llabs(x.get<long long>())) : x;
      double d = x.get<double>();
      if (f == "abs") return std::fabs(d);
      return static_cast<long long>(f == "ceil" ? std::ceil(d) : std::floor(d));
    }
    if (f == "avg" || f == "sum") {
      arity(n, 1);
      Value a = arg(0);
      need(a, a.is_array() && homogeneous(a, false), "['array-number']");
      if (f == "avg" && a.empty()) return Value();
      bool all_int = std::all_of(a.begin(), a.end(), [](const Value& e) { return !e.is_number_float(); });
      if (f == "sum" && all_int) {
        long long s = 0;
        for (const auto& e : a) s += e.get<long long>();
        return s;
      }
      double s = 0;
      for (const auto& e : a) s += e.get<double>();
      return f == "sum" ? Value(s) : Value(s / static_cast<double>(a.size()));
    }
    if (f == "contains") {
      arity(n, 2);
      Value subject = arg(0), search = arg(1);
      need(subject, subject.is_array() || subject.is_string(), "['array', 'string']");
      if (subject.is_string())
        return search.is_string() && subject.get<std::string>().find(search.get<std::string>()) != std::string::npos;
      return std::any_of(subject.begin(), subject.end(), [&](const Value& e) { return e == search; });
    }
    if (f == "starts_with" || f == "ends_with") {
      arity(n, 2);
      Value s = arg(0), p = arg(1);
      need(s, s.is_string(), "['string']");
      need(p, p.is_string(), "['string']");
      const auto& a = s.get_ref<const ValueString&>();
      const auto& b = p.get_ref<const ValueString&>();
      if (b.size() > a.size()) return false;
      return f == "starts_with" ? a.compare(0, b.size(), b) == 0 : a.compare(a.size() - b.size(), b.size(), b) == 0;
    }
    if (f == "join") {
      arity(n, 2);
      Value sep = arg(0), a = arg(1);
      need(sep, sep.is_string(), "['string']");
      need(a, a.is_array() && std::all_of(a.begin(), a.end(), [](const Value& e) { return e.is_string(); }),
           "['array-string']");
      std::string out;
      for (size_t i = 0; i < a.size(); ++i) out += (i ? sep.get<std::string>() : "") + a[i].get<std::string>();
      return out;
    }
    if (f == "keys" || f == "values") {
      arity(n, 1);
      Value o = arg(0);
      need(o, o.is_object(), "['object']");
      Value out = Value::array();
      for (auto it = o.begin(); it != o.end(); ++it) out.push_back(f == "keys" ? Value(it.key()) : it.value());
      return out;
    }
    if (f == "length") {
      arity(n, 1);
      Value x = arg(0);
      need(x, x.is_string() || x.is_array() || x.is_object(), "['string', 'array', 'object']");
      if (!x.is_string()) return x.size();
      size_t count = 0;  // code points
      for (unsigned char c : x.get<std::string>()) count += (c & 0xC0) != 0x80;
      return count;
    }
    if (f == "map") {
      arity(n, 2);
      const Node& e = expref_arg(n, 0);
      Value a = arg(1);
      need(a, a.is_array(), "['array']");
      Value out = Value::array();
      for (const auto& x : a) out.push_back(visit(e, x));
      return out;
    }
    if (f == "max" || f == "min" || f == "sort") {
      arity(n, 1);
      Value a = arg(0);
      need(a, a.is_array() && homogeneous(a, true), "['array-number', 'array-string']");
      std::vector<Value> items(a.begin(), a.end());
      std::stable_sort(items.begin(), items.end(), [](const Value& x, const Value& y) { return order(x, y) < 0; });
      if (f == "sort") return Value(items);
      if (items.empty()) return Value();
      return f == "max" ? items.back() : items.front();
    }
    if (f == "max_by" || f == "min_by" || f == "sort_by") {
      arity(n, 2);
      Value a = arg(0);
      need(a, a.is_array(), "['array']");
      return by_key(n, a, expref_arg(n, 1), f.c_str());
    }
    if (f == "merge") {
      arity(n, 1, true);
      Value out = Value::object();
      for (size_t i = 0; i < n.children.size(); ++i) {
        Value o = arg(i);
        need(o, o.is_object(), "['object']");
        for (auto it = o.begin(); it != o.end(); ++it) out[it.key()] = it.value();
      }
      return out;
    }
    if (f == "not_null") {
      arity(n, 1, true);
      for (size_t i = 0; i < n.children.size(); ++i)
        if (Value x = arg(i); !x.is_null()) return x;
      return Value();
    }
    if (f == "reverse") {
      arity(n, 1);
      Value x = arg(0);
      need(x, x.is_array() || x.is_string(), "['array', 'string']");
      if (x.is_string()) {
        std::string s = x.get<std::string>();
        std::reverse(s.begin(), s.end());
        return s;
      }
      std::vector<Value> items(x.begin(), x.end());
      std::reverse(items.begin(), items.end());
      return Value(items);
    }
    if (f == "to_array") {
      arity(n, 1);
      Value x = arg(0);
      return x.is_array() ? x : Value::array({x});
    }
    if (f == "to_string") {
      arity(n, 1);
      Value x = arg(0);
      if (x.is_string()) return x;
      JsonDumpOptions o;
      o.item_separator = ",";
      o.key_separator = ":";
      return python_json_dumps(x, o);
    }
    if (f == "to_number") {
      arity(n, 1);
      Value x = arg(0);
      if (x.is_number()) return x;
      if (!x.is_string()) return Value();
      const std::string& s = x.get_ref<const ValueString&>();
      try {
        size_t used = 0;
        if (s.find_first_of(".eE") == std::string::npos) {
          long long i = std::stoll(s, &used);
          if (used == s.size()) return i;
        } else {
          double d = std::stod(s, &used);
          if (used == s.size()) return d;
        }
      } catch (const std::exception&) {
      }
      return Value();
    }
    if (f == "type") {
      arity(n, 1);
      return type_name(arg(0));
    }
    throw JmesPathError("Unknown function: " + f + "()");
  }
};

}  // namespace

Value jmespath_search(const std::string& expression, const Value& data) {
  NodeP tree = jmespath::parse(expression);
  return Interpreter().visit(*tree, data);
}

}  // namespace drover::tmpl
