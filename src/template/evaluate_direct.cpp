// Printing and testing expressions without making a Val. Measured on
// bench/template: most {{ }} and {% if %} of a config template read a loop
// variable's attribute (`s.host`, `s.port | default(80)`, `site.tls`,
// `s.weight is defined`); going through eval() cost a Val (with its shared
// owner) per read and a frame per node. Whatever these paths cannot decide
// without side effects or errors goes back to eval(), which gives the value
// or the located error as before.
#include <charconv>

#include "template/builtins.hpp"
#include "template/renderer.hpp"

namespace drover::tmpl {

namespace {

// Python's str() of a scalar from the variables; false for other types.
bool print_data(const Value& v, std::string& out) {
  switch (v.type()) {
    case Value::value_t::string: out += v.get_ref<const ValueString&>(); return true;
    case Value::value_t::number_integer: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_ref<const Value::number_integer_t&>());
      out.append(buf, static_cast<size_t>(r.ptr - buf));
      return true;
    }
    case Value::value_t::boolean: out += v.get_ref<const Value::boolean_t&>() ? "True" : "False"; return true;
    case Value::value_t::null: return true;  // Ansible's finalize prints None as ""
    default: return false;
  }
}

bool print_val(const Val& v, std::string& out) {
  switch (v.kind()) {
    case Val::Kind::Str: out += v.as_str(); return true;
    case Val::Kind::Int: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, static_cast<size_t>(r.ptr - buf));
      return true;
    }
    case Val::Kind::Bool: out += v.as_bool() ? "True" : "False"; return true;
    case Val::Kind::None: return true;
    default: return false;
  }
}

// Python truthiness of data from the variables (as Val::data_ref(v).truthy()).
bool data_truthy(const Value& v) {
  switch (v.type()) {
    case Value::value_t::boolean: return v.get_ref<const Value::boolean_t&>();
    case Value::value_t::number_integer: return v.get_ref<const Value::number_integer_t&>() != 0;
    case Value::value_t::number_unsigned: return v.get_ref<const Value::number_unsigned_t&>() != 0;
    case Value::value_t::number_float: return v.get_ref<const Value::number_float_t&>() != 0.0;
    case Value::value_t::string: return !v.get_ref<const ValueString&>().empty();
    case Value::value_t::array:
    case Value::value_t::object: return !v.empty();
    case Value::value_t::binary: return true;  // a big int, never 0
    default: return false;
  }
}

}  // namespace

Renderer::Peek Renderer::peek(const Expr& e, Peeked& p) {
  if (e.k == Expr::K::Getattr && e.a->k == Expr::K::Name && !e.dict_method) {
    // name.attr, the commonest form, without the chain bookkeeping.
    const Val* v = scope_->find(e.a->symbol);
    if (!v || v->kind() != Val::Kind::Data || !v->as_data().is_object()) return Peek::Other;
    const Value* m = find_member(v->as_data(), e.name, e.member_slot);
    if (!m) return Peek::Missing;
    p.val = nullptr;
    p.data = m;
    return Peek::Found;
  }
  // The chain a.b.c is walked without recursion: this runs for most prints
  // and conditions, and a call frame per step cost as much as the lookups.
  constexpr int kMaxDepth = 8;
  const Expr* chain[kMaxDepth];
  int n = 0;
  const Expr* x = &e;
  while (x->k == Expr::K::Getattr) {
    if (x->dict_method || n == kMaxDepth) return Peek::Other;
    chain[n++] = x;
    x = x->a.get();
  }
  if (x->k != Expr::K::Name) return Peek::Other;
  const Val* v = scope_->find(x->symbol);
  // Not in a scope (a render variable, a global) or an undefined with its
  // own message: eval() knows.
  if (!v || v->is_undefined()) return Peek::Other;
  if (n == 0) {
    p.val = v;
    p.data = nullptr;
    return Peek::Found;
  }
  if (!v->is_dict()) return Peek::Other;
  const Value* d = &v->as_data();
  while (n > 0) {
    const Expr* g = chain[--n];
    if (!d->is_object()) return Peek::Other;
    d = find_member(*d, g->name, g->member_slot);
    if (!d) return Peek::Missing;  // and attributes of an undefined stay undefined
  }
  p.val = nullptr;
  p.data = d;
  return Peek::Found;
}

