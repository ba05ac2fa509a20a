// JMESPath's lexer and Pratt parser, with jmespath.py's binding powers and
// error texts.
#include <algorithm>

#include "template/jmespath.hpp"
#include "template/jmespath_ast.hpp"

namespace drover::tmpl::jmespath {
namespace {

// ---- lexer ----------------------------------------------------------------

enum class T {
  eof, ident, quoted, number, literal, raw, dot, star, at, comma, colon, lparen, rparen, lbrace, rbrace,
  lbracket, rbracket, flatten, filter, pipe, or_, and_, not_, eq, ne, lt, lte, gt, gte, expref
};

struct Token {
  T type;
  std::string text;  // identifier/string contents
  Value value;       // number, literal
  size_t pos = 0;
};

// jmespath.py's LexerError text.
[[noreturn]] void syntax(const std::string& msg, const std::string& expr, size_t pos) {
  throw JmesPathError("Bad jmespath expression: " + msg + ":\n" + expr + "\n" + std::string(pos, ' ') + "^");
}

const char* token_type(T t) {
  static const char* names[] = {"eof", "unquoted_identifier", "quoted_identifier", "number", "literal", "literal",
                                "dot", "star", "current", "comma", "colon", "lparen", "rparen", "lbrace", "rbrace",
                                "lbracket", "rbracket", "flatten", "filter", "pipe", "or", "and", "not", "eq", "ne",
                                "lt", "lte", "gt", "gte", "expref"};
  return names[static_cast<int>(t)];
}

std::vector<Token> lex(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  auto push = [&](T t, size_t at, std::string text = {}, Value v = {}) { out.push_back({t, std::move(text), std::move(v), at}); };
  while (i < s.size()) {
    char c = s[i];
    size_t start = i;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      push(T::ident, start, s.substr(start, i - start));
    } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '-' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      push(T::number, start, {}, Value(std::stoll(s.substr(start, i - start))));
    } else if (c == '"' || c == '\'' || c == '`') {
      ++i;
      std::string body;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == c || c == '"')) {
          if (c != '"') {  // raw strings and literals only escape their quote
            body += s[i + 1];
          } else {
            body += s[i];
            body += s[i + 1];
          }
          i += 2;
          continue;
        }
        if (s[i] == c) {
          closed = true;
          ++i;
          break;
        }
        body += s[i++];
      }
      if (!closed) syntax("Unclosed " + std::string(1, c) + " delimiter", s, start);
      if (c == '\'') {
        push(T::raw, start, body);
      } else if (c == '"') {
        try {
          push(T::quoted, start, Value::parse("\"" + body + "\"").get<std::string>());
        } catch (const std::exception&) {
          syntax("Invalid quoted identifier", s, start);
        }
      } else {
        Value v;
        try {
          v = Value::parse(body);
        } catch (const std::exception&) {
          // jmespath.py's deprecated form: `foo` is the string "foo".
          try {
            v = Value::parse("\"" + body + "\"");
          } catch (const std::exception&) {
            syntax("Bad token " + body, s, start);
          }
        }
        push(T::literal, start, {}, std::move(v));
      }
    } else {
      auto two = [&](char next) { return i + 1 < s.size() && s[i + 1] == next; };
      T t = T::eof;
      size_t len = 1;
      switch (c) {
        case '.': t = T::dot; break;
        case '*': t = T::star; break;
        case '@': t = T::at; break;
        case ',': t = T::comma; break;
        case ':': t = T::colon; break;
        case '(': t = T::lparen; break;
        case ')': t = T::rparen; break;
        case '{': t = T::lbrace; break;
        case '}': t = T::rbrace; break;
        case ']': t = T::rbracket; break;
        case '[':
          if (two(']')) t = T::flatten, len = 2;
          else if (two('?')) t = T::filter, len = 2;
          else t = T::lbracket;
          break;
        case '|': if (two('|')) t = T::or_, len = 2; else t = T::pipe; break;
        case '&': if (two('&')) t = T::and_, len = 2; else t = T::expref; break;
        case '!': if (two('=')) t = T::ne, len = 2; else t = T::not_; break;
        case '<': if (two('=')) t = T::lte, len = 2; else t = T::lt; break;
        case '>': if (two('=')) t = T::gte, len = 2; else t = T::gt; break;
        case '=':
          if (two('=')) {
            t = T::eq, len = 2;
            break;
          }
          syntax("Unknown token '='", s, i);
        default: syntax(std::string("Unknown token '") + c + "'", s, i);
      }
      push(t, start);
      i += len;
    }
  }
  push(T::eof, s.size());
  return out;
}

