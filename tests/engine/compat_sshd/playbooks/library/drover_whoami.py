#!/usr/bin/python
# A test module of drover's suite: who runs it and what its environment holds.
import getpass
import os

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(var=dict(type='str', default='DROVER_TEST_VAR')), supports_check_mode=True)
    module.exit_json(changed=False, user=getpass.getuser(), value=os.environ.get(module.params['var'], 'unset'))


if __name__ == '__main__':
    main()
