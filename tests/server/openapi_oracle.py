"""Validates an OpenAPI document (stdin) against the OpenAPI Initiative's
JSON Schema for OpenAPI 3.0 (argv[1], from Debian's openapi-specification
package) with python3-jsonschema. Prints one line per error; exit 1 if any.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
document = json.load(sys.stdin)
validator = jsonschema.validators.validator_for(schema)(schema)
errors = list(validator.iter_errors(document))
for e in errors:
    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message[:400])
sys.exit(1 if errors else 0)