bool Renderer::print_direct(const Expr& e, std::string& out) {
  if (native_) return false;  // None prints as "None" there: print_value knows
  Peeked p;
  switch (e.k) {
    case Expr::K::Const: return print_val(e.constant, out);
    case Expr::K::Name:
    case Expr::K::Getattr:
      if (peek(e, p) != Peek::Found) return false;
      return p.data ? print_data(*p.data, out) : print_val(*p.val, out);
    case Expr::K::Filter:
      if (e.fast != Expr::Fast::Default) return print_replaced(e, out);
      if (!e.a) return false;
      switch (peek(*e.a, p)) {
        case Peek::Found: return p.data ? print_data(*p.data, out) : print_val(*p.val, out);
        case Peek::Missing: return print_direct(*e.items[0], out);
        case Peek::Other: return false;
      }
      return false;
    default: return false;
  }
}

bool Renderer::print_replaced(const Expr& e, std::string& out) {
  // {{ x.name | replace('-', '_') }}: the replaced text is written straight
  // to the output, as the filter's own fast path would have made it.
  static const FilterFn kReplace = find_filter("replace");
  if (e.filter != kReplace || !e.a || e.items.size() != 2 || !e.kwargs.empty() || e.dyn_args || e.dyn_kwargs)
    return false;
  const Expr& from = *e.items[0];
  const Expr& to = *e.items[1];
  if (from.k != Expr::K::Const || to.k != Expr::K::Const || !from.constant.is_str() || !to.constant.is_str() ||
      from.constant.as_str().empty())
    return false;
  Peeked p;
  if (peek(*e.a, p) != Peek::Found || !p.data || !p.data->is_string()) return false;
  const std::string& s = p.data->get_ref<const ValueString&>();
  const std::string& o = from.constant.as_str();
  const std::string& n = to.constant.as_str();
  size_t pos = 0;
  for (size_t f = s.find(o); f != std::string::npos; f = s.find(o, pos)) {
    out.append(s, pos, f - pos);
    out += n;
    pos = f + o.size();
  }
  out.append(s, pos);
  return true;
}

bool Renderer::truth(const Expr& e) {
  Peeked p;
  switch (e.k) {
    case Expr::K::Name:
    case Expr::K::Getattr:
      if (peek(e, p) == Peek::Found && p.data) return data_truthy(*p.data);
      break;
    case Expr::K::Test:
      if (e.fast != Expr::Fast::None) {
        Peek r = peek(*e.a, p);
        if (r == Peek::Other) break;
        bool defined = r == Peek::Found;
        return (e.fast == Expr::Fast::Defined) == defined ? !e.negated : e.negated;
      }
      break;
    case Expr::K::Compare:
      // x.y == 'literal', x.y != 1
      if (e.ops.size() == 1 && e.ops[0].second->k == Expr::K::Const) {
        const std::string& op = e.ops[0].first;
        bool eq = op == "==";
        if (!eq && op != "!=") break;
        if (peek(*e.a, p) != Peek::Found) break;
        const Val& right = e.ops[0].second->constant;
        if (right.is_undefined()) break;
        bool same = p.data ? equals(Val::data_ref(p.data), right) : equals(*p.val, right);
        return eq == same;
      }
      break;
    case Expr::K::Not: return !truth(*e.a);
    case Expr::K::And: return truth(*e.a) && truth(*e.b);
    case Expr::K::Or: return truth(*e.a) || truth(*e.b);
    default: break;
  }
  return eval(e).truthy();
}

}  // namespace drover::tmpl
