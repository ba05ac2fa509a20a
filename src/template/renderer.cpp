// Statement execution, scopes, macros, includes and inheritance.
#include "template/renderer.hpp"

#include <algorithm>

#include "template/builtins.hpp"
#include "template/datetime.hpp"
#include "template/engine.hpp"
#include "template/loop.hpp"
#include "template/methods.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {

// ---- scopes

Val* Namespace::find(std::string_view name) {
  for (auto& [k, v] : attrs)
    if (k == name) return &v;
  return nullptr;
}

void Namespace::set(std::string_view name, Val v) {
  if (Val* old = find(name)) {
    *old = std::move(v);
    return;
  }
  attrs.emplace_back(std::string(name), std::move(v));
}

// ---- Renderer

Renderer::Renderer(const Engine& engine, VariableSource& vars, const RenderOptions& opts)
    : engine_(engine), vars_(vars), opts_(opts), eval_concat_(opts.eval_concat), native_(opts.jinja2_native) {
  root_ = std::make_shared<Scope>();
  scope_ = root_;
  output_budget_ = opts.max_output;
}

Renderer::~Renderer() {
  for (auto& sc : closure_scopes_) {
    sc->vars.clear();
    sc->parent.reset();
  }
  for (auto& ns : assigned_namespaces_) ns.obj_as<Namespace>()->attrs.clear();
}

namespace {
// A block reference: `self.name()` renders block `name`.
class SelfRef : public Object {
 public:
  SelfRef() : Object(Type::BlockRef) {}
};
}  // namespace

void Renderer::rethrow_located(const std::exception& e, int line) {
  if (auto* te = dynamic_cast<const TemplateError*>(&e)) {
    if (te->located()) throw *te;
    throw TemplateError(te->kind(), te->message(), Location{current_ ? current_->name : opts_.name, line, 0})
        .with_python_type(te->python_type());
  }
  throw TemplateError(TemplateError::Kind::Runtime, e.what(),
                      Location{current_ ? current_->name : opts_.name, line, 0});
}

void Renderer::render(const std::shared_ptr<const Template>& tpl, std::string& out) {
  auto saved = current_;
  current_ = tpl;
  for (const auto& [name, st] : tpl->blocks) blocks_[name].emplace_back(st, tpl);
  std::shared_ptr<const Template> parent;
  std::string discard;
  for (const auto& st : tpl->body) {
    if (st->k == Stmt::K::Extends) {
      if (parent) {
        line_ = st->line;
        rethrow_located(TemplateError(TemplateError::Kind::Runtime, "extended multiple times"), st->line);
      }
      try {
        line_ = st->line;
        parent = load(eval(*st->expr), false);
      } catch (const std::exception& e) {
        rethrow_located(e, st->line);
      }
      continue;
    }
    if (parent) {
      // After {% extends %} only definitions matter; output is dropped.
      if (st->k == Stmt::K::Text || st->k == Stmt::K::Print || st->k == Stmt::K::Block) continue;
      exec(*st, discard);
    } else {
      exec(*st, out);
    }
  }
  if (parent) {
    DepthGuard g(depth_, opts_.max_recursion);
    render(parent, out);
  }
  current_ = saved;
}

// The commonest statements run here rather than in exec(), whose frame (a
// try block and the locals of every kind of statement) cost more than a
// simple {{ x.y }}. Their errors are located all the same: every body runs
// inside some statement's exec() (or eval_root), whose handler locates an
// error with line_ and current_ as they are when it arrives there, which
// is what exec() of this statement would have used.
void Renderer::exec_body(const Body& body, std::string& out) {
  for (const auto& st : body) {
    switch (st->k) {
      case Stmt::K::Text:  // half the statements
        out += st->text;
        if (out.size() > output_budget_) output_limit_exceeded();
        continue;
      case Stmt::K::Print:
        line_ = st->line;
        if (print_direct(*st->expr, out)) {
          if (out.size() > output_budget_) output_limit_exceeded();
        } else if (st->expr->k == Expr::K::Call && !eval_concat_) {
          // {{ macro(...) }} renders straight into the output.
          print_value(eval_call(*st->expr, &out), out);
        } else {
          print_value(eval(*st->expr), out);
        }
        continue;
      case Stmt::K::If:
        line_ = st->line;
        exec_if(*st, out);
        continue;
      default: exec(*st, out);
    }
  }
}

