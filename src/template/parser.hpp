// Jinja2's parser: tokens to a Template tree.
//
// Operator precedence, the statement set and the syntax error messages are
// Jinja 3.1's ("expected token 'end of print statement', got 'x'",
// "Encountered unknown tag 'x'.", "Unexpected end of template. Jinja was
// looking for the following tags: ..."), each located at the template name
// and line. Unknown filters and tests are errors at parse time except inside
// an {% if %} body, where Jinja defers them to the moment they are used.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "template/ast.hpp"
#include "template/lexer.hpp"

namespace drover::tmpl {

std::unique_ptr<Template> parse_template(std::string_view source, const SyntaxOptions& opts,
                                         const std::string& name);

// Parses one expression (for `when:` conditions and `drover template -x`).
std::unique_ptr<Template> parse_expression_template(std::string_view expr, const std::string& name);

}  // namespace drover::tmpl
