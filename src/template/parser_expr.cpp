// Jinja2 expressions: precedence climbing from conditional expressions
// down to literals, subscripts, calls, filters and tests (the Parser
// methods declared in parser_impl.hpp).
#include "template/builtins.hpp"
#include "template/methods.hpp"
#include "template/parser_impl.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {

ExprPtr Parser::parse_expression(bool with_condexpr) {
  return with_condexpr ? parse_condexpr() : parse_or();
}

ExprPtr Parser::parse_condexpr() {
  int line = cur().line;
  ExprPtr e1 = parse_or();
  while (skip_name("if")) {
    auto ce = std::make_unique<Expr>(Expr::K::CondExpr, line);
    ce->b = parse_or();  // condition
    if (skip_name("else")) ce->c = parse_condexpr();
    ce->a = std::move(e1);
    e1 = std::move(ce);
  }
  return e1;
}

ExprPtr Parser::parse_or() {
  int line = cur().line;
  ExprPtr l = parse_and();
  while (skip_name("or")) {
    auto n = std::make_unique<Expr>(Expr::K::Or, line);
    n->a = std::move(l);
    n->b = parse_and();
    l = std::move(n);
  }
  return l;
}

ExprPtr Parser::parse_and() {
  int line = cur().line;
  ExprPtr l = parse_not();
  while (skip_name("and")) {
    auto n = std::make_unique<Expr>(Expr::K::And, line);
    n->a = std::move(l);
    n->b = parse_not();
    l = std::move(n);
  }
  return l;
}

ExprPtr Parser::parse_not() {
  if (is_name("not")) {
    int line = cur().line;
    next();
    auto n = std::make_unique<Expr>(Expr::K::Not, line);
    n->a = parse_not();
    return n;
  }
  return parse_compare();
}

ExprPtr Parser::parse_compare() {
  int line = cur().line;
  ExprPtr e = parse_math1();
  std::vector<std::pair<std::string, ExprPtr>> ops;
  for (;;) {
    if (cur().type == Tok::Op &&
        (cur().text == "==" || cur().text == "!=" || cur().text == "<" || cur().text == ">" ||
         cur().text == "<=" || cur().text == ">=")) {
      std::string op = cur().text;
      next();
      ops.emplace_back(op, parse_math1());
    } else if (skip_name("in")) {
      ops.emplace_back("in", parse_math1());
    } else if (is_name("not") && peek().type == Tok::Name && peek().text == "in") {
      next();
      next();
      ops.emplace_back("notin", parse_math1());
    } else {
      break;
    }
  }
  if (ops.empty()) return e;
  auto c = std::make_unique<Expr>(Expr::K::Compare, line);
  c->a = std::move(e);
  c->ops = std::move(ops);
  return c;
}

ExprPtr Parser::binary(const std::string& op, ExprPtr l, ExprPtr r, int line) {
  auto n = std::make_unique<Expr>(Expr::K::Binary, line);
  n->name = op;
  n->a = std::move(l);
  n->b = std::move(r);
  return n;
}

ExprPtr Parser::parse_math1() {
  int line = cur().line;
  ExprPtr l = parse_concat();
  while (is_op("+") || is_op("-")) {
    std::string op = cur().text;
    next();
    l = binary(op, std::move(l), parse_concat(), line);
  }
  return l;
}

ExprPtr Parser::parse_concat() {
  int line = cur().line;
  ExprPtr first = parse_math2();
  if (!is_op("~")) return first;
  auto c = std::make_unique<Expr>(Expr::K::Concat, line);
  c->items.push_back(std::move(first));
  while (skip_op("~")) c->items.push_back(parse_math2());
  return c;
}

ExprPtr Parser::parse_math2() {
  int line = cur().line;
  ExprPtr l = parse_pow();
  while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
    std::string op = cur().text;
    next();
    l = binary(op, std::move(l), parse_pow(), line);
  }
  return l;
}

