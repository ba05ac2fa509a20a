#include "template/loop.hpp"

#include <memory>

#include "template/builtins.hpp"
#include "template/datetime.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

class LoopObj : public Object {
 public:
  LoopObj() : Object(Type::Loop) {}
  std::vector<Val> items;
  size_t index0 = 0;
  int depth0 = 0;
  const Stmt* stmt = nullptr;
  bool have_last = false;
  Val last_changed;
};

class CyclerObj : public Object {
 public:
  CyclerObj() : Object(Type::Cycler) {}
  std::vector<Val> items;
  size_t pos = 0;
};

class JoinerObj : public Object {
 public:
  JoinerObj() : Object(Type::Joiner) {}
  std::string sep;
  bool used = false;
};


Val callable(const char* name, NativeFn fn) { return Val::object(std::make_shared<Callable>(name, std::move(fn))); }

}  // namespace

namespace {
// The position of `name` in the scope's own variables, added when missing.
size_t slot_of(Scope& sc, Symbol name) {
  for (size_t i = 0; i < sc.vars.size(); ++i)
    if (sc.vars[i].first == name) return i;
  sc.vars.emplace_back(name, Val());
  return sc.vars.size() - 1;
}

// The loop variables get their slots in the loop's scope once; each item is
// then stored by position (a {% set %} in the body that rebinds one finds
// the same slot). `for x in` and `for k, v in` (of pairs; a name given
// twice gets the last part, as assign() does); other targets go through
// Renderer::assign.
class LoopTarget {
 public:
  LoopTarget(Renderer& r, const Expr& t, Scope& sc) : r_(r), t_(t), sc_(sc) {
    if (t.k == Expr::K::Name) {
      slots_[n_++] = slot_of(sc, t.symbol);
    } else if (t.k == Expr::K::Tuple && t.items.size() <= kMaxSlots) {
      for (const auto& part : t.items) {
        if (part->k != Expr::K::Name) {
          n_ = 0;
          break;
        }
        slots_[n_++] = slot_of(sc, part->symbol);
      }
    }
  }
  void assign(const Val& item) {
    if (t_.k == Expr::K::Name) {
      sc_.vars[slots_[0]].second = item;
    } else if (n_ > 0 && item.kind() == Val::Kind::Seq && item.as_seq().size() == n_) {
      const std::vector<Val>& parts = item.as_seq();
      for (size_t j = 0; j < n_; ++j) sc_.vars[slots_[j]].second = parts[j];
    } else {
      r_.assign(t_, item);
    }
  }
  // `for a, b in` (a target of two names): binds them.
  void assign_pair(Val a, Val b) {
    sc_.vars[slots_[0]].second = std::move(a);
    sc_.vars[slots_[1]].second = std::move(b);
  }

 private:
  static constexpr size_t kMaxSlots = 4;
  Renderer& r_;
  const Expr& t_;
  Scope& sc_;
  size_t slots_[kMaxSlots];
  size_t n_ = 0;
};

void run_loop(Renderer& r, const Stmt& s, const Val& iterable, int depth, const std::shared_ptr<Scope>& sc,
              std::string& out) {
  // A list or tuple the evaluator made (dictsort, items()...) never
  // changes: it is read in place unless the loop filters it or keeps it in
  // its loop object. Anything else is listed first.
  bool in_place = iterable.kind() == Val::Kind::Seq && !s.cond && !s.uses_loop;
  std::vector<Val> items;
  if (!in_place) items = iterate(iterable);
  const std::vector<Val>& listed = in_place ? iterable.as_seq() : items;
  ScopeGuard guard(r.scope_, sc);
  if (listed.empty()) {
    r.exec_body(s.else_body, out);
    return;
  }
  // Made only now: with no items the else body sees no loop variable.
  LoopTarget target(r, *s.target, *sc);
  if (s.cond) {
    size_t kept = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      target.assign(items[i]);
      if (r.truth(*s.cond)) {
        if (kept != i) items[kept] = std::move(items[i]);
        ++kept;
      }
    }
    items.resize(kept);
    if (items.empty()) {
      r.exec_body(s.else_body, out);
      return;
    }
  }
  // The loop object only for bodies that may read it (Stmt::uses_loop).
  LoopObj* lp = nullptr;
  if (s.uses_loop) {
    auto loop = std::make_shared<LoopObj>();
    loop->stmt = &s;
    loop->depth0 = depth;
    loop->items = std::move(items);
    lp = loop.get();
    static const Symbol kLoop("loop");
    sc->set(kLoop, Val::object(std::move(loop)));
  }
  const std::vector<Val>& seq = lp ? lp->items : listed;
  for (size_t i = 0; i < seq.size(); ++i) {
    if (lp) lp->index0 = i;
    target.assign(seq[i]);
    r.exec_body(s.body, out);
  }
}
}  // namespace

