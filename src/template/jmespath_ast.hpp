// The syntax tree of a JMESPath expression, shared by the parser
// (jmespath_parser.cpp) and the interpreter (jmespath.cpp). Internal to the
// template library.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover::tmpl::jmespath {

enum class N {
  field, current, literal, index, slice, sub, index_expr, projection, value_projection, filter_projection,
  flatten, pipe, or_, and_, not_, compare, multi_list, multi_hash, function, expref
};

struct Node;
using NodeP = std::shared_ptr<Node>;
struct Node {
  N kind;
  std::string name;              // field, function, compare operator
  Value value;                   // literal, index
  std::vector<NodeP> children;   // operands / list items / hash values / arguments
  std::vector<std::string> keys; // multi_hash keys
  std::optional<long long> slice[3];
};


// Parses `expression`; throws JmesPathError (jmespath.hpp) with
// jmespath.py's texts for lexer and parser errors.
NodeP parse(const std::string& expression);

}  // namespace drover::tmpl::jmespath