ExprPtr Parser::parse_pow() {
  int line = cur().line;
  ExprPtr l = parse_unary();
  while (skip_op("**")) l = binary("**", std::move(l), parse_unary(), line);
  return l;
}

ExprPtr Parser::parse_unary(bool with_filter) {
  int line = cur().line;
  ExprPtr node;
  if (skip_op("-")) {
    node = std::make_unique<Expr>(Expr::K::Neg, line);
    node->a = parse_unary(false);
  } else if (skip_op("+")) {
    node = std::make_unique<Expr>(Expr::K::Pos, line);
    node->a = parse_unary(false);
  } else {
    node = parse_primary();
  }
  node = parse_postfix(std::move(node));
  if (with_filter) node = parse_filter_expr(std::move(node));
  return node;
}

ExprPtr Parser::constant(Val v, int line) {
  auto c = std::make_unique<Expr>(Expr::K::Const, line);
  c->constant = std::move(v);
  return c;
}

ExprPtr Parser::parse_primary() {
  const Token& tk = cur();
  int line = tk.line;
  if (++depth_ > 200) fail_at("expression nested too deeply", line);
  struct DepthGuard {
    int& d;
    ~DepthGuard() { --d; }
  } guard{depth_};
  switch (tk.type) {
    case Tok::Name: {
      const std::string& n = tk.text;
      if (n == "true" || n == "True") { next(); return constant(Val::boolean(true), line); }
      if (n == "false" || n == "False") { next(); return constant(Val::boolean(false), line); }
      if (n == "none" || n == "None") { next(); return constant(Val::none(), line); }
      auto e = std::make_unique<Expr>(Expr::K::Name, line);
      e->name = n;
      e->symbol = Symbol(n);
      next();
      return e;
    }
    case Tok::String: {
      std::string s = tk.text;
      next();
      while (cur().type == Tok::String) {
        s += cur().text;
        next();
      }
      return constant(Val::str(std::move(s)), line);
    }
    case Tok::Int: {
      Val v = Val::integer(tk.ival);
      if (tk.big_base) {
        std::string_view digits(tk.text);
        if (tk.big_base != 10) digits.remove_prefix(2);
        v = Val::big_integer(BigInt::parse(digits, tk.big_base).value_or(BigInt()));
      }
      next();
      return constant(std::move(v), line);
    }
    case Tok::Float: {
      auto v = tk.fval;
      next();
      return constant(Val::flt(v), line);
    }
    case Tok::Op:
      if (tk.text == "(") {
        next();
        ExprPtr e = parse_tuple(false, true);
        expect_op(")");
        return e;
      }
      if (tk.text == "[") return parse_list();
      if (tk.text == "{") return parse_dict();
      break;
    default: break;
  }
  if (tk.type == Tok::Eof || tk.type == Tok::VarEnd || tk.type == Tok::BlockEnd) {
    if (tk.type == Tok::Eof) fail_at("unexpected end of template, expected 'end of print statement'.", line);
  }
  fail_at("unexpected " + quoted(tk), line);
}

ExprPtr Parser::parse_tuple(bool simplified, bool explicit_parens, std::vector<std::string> extra_end,
                            bool names_only, bool with_condexpr) {
  int line = cur().line;
  std::vector<ExprPtr> items;
  bool is_tuple = false;
  auto ends_here = [&]() {
    if (cur().type == Tok::VarEnd || cur().type == Tok::BlockEnd || cur().type == Tok::Eof) return true;
    if (is_op(")")) return true;
    if (cur().type == Tok::Name) {
      if (cur().text == "in" && names_only) return true;
      for (const auto& e : extra_end)
        if (cur().text == e) return true;
    }
    return false;
  };
  for (;;) {
    if (!items.empty()) {
      if (!skip_op(",")) break;
      is_tuple = true;
    }
    if (ends_here()) break;
    if (names_only) {
      if (is_op("(")) {
        next();
        items.push_back(parse_tuple(true, true, {}, true));
        expect_op(")");
      } else {
        auto n = std::make_unique<Expr>(Expr::K::Name, cur().line);
        n->name = expect_name();
        n->symbol = Symbol(n->name);
        items.push_back(std::move(n));
      }
    } else if (simplified) {
      items.push_back(parse_primary());
    } else {
      items.push_back(parse_expression(with_condexpr));
    }
  }
  if (!is_tuple) {
    if (!items.empty()) return std::move(items[0]);
    if (!explicit_parens) {
      if (cur().type == Tok::Eof) fail_at("unexpected end of template, expected 'end of print statement'.", line);
      fail_at("Expected an expression, got " + quoted(cur()), line);
    }
  }
  auto t = std::make_unique<Expr>(Expr::K::Tuple, line);
  t->items = std::move(items);
  return t;
}

