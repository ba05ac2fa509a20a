// The parser's internals, shared by parser.cpp (templates and statements)
// and parser_expr.cpp (expressions): a recursive-descent parser over the
// lexer's tokens that builds a Template. Private to src/template; the
// public face is parser.hpp.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "template/ast.hpp"
#include "template/lexer.hpp"

namespace drover::tmpl {

class Parser {
 public:
  Parser(std::vector<Token> toks, const std::string& name) : t_(std::move(toks)), name_(name) {}
  std::unique_ptr<Template> parse();

  std::unique_ptr<Template> parse_expr_only();

 private:
  // ---- token helpers
  const Token& cur() const { return t_[p_]; }
  const Token& peek(size_t n = 1) const { return t_[std::min(p_ + n, t_.size() - 1)]; }
  void next();
  bool is_op(const char* op) const { return cur().type == Tok::Op && cur().text == op; }
  bool is_name(const char* n) const { return cur().type == Tok::Name && cur().text == n; }
  bool skip_op(const char* op);
  bool skip_name(const char* n);
  static std::string quoted(const Token& t) { return "'" + describe_token(t) + "'"; }
  [[noreturn]] void fail_at(const std::string& msg, int line);

  void expect_type(Tok type, const char* desc);
  void expect_op(const char* op);
  std::string expect_name();
  void expect_block_end() { expect_type(Tok::BlockEnd, "end of statement block"); }

  // ---- statements
  // Parses until a block tag named in `ends`; leaves the parser on that name.
  Body subparse(const std::vector<std::string>& ends);
  [[noreturn]] void fail_eof(const std::vector<std::string>& ends);

  [[noreturn]] void fail_unknown(const std::string& tag, int line);
  Body parse_body(const std::vector<std::string>& ends, bool drop_needle = false);

  StmtPtr parse_statement(const std::vector<std::string>&);
  StmtPtr parse_if(int line);

  StmtPtr parse_for(int line);
  void expect_name_token(const char* n);

  StmtPtr parse_set(int line);
  void parse_signature(std::vector<MacroArg>& args);

  StmtPtr parse_macro(int line);

  // Jinja decides from the body's names whether a macro takes varargs,
  // kwargs and caller, and whether a for loop makes its `loop` object.
  void scan_macro_names(Stmt& st, size_t from, size_t to);
  void scan_loop_names(Stmt& st, size_t from, size_t to);
  StmtPtr parse_call_block(int line);

  StmtPtr parse_filter_block(int line);
  void parse_context_modifier(Stmt& st, bool def);

  StmtPtr parse_include(int line);
  StmtPtr parse_import(int line);

  StmtPtr parse_from(int line);
  StmtPtr parse_extends(int line);

  StmtPtr parse_block(int line);
  StmtPtr parse_with(int line);

  ExprPtr parse_assign_target(bool with_tuple = true, bool name_only_or_ns = false);
  static bool assignable(const Expr& e);

  // ---- expressions
  ExprPtr parse_expression(bool with_condexpr = true);
  ExprPtr parse_condexpr();

  ExprPtr parse_or();
  ExprPtr parse_and();

  ExprPtr parse_not();
  ExprPtr parse_compare();

  ExprPtr binary(const std::string& op, ExprPtr l, ExprPtr r, int line);
  ExprPtr parse_math1();

  ExprPtr parse_concat();
  ExprPtr parse_math2();

  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter = true);

  ExprPtr constant(Val v, int line);
  ExprPtr parse_primary();

  // Jinja's parse_tuple: "a, b" without parentheses makes a tuple.
  ExprPtr parse_tuple(bool simplified = false, bool explicit_parens = false,
                      std::vector<std::string> extra_end = {}, bool names_only = false,
                      bool with_condexpr = true);
  ExprPtr parse_list();

  ExprPtr parse_dict();
  ExprPtr parse_postfix(ExprPtr node);

  ExprPtr parse_filter_expr(ExprPtr node);
  ExprPtr parse_subscript(ExprPtr node);

  ExprPtr parse_subscribed();
  void parse_call_args(Expr& call);

  ExprPtr parse_call(ExprPtr node);
  ExprPtr parse_filter(ExprPtr node, bool start_inline = false);

  ExprPtr parse_test(ExprPtr node);

  // An expression whose evaluation cannot fail or have effects: skipping it
  // is invisible.
  static bool inert(const Expr& e);

  std::vector<Token> t_;
  size_t p_ = 0;
  const std::string& name_;
  Template* tpl_ = nullptr;
  std::vector<std::string> tag_stack_;
  std::vector<std::vector<std::string>> end_stack_;
  int soft_ = 0;
  int depth_ = 0;
};

}  // namespace drover::tmpl
