#!/usr/bin/python
# A role's own module for drover's suite, using the role's module_utils.
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.drover_shout import shout


def main():
    module = AnsibleModule(argument_spec=dict(word=dict(type='str', required=True)), supports_check_mode=True)
    module.exit_json(changed=False, shouted=shout(module.params['word']))


if __name__ == '__main__':
    main()
