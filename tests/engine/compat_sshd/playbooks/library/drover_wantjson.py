#!/usr/bin/python
# A test module of drover's suite: WANT_JSON, arguments as a JSON file.
import json
import sys

with open(sys.argv[1]) as f:
    args = json.load(f)
print(json.dumps(dict(changed=False, got=args.get('value'), check=args.get('_ansible_check_mode'))))
