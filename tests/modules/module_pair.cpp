#include "module_pair.hpp"

#include "core/error.hpp"
#include "modules/free_form.hpp"
#include "modules/registry.hpp"
#include "transport/connection.hpp"

namespace drover::test {

Value cleaned_result(Value r) {
  if (!r.is_object()) return r;
  for (const char* k : {"_ansible_no_log", "action", "invocation", "_ansible_verbose_always",
                        "_ansible_verbose_override"})
    r.erase(k);
  return r;
}

std::string sorted_dump(const Value& v) {
  return nlohmann::json::parse(v.dump()).dump(2);
}

std::string replaced_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

ModulePair::ModulePair(const SshdFleet& fleet, std::string dir)
    : fleet_(fleet), dir_(std::move(dir)) {
  fleet_.write_inventory(dir_ + "/hosts");
}

Value ModulePair::ours(const std::string& module, const std::string& args,
                       const std::vector<std::string>& flags, int host) const {
  ConnectionSpec spec;
  const auto& h = fleet_.hosts().at(host);
  spec.name = h.name;
  spec.host = h.address;
  spec.port = h.port;
  spec.user = "root";
  spec.identity_files = {fleet_.client_key_path()};
  spec.known_hosts_file = fleet_.known_hosts_path();
  spec.ssh_config_file = "none";
  spec.use_agent = false;
  auto conn = make_connection(spec);
  ModuleContext ctx;
  ctx.connection = conn.get();
  ctx.host = h.name;
  for (const auto& f : flags) {
    if (f == "--check") ctx.check_mode = true;
    if (f == "--diff") ctx.diff_mode = true;
  }
  const ModuleEntry* m = find_module(module);
  if (!m) return failed_result("no module " + module);
  try {
    // `ansible -a` takes a JSON object as well as k=v pairs.
    Value parsed = args.starts_with("{") ? Value::parse(args) : parse_kv(args, false);
    check_args(m->name, m->module->spec(), parsed);
    Value r = m->module->run(validate_args(m->name, m->module->spec(), parsed), ctx);
    if (!r.contains("changed")) r["changed"] = false;
    return cleaned_result(r);
  } catch (const Error& e) {
    return failed_result(e.message());
  }
}

Value ModulePair::theirs(const std::string& module, const std::string& args,
                         const std::vector<std::string>& flags, int host) const {
  ProcessOptions po;
  po.env = {{"ANSIBLE_SSH_CONTROL_PATH_DIR", dir_ + "/cp"},
            {"ANSIBLE_NOCOLOR", "1"},
            {"ANSIBLE_FORCE_COLOR", "0"},
            {"ANSIBLE_DEPRECATION_WARNINGS", "0"},
            {"ANSIBLE_LOAD_CALLBACK_PLUGINS", "1"},
            {"ANSIBLE_STDOUT_CALLBACK", "json"}};
  const std::string name = fleet_.hosts().at(host).name;
  std::vector<std::string> a{
      "/usr/bin/ansible", name, "-i", dir_ + "/hosts", "-m", module, "-a", args};
  a.insert(a.end(), flags.begin(), flags.end());
  auto res = run_process(a, po);
  try {
    Value all = Value::parse(res.out.substr(res.out.find('{')));
    return cleaned_result(all["plays"][0]["tasks"][0]["hosts"][name]);
  } catch (...) {
    return Value{{"unparsed", res.out + res.err}};
  }
}

ModuleOutcome ModulePair::both(const std::string& module, const std::string& args,
                               const std::vector<std::string>& flags) const {
  ModuleOutcome o;
  o.theirs_json = theirs(module, args, flags, 1);
  o.ours_json = ours(module, args, flags, 0);
  o.ours = sorted_dump(o.ours_json);
  o.theirs = sorted_dump(o.theirs_json);
  return o;
}

std::pair<std::string, std::string> ModulePair::state(const std::string& script) const {
  auto a = fleet_.run_in_sandbox(0, script);
  auto b = fleet_.run_in_sandbox(1, script);
  return {a.out + a.err, b.out + b.err};
}

}  // namespace drover::test
