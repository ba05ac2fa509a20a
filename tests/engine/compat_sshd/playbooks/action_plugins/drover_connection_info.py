# Reports what the action sees of its connection and the play context.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result['shell'] = self._connection._shell.SHELL_FAMILY
        result['transport'] = self._connection.transport
        result['check_mode'] = self._task.check_mode
        result['port_is_set'] = self._connection.get_option('port') is not None
        result['user'] = self._connection.get_option('remote_user')
        result['args'] = dict(self._task.args)
        result['changed'] = bool(self._task.args.get('change'))
        return result
