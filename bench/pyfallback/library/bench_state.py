#!/usr/bin/python
# drover's benchmark module: makes `path` hold `content` (check mode, diff).
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(path=dict(type='path', required=True), content=dict(type='str')),
                           supports_check_mode=True)
    path, want = module.params['path'], module.params['content']
    try:
        with open(path) as f:
            have = f.read()
    except IOError:
        have = None
    if have != want and not module.check_mode:
        with open(path, 'w') as f:
            f.write(want)
    module.exit_json(changed=have != want, path=path)


if __name__ == '__main__':
    main()
