// package_facts: the installed packages as ansible_facts.packages
// (ansible.builtin.package_facts, ansible-core 2.14): for each package name
// a list of {name, version, ..., source} records, as Ansible's managers
// give them: apt (name, version, arch, category, origin), rpm (name,
// version, release, epoch, arch) and apk (name, version, release).
//
// Ansible reads apt and rpm through Python bindings on the target; here the
// same facts come from the tools: dpkg-query for the installed packages and
// `apt-cache policy` for the origin (the Release file's "o=" of the first
// index that carries the installed version; "" when only dpkg knows it),
// `rpm -qa` with a query format, `apk info -v`. manager=auto tries apt, rpm,
// apk in that order: Ansible's order is that of a Python set (it varies
// between runs on a host that has both dpkg and rpm), so drover takes the
// system's native manager first.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

// $managers: the managers to try, in order; $first: stop at the first usable.
constexpr const char* kListBody = R"SH(
export LANG=C LC_ALL=C
for _m in $managers; do
  case "$_m" in
    apt)
      command -v dpkg-query >/dev/null 2>&1 || continue
      _l=$(dpkg-query -W -f='${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${Section}\n' |
           grep -v -e '^not-installed' -e '^config-files')
      _out apt "$_l"
      _out apt_native "$(dpkg --print-architecture)"
      if command -v apt-cache >/dev/null 2>&1; then
        _out apt_sources "$(apt-cache policy)"
        _out apt_policy "$(printf '%s\n' "$_l" | awk -F '\t' '{print $2 ":" $4}' | xargs -r apt-cache policy)"
      fi ;;
    rpm)
      command -v rpm >/dev/null 2>&1 || continue
      _run rpm -qa --queryformat '%{NAME}\t%{VERSION}\t%{RELEASE}\t%{EPOCH}\t%{ARCH}\n' || _fail "Unable to list packages rc=$_rrc : $_rerr"
      _out rpm "$_rout" ;;
    apk)
      command -v apk >/dev/null 2>&1 || continue
      _run apk info -v
      [ "$_rrc" = 0 ] && [ -z "$_rerr" ] || _fail "Unable to list packages rc=$_rrc : $_rerr"
      _out apk "$_rout" ;;
    *) continue ;;
  esac
  [ -n "$first" ] && break
done
)SH";

// "o=" of each index in `apt-cache policy` (no arguments): the index line
// (" 500 URL DIST/COMP ARCH Packages", priority dropped) -> origin.
std::map<std::string, std::string> apt_origins(const std::string& policy) {
  std::map<std::string, std::string> origins;
  std::string index;
  for (const auto& line : split(policy, '\n')) {
    std::string t = trim(line);
    if (t.starts_with("release ")) {
      for (const auto& kv : split(t.substr(8), ','))
        if (kv.starts_with("o=") && !index.empty()) origins[index] = kv.substr(2);
      continue;
    }
    auto f = split_whitespace(t);
    if (f.size() >= 2 && std::all_of(f[0].begin(), f[0].end(), ::isdigit))
      index = trim(t.substr(f[0].size()));
  }
  return origins;
}

// The origin of each package's installed version in `apt-cache policy
// PKG:ARCH...`: the first index listed under its "***" line.
std::map<std::string, std::string> installed_origins(const std::string& policy,
                                                     const std::map<std::string, std::string>& origins) {
  std::map<std::string, std::string> out;
  std::string pkg;
  bool in_installed = false, done = false;
  for (const auto& line : split(policy, '\n')) {
    if (!line.empty() && line[0] != ' ') {
      pkg = line.substr(0, line.rfind(':'));
      in_installed = done = false;
      continue;
    }
    std::string t = trim(line);
    if (t.starts_with("*** ")) {
      in_installed = true;
      continue;
    }
    if (line.starts_with("     ") && !line.starts_with("        ")) {  // another version
      in_installed = false;
      continue;
    }
    if (!in_installed || done || !line.starts_with("        ")) continue;
    auto f = split_whitespace(t);
    if (f.size() < 2 || f[1] == "/var/lib/dpkg/status") continue;
    auto it = origins.find(trim(t.substr(f[0].size())));
    out[pkg] = it == origins.end() ? "" : it->second;
    done = true;
  }
  return out;
}

void add(Value& packages, const std::string& name, Value rec) {
  if (!packages.contains(name)) packages[name] = Value::array();
  packages[name].push_back(std::move(rec));
}

