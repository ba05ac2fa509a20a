# An action plugin of the playbook that wraps ansible-core's shell action
# through the shared action_loader and drops `failed` (as the until
# target of ansible-core's integration tests does).
from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        if 'cmd' in self._task.args:
            self._task.args['_raw_params'] = self._task.args.pop('cmd')
        shell = self._shared_loader_obj.action_loader.get('ansible.legacy.shell', task=self._task,
                                                          connection=self._connection,
                                                          play_context=self._play_context, loader=self._loader,
                                                          templar=self._templar,
                                                          shared_loader_obj=self._shared_loader_obj)
        result = shell.run(task_vars=task_vars)
        result.pop('failed', None)
        return result
