#include "inventory/script_source.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <unordered_set>

#include "core/error.hpp"
#include "core/subprocess.hpp"

namespace drover::inventory {
namespace {

Value run_json(const std::string& path, const std::vector<std::string>& argv) {
  ProcessResult r = run_process(argv);
  std::string err = r.exec_errno ? std::strerror(r.exec_errno) : r.err;
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
