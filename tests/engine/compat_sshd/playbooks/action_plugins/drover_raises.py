# Fails the ways a plugin can fail.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        kind = self._task.args.get('kind')
        if kind == 'ansible':
            raise AnsibleError('the plugin says no to %s' % task_vars['inventory_hostname'])
        if kind == 'action_fail':
            raise AnsibleActionFail('refused by the plugin')
        if kind == 'key':
            return {}['missing']
        return dict(failed=True, msg='failed as a result', rc=4)
