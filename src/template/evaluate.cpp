// Expression evaluation.
#include <cctype>
#include <cmath>

#include "core/pyrepr.hpp"

#include "template/builtins.hpp"
#include "template/lexer.hpp"
#include "template/methods.hpp"
#include "template/operators.hpp"
#include "template/parser.hpp"
#include "template/renderer.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"

namespace drover::tmpl {

// The kinds every template uses are here; the rest is in eval_rare so that
// this function stays small (its frame is paid on every node).
Val Renderer::eval(const Expr& e) {
  switch (e.k) {
    case Expr::K::Const: return e.constant;
    case Expr::K::Name: return lookup(e.symbol);
    case Expr::K::Getattr: {
      line_ = e.line;
      // name.attr: the object is read in place, not copied out of its scope.
      if (e.a->k == Expr::K::Name)
        if (const Val* obj = scope_->find(e.a->symbol)) return eval_attribute(*obj, e);
      return eval_attribute(eval(*e.a), e);
    }
    case Expr::K::Call: return eval_call(e);
    case Expr::K::Filter: return eval_filter(e, nullptr);
    case Expr::K::Not: return Val::boolean(!eval(*e.a).truthy());
    case Expr::K::Compare: return eval_compare(e);
    case Expr::K::And: {
      Val l = eval(*e.a);
      if (!l.truthy()) return l;
      return eval(*e.b);
    }
    case Expr::K::Or: {
      Val l = eval(*e.a);
      if (l.truthy()) return l;
      return eval(*e.b);
    }
    default: return eval_rare(e);
  }
}

Val Renderer::eval_attribute(const Val& obj, const Expr& e) {
  if (obj.is_dict() && !e.dict_method) {
    if (const Value* v = find_member(obj.as_data(), e.name, e.member_slot)) return Val::data_ref(v, obj.keeper());
    if (e.name.size() == 9 && e.name == "__class__") return getattr(obj, e.name);
    return Val::undefined_ref(&e.name, true);
  }
  return getattr(obj, e.name);
}

Val Renderer::eval_rare(const Expr& e) {
  switch (e.k) {
    case Expr::K::Const:
    case Expr::K::Name:
    case Expr::K::Getattr:
    case Expr::K::Call:
    case Expr::K::Filter:
    case Expr::K::Not:
    case Expr::K::Compare:
    case Expr::K::And:
    case Expr::K::Or: return eval(e);
    case Expr::K::List: {
      std::vector<Val> items;
      items.reserve(e.items.size());
      bool plain = true;
      for (const auto& i : e.items) {
        items.push_back(eval(*i));
        if (items.back().is_obj() || items.back().is_undefined() || items.back().is_tuple()) plain = false;
      }
      if (!plain) return Val::seq(std::move(items));
      Value out = Value::array();
      for (const auto& v : items) out.push_back(v.to_value());
      return Val::data(std::move(out));
    }
    case Expr::K::Tuple: {
      std::vector<Val> items;
      items.reserve(e.items.size());
      for (const auto& i : e.items) items.push_back(eval(*i));
      return Val::seq(std::move(items), true);
    }
    case Expr::K::Dict: {
      Value out = Value::object();
      for (size_t i = 0; i + 1 < e.items.size(); i += 2) {
        Val k = eval(*e.items[i]);
        Val v = eval(*e.items[i + 1]);
        if (k.is_undefined()) raise_undefined(k);
        std::string key = k.is_str() ? k.as_str() : to_str(k);
        out[key] = v.to_value();
      }
      return Val::data(std::move(out));
    }
    case Expr::K::Getitem: {
      Val obj = eval(*e.a);
      if (e.b->k == Expr::K::Slice) {
        const Expr& s = *e.b;
        return slice_value(obj, s.a ? eval(*s.a) : Val::none(), s.b ? eval(*s.b) : Val::none(),
                           s.c ? eval(*s.c) : Val::none());
      }
      return getitem(obj, eval(*e.b));
    }
    case Expr::K::Slice: fail("slice outside of a subscript");
    case Expr::K::Test: {
      if (e.fast != Expr::Fast::None) {
        bool defined = !eval(*e.a).is_undefined();
        return Val::boolean((e.fast == Expr::Fast::Defined) == defined ? !e.negated : e.negated);
      }
      Val input = eval(*e.a);
      CallArgs args;
      take_pooled(args);
      eval_args(e, args);
      args.fn_name = e.name.c_str();
      bool r;
      if (e.test) r = e.test(*this, input, args);
      else r = apply_test(e.name, input, args);
      give_back(args);
      return Val::boolean(e.negated ? !r : r);
    }
    case Expr::K::Neg: return negate(eval(*e.a));
    case Expr::K::Pos: {
      Val v = eval(*e.a);
      if (v.is_undefined()) raise_undefined(v);
      if (!v.is_number()) fail("bad operand type for unary +: '" + type_name(v) + "'");
      return v.is_bool() ? Val::integer(v.as_int()) : v;
    }
    case Expr::K::Binary: return binary_op(e.name, eval(*e.a), eval(*e.b));
    case Expr::K::CondExpr: {
      if (eval(*e.b).truthy()) return eval(*e.a);
      if (e.c) return eval(*e.c);
      return Val::lenient_undefined("the inline if-expression on line " + std::to_string(e.line) +
                                    " evaluated to false and no else section was defined.");
    }
    case Expr::K::Concat: {
      std::string out;
      for (const auto& p : e.items) str_append(out, eval(*p));
      return Val::str(std::move(out));
    }
  }
  return Val();
}

Val Renderer::eval_compare(const Expr& e) {
  Val left = eval(*e.a);
  for (const auto& [op, rhs] : e.ops) {
    Val right = eval(*rhs);
    bool r;
    if (op == "==") r = equals(left, right);
    else if (op == "!=") r = !equals(left, right);
    else if (op == "in") r = contains(right, left);
    else if (op == "notin") r = !contains(right, left);
    else {
      int c;
      try {
        c = compare(left, right);
      } catch (const TemplateError&) {
        fail_type("'" + op + "' not supported between instances of '" + type_name(left) + "' and '" + type_name(right) + "'");
      }
      if (op == "<") r = c < 0;
      else if (op == ">") r = c > 0;
      else if (op == "<=") r = c <= 0;
      else r = c >= 0;
    }
    if (!r) return Val::boolean(false);
    left = std::move(right);
  }
  return Val::boolean(true);
}

void Renderer::eval_args(const Expr& e, CallArgs& args) {
  for (const auto& a : e.items) args.pos.push_back(eval(*a));
  for (const auto& [k, v] : e.kwargs) args.kw.emplace_back(k, eval(*v));
  if (e.dyn_args) {
    Val extra = eval(*e.dyn_args);
    for (auto& v : iterate(extra)) args.pos.push_back(std::move(v));
  }
  if (e.dyn_kwargs) {
    Val extra = eval(*e.dyn_kwargs);
    if (!extra.is_dict()) fail("argument after ** must be a mapping, not " + type_name(extra));
    for (const auto& k : extra.keys()) args.kw.emplace_back(k, extra.get(k));
  }
}

Val Renderer::eval_call(const Expr& e, std::string* direct) {
  line_ = e.line;
  if (direct && e.a->k == Expr::K::Name && e.kwargs.empty() && !e.dyn_args && !e.dyn_kwargs) {
    // {{ macro(x, y) }}: the macro is used where it is stored, not copied
    // (that scope outlives the call: a call binds names in new scopes only).
    const Val* fn = scope_->find(e.a->symbol);
    if (fn && fn->is_object(Object::Type::Macro)) {
      MacroObj& m = *fn->obj_as<MacroObj>();
      if (e.items.size() <= m.def->args.size()) {
        call_macro_positional(m, e, *direct);
        return Val::none();
      }
    }
  }
  CallArgs args;
  take_pooled(args);
  Val fn;
  if (e.a->k == Expr::K::Getattr) {
    Val obj = eval(*e.a->a);
    const std::string& name = e.a->name;
    if (obj.is_undefined()) raise_undefined(obj);
    if (!obj.is_obj() && is_method(obj, name)) {
      eval_args(e, args);
      args.fn_name = name.c_str();
      Val r = call_method(*this, obj, name, args);
      give_back(args);
      return r;
    }
    fn = getattr(obj, name);
  } else {
    fn = eval(*e.a);
  }
  eval_args(e, args);
  if (direct && fn.is_object(Object::Type::Macro)) {
    call_macro_into(*fn.obj_as<MacroObj>(), args, e.line, *direct);
    give_back(args);
    return Val::none();
  }
  Val r = call_value(fn, args, e.line);
  give_back(args);
  return r;
}

Val Renderer::eval_filter(const Expr& e, const Val* input_override) {
  if (e.fast == Expr::Fast::Default && e.a && !input_override) {
    Val input = eval(*e.a);
    if (!input.is_undefined()) return input;
    return eval(*e.items[0]);
  }
  Val input;
  if (e.a) input = e.a->k == Expr::K::Filter && !e.a->a && input_override ? eval_filter(*e.a, input_override)
                                                                         : eval(*e.a);
  else if (input_override) input = *input_override;
  CallArgs args;
  take_pooled(args);
  eval_args(e, args);
  args.fn_name = e.name.c_str();
  line_ = e.line;
  Val out = e.filter ? e.filter(*this, input, args) : apply_filter(e.name, input, args);
  give_back(args);
  // Ansible's STRING_TYPE_FILTERS: results stay text (NativeJinjaText),
  // in every environment (type_debug tells).
  // Every such name starts with 's', 't', 'p' or 'j': most filters are
  // told apart by that one byte.
  const std::string& n = e.name;
  char c = n.empty() ? '\0' : n[0];
  if ((c == 's' || c == 't' || c == 'p' || c == 'j') &&
      (n == "string" || n == "to_json" || n == "to_nice_json" || n == "to_yaml" || n == "to_nice_yaml" ||
       n == "ppretty" || n == "json")) {
    if (!out.is_str()) out = Val::str(to_str(out));
    out.mark_native_text();
  }
  return out;
}

Val Renderer::eval_root(const std::shared_ptr<const Template>& tpl) {
  current_ = tpl;
  const Expr& e = *tpl->single_expression;
  line_ = e.line;
  try {
    return eval(e);
  } catch (const TemplateError& err) {
    if (err.located()) throw;
    rethrow_located(err, line_);
  } catch (const std::exception& err) {
    rethrow_located(err, line_);
  }
}

Val Renderer::apply_filter(const std::string& name, const Val& input, CallArgs& args) {
  FilterFn f = find_filter(name);
  if (!f) fail("No filter named '" + name + "'.");
  args.fn_name = name.c_str();
  return f(*this, input, args);
}

bool Renderer::apply_test(const std::string& name, const Val& input, CallArgs& args) {
  TestFn t = find_test(name);
  if (!t) {
    // Ansible's plugin loader refuses a name that is no identifier (the
    // string argument of select/selectattr can be anything).
    bool identifier = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name) identifier = identifier && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
    if (!identifier)
      fail("TemplateSyntaxError: Could not load \"" + name + "\": 'invalid plugin name: ansible.builtin." + name + "'");
    fail("No test named '" + name + "'.");
  }
  args.fn_name = name.c_str();
  return t(*this, input, args);
}