ExprPtr Parser::parse_list() {
  int line = cur().line;
  expect_op("[");
  auto l = std::make_unique<Expr>(Expr::K::List, line);
  while (!is_op("]")) {
    if (!l->items.empty()) expect_op(",");
    if (is_op("]")) break;
    l->items.push_back(parse_expression());
  }
  expect_op("]");
  return l;
}

ExprPtr Parser::parse_dict() {
  int line = cur().line;
  expect_op("{");
  auto d = std::make_unique<Expr>(Expr::K::Dict, line);
  while (!is_op("}")) {
    if (!d->items.empty()) expect_op(",");
    if (is_op("}")) break;
    d->items.push_back(parse_expression());
    expect_op(":");
    d->items.push_back(parse_expression());
  }
  expect_op("}");
  return d;
}

ExprPtr Parser::parse_postfix(ExprPtr node) {
  for (;;) {
    if (is_op(".") || is_op("[")) node = parse_subscript(std::move(node));
    else if (is_op("(")) node = parse_call(std::move(node));
    else break;
  }
  return node;
}

ExprPtr Parser::parse_filter_expr(ExprPtr node) {
  for (;;) {
    if (is_op("|")) node = parse_filter(std::move(node));
    else if (is_name("is")) node = parse_test(std::move(node));
    else if (is_op("(")) node = parse_call(std::move(node));
    else break;
  }
  return node;
}

ExprPtr Parser::parse_subscript(ExprPtr node) {
  int line = cur().line;
  if (skip_op(".")) {
    if (cur().type == Tok::Name) {
      auto g = std::make_unique<Expr>(Expr::K::Getattr, line);
      g->name = cur().text;
      g->dict_method = is_dict_method_name(g->name);
      g->a = std::move(node);
      next();
      return g;
    }
    if (cur().type != Tok::Int) fail_at("expected name or number", line);
    auto g = std::make_unique<Expr>(Expr::K::Getitem, line);
    g->a = std::move(node);
    g->b = constant(Val::integer(cur().ival), line);
    next();
    return g;
  }
  expect_op("[");
  std::vector<ExprPtr> args;
  while (!is_op("]")) {
    if (!args.empty()) {
      expect_op(",");
      if (is_op("]")) break;
    }
    args.push_back(parse_subscribed());
  }
  expect_op("]");
  auto g = std::make_unique<Expr>(Expr::K::Getitem, line);
  g->a = std::move(node);
  if (args.size() == 1) {
    g->b = std::move(args[0]);
  } else {
    auto t = std::make_unique<Expr>(Expr::K::Tuple, line);
    t->items = std::move(args);
    g->b = std::move(t);
  }
  return g;
}

ExprPtr Parser::parse_subscribed() {
  int line = cur().line;
  ExprPtr start;
  if (is_op(":")) {
    next();
  } else {
    start = parse_expression();
    if (!is_op(":")) return start;
    next();
  }
  auto s = std::make_unique<Expr>(Expr::K::Slice, line);
  s->a = std::move(start);
  if (!is_op("]") && !is_op(",") && !is_op(":")) s->b = parse_expression();
  if (skip_op(":")) {
    if (!is_op("]") && !is_op(",")) s->c = parse_expression();
  }
  return s;
}

