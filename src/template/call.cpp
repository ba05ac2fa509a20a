// Calls: the arguments of a call, macros (with defaults, varargs, kwargs
// and caller) and calling any callable value; the scope pool that makes a
// macro call cost no allocation once a render is warm.
#include <algorithm>

#include "template/engine.hpp"
#include "template/loop.hpp"
#include "template/renderer.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {

const Val* CallArgs::find(size_t i, std::string_view name) const {
  if (i < pos.size()) return &pos[i];
  for (const auto& [k, v] : kw)
    if (k == name) return &v;
  return nullptr;
}

Val CallArgs::get(size_t i, std::string_view name, Val def) const {
  const Val* v = find(i, name);
  return v ? *v : def;
}

Val CallArgs::need(size_t i, std::string_view name) const {
  const Val* v = find(i, name);
  if (!v) fail(std::string(fn_name) + "() missing required argument '" + std::string(name) + "'");
  return *v;
}

void CallArgs::check(size_t max_pos, std::initializer_list<std::string_view> names) const {
  if (pos.size() > max_pos)
    fail(std::string(fn_name) + "() takes " + std::to_string(max_pos) + " positional argument(s) but " +
         std::to_string(pos.size()) + " were given");
  for (const auto& [k, v] : kw) {
    if (std::find(names.begin(), names.end(), k) == names.end())
      fail(std::string(fn_name) + "() got an unexpected keyword argument '" + k + "'");
  }
}

Val Renderer::call_macro(MacroObj& m, CallArgs& args, int line) {
  std::string buf;
  buf.reserve(128);
  call_macro_into(m, args, line, buf);
  if (eval_concat_) return concat_value(std::move(buf));
  return Val::str(std::move(buf)).mark_safe();
}

std::shared_ptr<Scope> Renderer::new_scope(const std::shared_ptr<Scope>& parent) {
  std::shared_ptr<Scope> sc;
  if (scope_pool_.empty()) {
    sc = std::make_shared<Scope>();
  } else {
    sc = std::move(scope_pool_.back());
    scope_pool_.pop_back();
  }
  sc->parent = parent;
  return sc;
}

void Renderer::recycle_scope(std::shared_ptr<Scope>&& sc) {
  // A scope a macro closed over (use_count > 1) lives on with the macro.
  if (sc.use_count() != 1 || scope_pool_.size() >= 32) return;
  sc->vars.clear();
  sc->parent.reset();
  sc->isolated = false;
  scope_pool_.push_back(std::move(sc));
}

void Renderer::bind_extra_args(MacroObj& m, CallArgs& args, Scope& sc) {
  const Stmt& def = *m.def;
  size_t npos = args.pos.size();
  std::vector<Val> varargs;
  for (size_t i = def.args.size(); i < npos; ++i) varargs.push_back(args.pos[i]);
  if (!varargs.empty() && !def.catch_varargs) {
    fail("macro '" + m.name + "' takes not more than " + std::to_string(def.args.size()) + " argument(s)");
  }
  Value kwargs;
  Val caller;
  bool have_caller = false;
  for (auto& [k, v] : args.kw) {
    bool known = false;
    for (const auto& a : def.args)
      if (a.name == k) known = true;
    if (known) continue;
    if (k == "caller" && def.k == Stmt::K::Macro) {
      caller = v;
      have_caller = true;
      continue;
    }
    if (!def.catch_kwargs) fail("macro '" + m.name + "' takes no keyword argument '" + k + "'");
    if (kwargs.is_null()) kwargs = Value::object();
    kwargs[k] = v.to_value();
  }
  static const Symbol kVarargs("varargs"), kKwargs("kwargs"), kCaller("caller");
  if (def.catch_varargs) sc.set(kVarargs, Val::seq(std::move(varargs), true));
  if (def.catch_kwargs) sc.set(kKwargs, Val::data(kwargs.is_null() ? Value::object() : std::move(kwargs)));
  if (def.k == Stmt::K::Macro && def.uses_caller) {
    if (have_caller) sc.set(kCaller, caller);
    else sc.set(kCaller, Val::undefined("caller", "No caller defined"));
  }
}