Val Renderer::getitem(const Val& obj, const Val& key) {
  if (obj.is_undefined()) return obj;
  if (key.is_undefined()) raise_undefined(key);
  if (obj.is_dict()) {
    if (key.is_str()) {
      Val v = obj.get(key.as_str());
      if (!v.is_undefined()) return v;
      if (is_method(obj, key.as_str())) return bound_method(obj, key.as_str());
      return Val::undefined(key.as_str(), "'dict object' has no attribute '" + key.as_str() + "'");
    }
    // JSON dicts have string keys only: an int/bool/None key never matches.
    return Val::undefined(repr(key), "'dict object' has no element " + repr(key));
  }
  if (obj.is_sequence() || obj.is_str()) {
    if (key.is_int() || key.is_bool()) {
      int64_t i = key.as_int();
      int64_t n = static_cast<int64_t>(obj.is_str() ? utf8_length(obj.as_str()) : obj.size());
      if (i < 0) i += n;
      if (i < 0 || i >= n)
        return Val::undefined(repr(key), "'" + object_type_repr(obj) + "' has no element " + repr(key));
      if (obj.is_str()) {
        std::u32string u = utf8_decode(obj.as_str());
        return Val::str(utf8_encode(u.substr(static_cast<size_t>(i), 1)));
      }
      return obj.at(static_cast<size_t>(i));
    }
    if (key.is_str()) return getattr(obj, key.as_str());
    return Val::undefined(repr(key), "'" + object_type_repr(obj) + "' has no element " + repr(key));
  }
  if (key.is_str()) return getattr(obj, key.as_str());
  return Val::undefined(repr(key), "'" + object_type_repr(obj) + "' has no element " + repr(key));
}

