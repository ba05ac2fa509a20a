#include "engine/python_lookups.hpp"

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "engine/collections.hpp"
#include "engine/config.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

// Runs lookups with Ansible's own loader and Templar, one request per line
// of stdin, one answer per line of stdout. Whatever a plugin prints goes to
// stderr.
const char* const kDriver = R"PY(
import json, sys
answer_to = sys.stdout
sys.stdout = sys.stderr

def answer(obj, encoder=None):
    answer_to.write(json.dumps(obj, cls=encoder) + '\n')
    answer_to.flush()

def failure(kind, e):
    return {'error': {'kind': kind, 'type': str(type(e)), 'message': str(e)}}

try:
    from ansible.errors import AnsibleError, AnsibleLookupError, AnsibleUndefinedVariable
    from ansible.module_utils.common.json import AnsibleJSONEncoder
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import lookup_loader
    from ansible.template import Templar
    from ansible.utils.collection_loader import AnsibleCollectionConfig
except Exception as e:
    for line in sys.stdin:
        answer(failure('other', e))
    sys.exit(0)

added = set()
for line in sys.stdin:
    req = json.loads(line)
    try:
        AnsibleCollectionConfig.playbook_paths = req['playbook_paths']
        for d in req['dirs']:
            if d not in added:
                lookup_loader.add_directory(d)
                added.add(d)
        loader = DataLoader()
        loader.set_basedir(req['basedir'])
        templar = Templar(loader=loader, variables=req['variables'])
        plugin = lookup_loader.get(req['name'], loader=loader, templar=templar)
        if plugin is None:
            raise AnsibleError('lookup plugin (%s) not found' % req['name'])
        ran = plugin.run(req['terms'], variables=req['variables'], **req['kwargs'])
        answer({'ran': ran}, AnsibleJSONEncoder)
    except AnsibleUndefinedVariable as e:
        answer(failure('undefined', e))
    except AnsibleLookupError as e:
        answer(failure('lookup_error', e))
    except Exception as e:
        answer(failure('other', e))
)PY";

bool is_dir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

void add_once(std::vector<std::string>& out, const std::string& d) {
  if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
}

// glob("path/*") and glob("path/*/*") as Python sorts neither: name order here.
void subdirs(const std::string& path, int depth, std::vector<std::string>& out) {
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.is_directory(ec)) found.push_back(e.path().string());
  std::sort(found.begin(), found.end());
  for (const auto& f : found) {
    add_once(out, f);
    if (depth > 1) subdirs(f, depth - 1, out);
  }
}

}  // namespace

std::string controller_python() {
  std::string python = "/usr/bin/python3";
  if (const char* path = std::getenv("PATH"); path && !fs::exists(python))
    for (const auto& dir : split(path, ':'))
      if (fs::exists(dir + "/python3")) return dir + "/python3";
  return python;
}

std::vector<std::string> configured_lookup_dirs(const Config& config) {
  std::vector<std::string> out;
  for (const auto& p : config.list("DEFAULT_LOOKUP_PLUGIN_PATH")) {
    std::string path = fs::absolute(expand_user(p)).lexically_normal().string();
    if (!path.empty() && path.back() == '/' && path.size() > 1) path.pop_back();
    if (!is_dir(path)) continue;
    subdirs(path, 2, out);
    add_once(out, path);
  }
  return out;
}

PythonLookups::PythonLookups(std::vector<std::string> configured_dirs, std::string python)
    : configured_dirs_(std::move(configured_dirs)), python_(std::move(python)) {
  available_ = fs::exists(python_) && !find_ansible_core_dir().empty();
}

std::vector<std::string> PythonLookups::legacy_dirs(const std::vector<std::string>& search_path) const {
  std::vector<std::string> out;
  for (const auto& d : search_path)
    if (is_dir(d + "/lookup_plugins")) add_once(out, d + "/lookup_plugins");
  for (const auto& d : configured_dirs_) add_once(out, d);
  return out;
}

PythonLookups::Outcome PythonLookups::run(const std::string& name, const Value& terms, const Value& kwargs,
                                          const Value& variables, const std::vector<std::string>& search_path) const {
  Outcome o;
  std::string basedir = search_path.empty() ? fs::current_path().string() : search_path.back();
  Value req = {{"name", name},     {"terms", terms},     {"kwargs", kwargs.is_object() ? kwargs : Value::object()},
               {"variables", variables}, {"basedir", basedir}, {"playbook_paths", Value::array({basedir})}};
  Value dirs = Value::array();
  for (const auto& d : legacy_dirs(search_path)) dirs.push_back(d);
  req["dirs"] = dirs;
  std::string why;
  std::optional<std::string> line = exchange(req.dump(-1, ' ', false, Value::error_handler_t::replace), why);
  Value answer;
  try {
    if (line) answer = Value::parse(*line);
  } catch (const std::exception& e) {
    why = std::string("its answer is not JSON: ") + e.what();
  }
  if (answer.is_object() && answer.contains("ran")) {
    o.ran = answer["ran"];
  } else if (answer.is_object() && answer.contains("error")) {
    const Value& e = answer["error"];
    std::string kind = e.value("kind", "other");
    o.error = PythonLookupError{kind == "undefined" ? PythonLookupError::undefined
                                : kind == "lookup_error" ? PythonLookupError::lookup_error
                                                         : PythonLookupError::other,
                                e.value("type", ""), e.value("message", "")};
  } else {
    o.error = PythonLookupError{PythonLookupError::other, "<class 'RuntimeError'>",
                                "the Python running lookup plugins (" + python_ + ") failed: " + why};
  }
  return o;
}

PythonLookups::~PythonLookups() { stop_worker(); }

void PythonLookups::stop_worker() const {
  if (socket_ >= 0) close(socket_);  // the worker reads EOF and exits
  socket_ = -1;
  buffered_.clear();
  if (worker_pid_ > 0) {
    int status = 0;
    while (waitpid(worker_pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  worker_pid_ = -1;
}

std::optional<std::string> PythonLookups::exchange(const std::string& request, std::string& why) const {
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
      dup2(sv[1], 1);
      execv(argv[0], const_cast<char* const*>(argv));
      _exit(127);
    }
    close(sv[1]);
    if (pid < 0) {
      close(sv[0]);
      why = std::string("fork: ") + std::strerror(errno);
      return std::nullopt;
    }
    worker_pid_ = pid;
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
      pid_t pid = worker_pid_;
      close(socket_);
      socket_ = -1;
      buffered_.clear();
      int status = 0;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      worker_pid_ = -1;
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
