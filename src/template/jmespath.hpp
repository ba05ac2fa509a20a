// JMESPath (jmespath.org), as the Python `jmespath` 1.0 package evaluates
// it: the language behind community.general's json_query filter.
//
// Everything of the specification: identifiers (plain and quoted), sub-,
// index and slice expressions, list/object/filter projections, flatten,
// pipes, or/and/not, comparisons (numbers and, as jmespath.py allows,
// strings), multi-select lists and hashes, literals (`...` JSON and raw
// '...'), expression references and the built-in functions (abs avg ceil
// contains ends_with floor join keys length map max max_by merge min min_by
// not_null reverse sort sort_by starts_with sum to_array to_number
// to_string type values).
#pragma once

#include <stdexcept>
#include <string>

#include "core/value.hpp"

namespace drover::tmpl {

// A syntax, type, arity or unknown-function error; what() reads like
// jmespath.py's message.
struct JmesPathError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Evaluates `expression` against `data`; null where JMESPath gives null.
Value jmespath_search(const std::string& expression, const Value& data);

}  // namespace drover::tmpl