NodeP node(N k, std::vector<NodeP> children = {}) {
  auto n = std::make_shared<Node>();
  n->kind = k;
  n->children = std::move(children);
  return n;
}

int binding_power(T t) {
  switch (t) {
    case T::pipe: return 1;
    case T::or_: return 2;
    case T::and_: return 3;
    case T::eq: case T::ne: case T::lt: case T::lte: case T::gt: case T::gte: return 5;
    case T::flatten: return 9;
    case T::star: return 20;
    case T::filter: return 21;
    case T::dot: return 40;
    case T::not_: return 45;
    case T::lbrace: return 50;
    case T::lbracket: return 55;
    case T::lparen: return 60;
    default: return 0;
  }
}
constexpr int kProjectionStop = 10;

class Parser {
 public:
  explicit Parser(const std::string& expr) : expr_(expr), toks_(lex(expr)) {}

  NodeP parse() {
    NodeP n = expression(0);
    if (peek() != T::eof) fail("Unexpected token: " + token_text(cur()));
    return n;
  }

 private:
  const Token& cur() const { return toks_[i_]; }
  T peek(size_t ahead = 0) const { return toks_[std::min(i_ + ahead, toks_.size() - 1)].type; }
  const Token& next() { return toks_[i_ < toks_.size() - 1 ? i_++ : i_]; }
  // jmespath.py's IncompleteExpressionError at the end, ParseError before.
  [[noreturn]] void fail(const std::string& msg) const { fail_at(cur(), msg); }
  [[noreturn]] void fail_at(const Token& t, const std::string& msg) const {
    std::string underline = std::string(t.pos + 1, ' ') + "^";
    if (t.type == T::eof)
      throw JmesPathError("Invalid jmespath expression: Incomplete expression:\n\"" + expr_ + "\"\n" + underline);
    throw JmesPathError(msg + ": Parse error at column " + std::to_string(t.pos) + ", token \"" + token_text(t) +
                        "\" (" + token_type(t.type) + "), for expression:\n\"" + expr_ + "\"\n" + underline);
  }
  std::string token_text(const Token& t) const {
    if (t.type == T::ident || t.type == T::quoted || t.type == T::raw) return t.text;
    if (t.type == T::number || t.type == T::literal) return t.value.dump();
    size_t len = 1;
    while (t.pos + len < expr_.size() && std::string("=&|]?").find(expr_[t.pos + len]) != std::string::npos &&
           len < 2 && std::string("[|&!<>=").find(expr_[t.pos]) != std::string::npos)
      ++len;
    return expr_.substr(t.pos, len);
  }
  std::string describe(const Token& t) const { return token_type(t.type); }
  void expect(T t, const char* what) {
    if (peek() != t) fail(std::string("Expecting: ") + what + ", got: " + describe(cur()));
    next();
  }

  NodeP expression(int bp) {
    NodeP left = nud(next());
    while (bp < binding_power(peek())) left = led(next(), left);
    return left;
  }

  NodeP nud(const Token& t) {
    switch (t.type) {
      case T::literal: {
        auto n = node(N::literal);
        n->value = t.value;
        return n;
      }
      case T::raw: {
        auto n = node(N::literal);
        n->value = t.text;
        return n;
      }
      case T::ident:
      case T::quoted: {
        if (t.type == T::quoted && peek() == T::lparen) fail("Quoted identifier not allowed for function names.");
        auto n = node(N::field);
        n->name = t.text;
        return n;
      }
      case T::star: {
        NodeP right = peek() == T::rbracket ? node(N::current) : projection_rhs(binding_power(T::star));
        return node(N::value_projection, {node(N::current), right});
      }
      case T::at: return node(N::current);
      case T::not_: return node(N::not_, {expression(binding_power(T::not_))});
      case T::lparen: {
        NodeP n = expression(0);
        expect(T::rparen, "rparen");
        return n;
      }
      case T::filter: return filter(node(N::current));
      case T::lbrace: return multi_hash();
      case T::flatten: {
        NodeP left = node(N::flatten, {node(N::current)});
        return node(N::projection, {left, projection_rhs(binding_power(T::flatten))});
      }
      case T::lbracket: {
        if (peek() == T::number || peek() == T::colon) {
          NodeP right = index_or_slice();
          return project_if_slice(node(N::current), right);
        }
        if (peek() == T::star && peek(1) == T::rbracket) {
          next();
          next();
          return node(N::projection, {node(N::current), projection_rhs(binding_power(T::star))});
        }
        return multi_list();
      }
      case T::expref: return node(N::expref, {expression(binding_power(T::expref))});
      default: fail_at(t, "Invalid token");
    }
  }

