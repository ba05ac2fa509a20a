// Templates and statements: the token helpers, the statement parsers
// (if, for, set, macro, call, filter, include, import, extends, block,
// with) and the entry points of parser.hpp.
#include "template/parser.hpp"

#include <set>

#include "template/builtins.hpp"
#include "template/methods.hpp"
#include "template/parser_impl.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

const std::set<std::string> kStatementKeywords = {
    "for", "if", "block", "extends", "print", "macro", "include", "from", "import", "set", "with",
    "autoescape", "filter", "call"};  // no "do": Ansible does not load the extension

}  // namespace

std::unique_ptr<Template> Parser::parse() {
  auto tpl = std::make_unique<Template>();
  tpl->name = name_;
  tpl_ = tpl.get();
  tpl->body = subparse({});
  if (tpl->body.size() == 1 && tpl->body[0]->k == Stmt::K::Print)
    tpl->single_expression = tpl->body[0]->expr.get();
  return tpl;
}

std::unique_ptr<Template> Parser::parse_expr_only() {
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

void Parser::next() {
  if (p_ + 1 < t_.size()) ++p_;
}

bool Parser::skip_op(const char* op) {
  if (!is_op(op)) return false;
  next();
  return true;
}

bool Parser::skip_name(const char* n) {
  if (!is_name(n)) return false;
  next();
  return true;
}

[[noreturn]] void Parser::fail_at(const std::string& msg, int line) {
  throw TemplateError(TemplateError::Kind::Syntax, msg, Location{name_, line, 0});
}

void Parser::expect_type(Tok type, const char* desc) {
  if (cur().type == type) {
    next();
    return;
  }
  if (cur().type == Tok::Eof)
    fail_at(std::string("unexpected end of template, expected '") + desc + "'.", cur().line);
  fail_at(std::string("expected token '") + desc + "', got " + quoted(cur()), cur().line);
}

void Parser::expect_op(const char* op) {
  if (is_op(op)) {
    next();
    return;
  }
  expect_type(Tok::Op, op);  // reports
  fail_at(std::string("expected token '") + op + "', got " + quoted(cur()), cur().line);
}

std::string Parser::expect_name() {
  if (cur().type != Tok::Name) expect_type(Tok::Name, "name");
  std::string n = cur().text;
  next();
  return n;
}

Body Parser::subparse(const std::vector<std::string>& ends) {
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

[[noreturn]] void Parser::fail_eof(const std::vector<std::string>& ends) {
  std::string looking;
  for (size_t i = 0; i < ends.size(); ++i) {
    if (i) looking += " or ";
    looking += "'" + ends[i] + "'";
  }
  std::string msg = "Unexpected end of template. Jinja was looking for the following tags: " + looking + ".";
  if (!tag_stack_.empty()) msg += " The innermost block that needs to be closed is '" + tag_stack_.back() + "'.";
  fail_at(msg, cur().line);
}

[[noreturn]] void Parser::fail_unknown(const std::string& tag, int line) {
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

Body Parser::parse_body(const std::vector<std::string>& ends, bool drop_needle) {
  end_stack_.push_back(ends);
  Body b = subparse(ends);
  end_stack_.pop_back();
  if (drop_needle) next();
  return b;
}

StmtPtr Parser::parse_statement(const std::vector<std::string>&) {
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

StmtPtr Parser::parse_if(int line) {
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

StmtPtr Parser::parse_for(int line) {
  auto st = std::make_unique<Stmt>(Stmt::K::For, line);
  st->target = parse_assign_target(true);
  if (!skip_name("in")) expect_name_token("in");
  st->expr = parse_tuple(false, false, {"recursive"}, false, false);
  if (skip_name("if")) st->cond = parse_expression();
  if (skip_name("recursive")) st->recursive = true;
  expect_block_end();
  size_t from = p_;
  st->body = parse_body({"endfor", "else"});
  scan_loop_names(*st, from, p_);
  std::string tok = cur().text;
  next();
  if (tok == "else") {
    expect_block_end();
    st->else_body = parse_body({"endfor"}, true);
  }
  expect_block_end();
  return st;
}

void Parser::expect_name_token(const char* n) {
  if (cur().type == Tok::Eof) fail_at(std::string("unexpected end of template, expected '") + n + "'.", cur().line);
  fail_at(std::string("expected token '") + n + "', got " + quoted(cur()), cur().line);
}

StmtPtr Parser::parse_set(int line) {
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

void Parser::parse_signature(std::vector<MacroArg>& args) {
  expect_op("(");
  while (!is_op(")")) {
    if (!args.empty()) expect_op(",");
    MacroArg a;
    a.name = expect_name();
    a.symbol = Symbol(a.name);
    if (skip_op("=")) a.default_value = parse_expression();
    else if (!args.empty() && args.back().default_value)
      fail_at("non-default argument follows default argument", cur().line);
    args.push_back(std::move(a));
  }
  next();
}

StmtPtr Parser::parse_macro(int line) {
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

void Parser::scan_macro_names(Stmt& st, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (t_[i].type != Tok::Name) continue;
    if (i > 0 && t_[i - 1].type == Tok::Op && t_[i - 1].text == ".") continue;
    if (t_[i].text == "varargs") st.catch_varargs = true;
    if (t_[i].text == "kwargs") st.catch_kwargs = true;
    if (t_[i].text == "caller") st.uses_caller = true;
  }
}

void Parser::scan_loop_names(Stmt& st, size_t from, size_t to) {
  // Jinja2 3.1's CodeGenerator.visit_For: a recursive loop, `loop` in the
  // body or a scoped block inside.
  st.uses_loop = st.recursive;
  for (size_t i = from; i < to && !st.uses_loop; ++i) {
    if (t_[i].type != Tok::Name) continue;
    if (i > 0 && t_[i - 1].type == Tok::Op && t_[i - 1].text == ".") continue;
    st.uses_loop = t_[i].text == "loop" || t_[i].text == "scoped";
  }
}

StmtPtr Parser::parse_call_block(int line) {
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

StmtPtr Parser::parse_filter_block(int line) {
  auto st = std::make_unique<Stmt>(Stmt::K::FilterBlock, line);
  st->expr = parse_filter(nullptr, true);
  expect_block_end();
  st->body = parse_body({"endfilter"}, true);
  expect_block_end();
  return st;
}

void Parser::parse_context_modifier(Stmt& st, bool def) {
  st.with_context = def;
  if ((is_name("with") || is_name("without")) && peek().type == Tok::Name && peek().text == "context") {
    st.with_context = cur().text == "with";
    next();
    next();
  }
}

StmtPtr Parser::parse_include(int line) {
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

StmtPtr Parser::parse_import(int line) {
  auto st = std::make_unique<Stmt>(Stmt::K::Import, line);
  st->expr = parse_expression();
  if (!skip_name("as")) expect_name_token("as");
  st->text = expect_name();
  parse_context_modifier(*st, false);
  expect_block_end();
  return st;
}

StmtPtr Parser::parse_from(int line) {
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

StmtPtr Parser::parse_extends(int line) {
  auto st = std::make_unique<Stmt>(Stmt::K::Extends, line);
  st->expr = parse_expression();
  tpl_->has_extends = true;
  expect_block_end();
  return st;
}

StmtPtr Parser::parse_block(int line) {
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

StmtPtr Parser::parse_with(int line) {
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

ExprPtr Parser::parse_assign_target(bool with_tuple, bool name_only_or_ns) {
  ExprPtr target;
  int line = cur().line;
  if (name_only_or_ns && cur().type == Tok::Name && peek().type == Tok::Op && peek().text == ".") {
    auto obj = std::make_unique<Expr>(Expr::K::Name, line);
    obj->name = expect_name();
    obj->symbol = Symbol(obj->name);
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
    target->symbol = Symbol(target->name);
  }
  if (!assignable(*target)) fail_at("can't assign to '" + std::string(target->k == Expr::K::Const ? "Const" : "expression") + "'", line);
  return target;
}

bool Parser::assignable(const Expr& e) {
  if (e.k == Expr::K::Name) return e.name != "true" && e.name != "false" && e.name != "none";
  if (e.k == Expr::K::Tuple) {
    for (const auto& i : e.items)
      if (!assignable(*i)) return false;
    return true;
  }
  return false;
}

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
