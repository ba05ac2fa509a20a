#include "template/parser.hpp"

#include <set>

#include "template/builtins.hpp"
#include "template/methods.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

const std::set<std::string> kStatementKeywords = {
    "for", "if", "block", "extends", "print", "macro", "include", "from", "import", "set", "with",
    "autoescape", "filter", "call"};  // no "do": Ansible does not load the extension

class Parser {
 public:
  Parser(std::vector<Token> toks, const std::string& name) : t_(std::move(toks)), name_(name) {}

  std::unique_ptr<Template> parse() {
    auto tpl = std::make_unique<Template>();
    tpl->name = name_;
    tpl_ = tpl.get();
    tpl->body = subparse({});
    if (tpl->body.size() == 1 && tpl->body[0]->k == Stmt::K::Print)
      tpl->single_expression = tpl->body[0]->expr.get();
    return tpl;
  }

  std::unique_ptr<Template> parse_expr_only() {
    auto tpl = std::make_unique<Template>();
    tpl->name = name_;
    tpl_ = tpl.get();
    auto st = std::make_unique<Stmt>(Stmt::K::Print, cur().line);
    st->expr = parse_tuple();
    if (cur().type != Tok::Eof) fail_at("unexpected " + quoted(cur()), cur().line);
    tpl->single_expression = st->expr.get();
    tpl->body.push_back(std::move(st));
    return tpl;
  }

 private:
  // ---- token helpers
  const Token& cur() const { return t_[p_]; }
  const Token& peek(size_t n = 1) const { return t_[std::min(p_ + n, t_.size() - 1)]; }
  void next() {
    if (p_ + 1 < t_.size()) ++p_;
  }
  bool is_op(const char* op) const { return cur().type == Tok::Op && cur().text == op; }
  bool is_name(const char* n) const { return cur().type == Tok::Name && cur().text == n; }
  bool skip_op(const char* op) {
    if (!is_op(op)) return false;
    next();
    return true;
  }
  bool skip_name(const char* n) {
    if (!is_name(n)) return false;
    next();
    return true;
  }
  static std::string quoted(const Token& t) { return "'" + describe_token(t) + "'"; }

  [[noreturn]] void fail_at(const std::string& msg, int line) {
    throw TemplateError(TemplateError::Kind::Syntax, msg, Location{name_, line, 0});
  }

  void expect_type(Tok type, const char* desc) {
    if (cur().type == type) {
      next();
      return;
    }
    if (cur().type == Tok::Eof)
      fail_at(std::string("unexpected end of template, expected '") + desc + "'.", cur().line);
    fail_at(std::string("expected token '") + desc + "', got " + quoted(cur()), cur().line);
  }
  void expect_op(const char* op) {
    if (is_op(op)) {
      next();
      return;
    }
    expect_type(Tok::Op, op);  // reports
    fail_at(std::string("expected token '") + op + "', got " + quoted(cur()), cur().line);
  }
  std::string expect_name() {
    if (cur().type != Tok::Name) expect_type(Tok::Name, "name");
    std::string n = cur().text;
    next();
    return n;
  }
  void expect_block_end() { expect_type(Tok::BlockEnd, "end of statement block"); }

  // ---- statements
  // Parses until a block tag named in `ends`; leaves the parser on that name.
  Body subparse(const std::vector<std::string>& ends) {
    Body body;
    for (;;) {
      const Token& tk = cur();
      if (tk.type == Tok::Eof) {
        if (!ends.empty()) fail_eof(ends);
        return body;
      }
      if (tk.type == Tok::Data) {
        auto st = std::make_unique<Stmt>(Stmt::K::Text, tk.line);
        st->text = tk.text;
        body.push_back(std::move(st));
        next();
      } else if (tk.type == Tok::VarBegin) {
        next();
        auto st = std::make_unique<Stmt>(Stmt::K::Print, cur().line);
        st->expr = parse_tuple();
        expect_type(Tok::VarEnd, "end of print statement");
        body.push_back(std::move(st));
      } else if (tk.type == Tok::BlockBegin) {
        next();
        if (cur().type == Tok::Name) {
          for (const auto& e : ends)
            if (cur().text == e) return body;
        }
        auto st = parse_statement(ends);
        if (st) body.push_back(std::move(st));
      } else {
        fail_at("unexpected " + quoted(tk), tk.line);
      }
    }
  }