void Renderer::output_limit_exceeded() {
  rethrow_located(TemplateError(TemplateError::Kind::Runtime,
                                "template output exceeds the limit of " + std::to_string(output_budget_) + " bytes"),
                  line_);
}

Val Renderer::concat_value(std::string&& buf) const {
  if (native_) return Val::data(native_literal_or_string(buf));
  if (eval_concat_) return Val::data(literal_eval_or_string(buf));
  return Val::str(std::move(buf));
}

void Renderer::print_value(const Val& v, std::string& out) {
  ++nodes_;
  switch (v.kind()) {
    case Val::Kind::None:
      // Ansible's finalize prints None as ""; the native environment has
      // no such finalize and joins str(None).
      if (native_) out += "None";
      return;
    case Val::Kind::Str: out += v.as_str(); break;
    default: str_append(out, v);
  }
  if (out.size() > output_budget_) fail("template output exceeds the limit of " + std::to_string(output_budget_) + " bytes");
}

void Renderer::exec(const Stmt& s, std::string& out) {
  line_ = s.line;
  try {
    switch (s.k) {
      case Stmt::K::Text:
        out += s.text;
        if (out.size() > output_budget_) fail("template output exceeds the limit");
        return;
      case Stmt::K::Print:
        // {{ macro(...) }} renders straight into the output.
        if (s.expr->k == Expr::K::Call && !eval_concat_) {
          Val v = eval_call(*s.expr, &out);
          print_value(v, out);
          return;
        }
        print_value(eval(*s.expr), out);
        return;
      case Stmt::K::If: exec_if(s, out); return;
      case Stmt::K::For: exec_for(s, out); return;
      case Stmt::K::Set: assign(*s.target, eval(*s.expr)); return;
      case Stmt::K::SetBlock: {
        std::string buf;
        exec_body(s.body, buf);
        // Templar.template's ansible_eval_concat also joins block bodies.
        Val v = concat_value(std::move(buf));
        if (s.expr) v = eval_filter(*s.expr, &v);
        assign(*s.target, v);
        return;
      }
      case Stmt::K::Macro: {
        auto m = std::make_shared<MacroObj>();
        m->def = &s;
        m->closure = scope_;
        note_closure(scope_);
        m->keep = current_;
        m->name = s.text;
        scope_->set(Symbol(s.text), Val::object(std::move(m)));
        return;
      }
      case Stmt::K::CallBlock: {
        auto caller = std::make_shared<MacroObj>();
        caller->def = &s;
        caller->closure = scope_;
        note_closure(scope_);
        caller->keep = current_;
        caller->name = "caller";
        const Expr& call = *s.expr;
        CallArgs args;
        eval_args(call, args);
        args.kw.emplace_back("caller", Val::object(std::move(caller)));
        Val fn;
        if (call.a->k == Expr::K::Name) fn = lookup(call.a->symbol);
        else fn = eval(*call.a);
        print_value(call_value(fn, args, s.line), out);
        return;
      }
      case Stmt::K::FilterBlock: {
        std::string buf;
        exec_body(s.body, buf);
        Val v = Val::str(std::move(buf));
        print_value(eval_filter(*s.expr, &v), out);
        return;
      }
      case Stmt::K::Include: exec_include(s, out); return;
      case Stmt::K::Import: scope_->set(Symbol(s.text), import_template(s)); return;
      case Stmt::K::FromImport: {
        Val mod = import_template(s);
        auto* ns = mod.obj_as<Namespace>();
        for (const auto& [name, alias] : s.names) {
          Val* v = ns->find(name);
          // Jinja 3.1: a missing name is an undefined, failing when used.
          scope_->set(Symbol(alias), v ? *v
                               : Val::undefined(name, "the template '" + (current_ ? current_->name : std::string()) +
                                                          "' (imported on line " + std::to_string(s.line) +
                                                          ") does not export the requested name '" + name + "'"));
        }
        return;
      }
      case Stmt::K::Extends: fail("extends tag must be at the top level of the template");
      case Stmt::K::Block: exec_block(s, out); return;
      case Stmt::K::With: {
        auto sc = std::make_shared<Scope>();
        sc->parent = scope_;
        std::vector<std::pair<const Expr*, Val>> values;
        for (const auto& [target, expr] : s.assignments) values.emplace_back(target.get(), eval(*expr));
        ScopeGuard g(scope_, sc);
        for (auto& [target, v] : values) assign(*target, v);
        exec_body(s.body, out);
        return;
      }
      case Stmt::K::Do: eval(*s.expr); return;
    }
  } catch (const TemplateError& e) {
    if (e.located()) throw;
    rethrow_located(e, line_);
  } catch (const drover::Error& e) {
    rethrow_located(e, line_);
  } catch (const std::bad_alloc&) {
    rethrow_located(TemplateError(TemplateError::Kind::Runtime, "out of memory"), line_);
  } catch (const std::exception& e) {
    rethrow_located(e, line_);
  }
}

