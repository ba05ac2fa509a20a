// Jinja2's lexer: template source to tokens.
//
// Follows jinja2 3.1's lexer rule for rule: newlines in the source are
// normalised ("\r\n", "\r" -> "\n") and one trailing newline is dropped
// unless keep_trailing_newline; whitespace control with '-' and '+',
// trim_blocks and lstrip_blocks exactly as Jinja applies them (including
// its quirks: "{{-1}}" strips, "{% raw %}" keeps the newline after it);
// comments and raw blocks never reach the parser. Data tokens have their
// newlines written as newline_sequence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace drover::tmpl {

struct SyntaxOptions {
  std::string block_start = "{%";
  std::string block_end = "%}";
  std::string variable_start = "{{";
  std::string variable_end = "}}";
  std::string comment_start = "{#";
  std::string comment_end = "#}";
  bool trim_blocks = false;
  bool lstrip_blocks = false;
  bool keep_trailing_newline = false;
  std::string newline_sequence = "\n";

  std::string cache_key() const;
};

enum class Tok : uint8_t {
  Data, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Int, Float, Op, Eof
};

struct Token {
  Tok type;
  int line;
  std::string text;  // Data: the text; String: the decoded value; Name/Op: as written
  int64_t ival = 0;
  double fval = 0;
  int big_base = 0;  // Int past int64: the base of `text`'s digits (after 0x/0o/0b)
};

// Throws TemplateError(Syntax) naming `name` and the line.
std::vector<Token> tokenize(std::string_view source, const SyntaxOptions& opts,
                            const std::string& name);

// "end of print statement", "'x'", ... as Jinja's describe_token.
std::string describe_token(const Token& t);

}  // namespace drover::tmpl