  NodeP led(const Token& t, NodeP left) {
    switch (t.type) {
      case T::dot:
        if (peek() == T::star) {
          next();
          return node(N::value_projection, {left, projection_rhs(binding_power(T::star))});
        }
        return node(N::sub, {left, dot_rhs(binding_power(T::dot))});
      case T::pipe: return node(N::pipe, {left, expression(binding_power(T::pipe))});
      case T::or_: return node(N::or_, {left, expression(binding_power(T::or_))});
      case T::and_: return node(N::and_, {left, expression(binding_power(T::and_))});
      case T::eq: case T::ne: case T::lt: case T::lte: case T::gt: case T::gte: {
        auto n = node(N::compare, {left, expression(binding_power(t.type))});
        static const char* names[] = {"eq", "ne", "lt", "lte", "gt", "gte"};
        n->name = names[static_cast<int>(t.type) - static_cast<int>(T::eq)];
        return n;
      }
      case T::flatten:
        return node(N::projection, {node(N::flatten, {left}), projection_rhs(binding_power(T::flatten))});
      case T::filter: return filter(left);
      case T::lbracket: {
        if (peek() == T::number || peek() == T::colon) return project_if_slice(left, index_or_slice());
        expect(T::star, "star");
        expect(T::rbracket, "rbracket");
        return node(N::projection, {left, projection_rhs(binding_power(T::star))});
      }
      case T::lparen: {
        if (left->kind != N::field) fail("Invalid function name");
        auto n = node(N::function);
        n->name = left->name;
        while (peek() != T::rparen) {
          n->children.push_back(expression(0));
          if (peek() == T::comma) next();
          else if (peek() != T::rparen) fail("Expecting: comma or rparen, got: " + describe(cur()));
        }
        next();
        return n;
      }
      default: fail_at(t, "Invalid token");
    }
  }

  NodeP index_or_slice() {
    std::optional<long long> parts[3];
    int at = 0;
    while (peek() != T::rbracket) {
      if (peek() == T::colon) {
        if (++at > 2) fail("Too many colons in slice expression");
        next();
      } else if (peek() == T::number) {
        parts[at] = next().value.get<long long>();
      } else {
        fail("Expecting: number, colon or rbracket, got: " + describe(cur()));
      }
    }
    next();
    if (at == 0) {
      auto n = node(N::index);
      n->value = *parts[0];
      return n;
    }
    auto n = node(N::slice);
    for (int k = 0; k < 3; ++k) n->slice[k] = parts[k];
    return n;
  }

  NodeP project_if_slice(NodeP left, NodeP right) {
    NodeP ie = node(N::index_expr, {left, right});
    if (right->kind != N::slice) return ie;
    return node(N::projection, {ie, projection_rhs(binding_power(T::star))});
  }

  NodeP filter(NodeP left) {
    NodeP condition = expression(0);
    expect(T::rbracket, "rbracket");
    NodeP right = peek() == T::flatten ? node(N::current) : projection_rhs(binding_power(T::filter));
    return node(N::filter_projection, {left, right, condition});
  }

  NodeP projection_rhs(int bp) {
    if (binding_power(peek()) < kProjectionStop) return node(N::current);
    if (peek() == T::lbracket || peek() == T::filter) return expression(bp);
    if (peek() == T::dot) {
      next();
      return dot_rhs(bp);
    }
    fail("Syntax error: unexpected token " + describe(cur()));
  }

  NodeP dot_rhs(int bp) {
    switch (peek()) {
      case T::ident: case T::quoted: case T::star: return expression(bp);
      case T::lbracket: next(); return multi_list();
      case T::lbrace: next(); return multi_hash();
      default: fail("Expecting: identifier, lbracket or lbrace, got: " + describe(cur()));
    }
  }

  NodeP multi_list() {
    auto n = node(N::multi_list);
    do {
      n->children.push_back(expression(0));
      if (peek() == T::comma) next();
      else break;
    } while (true);
    expect(T::rbracket, "rbracket");
    return n;
  }

  NodeP multi_hash() {
    auto n = node(N::multi_hash);
    do {
      if (peek() != T::ident && peek() != T::quoted) fail("Expecting: identifier, got: " + describe(cur()));
      n->keys.push_back(next().text);
      expect(T::colon, "colon");
      n->children.push_back(expression(0));
      if (peek() == T::comma) next();
      else break;
    } while (true);
    expect(T::rbrace, "rbrace");
    return n;
  }

  std::string expr_;
  std::vector<Token> toks_;
  size_t i_ = 0;
};

}  // namespace

NodeP parse(const std::string& expression) { return Parser(expression).parse(); }

}  // namespace drover::tmpl::jmespath