void exec_loop(Renderer& r, const Stmt& s, const Val& iterable, int depth, std::string& out) {
  auto sc = r.new_scope(r.scope_);
  run_loop(r, s, iterable, depth, sc, out);
  r.recycle_scope(std::move(sc));
}

namespace {
// `for k, v in d | dictsort`, the commonest loop of config templates, made
// 12 allocations for a dict of 3 (a third of bench/template's): here the
// members are sorted by pointer as dictsort sorts them (by key, case
// insensitive, stable) and bound without the (key, value) tuples. False
// (nothing done) when the dict is too big for the pointer array.
bool loop_over_sorted_dict(Renderer& r, const Stmt& s, const Val& dict, std::string& out) {
  using Member = Value::object_t::value_type;
  constexpr size_t kMaxMembers = 16;
  const auto& members = static_cast<const Value::object_t::Container&>(
      *dict.as_data().get_ptr<const Value::object_t*>());
  if (members.size() > kMaxMembers) return false;
  const Member* sorted[kMaxMembers];
  size_t n = 0;
  for (const Member& m : members) {
    size_t j = n++;
    for (; j > 0 && compare(Val::str_ref(&m.first), Val::str_ref(&sorted[j - 1]->first), false) < 0;
         --j)
      sorted[j] = sorted[j - 1];
    sorted[j] = &m;
  }
  auto sc = r.new_scope(r.scope_);
  {
    ScopeGuard guard(r.scope_, sc);
    if (n == 0) {
      r.exec_body(s.else_body, out);
    } else {
      LoopTarget target(r, *s.target, *sc);
      for (size_t i = 0; i < n; ++i) {
        target.assign_pair(Val::str_ref(&sorted[i]->first, dict.keeper()),
                           Val::data_ref(&sorted[i]->second, dict.keeper()));
        r.exec_body(s.body, out);
      }
    }
  }
  r.recycle_scope(std::move(sc));
  return true;
}

bool is_two_names(const Expr& t) {
  return t.k == Expr::K::Tuple && t.items.size() == 2 && t.items[0]->k == Expr::K::Name &&
         t.items[1]->k == Expr::K::Name;
}
}  // namespace

void exec_for_statement(Renderer& r, const Stmt& s, std::string& out) {
  static const FilterFn kDictsort = find_filter("dictsort");
  const Expr& e = *s.expr;
  bool plain_dictsort = e.k == Expr::K::Filter && e.filter == kDictsort && e.a && e.items.empty() &&
                        e.kwargs.empty() && !e.dyn_args && !e.dyn_kwargs;
  if (!plain_dictsort || s.cond || s.uses_loop || !is_two_names(*s.target)) {
    exec_loop(r, s, r.eval(e), 0, out);
    return;
  }
  Val input = r.eval(*e.a);
  if (input.is_dict() && loop_over_sorted_dict(r, s, input, out)) return;
  // Anything else is dictsort's to sort or to refuse.
  CallArgs none;
  none.fn_name = "dictsort";
  r.line_ = e.line;
  exec_loop(r, s, e.filter(r, input, none), 0, out);
}