void Renderer::exec_if(const Stmt& s, std::string& out) {
  for (const auto& [cond, body] : s.branches) {
    line_ = cond->line;
    if (truth(*cond)) {
      exec_body(body, out);
      return;
    }
  }
  exec_body(s.else_body, out);
}

std::vector<Val> iterate(const Val& v) {
  std::vector<Val> items;
  switch (v.kind()) {
    case Val::Kind::Undefined:
      if (v.is_lenient_undefined()) return items;
      raise_undefined(v);
    case Val::Kind::Seq: return v.as_seq();
    case Val::Kind::Data: {
      const Value& d = v.as_data();
      items.reserve(d.size());
      if (d.is_array()) {
        for (const auto& e : d) items.push_back(Val::data_ref(&e, v.keeper()));
      } else {
        for (auto it = d.begin(); it != d.end(); ++it) items.push_back(Val::str_ref(&it.key(), v.keeper()));
      }
      return items;
    }
    case Val::Kind::Str: {
      const std::string& s = v.as_str();
      for (size_t i = 0; i < s.size();) {
        size_t n = 1;
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xF0) n = 4;
        else if (c >= 0xE0) n = 3;
        else if (c >= 0xC0) n = 2;
        items.push_back(Val::str(s.substr(i, n)));
        i += n;
      }
      return items;
    }
    default: fail_type("'" + type_name(v) + "' object is not iterable");
  }
}

void Renderer::exec_for(const Stmt& s, std::string& out) {
  exec_for_statement(*this, s, out);
}

void Renderer::assign(const Expr& target, const Val& v) {
  if (target.k == Expr::K::Name) {
    scope_->set(target.symbol, v);
    return;
  }
  if (target.k == Expr::K::Getattr) {
    Val ns = lookup(target.a->symbol);
    if (!ns.is_object(Object::Type::Namespace)) fail("cannot assign attribute on non-namespace object");
    ns.obj_as<Namespace>()->set(target.name, v);
    if (assigned_namespaces_.empty() || assigned_namespaces_.back().obj_as<Namespace>() != ns.obj_as<Namespace>())
      assigned_namespaces_.push_back(ns);
    return;
  }
  // tuple unpacking
  if (v.kind() == Val::Kind::Seq && v.as_seq().size() == target.items.size()) {
    const std::vector<Val>& seq = v.as_seq();  // (k, v) pairs of items()/dictsort: no copy
    for (size_t i = 0; i < seq.size(); ++i) assign(*target.items[i], seq[i]);
    return;
  }
  std::vector<Val> items = iterate(v);
  if (items.size() != target.items.size()) {
    if (items.size() > target.items.size())
      fail("too many values to unpack (expected " + std::to_string(target.items.size()) + ")");
    fail("not enough values to unpack (expected " + std::to_string(target.items.size()) + ", got " +
         std::to_string(items.size()) + ")");
  }
  for (size_t i = 0; i < items.size(); ++i) assign(*target.items[i], items[i]);
}