void list_apt(const ScriptAnswer& a, Value& packages) {
  const std::string native = trim(a.get("apt_native"));
  auto origins = installed_origins(a.get("apt_policy"), apt_origins(a.get("apt_sources")));
  for (const auto& line : split(a.get("apt"), '\n')) {
    auto f = split(line, '\t');
    if (f.size() < 5) continue;
    // python-apt names a foreign-architecture package "name:arch".
    std::string name = f[3] == native || f[3] == "all" ? f[1] : f[1] + ":" + f[3];
    auto o = origins.find(f[1] + ":" + f[3]);
    if (o == origins.end()) o = origins.find(f[1]);
    add(packages, name,
        Value{{"name", name}, {"version", f[2]}, {"arch", f[3]}, {"category", f[4]},
              {"origin", o == origins.end() ? "" : o->second}, {"source", "apt"}});
  }
}

void list_rpm(const ScriptAnswer& a, Value& packages) {
  for (const auto& line : split(a.get("rpm"), '\n')) {
    auto f = split(line, '\t');
    if (f.size() < 5) continue;
    Value epoch = f[3] == "(none)" ? Value() : Value(std::atoll(f[3].c_str()));
    add(packages, f[0],
        Value{{"name", f[0]}, {"version", f[1]}, {"release", f[2]}, {"epoch", epoch}, {"arch", f[4]},
              {"source", "rpm"}});
  }
}

void list_apk(const ScriptAnswer& a, Value& packages) {
  for (const auto& line : split_lines(a.get("apk"))) {
    // Python's rsplit('-', 2): name-version-release.
    size_t r = line.rfind('-');
    size_t v = r == std::string::npos || r == 0 ? std::string::npos : line.rfind('-', r - 1);
    Value rec = v == std::string::npos
                    ? Value{{"name", line}, {"version", ""}, {"release", ""}}
                    : Value{{"name", line.substr(0, v)}, {"version", line.substr(v + 1, r - v - 1)},
                            {"release", line.substr(r + 1)}};
    rec["source"] = "apk";
    add(packages, rec["name"].get<std::string>(), rec);
  }
}

const std::vector<std::string> kManagers = {"apt", "rpm", "apk", "pacman", "pkg", "portage", "pkg_info"};

class PackageFactsModule : public Module {
 public:
  PackageFactsModule() {
    spec_.options = {
        opt("manager", OptionType::list).of(OptionType::str).def(Value::array({"auto"})),
        opt("strategy").def("first").one_of({"first", "all"}),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::vector<std::string> asked;
    for (const auto& m : string_list(args["manager"])) asked.push_back(to_lower(m));
    std::vector<std::string> managers;
    bool is_auto = false;
    for (const auto& m : asked) {
      if (m == "auto") {
        is_auto = true;
        continue;
      }
      if (std::find(managers.begin(), managers.end(), m) == managers.end()) managers.push_back(m);
    }
    std::vector<std::string> unsupported;
    for (const auto& m : managers)
      if (std::find(kManagers.begin(), kManagers.end(), m) == kManagers.end()) unsupported.push_back(m);
    if (!unsupported.empty())
      return failed_result(is_auto ? "Could not auto detect a usable package manager, check warnings for details."
                                   : "Unsupported package managers requested: " + join(unsupported, ", "));
    if (is_auto)
      for (const auto& m : kManagers)
        if (std::find(managers.begin(), managers.end(), m) == managers.end()) managers.push_back(m);
    for (const auto& m : managers)
      if (m != "apt" && m != "rpm" && m != "apk" && std::find(asked.begin(), asked.end(), m) != asked.end())
        return failed_result("drover's package_facts does not read " + m + " packages yet (apt, rpm, apk)");

    ScriptAnswer a = run_answer_script(ctx, shell_assign("managers", join(managers, " ")) +
                                                shell_assign("first", args["strategy"] == "first") + kListBody);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    Value packages = Value::object();
    bool found = false;
    for (const auto& m : managers) {
      if (!a.has(m)) continue;
      found = true;
      if (m == "apt") list_apt(a, packages);
      if (m == "rpm") list_rpm(a, packages);
      if (m == "apk") list_apk(a, packages);
    }
    if (!found) {
      std::string list;
      for (const auto& m : managers) list += (list.empty() ? "'" : ", '") + m + "'";
      return failed_result("Could not detect a supported package manager from the following list: [" + list +
                           "], or the required Python library is not installed. Check warnings for details.");
    }
    return Value{{"changed", false}, {"ansible_facts", {{"packages", packages}}}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration package_facts_registration({"package_facts"}, make_module<PackageFactsModule>);

}  // namespace drover