Val special_attr(Renderer&, const Val& obj, std::string_view name) {
  Object* o = obj.as_obj();
  if (o->type == Object::Type::Loop) {
    auto* l = static_cast<LoopObj*>(o);
    auto n = static_cast<int64_t>(l->items.size());
    auto i = static_cast<int64_t>(l->index0);
    if (name == "index") return Val::integer(i + 1);
    if (name == "index0") return Val::integer(i);
    if (name == "revindex") return Val::integer(n - i);
    if (name == "revindex0") return Val::integer(n - i - 1);
    if (name == "first") return Val::boolean(i == 0);
    if (name == "last") return Val::boolean(i == n - 1);
    if (name == "length") return Val::integer(n);
    if (name == "depth") return Val::integer(l->depth0 + 1);
    if (name == "depth0") return Val::integer(l->depth0);
    if (name == "previtem")
      return i > 0 ? l->items[static_cast<size_t>(i - 1)] : Val::undefined("previtem", "there is no previous item");
    if (name == "nextitem")
      return i + 1 < n ? l->items[static_cast<size_t>(i + 1)] : Val::undefined("nextitem", "there is no next item");
    if (name == "cycle") {
      Val keep = obj;
      return callable("cycle", [keep](Renderer&, CallArgs& a) {
        if (a.pos.empty()) fail("no items for cycling given");
        auto* lo = keep.obj_as<LoopObj>();
        return a.pos[lo->index0 % a.pos.size()];
      });
    }
    if (name == "changed") {
      Val keep = obj;
      return callable("changed", [keep](Renderer&, CallArgs& a) {
        auto* lo = keep.obj_as<LoopObj>();
        Val cur = Val::seq(a.pos, true);
        if (!lo->have_last || !equals(lo->last_changed, cur)) {
          lo->have_last = true;
          lo->last_changed = cur;
          return Val::boolean(true);
        }
        return Val::boolean(false);
      });
    }
    return Val::undefined(std::string(name), "'LoopContext object' has no attribute '" + std::string(name) + "'");
  }
  if (o->type == Object::Type::Cycler) {
    auto* c = static_cast<CyclerObj*>(o);
    Val keep = obj;
    if (name == "current") return c->items[c->pos];
    if (name == "next")
      return callable("next", [keep](Renderer&, CallArgs&) {
        auto* cy = keep.obj_as<CyclerObj>();
        Val v = cy->items[cy->pos];
        cy->pos = (cy->pos + 1) % cy->items.size();
        return v;
      });
    if (name == "reset")
      return callable("reset", [keep](Renderer&, CallArgs&) {
        keep.obj_as<CyclerObj>()->pos = 0;
        return Val::none();
      });
  }
  if (o->type == Object::Type::Macro) {
    auto* m = static_cast<MacroObj*>(o);
    if (name == "name") return Val::str(m->name);
    if (name == "arguments") {
      std::vector<Val> names;
      for (const auto& a : m->def->args) names.push_back(Val::str(a.name));
      return Val::seq(std::move(names), true);
    }
    if (name == "catch_kwargs") return Val::boolean(m->def->catch_kwargs);
    if (name == "catch_varargs") return Val::boolean(m->def->catch_varargs);
    if (name == "caller") return Val::boolean(m->def->uses_caller);
  }
  return Val::undefined(std::string(name),
                        "'" + object_type_repr(obj) + "' has no attribute '" + std::string(name) + "'");
}

Val call_special(Renderer& r, const Val& obj, CallArgs& args) {
  Object* o = obj.as_obj();
  if (o->type == Object::Type::Joiner) {
    auto* j = static_cast<JoinerObj*>(o);
    if (!j->used) {
      j->used = true;
      return Val::empty_str();
    }
    return Val::str(j->sep);
  }
  auto* l = static_cast<LoopObj*>(o);
  if (!l->stmt->recursive)
    fail("Tried to call non recursive loop.  Maybe you forgot the 'recursive' modifier.");
  if (args.pos.size() != 1) fail("loop() takes exactly one argument");
  std::string buf;
  exec_loop(r, *l->stmt, args.pos[0], l->depth0 + 1, buf);
  return Val::str(std::move(buf)).mark_safe();
}

