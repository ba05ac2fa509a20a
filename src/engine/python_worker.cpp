#include "engine/python_worker.hpp"

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/strings.hpp"
#include "engine/collections.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

// The worker. Requests come on fd 0 as drover started it; fd 0 then
// becomes /dev/null and fd 1 stderr, so that neither a plugin's print()
// nor a command it runs can read or write the channel.
//
// lookup: Templar._lookup's plugin run (lookup_loader, the task's
// variables). action: the part of ansible-core 2.14's
// TaskExecutor._execute between the task's post-validation (drover has
// templated the arguments and keywords) and the result's conditions
// (drover evaluates register, changed_when, failed_when, until itself):
// the PlayContext from the command line, the task and the variables, the
// connection plugin (ansible_connection) with its options from the
// variables, the action handler as _get_action_handler picks it, and
// handler.run(task_vars=...); errors become results as TaskExecutor.run
// words them.
const char* const kDriver = R"PY(
import json, os, sys, traceback
channel = os.dup(0)
devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(devnull, 0)
os.close(devnull)
os.dup2(2, 1)
requests = os.fdopen(channel, 'r', encoding='utf-8')
answers = os.fdopen(os.dup(channel), 'w', encoding='utf-8')

def answer(obj, encoder=None):
    answers.write(json.dumps(obj, cls=encoder) + '\n')
    answers.flush()

def failure(kind, e):
    return {'error': {'kind': kind, 'type': str(type(e)), 'message': str(e)}}

try:
    from ansible import constants as C, context
    from ansible.errors import (AnsibleError, AnsibleLookupError, AnsibleUndefinedVariable, AnsibleActionFail,
                                AnsibleActionSkip, AnsibleConnectionFailure)
    from ansible.executor.task_executor import TaskExecutor
    from ansible.inventory.host import Host
    from ansible.module_utils.common.json import AnsibleJSONEncoder
    from ansible.module_utils._text import to_text, to_native
    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook.play_context import PlayContext
    from ansible.playbook.task import Task
    from ansible.plugins import loader as plugin_loader
    from ansible.plugins.loader import lookup_loader, add_all_plugin_dirs
    from ansible.template import Templar
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.context_objects import CLIArgs
    from ansible.utils.display import Display
except Exception as e:
    for line in requests:
        answer(failure('other', e))
    sys.exit(0)

added_lookup_dirs = set()
added_plugin_dirs = set()

def run_lookup(req):
    try:
        for d in req['dirs']:
            if d not in added_lookup_dirs:
                lookup_loader.add_directory(d)
                added_lookup_dirs.add(d)
        loader = DataLoader()
        loader.set_basedir(req['basedir'])
        templar = Templar(loader=loader, variables=req['variables'])
        plugin = lookup_loader.get(req['name'], loader=loader, templar=templar)
        if plugin is None:
            raise AnsibleError('lookup plugin (%s) not found' % req['name'])
        return {'ran': plugin.run(req['terms'], variables=req['variables'], **req['kwargs'])}
    except AnsibleUndefinedVariable as e:
        return failure('undefined', e)
    except AnsibleLookupError as e:
        return failure('lookup_error', e)
    except Exception as e:
        return failure('other', e)

