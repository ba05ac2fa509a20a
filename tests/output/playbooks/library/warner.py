#!/usr/bin/python3
from ansible.module_utils.basic import AnsibleModule
m = AnsibleModule(argument_spec=dict(boom=dict(type='bool', default=False)))
if m.params['boom']:
    m.fail_json(msg="boom", exception="Traceback (most recent call last):\n  File \"x.py\", line 1\nRuntimeError: the module blew up on purpose\n")
m.warn("this module warns about something that is long enough to be wrapped by the textwrap module at seventy-nine columns, really-quite-long-indeed")
m.deprecate("the warner module is old", version="2.99")
m.exit_json(changed=False, data={"b": 1, "a": [1, "x"]})