namespace {
// The scope of one call of `m`, with room for its arguments.
std::shared_ptr<Scope> macro_scope(Renderer& r, const MacroObj& m) {
  auto sc = r.new_scope(m.closure);
  sc->vars.reserve(m.def->args.size() + 3);
  return sc;
}

// Argument i of `m`, which the call did not give: its default, evaluated in
// the macro's scope (so it reads the arguments before it), or an undefined
// that names it.
void bind_default(Renderer& r, const MacroObj& m, size_t i, const std::shared_ptr<Scope>& sc) {
  const MacroArg& a = m.def->args[i];
  if (a.default_value) {
    ScopeGuard sg(r.scope_, sc);
    sc->set(a.symbol, r.eval(*a.default_value));
  } else {
    sc->set(a.symbol, Val::undefined(a.name, "parameter '" + a.name + "' was not provided"));
  }
}
}  // namespace

void Renderer::call_macro_into(MacroObj& m, CallArgs& args, int line, std::string& out) {
  (void)line;
  DepthGuard g(depth_, opts_.max_recursion);
  const Stmt& def = *m.def;
  auto sc = macro_scope(*this, m);
  size_t npos = args.pos.size();
  for (size_t i = 0; i < def.args.size(); ++i) {
    const auto& a = def.args[i];
    Val* given = nullptr;
    if (i < npos) given = &args.pos[i];
    for (auto& [k, v] : args.kw)
      if (k == a.name) {
        if (given) fail("macro '" + m.name + "' got multiple values for argument '" + a.name + "'");
        given = &v;
      }
    // The arguments are not read again after the call: moved, not copied.
    if (given)
      sc->set(a.symbol, std::move(*given));
    else
      bind_default(*this, m, i, sc);
  }
  run_macro(m, args, def.args.size(), std::move(sc), out);
}

void Renderer::call_macro_positional(MacroObj& m, const Expr& call, std::string& out) {
  auto sc = macro_scope(*this, m);
  size_t n = call.items.size();
  // Evaluated in the caller's scope, before the call counts as a level.
  for (size_t i = 0; i < n; ++i) sc->set(m.def->args[i].symbol, eval(*call.items[i]));
  DepthGuard g(depth_, opts_.max_recursion);
  CallArgs none;
  run_macro(m, none, n, std::move(sc), out);
}

void Renderer::run_macro(MacroObj& m, CallArgs& args, size_t bound, std::shared_ptr<Scope> sc,
                         std::string& out) {
  const Stmt& def = *m.def;
  for (size_t i = bound; i < def.args.size(); ++i) bind_default(*this, m, i, sc);
  // varargs, kwargs and caller: most calls have none of them.
  if (args.pos.size() > def.args.size() || !args.kw.empty() || def.catch_varargs ||
      def.catch_kwargs || (def.k == Stmt::K::Macro && def.uses_caller))
    bind_extra_args(m, args, *sc);
  // Errors in the body are located in the macro's template; a macro of the
  // template being rendered (the common case) leaves current_ as it is.
  bool other_template = m.keep != current_;
  std::shared_ptr<const Template> saved_current;
  if (other_template) {
    saved_current = std::move(current_);
    current_ = m.keep;
  }
  // The macro's scope is swapped in and out (not shared with a ScopeGuard)
  // so that it comes back here with no other owner, for the pool.
  std::swap(scope_, sc);
  try {
    exec_body(def.body, out);
  } catch (...) {
    std::swap(scope_, sc);
    if (other_template) current_ = std::move(saved_current);
    throw;
  }
  std::swap(scope_, sc);
  if (other_template) current_ = std::move(saved_current);
  recycle_scope(std::move(sc));
}

Val Renderer::call_value(const Val& fn, CallArgs& args, int line) {
  if (fn.is_undefined()) raise_undefined(fn);
  if (fn.is_object(Object::Type::Macro)) return call_macro(*fn.obj_as<MacroObj>(), args, line);
  if (fn.is_object(Object::Type::Callable)) {
    auto* c = fn.obj_as<Callable>();
    args.fn_name = c->name.c_str();
    return c->fn(*this, args);
  }
  if (fn.is_object(Object::Type::Joiner) || fn.is_object(Object::Type::Loop)) return call_special(*this, fn, args);
  fail("'" + type_name(fn) + "' object is not callable");
}

}  // namespace drover::tmpl
