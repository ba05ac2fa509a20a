#include "inventory/script_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <unordered_set>

#include "core/error.hpp"

namespace drover::inventory {
namespace {

struct ScriptResult {
  int status = -1;
  std::string out, err;
};

// Runs argv without a shell, collecting stdout and stderr.
ScriptResult run(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw Error("pipe failed");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw Error("pipe failed");
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execv(args[0], args.data());
    dprintf(2, "%s", std::strerror(errno));
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  ScriptResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, n);
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  if (pid > 0) waitpid(pid, &status, 0);
  r.status = pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

Value run_json(const std::string& path, const std::vector<std::string>& argv) {
  ScriptResult r = run(argv);
  std::string err = r.err;
  if (!err.empty() && err.back() != '\n') err += '\n';
  if (r.status != 0) throw Error("Inventory script (" + path + ") had an execution error: " + err + " ");
  try {
    return Value::parse(r.out);
  } catch (const std::exception& e) {
    throw Error("failed to parse executable inventory script results from " + path + ": " + e.what() + "\n" + err);
  }
}

}  // namespace

bool is_inventory_script(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

void parse_inventory_script(Inventory& inv, const std::string& path) {
  Value data = run_json(path, {path, "--list"});
  if (!data.is_object())
    throw Error("failed to parse executable inventory script results from " + path + ": needs to be a json dict\n");
  add_inventory_document(inv, data, [&](const std::string& host) { return run_json(path, {path, "--host", host}); });
}

void add_inventory_document(Inventory& inv, const Value& data,
                            const std::function<Value(const std::string& host)>& host_vars) {
  std::vector<std::string> hosts;
  std::unordered_set<std::string> seen;
  const Value* meta = nullptr;
  for (auto it = data.begin(); it != data.end(); ++it) {
    const std::string& name = it.key();
    if (name == "_meta") {
      if (it.value().is_object() && it.value().contains("hostvars")) meta = &it.value()["hostvars"];
      continue;
    }
    inv.add_group(name);
    Value g = it.value();
    if (!g.is_object()) {
      g = Value{{"hosts", g}};
    } else if (!g.contains("hosts") && !g.contains("vars") && !g.contains("children")) {
      g = Value{{"hosts", Value::array({name})}, {"vars", g}};
    }
    if (g.contains("hosts")) {
      if (!g["hosts"].is_array())
        throw Error("You defined a group '" + name + "' with bad data for the host list:\n " + g.dump());
      for (const auto& h : g["hosts"]) {
        std::string hn = h.is_string() ? h.get<std::string>() : h.dump();
        if (seen.insert(hn).second) hosts.push_back(hn);
        inv.add_host(hn, name);
      }
    }
    if (g.contains("vars")) {
      if (!g["vars"].is_object())
        throw Error("You defined a group '" + name + "' with bad data for variables:\n " + g.dump());
      for (auto v = g["vars"].begin(); v != g["vars"].end(); ++v) inv.set_variable(name, v.key(), v.value());
    }
    if (g.contains("children") && g["children"].is_array())
      for (const auto& c : g["children"]) {
        std::string cn = c.is_string() ? c.get<std::string>() : c.dump();
        inv.add_group(cn);
        inv.add_child(name, cn);
      }
  }
  for (const auto& h : hosts) {
    Value got = Value::object();
    if (!meta) {
      got = host_vars(h);
    } else if (meta->is_object() && meta->contains(h)) {
      got = (*meta)[h];
    }
    if (!got.is_object()) throw Error("Invalid data from file, expected dictionary and got:\n\n" + got.dump());
    for (auto v = got.begin(); v != got.end(); ++v) inv.set_variable(h, v.key(), v.value());
  }
}

}  // namespace drover::inventory