void Parser::parse_call_args(Expr& call) {
  expect_op("(");
  bool require_comma = false;
  while (!is_op(")")) {
    if (require_comma) {
      expect_op(",");
      if (is_op(")")) break;
    }
    int line = cur().line;
    if (skip_op("*")) {
      if (call.dyn_args || call.dyn_kwargs) fail_at("invalid syntax for function call expression", line);
      call.dyn_args = parse_expression();
    } else if (skip_op("**")) {
      if (call.dyn_kwargs) fail_at("invalid syntax for function call expression", line);
      call.dyn_kwargs = parse_expression();
    } else if (cur().type == Tok::Name && peek().type == Tok::Op && peek().text == "=") {
      if (call.dyn_kwargs) fail_at("invalid syntax for function call expression", line);
      std::string key = cur().text;
      next();
      next();
      call.kwargs.emplace_back(key, parse_expression());
    } else {
      if (call.dyn_args || call.dyn_kwargs || !call.kwargs.empty())
        fail_at("invalid syntax for function call expression", line);
      call.items.push_back(parse_expression());
    }
    require_comma = true;
  }
  expect_op(")");
}

ExprPtr Parser::parse_call(ExprPtr node) {
  auto c = std::make_unique<Expr>(Expr::K::Call, cur().line);
  c->a = std::move(node);
  parse_call_args(*c);
  return c;
}

ExprPtr Parser::parse_filter(ExprPtr node, bool start_inline) {
  while (is_op("|") || start_inline) {
    if (!start_inline) next();
    else if (is_op("|")) next();
    start_inline = false;
    int line = cur().line;
    std::string name = expect_name();
    while (skip_op(".")) name += "." + expect_name();
    auto f = std::make_unique<Expr>(Expr::K::Filter, line);
    f->name = name;
    f->a = std::move(node);
    f->filter = find_filter(name);
    // Ansible loads filters while compiling: unknown names fail even in
    // branches that never run.
    if (!f->filter) fail_at("Could not load \"" + name + "\": '" + name + "'", line);
    if (is_op("(")) parse_call_args(*f);
    if (f->filter == find_filter("default") && f->items.size() == 1 && f->kwargs.empty() && !f->dyn_args &&
        !f->dyn_kwargs && inert(*f->items[0]))
      f->fast = Expr::Fast::Default;
    node = std::move(f);
  }
  return node;
}

ExprPtr Parser::parse_test(ExprPtr node) {
  int line = cur().line;
  next();  // is
  bool negated = skip_name("not");
  std::string name = expect_name();
  while (skip_op(".")) name += "." + expect_name();
  auto t = std::make_unique<Expr>(Expr::K::Test, line);
  t->name = name;
  t->negated = negated;
  t->a = std::move(node);
  t->test = find_test(name);
  if (!t->test) fail_at("Could not load \"" + name + "\": '" + name + "'", line);
  if (is_op("(")) {
    parse_call_args(*t);
  } else if ((cur().type == Tok::Name || cur().type == Tok::String || cur().type == Tok::Int ||
              cur().type == Tok::Float || is_op("[") || is_op("{")) &&
             !(cur().type == Tok::Name && (cur().text == "else" || cur().text == "or" || cur().text == "and"))) {
    if (is_name("is")) fail_at("You cannot chain multiple tests with is", line);
    ExprPtr arg = parse_postfix(parse_primary());
    t->items.push_back(std::move(arg));
  }
  if (t->items.empty() && t->kwargs.empty() && !t->dyn_args && !t->dyn_kwargs) {
    if (t->test == find_test("defined")) t->fast = Expr::Fast::Defined;
    else if (t->test == find_test("undefined")) t->fast = Expr::Fast::Undefined;
  }
  return t;
}

bool Parser::inert(const Expr& e) {
  if (e.k == Expr::K::Const || e.k == Expr::K::Name) return true;
  return e.k == Expr::K::Getattr && inert(*e.a);
}

}  // namespace drover::tmpl
