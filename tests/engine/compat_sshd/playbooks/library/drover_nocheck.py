#!/usr/bin/python
# A test module of drover's suite: no check mode support, fails on demand.
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(fail=dict(type='bool', default=False)))
    if module.params['fail']:
        module.fail_json(msg='asked to fail', detail='here')
    module.exit_json(changed=True, msg='ran')


if __name__ == '__main__':
    main()
