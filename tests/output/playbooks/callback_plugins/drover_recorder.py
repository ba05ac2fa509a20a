# Test oracle tool: records ansible-playbook's callback events as drover's
# JSON event lines (docs/JSON_EVENTS.md) into $DROVER_RECORD_FILE, so that
# tests can replay what Ansible saw through drover's DefaultCallback and
# compare with what Ansible printed.
from __future__ import annotations

import inspect
import json
import os

from ansible import context
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
    name: drover_recorder
    type: aggregate
    short_description: records callback events for drover's output tests
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'drover_recorder'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._out = open(os.environ['DROVER_RECORD_FILE'], 'w')
        self._seq = 0
        self._ids = {}
        # Controller warnings (not the ones callbacks print from results)
        # become warning events.
        display = self._display
        original = display.warning

        def warning(msg, formatted=False):
            if inspect.stack()[1].function != '_handle_warnings':
                self._emit('warning', msg=msg)
            return original(msg, formatted)
        display.warning = warning

    def _emit(self, event, **fields):
        self._seq += 1
        ev = {'seq': self._seq, 'time': '2000-01-01T00:00:00.000Z', 'event': event}
        ev.update(fields)
        self._out.write(json.dumps(ev, default=str) + '\n')
        self._out.flush()

    def _task_id(self, task):
        return self._ids.setdefault(task._uuid, len(self._ids) + 1)

    def _task_start(self, task, handler):
        action = task.action
        self._emit('task_start', task={
            'id': self._task_id(task),
            'name': task.get_name().strip(),
            'action': action,
            'path': task.get_path() or '',
            'handler': handler,
            'check_mode': bool(task.check_mode),
            'no_log': bool(task.no_log),
            'loop': bool(task.loop),
            'args_text': '',
        })

    def _result(self, event, result, status, **extra):
        task = result._task
        delegated = task.delegate_to if task.delegate_to and task.delegate_to != result._host.get_name() else ''
        self._emit(event, task_id=self._task_id(task), host=result._host.get_name(),
                   delegated_to=delegated or '', status=status, result=result._result, **extra)

    @staticmethod
    def _status(result):
        r = result._result
        return 'changed' if r.get('changed', False) else 'ok'

    def v2_playbook_on_start(self, playbook):
        self._emit('playbook_start', playbook=playbook._file_name)

    def v2_playbook_on_play_start(self, play):
        self._emit('play_start', play={'name': play.get_name().strip(), 'hosts': ','.join(play.hosts) if isinstance(play.hosts, list) else str(play.hosts),
                                       'strategy': play.strategy, 'check_mode': bool(play.check_mode)})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_start(task, False)

    def v2_playbook_on_handler_task_start(self, task):
        self._task_start(task, True)

    def v2_runner_on_ok(self, result):
        self._result('runner_result', result, self._status(result), ignore_errors=False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result('runner_result', result, 'failed', ignore_errors=bool(ignore_errors))

    def v2_runner_on_skipped(self, result):
        self._result('runner_result', result, 'skipped', ignore_errors=False)

    def v2_runner_on_unreachable(self, result):
        self._result('runner_result', result, 'unreachable', ignore_errors=bool(result._task.ignore_unreachable))

    def v2_runner_item_on_ok(self, result):
        self._result('item_result', result, self._status(result), ignore_errors=False)

    def v2_runner_item_on_failed(self, result):
        self._result('item_result', result, 'failed', ignore_errors=False)

    def v2_runner_item_on_skipped(self, result):
        self._result('item_result', result, 'skipped', ignore_errors=False)

    def v2_runner_retry(self, result):
        self._result('retry', result, 'failed', ignore_errors=False,
                     attempt=result._result['attempts'], retries=result._result['retries'])

    def v2_on_file_diff(self, result):
        self._result('file_diff', result, self._status(result), ignore_errors=False)

    def v2_runner_on_async_poll(self, result):
        self._result('async_poll', result, 'ok', ignore_errors=False, elapsed=0)

    def v2_runner_on_async_ok(self, result):
        self._result('async_finished', result, 'ok', ignore_errors=False)

    def v2_runner_on_async_failed(self, result):
        self._result('async_finished', result, 'failed', ignore_errors=False)

    def v2_playbook_on_include(self, included_file):
        label = self._get_item_label(included_file._vars)
        self._emit('include', file=included_file._filename, hosts=[h.name for h in included_file._hosts],
                   item=label)

    def v2_playbook_on_notify(self, handler, host):
        self._emit('notify', handler=handler.get_name(), host=host.get_name())

    def v2_playbook_on_no_hosts_matched(self):
        self._emit('no_hosts_matched')

    def v2_playbook_on_no_hosts_remaining(self):
        self._emit('no_hosts_remaining')

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for h in sorted(stats.processed.keys()):
            hosts[h] = stats.summarize(h)
        self._emit('stats', hosts=hosts, custom=stats.custom)