// ---- Python literals (ast.literal_eval) for Ansible's eval concat

namespace {
std::optional<Value> literal_from(const Expr& e) {
  switch (e.k) {
    case Expr::K::Const: return e.constant.to_value();
    case Expr::K::Name:
      if (e.name == "true") return Value(true);
      if (e.name == "false") return Value(false);
      if (e.name == "null") return Value(nullptr);
      return std::nullopt;
    case Expr::K::List:
    case Expr::K::Tuple: {
      Value out = Value::array();
      for (const auto& i : e.items) {
        auto v = literal_from(*i);
        if (!v) return std::nullopt;
        out.push_back(std::move(*v));
      }
      return out;
    }
    case Expr::K::Dict: {
      Value out = Value::object();
      for (size_t i = 0; i + 1 < e.items.size(); i += 2) {
        auto k = literal_from(*e.items[i]);
        auto v = literal_from(*e.items[i + 1]);
        if (!k || !v) return std::nullopt;
        std::string key = k->is_string() ? k->get<std::string>() : drover::python_repr(*k);
        out[key] = std::move(*v);
      }
      return out;
    }
    case Expr::K::Neg: {
      if (e.a->k != Expr::K::Const) return std::nullopt;
      const Val& c = e.a->constant;
      if (c.is_integral()) return big_int_value(-c.to_big());
      if (c.is_float()) return Value(-c.as_float());
      return std::nullopt;
    }
    case Expr::K::Pos: {
      if (e.a->k != Expr::K::Const || !(e.a->constant.is_int() || e.a->constant.is_big_int() || e.a->constant.is_float()))
        return std::nullopt;
      return e.a->constant.to_value();
    }
    default: return std::nullopt;
  }
}

// Jinja spells some things Python does not: only these names are literals
// (true/false/null too after Ansible's Json2Python, `json_names`), and a
// decimal integer may not have leading zeros ("0755" is Python's
// SyntaxError, not 755).
bool python_literal_tokens_ok(std::string_view text, bool json_names) {
  SyntaxOptions o;
  std::string src = "{{ " + std::string(text) + " }}";
  for (const auto& t : tokenize(src, o, "<literal>")) {
    if (t.type == Tok::Name && t.text != "True" && t.text != "False" && t.text != "None" &&
        !(json_names && (t.text == "true" || t.text == "false" || t.text == "null")))
      return false;
    if (t.type == Tok::Int && t.text.size() > 1 && t.text[0] == '0' &&
        std::isdigit(static_cast<unsigned char>(t.text[1])) && t.text.find_first_of("123456789") != std::string::npos)
      return false;
    if (t.type == Tok::Op && (t.text == "~" || t.text == "|" || t.text == "." || t.text == "*" ||
                              t.text == "/" || t.text == "%" || t.text == "//" || t.text == "**"))
      return false;
  }
  return true;
}

bool pythonic(const Expr& x) {
  switch (x.k) {
    case Expr::K::Const:
    case Expr::K::Name: return true;
    case Expr::K::List:
    case Expr::K::Tuple:
    case Expr::K::Dict:
      for (const auto& i : x.items)
        if (!pythonic(*i)) return false;
      return true;
    case Expr::K::Neg:
    case Expr::K::Pos: return x.a->k == Expr::K::Const;
    default: return false;
  }
}
}  // namespace