void Renderer::exec_block(const Stmt& s, std::string& out) {
  auto it = blocks_.find(s.text);
  const Stmt* def = &s;
  std::shared_ptr<const Template> owner = current_;
  size_t level = 0;
  if (it != blocks_.end() && !it->second.empty()) {
    def = it->second.front().first;
    owner = it->second.front().second;
  }
  if (def->required) fail("Required block '" + s.text + "' not found");
  DepthGuard g(depth_, opts_.max_recursion);
  auto sc = std::make_shared<Scope>();
  sc->parent = s.scoped ? scope_ : root_;
  ScopeGuard sg(scope_, sc);
  block_level_.emplace_back(s.text, level);
  auto saved = current_;
  current_ = owner;
  try {
    exec_body(def->body, out);
  } catch (...) {
    current_ = saved;
    block_level_.pop_back();
    throw;
  }
  current_ = saved;
  block_level_.pop_back();
}

std::shared_ptr<const Template> Renderer::load(const Val& name, bool ignore_missing) {
  std::vector<std::string> names;
  if (name.is_str()) names.push_back(name.as_str());
  else if (name.is_sequence())
    for (size_t i = 0; i < name.size(); ++i) names.push_back(to_str(name.at(i)));
  else if (name.is_undefined()) raise_undefined(name);
  else fail("template name must be a string, got " + type_name(name));
  std::vector<std::string> path = opts_.search_path;
  for (const auto& n : names) {
    std::string file = engine_.find_file(n, path);
    if (!file.empty()) return engine_.load_file(file, opts_.syntax);
  }
  if (ignore_missing) return nullptr;
  // Jinja2's own exceptions, which Ansible lets through unwrapped.
  if (names.size() == 1) fail_python("jinja2.exceptions.TemplateNotFound", names[0]);  // the message is the name
  std::string all;
  for (size_t i = 0; i < names.size(); ++i) all += (i ? ", " : "") + names[i];
  fail_python("jinja2.exceptions.TemplatesNotFound", "none of the templates given were found: " + all);
}

void Renderer::exec_include(const Stmt& s, std::string& out) {
  auto tpl = load(eval(*s.expr), s.ignore_missing);
  if (!tpl) return;
  DepthGuard g(depth_, opts_.max_recursion);
  auto sc = std::make_shared<Scope>();
  if (s.with_context) sc->parent = scope_;
  else sc->isolated = true;
  auto saved_root = root_;
  auto saved_blocks = std::move(blocks_);
  blocks_.clear();
  root_ = sc;
  ScopeGuard sg(scope_, sc);
  try {
    render(tpl, out);
  } catch (...) {
    root_ = saved_root;
    blocks_ = std::move(saved_blocks);
    throw;
  }
  root_ = saved_root;
  blocks_ = std::move(saved_blocks);
}

Val Renderer::import_template(const Stmt& s) {
  auto tpl = load(eval(*s.expr), false);
  DepthGuard g(depth_, opts_.max_recursion);
  auto sc = std::make_shared<Scope>();
  if (s.with_context) sc->parent = scope_;
  else sc->isolated = true;
  auto saved_root = root_;
  auto saved_blocks = std::move(blocks_);
  blocks_.clear();
  root_ = sc;
  std::string discard;
  {
    ScopeGuard sg(scope_, sc);
    try {
      render(tpl, discard);
    } catch (...) {
      root_ = saved_root;
      blocks_ = std::move(saved_blocks);
      throw;
    }
  }
  root_ = saved_root;
  blocks_ = std::move(saved_blocks);
  auto ns = std::make_shared<Namespace>();
  for (auto& [k, v] : sc->vars)
    if (!k.str().empty() && k.str()[0] != '_') ns->set(k.str(), v);
  return Val::object(std::move(ns));
}

