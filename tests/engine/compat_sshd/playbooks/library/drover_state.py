#!/usr/bin/python
# A test module of drover's suite (not Ansible's): makes `path` hold
# `content`, with check mode, diff, a warning and a deprecation.
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            content=dict(type='str', default=''),
            secret=dict(type='str', no_log=True),
            count=dict(type='int', default=1),
        ),
        supports_check_mode=True,
    )
    path = module.params['path']
    want = module.params['content'] * module.params['count']
    try:
        with open(path) as f:
            have = f.read()
    except IOError:
        have = None
    changed = have != want
    result = dict(changed=changed, path=path, size=len(want))
    if module._diff:
        result['diff'] = dict(before=have or '', after=want, before_header=path, after_header=path)
    if changed and not module.check_mode:
        with open(path, 'w') as f:
            f.write(want)
    if module.params['count'] > 1:
        module.warn('count %s repeats the content' % to_native(module.params['count']))
        module.deprecate('count is going away', version='9.9.9', collection_name='drover.test')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
