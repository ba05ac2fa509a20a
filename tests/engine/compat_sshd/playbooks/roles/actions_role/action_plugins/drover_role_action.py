# A role's action plugin: it runs a module on the target through the
# connection the task gave it.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        ran = self._execute_module(module_name='ansible.legacy.command',
                                   module_args={'_raw_params': 'echo role %s' % self._task.args['word']},
                                   task_vars=task_vars)
        result['said'] = ran['stdout']
        result['changed'] = False
        return result