def run_action(req):
    pc = req['play_context']
    no_log = bool(pc.get('keywords', {}).get('no_log'))
    executor = None
    try:
        for d in req['plugin_dirs']:
            if d not in added_plugin_dirs:
                add_all_plugin_dirs(d)
                added_plugin_dirs.add(d)
        # ansible-playbook's option defaults (cli/arguments/option_helpers.py),
        # then what drover's command line says.
        cli = dict(connection=C.DEFAULT_TRANSPORT, remote_user=C.DEFAULT_REMOTE_USER, timeout=C.DEFAULT_TIMEOUT,
                   private_key_file=C.DEFAULT_PRIVATE_KEY_FILE, ssh_common_args='', ssh_extra_args='',
                   sftp_extra_args='', scp_extra_args='', become=C.DEFAULT_BECOME,
                   become_method=C.DEFAULT_BECOME_METHOD, become_user=None, check=False, diff=C.DIFF_ALWAYS,
                   verbosity=0)
        cli.update(pc.get('cli', {}))
        context.CLIARGS = CLIArgs(cli)
        Display().verbosity = int(cli['verbosity'])
        loader = DataLoader()
        loader.set_basedir(req['basedir'])
        variables = req['variables']
        data = {req['name']: None}
        if req.get('collections'):
            data['collections'] = req['collections']
        task = Task.load(data, loader=loader)
        for k, v in pc.get('keywords', {}).items():
            setattr(task, k, v)
        task.args = req['args']
        host = Host(variables.get('inventory_hostname', 'localhost'))
        executor = TaskExecutor(host, task, variables, PlayContext(passwords=pc.get('passwords', {})), None, loader,
                                plugin_loader, None)
        templar = Templar(loader=loader, variables=variables)
        executor._play_context = executor._play_context.set_task_and_variable_override(
            task=task, variables=variables, templar=templar)
        executor._play_context.post_validate(templar=templar)
        if not executor._play_context.remote_addr:
            executor._play_context.remote_addr = host.address
        if variables.get('ansible_connection') is not None:
            current = templar.template(variables['ansible_connection'])
        else:
            current = task.connection
        executor._connection = executor._get_connection(variables, templar, current)
        executor._set_connection_options(variables, templar)
        vars_copy = variables.copy()
        executor._connection.update_vars(vars_copy)
        templar.available_variables = vars_copy
        executor._connection._play_context = executor._play_context.set_task_and_variable_override(
            task=task, variables=vars_copy, templar=templar)
        handler = executor._get_action_handler(connection=executor._connection, templar=templar)
        try:
            result = handler.run(task_vars=vars_copy)
        except (AnsibleActionFail, AnsibleActionSkip) as e:
            result = e.result
        except AnsibleConnectionFailure as e:
            result = dict(unreachable=True, msg=to_text(e))
        finally:
            handler.cleanup()
        result['_ansible_no_log'] = bool(no_log or result.get('_ansible_no_log', False))
        if 'changed' not in result:
            result['changed'] = False
        return {'ran': result}
    except AnsibleError as e:
        return {'ran': dict(failed=True, msg=to_text(e, nonstring='simplerepr'), _ansible_no_log=no_log)}
    except Exception as e:
        return {'ran': dict(failed=True, msg='Unexpected failure during module execution: %s'
                            % to_native(e, nonstring='simplerepr'),
                            exception=to_text(traceback.format_exc()), stdout='', _ansible_no_log=no_log)}
    finally:
        try:
            if executor is not None and executor._connection is not None:
                executor._connection.close()
        except Exception:
            pass

for line in requests:
    req = json.loads(line)
    out = run_action(req) if req.get('kind') == 'action' else run_lookup(req)
    try:
        text = json.dumps(out, cls=AnsibleJSONEncoder)
    except Exception as e:
        text = json.dumps(failure('other', e))
    answers.write(text + '\n')
    answers.flush()
)PY";

}  // namespace

std::string controller_python() {
  std::string python = "/usr/bin/python3";
  if (const char* path = std::getenv("PATH"); path && !fs::exists(python))
    for (const auto& dir : split(path, ':'))
      if (fs::exists(dir + "/python3")) return dir + "/python3";
  return python;
}

PythonWorker::PythonWorker(std::string python) : python_(std::move(python)) {
  available_ = fs::exists(python_) && !find_ansible_core_dir().empty();
}

PythonWorker::~PythonWorker() { stop(); }

void PythonWorker::stop() const {
  if (socket_ >= 0) close(socket_);  // the worker reads EOF and exits
  socket_ = -1;
  buffered_.clear();
  if (pid_ > 0) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

std::optional<Value> PythonWorker::ask(const Value& request, std::string& why) const {
  std::optional<std::string> line = exchange(request.dump(-1, ' ', false, Value::error_handler_t::replace), why);
  if (!line) return std::nullopt;
  try {
    return Value::parse(*line);
  } catch (const std::exception& e) {
    why = std::string("its answer is not JSON: ") + e.what();
    return std::nullopt;
  }
}

std::optional<std::string> PythonWorker::exchange(const std::string& request, std::string& why) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (socket_ < 0) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      why = std::string("socketpair: ") + std::strerror(errno);
      return std::nullopt;
    }
    const char* argv[] = {python_.c_str(), "-c", kDriver, nullptr};
    pid_t pid = fork();
    if (pid == 0) {
      dup2(sv[1], 0);
      execv(argv[0], const_cast<char* const*>(argv));
      _exit(127);
    }
    close(sv[1]);
    if (pid < 0) {
      close(sv[0]);
      why = std::string("fork: ") + std::strerror(errno);
      return std::nullopt;
    }
    pid_ = pid;
    socket_ = sv[0];
  }
  std::string out = request + "\n";
  for (size_t done = 0; done < out.size();) {
    ssize_t n = send(socket_, out.data() + done, out.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  char buf[65536];
  size_t nl;
  while ((nl = buffered_.find('\n')) == std::string::npos) {
    ssize_t n = recv(socket_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      pid_t pid = pid_;
      close(socket_);
      socket_ = -1;
      buffered_.clear();
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
      why = WIFEXITED(status) ? "it exited with status " + std::to_string(WEXITSTATUS(status))
                              : "it was killed by signal " + std::to_string(WTERMSIG(status));
      return std::nullopt;
    }
    buffered_.append(buf, static_cast<size_t>(n));
  }
  std::string line = buffered_.substr(0, nl);
  buffered_.erase(0, nl + 1);
  return line;
}

}  // namespace drover
