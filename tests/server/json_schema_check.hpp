// A JSON Schema checker for the subset the API's OpenAPI document uses
// (src/server/api_schema.hpp): type, nullable, enum, required, properties,
// additionalProperties (bool), items, minimum, maximum, minProperties,
// maxProperties, maxLength, minLength (in bytes), pattern (ECMAScript),
// allOf, oneOf, $ref to #/components/schemas/NAME.
//
//   SchemaChecker check(openapi_doc);
//   auto errors = check.validate(answer, op_response_schema);  // empty: valid
//
// With `undocumented_fields` (the default) an object that lists properties
// may not carry others where the schema says nothing of
// additionalProperties (answers are open for clients, but the test wants
// every field documented); `additionalProperties: true` says that more
// fields are expected (a job event's fields depend on the event).
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover::test {

class SchemaChecker {
 public:
  explicit SchemaChecker(Value document) : doc_(std::move(document)) {}

  std::vector<std::string> validate(const Value& value, const Value& schema,
                                    bool undocumented_fields = true) const;
  // A $ref's target; throws std::out_of_range when it does not resolve.
  const Value& resolve(const std::string& ref) const;
  // Keywords of `schema` (and below) that the checker does not know.
  std::vector<std::string> unknown_keywords(const Value& schema) const;

 private:
  void check(const Value& v, const Value& s, const std::string& where,
             std::vector<std::string>& errors, bool strict) const;
  void property_names(const Value& s, std::vector<std::string>& names, bool& listed) const;
  Value doc_;
};

}  // namespace drover::test