std::optional<Value> python_literal_eval(std::string_view text, bool json_names) {
  try {
    // ast.parse(" 1") is an IndentationError.
    if (!text.empty() && (text[0] == ' ' || text[0] == '\t')) return std::nullopt;
    if (!python_literal_tokens_ok(text, json_names)) return std::nullopt;
    SyntaxOptions o;
    std::string name = "<literal>";
    std::string src(text);
    // Python allows surrounding whitespace... but literal_eval(" [1]") is an
    // IndentationError; text here always starts with [ { T F.
    auto tpl = parse_expression_template(src, name);
    const Expr* e = tpl->single_expression;
    if (!e) return std::nullopt;
    if (!pythonic(*e)) return std::nullopt;
    return literal_from(*e);
  } catch (const TemplateError&) {
    return std::nullopt;
  }
}

Value literal_eval_or_string(const std::string& text) {
  if (!text.empty() && (text[0] == '[' || text[0] == '{' || text == "True" || text == "False")) {
    if (text == "True") return Value(true);
    if (text == "False") return Value(false);
    auto v = python_literal_eval(text, true);
    if (v) return *v;
  }
  return Value(text);
}

Value native_literal_or_string(const std::string& text) {
  // Only text that starts like a Python literal is parsed: most strings are
  // words and cost one comparison here.
  if (text.empty()) return Value(text);
  unsigned char c = static_cast<unsigned char>(text[0]);
  bool may = std::isdigit(c) || c == '\'' || c == '"' || c == '[' || c == '{' || c == '(' || c == '-' || c == '+' ||
             c == '.' || c == '\n' || text.rfind("None", 0) == 0 || text.rfind("True", 0) == 0 ||
             text.rfind("False", 0) == 0;
  if (!may) return Value(text);
  auto v = python_literal_eval(text, false);
  if (!v) return Value(text);
  // A string literal keeps the quote it was written with (ansible-core
  // 2.14: "'{{ x }}'" stays "'2'", not "2").
  if (v->is_string()) return Value(text.substr(0, 1) + v->get_ref<const ValueString&>() + text.substr(0, 1));
  return *v;
}

}  // namespace drover::tmpl