namespace {

// range() where a bound is past int64 (Python's range takes any int).
Val big_range(const CallArgs& a) {
  BigInt start, stop, step(1);
  if (a.pos.size() == 1) {
    stop = a.pos[0].to_big();
  } else {
    start = a.pos[0].to_big();
    stop = a.pos[1].to_big();
    if (a.pos.size() == 3) step = a.pos[2].to_big();
  }
  if (step.is_zero()) fail("range() arg 3 must not be zero");
  Value out = Value::array();
  bool up = !step.negative();
  for (BigInt i = start; up ? compare(i, stop) < 0 : compare(i, stop) > 0; i = i + step) {
    if (out.size() >= 10'000'000) fail("range too big (drover limits range() to 10000000 items)");
    out.push_back(big_int_value(i));
  }
  return Val::data(std::move(out));
}

Val range_fn(Renderer&, CallArgs& a) {
  a.check(3, {});
  if (a.pos.empty()) fail("range expected at least 1 argument, got 0");
  bool big = false;
  for (const auto& v : a.pos) {
    if (!v.is_integral()) fail("'" + type_name(v) + "' object cannot be interpreted as an integer");
    big = big || v.is_big_int();
  }
  if (big) return big_range(a);
  int64_t start = 0, stop, step = 1;
  if (a.pos.size() == 1) {
    stop = a.pos[0].as_int();
  } else {
    start = a.pos[0].as_int();
    stop = a.pos[1].as_int();
    if (a.pos.size() == 3) step = a.pos[2].as_int();
  }
  if (step == 0) fail("range() arg 3 must not be zero");
  Value out = Value::array();
  long double count = step > 0 ? (static_cast<long double>(stop) - start) / step
                               : (static_cast<long double>(start) - stop) / -step;
  if (count > 10'000'000) fail("range too big (drover limits range() to 10000000 items)");
  // The last step may pass INT64_MAX: that ends the range as it would in
  // Python, where it goes past `stop`.
  if (step > 0)
    for (int64_t i = start; i < stop;) {
      out.push_back(i);
      if (__builtin_add_overflow(i, step, &i)) break;
    }
  else
    for (int64_t i = start; i > stop;) {
      out.push_back(i);
      if (__builtin_add_overflow(i, step, &i)) break;
    }
  return Val::data(std::move(out));
}

Val dict_fn(Renderer&, CallArgs& a) {
  Value out = Value::object();
  if (a.pos.size() > 1) fail("dict expected at most 1 argument, got " + std::to_string(a.pos.size()));
  if (a.pos.size() == 1) {
    const Val& src = a.pos[0];
    if (src.is_dict()) {
      out = src.to_value();
    } else {
      for (const auto& pair : iterate(src)) {
        auto kv = iterate(pair);
        if (kv.size() != 2) fail("dictionary update sequence element has length " + std::to_string(kv.size()) + "; 2 is required");
        out[to_str(kv[0])] = kv[1].to_value();
      }
    }
  }
  for (const auto& [k, v] : a.kw) out[k] = v.to_value();
  return Val::data(std::move(out));
}

Val lipsum_fn(Renderer&, CallArgs& a) {
  int64_t n = a.get(0, "n", Val::integer(5)).as_int();
  bool html = a.get(1, "html", Val::boolean(true)).truthy();
  static const char* kWords =
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
      "dolore magna aliqua.";
  std::string out;
  for (int64_t i = 0; i < n && i < 1000; ++i) {
    if (i) out += html ? "\n" : "\n\n";
    out += html ? std::string("<p>") + kWords + "</p>" : kWords;
  }
  return Val::str(out).mark_safe(html);
}

}  // namespace

Val builtin_global(Renderer&, const std::string& name) {
  switch (name.empty() ? 0 : name[0]) {
    case 'r':
      if (name == "range") return callable("range", range_fn);
      break;
    case 'd':
      if (name == "dict") return callable("dict", dict_fn);
      break;
    case 'l':
      if (name == "lipsum") return callable("lipsum", lipsum_fn);
      break;
    case 'c':
      if (name == "cycler")
        return callable("cycler", [](Renderer&, CallArgs& a) {
          if (a.pos.empty()) fail("at least one item has to be provided");
          auto c = std::make_shared<CyclerObj>();
          c->items = a.pos;
          return Val::object(std::move(c));
        });
      break;
    case 'j':
      if (name == "joiner")
        return callable("joiner", [](Renderer&, CallArgs& a) {
          auto j = std::make_shared<JoinerObj>();
          j->sep = to_str(a.get(0, "sep", Val::str(", ")));
          return Val::object(std::move(j));
        });
      break;
    case 'u':
      // Ansible's undef(hint): an undefined that fails with the hint.
      if (name == "undef")
        return callable("undef", [](Renderer&, CallArgs& a) {
          a.check(1, {"hint"});
          const Val* h = a.find(0, "hint");
          std::string hint = h && h->is_str() ? h->as_str() : "";
          if (hint.empty()) hint = "Mandatory variable has not been overridden";
          return Val::undefined("", hint);
        });
      break;
    case 'n':
      // Ansible's now(utc=False, fmt=None): a datetime, or its strftime.
      if (name == "now")
        return callable("now", [](Renderer& r, CallArgs& a) {
          a.check(2, {"utc", "fmt"});
          Val now = now_datetime(a.get(0, "utc", Val::boolean(false)).truthy());
          Val fmt = a.get(1, "fmt", Val::none());
          if (fmt.is_none() || fmt.is_undefined()) return now;
          CallArgs f;
          f.pos.push_back(fmt);
          return datetime_attr(now, "strftime").obj_as<Callable>()->fn(r, f);
        });
      if (name == "namespace")
        return callable("namespace", [](Renderer&, CallArgs& a) {
          auto ns = std::make_shared<Namespace>();
          for (const auto& p : a.pos) {
            if (!p.is_dict()) fail("namespace() positional argument must be a dict");
            for (const auto& k : p.keys()) ns->set(k, p.get(k));
          }
          for (const auto& [k, v] : a.kw) ns->set(k, v);
          return Val::object(std::move(ns));
        });
      break;
    default: break;
  }
  return Val();
}

}  // namespace drover::tmpl
