#!/usr/bin/python
# A test module of drover's suite: prints text that is not JSON, or dies
# with a traceback.
import sys
from ansible.module_utils.basic import AnsibleModule

if __name__ == '__main__':
    module = AnsibleModule(argument_spec=dict(how=dict(type='str', default='text')))
    if module.params['how'] == 'raise':
        raise RuntimeError('drover test module exploded')
    print('this is not json')
    sys.exit(2)