  [[noreturn]] void fail_eof(const std::vector<std::string>& ends) {
    std::string looking;
    for (size_t i = 0; i < ends.size(); ++i) {
      if (i) looking += " or ";
      looking += "'" + ends[i] + "'";
    }
    std::string msg = "Unexpected end of template. Jinja was looking for the following tags: " + looking + ".";
    if (!tag_stack_.empty()) msg += " The innermost block that needs to be closed is '" + tag_stack_.back() + "'.";
    fail_at(msg, cur().line);
  }

  [[noreturn]] void fail_unknown(const std::string& tag, int line) {
    std::string msg = "Encountered unknown tag '" + tag + "'.";
    if (!end_stack_.empty()) {
      std::string looking;
      bool expected = false;
      for (const auto& ends : end_stack_)
        for (const auto& e : ends)
          if (e == tag) expected = true;
      const auto& inner = end_stack_.back();
      for (size_t i = 0; i < inner.size(); ++i) {
        if (i) looking += " or ";
        looking += "'" + inner[i] + "'";
      }
      if (expected)
        msg += " You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for " +
               looking + ".";
      else
        msg += " Jinja was looking for the following tags: " + looking + ".";
      if (!tag_stack_.empty()) msg += " The innermost block that needs to be closed is '" + tag_stack_.back() + "'.";
    }
    fail_at(msg, line);
  }

  Body parse_body(const std::vector<std::string>& ends, bool drop_needle = false) {
    end_stack_.push_back(ends);
    Body b = subparse(ends);
    end_stack_.pop_back();
    if (drop_needle) next();
    return b;
  }

  StmtPtr parse_statement(const std::vector<std::string>&) {
    const Token& tk = cur();
    if (tk.type != Tok::Name) fail_at("tag name expected", tk.line);
    std::string tag = tk.text;
    int line = tk.line;
    if (!kStatementKeywords.count(tag)) fail_unknown(tag, line);
    tag_stack_.push_back(tag);
    next();
    StmtPtr st;
    if (tag == "if") st = parse_if(line);
    else if (tag == "for") st = parse_for(line);
    else if (tag == "set") st = parse_set(line);
    else if (tag == "macro") st = parse_macro(line);
    else if (tag == "call") st = parse_call_block(line);
    else if (tag == "filter") st = parse_filter_block(line);
    else if (tag == "include") st = parse_include(line);
    else if (tag == "import") st = parse_import(line);
    else if (tag == "from") st = parse_from(line);
    else if (tag == "extends") st = parse_extends(line);
    else if (tag == "block") st = parse_block(line);
    else if (tag == "with") st = parse_with(line);
    else if (tag == "print") {
      st = std::make_unique<Stmt>(Stmt::K::Print, line);
      st->expr = parse_tuple();
      expect_block_end();
    } else if (tag == "do") {
      st = std::make_unique<Stmt>(Stmt::K::Do, line);
      st->expr = parse_tuple();
      expect_block_end();
    } else {  // autoescape: Ansible never autoescapes; keep the body
      auto wrap = std::make_unique<Stmt>(Stmt::K::With, line);
      parse_expression();
      expect_block_end();
      wrap->body = parse_body({"endautoescape"}, true);
      expect_block_end();
      st = std::move(wrap);
    }
    tag_stack_.pop_back();
    return st;
  }

