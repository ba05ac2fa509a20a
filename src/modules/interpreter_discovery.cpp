#include "modules/interpreter_discovery.hpp"

#include <algorithm>
#include <map>

#include "core/strings.hpp"

namespace drover {
namespace {

const char* kDocLink = "https://docs.ansible.com/ansible-core/2.14/reference_appendices/interpreter_discovery.html";

// Ansible's _INTERPRETER_PYTHON_DISTRO_MAP (2.14), keyed by os-release ID.
const std::map<std::string, std::map<std::string, std::string>>& distro_map() {
  static const std::map<std::string, std::map<std::string, std::string>> m{
      {"redhat", {{"6", "/usr/bin/python"}, {"8", "/usr/libexec/platform-python"}, {"9", "/usr/bin/python3"}}},
      {"debian", {{"8", "/usr/bin/python"}, {"10", "/usr/bin/python3"}}},
      {"fedora", {{"23", "/usr/bin/python3"}}},
      {"ubuntu", {{"14", "/usr/bin/python"}, {"16", "/usr/bin/python3"}}},
  };
  return m;
}

// The family a distribution borrows the map of (Ansible's OS_FAMILY, the
// entries that have a map).
std::string family_of(const std::string& distro) {
  static const std::map<std::string, std::string> families{
      {"centos", "redhat"}, {"rhel", "redhat"},       {"rocky", "redhat"},  {"almalinux", "redhat"},
      {"ol", "redhat"},     {"oraclelinux", "redhat"}, {"amzn", "redhat"},  {"scientific", "redhat"},
      {"raspbian", "debian"}, {"linuxmint", "debian"}, {"pop", "debian"},   {"kali", "debian"},
      {"devuan", "debian"}, {"neon", "debian"}};
  auto it = families.find(distro);
  return it == families.end() ? distro : it->second;
}

// LooseVersion comparison of dotted numbers, enough for the map's keys.
std::vector<int> version_parts(const std::string& v) {
  std::vector<int> out;
  for (const auto& p : split(v, '.')) {
    try {
      out.push_back(std::stoi(p));
    } catch (...) {
      out.push_back(0);
    }
  }
  return out;
}

// _version_fuzzy_match: the exact version, else the highest key not above
// it, else the lowest key.
std::string fuzzy_match(const std::string& version, const std::map<std::string, std::string>& versions) {
  if (auto it = versions.find(version); it != versions.end()) return it->second;
  std::vector<std::pair<std::vector<int>, std::string>> keys;
  for (const auto& [k, v] : versions) keys.emplace_back(version_parts(k), v);
  std::sort(keys.begin(), keys.end());
  auto want = version_parts(version);
  std::string best = keys.front().second;
  for (const auto& [k, v] : keys)
    if (k <= want) best = v;
  return best;
}

std::string os_release_value(const std::string& text, const std::string& key) {
  for (const auto& line : split_lines(text)) {
    if (!starts_with(line, key + "=")) continue;
    std::string v = trim(line.substr(key.size() + 1));
    if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0]) v = v.substr(1, v.size() - 2);
    return v;
  }
  return "";
}

std::string python_list_repr(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", '" : "'") + items[i] + "'";
  return out + "]";
}

}  // namespace

const std::vector<std::string>& default_python_fallback() {
  static const std::vector<std::string> list{"python3.11", "python3.10", "python3.9", "python3.8",
                                             "python3.7",  "python3.6",  "python3.5", "/usr/bin/python3",
                                             "/usr/libexec/platform-python", "python2.7", "/usr/bin/python",
                                             "python"};
  return list;
}

std::string discovery_command(const std::vector<std::string>& fallback) {
  std::string cmd = "echo PLATFORM; uname; echo FOUND; ";
  for (const auto& py : fallback) cmd += "command -v " + shell_quote(py) + "; ";
  // Ansible reads os-release with the first Python found (a second trip);
  // cat gives the same text in this one.
  return cmd + "echo ENDFOUND; cat /etc/os-release /usr/lib/os-release 2>/dev/null; true";
}

bool is_discovery_mode(const std::string& value) {
  return value.empty() || value == "auto" || value == "auto_silent" || value == "auto_legacy" ||
         value == "auto_legacy_silent";
}

DiscoveredInterpreter decide_interpreter(const std::string& output, const std::string& host, const std::string& mode,
                                         const std::vector<std::string>& fallback) {
  DiscoveredInterpreter d;
  bool silent = ends_with(mode, "_silent");
  bool legacy = starts_with(mode, "auto_legacy");
  auto found_at = output.find("FOUND\n");
  auto end_at = output.find("ENDFOUND");
  std::string platform, release;
  std::vector<std::string> found;
  if (found_at != std::string::npos && end_at != std::string::npos && end_at >= found_at) {
    auto plat_at = output.find("PLATFORM\n");
    if (plat_at != std::string::npos && plat_at < found_at) {
      platform = trim(output.substr(plat_at + 9, found_at - plat_at - 9));
      std::transform(platform.begin(), platform.end(), platform.begin(), ::tolower);
    }
    for (const auto& line : split_lines(output.substr(found_at + 6, end_at - found_at - 6)))
      if (starts_with(trim(line), "/")) found.push_back(trim(line));
    release = output.substr(end_at + 8);
  }
  if (found.empty()) {
    if (!silent) d.warnings.push_back("No python interpreters found for host " + host + " (tried " +
                                      python_list_repr(fallback) + ")");
    d.path = "/usr/bin/python";
    return d;
  }
  d.found = true;
  std::string distro = os_release_value(release, "ID");
  std::string version = os_release_value(release, "VERSION_ID");
  auto map_it = distro_map().find(distro);
  if (map_it == distro_map().end()) map_it = distro_map().find(family_of(distro));
  if (platform != "linux" || distro.empty() || version.empty() || map_it == distro_map().end()) {
    if (!silent)
      d.warnings.push_back("Platform " + (platform.empty() ? std::string("unknown") : platform) + " on host " + host +
                           " is using the discovered Python interpreter at " + found[0] +
                           ", but future installation of another Python interpreter could change the meaning of "
                           "that path. See " + kDocLink + " for more information.");
    d.path = found[0];
    return d;
  }
  std::string platform_python = fuzzy_match(version, map_it->second);
  if (legacy && platform_python != "/usr/bin/python" &&
      std::find(found.begin(), found.end(), "/usr/bin/python") != found.end()) {
    if (!silent)
      d.warnings.push_back("Distribution " + distro + " " + version + " on host " + host + " should use " +
                           platform_python +
                           ", but is using /usr/bin/python for backward compatibility with prior Ansible "
                           "releases. See " + kDocLink + " for more information");
    d.path = "/usr/bin/python";
    return d;
  }
  if (std::find(found.begin(), found.end(), platform_python) == found.end()) {
    if (!silent) {
      if (std::find(fallback.begin(), fallback.end(), platform_python) == fallback.end())
        d.warnings.push_back("Platform interpreter " + platform_python + " on host " + host +
                             " is missing from bootstrap list");
      d.warnings.push_back("Distribution " + distro + " " + version + " on host " + host + " should use " +
                           platform_python + ", but is using " + found[0] +
                           ", since the discovered platform python interpreter was not present. See " + kDocLink +
                           " for more information.");
    }
    d.path = found[0];
    return d;
  }
  d.path = platform_python;
  return d;
}

}  // namespace drover