Val Renderer::lookup_outside_scopes(Symbol symbol) {
  // A template imported or included without context sees no variables.
  const Scope* top = scope_.get();
  while (top->parent) top = top->parent.get();
  bool isolated = top->isolated;
  const std::string& name = symbol.str();
  if (!isolated)
    if (const Value* d = vars_.lookup(name)) return Val::data_ref(d);
  if (name == "self" && current_) return Val::object(std::make_shared<SelfRef>());
  if (name == "super" && !block_level_.empty()) {
    std::string bname = block_level_.back().first;
    size_t level = block_level_.back().second;
    auto it = blocks_.find(bname);
    if (it != blocks_.end() && level + 1 < it->second.size()) {
      size_t next = level + 1;
      return Val::object(std::make_shared<Callable>("super", [bname, next](Renderer& r, CallArgs&) {
        auto& entry = r.blocks_[bname][next];
        std::string buf;
        auto sc = std::make_shared<Scope>();
        sc->parent = r.root_;
        ScopeGuard sg(r.scope_, sc);
        r.block_level_.emplace_back(bname, next);
        auto saved = r.current_;
        r.current_ = entry.second;
        try {
          r.exec_body(entry.first->body, buf);
        } catch (...) {
          r.current_ = saved;
          r.block_level_.pop_back();
          throw;
        }
        r.current_ = saved;
        r.block_level_.pop_back();
        return Val::str(std::move(buf)).mark_safe();
      }));
    }
    return Val::undefined("super", "there is no parent block called '" + bname + "'.");
  }
  Val g = builtin_global(*this, name);
  if (!g.is_undefined()) return g;
  auto it = engine_.globals().find(name);
  if (it != engine_.globals().end()) {
    GlobalFunction fn = it->second;
    return Val::object(std::make_shared<Callable>(name, [fn](Renderer&, CallArgs& a) {
      std::vector<Value> pos;
      std::vector<std::pair<std::string, Value>> kw;
      for (const auto& v : a.pos) pos.push_back(v.to_value());
      for (const auto& [k, v] : a.kw) kw.emplace_back(k, v.to_value());
      return Val::data(fn(pos, kw));
    }));
  }
  return Val::undefined_ref(&name, false);  // an interned name lives as long as the process
}

namespace {
// `x.__class__`: Python's type of x (the idiom `x.__class__.__name__`).
Val class_of(const Val& obj) { return Val::object(std::make_shared<PyTypeObj>(type_name(obj))); }
}  // namespace

Val Renderer::getattr(const Val& obj, std::string_view name) {
  switch (obj.kind()) {
    case Val::Kind::Undefined: return obj;  // AnsibleUndefined: attributes of undefined stay undefined
    case Val::Kind::Data:
      if (obj.is_dict()) {
        if (is_method(obj, name)) return bound_method(obj, name);
        Val v = obj.get(name);
        if (!v.is_undefined()) return v;
        if (name == "__class__") return class_of(obj);
        return Val::missing_attribute("dict object", std::string(name));
      }
      break;
    case Val::Kind::Obj: {
      Object* o = obj.as_obj();
      if (o->type == Object::Type::Namespace) {
        if (Val* v = static_cast<Namespace*>(o)->find(name)) return *v;
      } else if (o->type == Object::Type::BlockRef) {
        std::string bname(name);
        if (!blocks_.count(bname)) break;
        return Val::object(std::make_shared<Callable>(bname, [bname](Renderer& r, CallArgs&) {
          std::string buf;
          for (const auto& [st, tpl] : r.blocks_[bname]) {
            (void)tpl;
            r.exec_block(*st, buf);
            break;
          }
          return Val::str(std::move(buf)).mark_safe();
        }));
      } else if (o->type == Object::Type::PyType) {
        if (name == "__name__") return Val::str(static_cast<PyTypeObj*>(o)->name);
      } else if (o->type == Object::Type::DateTime || o->type == Object::Type::TimeDelta) {
        Val v = datetime_attr(obj, name);
        if (!v.is_undefined()) return v;
      } else {
        Val v = special_attr(*this, obj, name);
        if (!v.is_undefined()) return v;
      }
      break;
    }
    case Val::Kind::Int:
    case Val::Kind::BigInt:
    case Val::Kind::Float:
    case Val::Kind::Bool:
      if (name == "real") return obj.is_float() || obj.is_big_int() ? obj : Val::integer(obj.as_int());
      if (name == "imag") return obj.is_float() ? Val::flt(0.0) : Val::integer(0);
      break;
    default: break;
  }
  if (is_method(obj, name)) return bound_method(obj, name);
  if (obj.is_tuple() && obj.size() == 2) {
    // groupby() yields namedtuples (grouper, list)
    if (name == "grouper") return obj.at(0);
    if (name == "list") return obj.at(1);
  }
  if (name.size() == 9 && name == "__class__") return class_of(obj);
  return Val::undefined(std::string(name),
                        "'" + object_type_repr(obj) + "' has no attribute '" + std::string(name) + "'");
}

}  // namespace drover::tmpl