  StmtPtr parse_if(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::If, line);
    ++soft_;
    for (;;) {
      ExprPtr cond = parse_tuple(false, false, {}, false, false);
      expect_block_end();
      Body body = parse_body({"elif", "else", "endif"});
      st->branches.emplace_back(std::move(cond), std::move(body));
      std::string tok = cur().text;
      next();
      if (tok == "elif") continue;
      if (tok == "else") {
        expect_block_end();
        st->else_body = parse_body({"endif"}, true);
      }
      break;
    }
    --soft_;
    expect_block_end();
    return st;
  }

  StmtPtr parse_for(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::For, line);
    st->target = parse_assign_target(true);
    if (!skip_name("in")) expect_name_token("in");
    st->expr = parse_tuple(false, false, {"recursive"}, false, false);
    if (skip_name("if")) st->cond = parse_expression();
    if (skip_name("recursive")) st->recursive = true;
    expect_block_end();
    st->body = parse_body({"endfor", "else"});
    std::string tok = cur().text;
    next();
    if (tok == "else") {
      expect_block_end();
      st->else_body = parse_body({"endfor"}, true);
    }
    expect_block_end();
    return st;
  }

  void expect_name_token(const char* n) {
    if (cur().type == Tok::Eof) fail_at(std::string("unexpected end of template, expected '") + n + "'.", cur().line);
    fail_at(std::string("expected token '") + n + "', got " + quoted(cur()), cur().line);
  }

  StmtPtr parse_set(int line) {
    ExprPtr target = parse_assign_target(true, true);
    if (skip_op("=")) {
      auto st = std::make_unique<Stmt>(Stmt::K::Set, line);
      st->target = std::move(target);
      st->expr = parse_tuple();
      expect_block_end();
      return st;
    }
    auto st = std::make_unique<Stmt>(Stmt::K::SetBlock, line);
    st->target = std::move(target);
    if (is_op("|")) st->expr = parse_filter(nullptr, true);
    expect_block_end();
    st->body = parse_body({"endset"}, true);
    expect_block_end();
    return st;
  }

  void parse_signature(std::vector<MacroArg>& args) {
    expect_op("(");
    while (!is_op(")")) {
      if (!args.empty()) expect_op(",");
      MacroArg a;
      a.name = expect_name();
      if (skip_op("=")) a.default_value = parse_expression();
      else if (!args.empty() && args.back().default_value)
        fail_at("non-default argument follows default argument", cur().line);
      args.push_back(std::move(a));
    }
    next();
  }

  StmtPtr parse_macro(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::Macro, line);
    st->text = expect_name();
    parse_signature(st->args);
    expect_block_end();
    size_t from = p_;
    st->body = parse_body({"endmacro"}, true);
    scan_macro_names(*st, from, p_);
    expect_block_end();
    return st;
  }

  // Jinja decides from the body's names whether a macro takes varargs,
  // kwargs and caller.
  void scan_macro_names(Stmt& st, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (t_[i].type != Tok::Name) continue;
      if (i > 0 && t_[i - 1].type == Tok::Op && t_[i - 1].text == ".") continue;
      if (t_[i].text == "varargs") st.catch_varargs = true;
      if (t_[i].text == "kwargs") st.catch_kwargs = true;
      if (t_[i].text == "caller") st.uses_caller = true;
    }
  }

  StmtPtr parse_call_block(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::CallBlock, line);
    if (is_op("(")) parse_signature(st->args);
    ExprPtr call = parse_expression();
    if (call->k != Expr::K::Call) fail_at("expected call", line);
    st->expr = std::move(call);
    expect_block_end();
    size_t from = p_;
    st->body = parse_body({"endcall"}, true);
    scan_macro_names(*st, from, p_);
    expect_block_end();
    return st;
  }

  StmtPtr parse_filter_block(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::FilterBlock, line);
    st->expr = parse_filter(nullptr, true);
    expect_block_end();
    st->body = parse_body({"endfilter"}, true);
    expect_block_end();
    return st;
  }

  void parse_context_modifier(Stmt& st, bool def) {
    st.with_context = def;
    if ((is_name("with") || is_name("without")) && peek().type == Tok::Name && peek().text == "context") {
      st.with_context = cur().text == "with";
      next();
      next();
    }
  }

  StmtPtr parse_include(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::Include, line);
    st->expr = parse_expression();
    if (is_name("ignore") && peek().type == Tok::Name && peek().text == "missing") {
      st->ignore_missing = true;
      next();
      next();
    }
    parse_context_modifier(*st, true);
    expect_block_end();
    return st;
  }

  StmtPtr parse_import(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::Import, line);
    st->expr = parse_expression();
    if (!skip_name("as")) expect_name_token("as");
    st->text = expect_name();
    parse_context_modifier(*st, false);
    expect_block_end();
    return st;
  }

  StmtPtr parse_from(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::FromImport, line);
    st->expr = parse_expression();
    if (!skip_name("import")) expect_name_token("import");
    st->with_context = false;
    for (;;) {
      if (!st->names.empty()) {
        if (!skip_op(",")) break;
      }
      if ((is_name("with") || is_name("without")) && peek().type == Tok::Name && peek().text == "context") {
        break;
      }
      if (cur().type != Tok::Name) {
        if (st->names.empty()) expect_name();
        break;
      }
      std::string n = expect_name();
      if (!n.empty() && n[0] == '_') fail_at("names starting with an underline can not be imported", line);
      std::string alias = n;
      if (skip_name("as")) alias = expect_name();
      st->names.emplace_back(n, alias);
    }
    parse_context_modifier(*st, false);
    expect_block_end();
    return st;
  }

  StmtPtr parse_extends(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::Extends, line);
    st->expr = parse_expression();
    tpl_->has_extends = true;
    expect_block_end();
    return st;
  }

  StmtPtr parse_block(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::Block, line);
    st->text = expect_name();
    if (skip_name("scoped")) st->scoped = true;
    if (skip_name("required")) st->required = true;
    if (is_op("-")) fail_at("Use an underscore instead", line);
    expect_block_end();
    st->body = parse_body({"endblock"}, true);
    if (cur().type == Tok::Name) {
      if (cur().text != st->text) fail_at("'" + st->text + "' expected, got '" + cur().text + "'", cur().line);
      next();
    }
    expect_block_end();
    if (tpl_->blocks.count(st->text)) fail_at("block '" + st->text + "' defined twice", line);
    tpl_->blocks[st->text] = st.get();
    return st;
  }

  StmtPtr parse_with(int line) {
    auto st = std::make_unique<Stmt>(Stmt::K::With, line);
    while (cur().type != Tok::BlockEnd) {
      if (!st->assignments.empty()) expect_op(",");
      ExprPtr target = parse_assign_target();
      expect_op("=");
      st->assignments.emplace_back(std::move(target), parse_expression());
    }
    expect_block_end();
    st->body = parse_body({"endwith"}, true);
    expect_block_end();
    return st;
  }

  ExprPtr parse_assign_target(bool with_tuple = true, bool name_only_or_ns = false) {
    ExprPtr target;
    int line = cur().line;
    if (name_only_or_ns && cur().type == Tok::Name && peek().type == Tok::Op && peek().text == ".") {
      auto obj = std::make_unique<Expr>(Expr::K::Name, line);
      obj->name = expect_name();
      next();
      auto ga = std::make_unique<Expr>(Expr::K::Getattr, line);
      ga->name = expect_name();
      ga->a = std::move(obj);
      return ga;
    }
    if (with_tuple) {
      target = parse_tuple(true, false, {}, true);
    } else {
      target = std::make_unique<Expr>(Expr::K::Name, line);
      target->name = expect_name();
    }
    if (!assignable(*target)) fail_at("can't assign to '" + std::string(target->k == Expr::K::Const ? "Const" : "expression") + "'", line);
    return target;
  }

  static bool assignable(const Expr& e) {
    if (e.k == Expr::K::Name) return e.name != "true" && e.name != "false" && e.name != "none";
    if (e.k == Expr::K::Tuple) {
      for (const auto& i : e.items)
        if (!assignable(*i)) return false;
      return true;
    }
    return false;
  }

  // ---- expressions
  ExprPtr parse_expression(bool with_condexpr = true) {
    return with_condexpr ? parse_condexpr() : parse_or();
  }

  ExprPtr parse_condexpr() {
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

  ExprPtr parse_or() {
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

  ExprPtr parse_and() {
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

  ExprPtr parse_not() {
    if (is_name("not")) {
      int line = cur().line;
      next();
      auto n = std::make_unique<Expr>(Expr::K::Not, line);
      n->a = parse_not();
      return n;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
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

  ExprPtr binary(const std::string& op, ExprPtr l, ExprPtr r, int line) {
    auto n = std::make_unique<Expr>(Expr::K::Binary, line);
    n->name = op;
    n->a = std::move(l);
    n->b = std::move(r);
    return n;
  }

  ExprPtr parse_math1() {
    int line = cur().line;
    ExprPtr l = parse_concat();
    while (is_op("+") || is_op("-")) {
      std::string op = cur().text;
      next();
      l = binary(op, std::move(l), parse_concat(), line);
    }
    return l;
  }

  ExprPtr parse_concat() {
    int line = cur().line;
    ExprPtr first = parse_math2();
    if (!is_op("~")) return first;
    auto c = std::make_unique<Expr>(Expr::K::Concat, line);
    c->items.push_back(std::move(first));
    while (skip_op("~")) c->items.push_back(parse_math2());
    return c;
  }

  ExprPtr parse_math2() {
    int line = cur().line;
    ExprPtr l = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      std::string op = cur().text;
      next();
      l = binary(op, std::move(l), parse_pow(), line);
    }
    return l;
  }

  ExprPtr parse_pow() {
    int line = cur().line;
    ExprPtr l = parse_unary();
    while (skip_op("**")) l = binary("**", std::move(l), parse_unary(), line);
    return l;
  }

  ExprPtr parse_unary(bool with_filter = true) {
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

  ExprPtr constant(Val v, int line) {
    auto c = std::make_unique<Expr>(Expr::K::Const, line);
    c->constant = std::move(v);
    return c;
  }

  ExprPtr parse_primary() {
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
        auto v = tk.ival;
        next();
        return constant(Val::integer(v), line);
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

  // Jinja's parse_tuple: "a, b" without parentheses makes a tuple.
  ExprPtr parse_tuple(bool simplified = false, bool explicit_parens = false,
                      std::vector<std::string> extra_end = {}, bool names_only = false, bool with_condexpr = true) {
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

  ExprPtr parse_list() {
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

  ExprPtr parse_dict() {
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

  ExprPtr parse_postfix(ExprPtr node) {
    for (;;) {
      if (is_op(".") || is_op("[")) node = parse_subscript(std::move(node));
      else if (is_op("(")) node = parse_call(std::move(node));
      else break;
    }
    return node;
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    for (;;) {
      if (is_op("|")) node = parse_filter(std::move(node));
      else if (is_name("is")) node = parse_test(std::move(node));
      else if (is_op("(")) node = parse_call(std::move(node));
      else break;
    }
    return node;
  }

  ExprPtr parse_subscript(ExprPtr node) {
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

  ExprPtr parse_subscribed() {
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

  void parse_call_args(Expr& call) {
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

  ExprPtr parse_call(ExprPtr node) {
    auto c = std::make_unique<Expr>(Expr::K::Call, cur().line);
    c->a = std::move(node);
    parse_call_args(*c);
    return c;
  }

  ExprPtr parse_filter(ExprPtr node, bool start_inline = false) {
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

  ExprPtr parse_test(ExprPtr node) {
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

  // An expression whose evaluation cannot fail or have effects: skipping it
  // is invisible.
  static bool inert(const Expr& e) {
    if (e.k == Expr::K::Const || e.k == Expr::K::Name) return true;
    return e.k == Expr::K::Getattr && inert(*e.a);
  }

  std::vector<Token> t_;
  size_t p_ = 0;
  const std::string& name_;
  Template* tpl_ = nullptr;
  std::vector<std::string> tag_stack_;
  std::vector<std::vector<std::string>> end_stack_;
  int soft_ = 0;
  int depth_ = 0;
};

}  // namespace

std::unique_ptr<Template> parse_template(std::string_view source, const SyntaxOptions& opts,
                                         const std::string& name) {
  return Parser(tokenize(source, opts, name), name).parse();
}

std::unique_ptr<Template> parse_expression_template(std::string_view expr, const std::string& name) {
  SyntaxOptions o;
  std::string src = o.variable_start + " " + std::string(expr) + " " + o.variable_end;
  auto toks = tokenize(src, o, name);
  // drop the VarBegin/VarEnd wrapper so that stray "}}" in expr fail cleanly
  if (toks.size() >= 3 && toks.front().type == Tok::VarBegin && toks[toks.size() - 2].type == Tok::VarEnd) {
    toks.erase(toks.begin());
    toks.erase(toks.end() - 2);
  }
  return Parser(std::move(toks), name).parse_expr_only();
}

}  // namespace drover::tmpl
