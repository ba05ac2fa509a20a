// The facts script: built from the chosen collectors' needs, run once,
// split back into files, probes and sections. See facts.hpp.
#include <algorithm>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/facts_collectors.hpp"
#include "modules/gather_subset.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// Section markers: a record separator can not appear in the files read.
constexpr char kMark = '\x1e';

const char* const kDmi = "/sys/devices/virtual/dmi/id/";

std::vector<std::string> dmi_files() {
  std::vector<std::string> v;
  for (const char* f : {"bios_date", "bios_vendor", "bios_version", "board_asset_tag", "board_name", "board_serial",
                        "board_vendor", "board_version", "chassis_asset_tag", "chassis_serial", "chassis_vendor",
                        "chassis_version", "chassis_type", "product_name", "product_serial", "product_uuid",
                        "product_version", "product_family", "sys_vendor"})
    v.push_back(std::string(kDmi) + f);
  return v;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

const std::vector<FactCollector>& fact_collectors() {
  static const std::vector<FactCollector> c = {
      {"platform",
       {"/proc/sys/kernel/ostype", "/proc/sys/kernel/osrelease", "/proc/sys/kernel/version",
        "/proc/sys/kernel/hostname", "/var/lib/dbus/machine-id", "/etc/machine-id", "/etc/hosts"},
       {},
       "_s uname; uname -snrm\n",
       collect_platform},
      {"distribution",
       {"/etc/os-release", "/usr/lib/os-release", "/etc/debian_version", "/etc/redhat-release", "/etc/system-release",
        "/etc/alpine-release", "/etc/lsb-release", "/etc/SuSE-release", "/etc/gentoo-release", "/etc/altlinux-release"},
       {"/etc/arch-release"},
       "",
       collect_distribution},
      {"lsb", {"/etc/lsb-release", "/etc/os-release", "/etc/debian_version"}, {},
       "command -v lsb_release >/dev/null && _s lsb_release\n", collect_lsb},
      {"selinux", {"/sys/fs/selinux/enforce", "/sys/fs/selinux/policyvers", "/etc/selinux/config"},
       {"/sys/fs/selinux/"}, "", collect_selinux},
      {"apparmor", {}, {"/sys/kernel/security/apparmor"}, "", collect_apparmor},
      {"chroot", {}, {},
       "_s chroot; stat -c '%d %i' / /proc/1/root/.; _s chroot_env; echo \"${debian_chroot:-}\"; _s rootfs; stat -f -c %T /\n",
       collect_chroot},
      {"fips", {"/proc/sys/crypto/fips_enabled"}, {}, "", collect_fips},
      // The interpreter Ansible would run modules with: the host's
      // ansible_python_interpreter ($_py), else the first of discovery's
      // fallbacks that exists.
      {"python", {}, {},
       "for _p in \"$_py\" /usr/bin/python3 python3 /usr/libexec/platform-python /usr/bin/python python; do\n"
       "  [ -n \"$_p\" ] && _q=$(command -v \"$_p\") && { _s python; echo \"$_q\"; \"$_q\" -V 2>&1; break; }\n"
       "done\n",
       collect_python},
      {"caps", {}, {}, "command -v capsh >/dev/null && { _s capsh; capsh --print; }\n", collect_caps},
      {"pkg_mgr", {},
       {"/usr/bin/rpm-ostree", "/usr/bin/yum", "/usr/bin/dnf", "/usr/bin/apt-get", "/usr/bin/zypper", "/usr/sbin/urpmi",
        "/usr/bin/pacman", "/bin/opkg", "/usr/pkg/bin/pkgin", "/opt/local/bin/pkgin", "/opt/tools/bin/pkgin",
        "/opt/local/bin/port", "/usr/local/bin/brew", "/opt/homebrew/bin/brew", "/sbin/apk", "/usr/sbin/pkg",
        "/usr/sbin/swlist", "/usr/bin/emerge", "/usr/sbin/pkgadd", "/usr/bin/pkg", "/usr/bin/xbps-install",
        "/usr/local/sbin/pkg", "/usr/bin/swupd", "/usr/sbin/sorcery", "/usr/bin/installp", "/QOpenSys/pkgs/bin/yum",
        "/run/ostree-booted", "/usr/bin/rpm"},
       "", collect_pkg_mgr},
      {"service_mgr", {"/proc/1/comm"},
       {"/run/systemd/system/", "/dev/.run/systemd/", "/dev/.systemd/", "/etc/init/", "/sbin/openrc", "/etc/init.d/"},
       "command -v systemctl >/dev/null && _s has_systemctl; command -v initctl >/dev/null && _s has_initctl\n"
       "[ -r /proc/1/comm ] || { [ -L /sbin/init ] && { _s sbin_init; ls -l /sbin/init; }; }\n",
       collect_service_mgr},
      {"cmdline", {"/proc/cmdline"}, {}, "", collect_cmdline},
      {"date_time", {}, {},
       // Python's time.tzname[1] (tz_dst) comes from the zone's rules: the
       // POSIX TZ string, in $TZ or at the end of /etc/localtime.
       "_s date; date '+%s %N %z %Z'; _s tz; if [ -n \"${TZ:-}\" ]; then echo \"$TZ\"; else tail -n 1 /etc/localtime; fi\n",
       collect_date_time},
      {"env", {}, {},
       "if [ -r /proc/self/environ ]; then _s env0; cat /proc/self/environ; else _s env; env; fi\n", collect_env},
      {"loadavg", {"/proc/loadavg"}, {}, "", collect_loadavg},
      {"ssh_pub_keys", {"/etc/ssh/ssh_host_*_key.pub", "/etc/openssh/ssh_host_*_key.pub", "/etc/ssh_host_*_key.pub"},
       {}, "", collect_ssh_pub_keys},
      {"user", {"/etc/passwd"}, {},
       "_s id; id; _s user_env; echo \"${LOGNAME:-}:${USER:-}:${LNAME:-}:${USERNAME:-}\"\n", collect_user},
      {"virtual",
       concat({"/proc/1/cgroup", "/run/systemd/container", "/proc/self/status", "/proc/cpuinfo", "/proc/modules",
               "/proc/xen/capabilities"},
              dmi_files()),
       {"/proc/vz", "/proc/lve", "/proc/bc", "/.dockerenv", "/.dockerinit", "/proc/xen", "/rhev/", "/dev/kvm"},
       "[ -r /proc/1/environ ] && { _s p1env; cat /proc/1/environ; }\n"
       "command -v dmidecode >/dev/null && { _s dmidecode; dmidecode -s system-product-name; }\n",
       collect_virtual},
      {"hardware",
       concat({"/proc/cpuinfo", "/proc/meminfo", "/proc/uptime", "/proc/mounts", "/proc/self/mountinfo",
               "/sys/hypervisor/type", "/proc/self/status"},
              dmi_files()),
       {"/proc/xen", "/etc/mtab", "/sys/devices/virtual/dmi/id/product_name"},
       // statvfs of every mount Ansible reports (device is a path or
       // host:/path, fstype not none), in one stat process.
       "_s statfs; set --\n"
       "while read -r _d _m _t _o _r; do\n"
       "  case $_d in /*|\\\\*|*:/*) ;; *) continue;; esac\n"
       "  [ \"$_t\" = none ] && continue\n"
       "  case $_m in *\\\\*) _m=$(printf '%b' \"$_m\");; esac\n"
       "  set -- \"$@\" \"$_m\"\n"
       "done < /proc/mounts\n"
       "[ $# -gt 0 ] && stat -f -c '%s %S %b %a %c %d %n' -- \"$@\"\n"
       "command -v lsblk >/dev/null && { _s lsblk; lsblk --list --noheadings --paths --output NAME,UUID --exclude 2; }\n",
       collect_hardware},
      {"dns", {"/etc/resolv.conf"}, {}, "", collect_dns},
      {"fibre_channel_wwn", {"/sys/class/fc_host/*/port_name"}, {}, "", collect_san_ids},
      {"network",
       {"/sys/class/net/*/address", "/sys/class/net/*/mtu", "/sys/class/net/*/operstate", "/sys/class/net/*/type",
        "/sys/class/net/*/speed", "/sys/class/net/*/flags", "/sys/class/net/*/bridge/bridge_id",
        "/sys/class/net/*/bridge/stp_state", "/sys/class/net/*/bonding/slaves", "/sys/class/net/*/bonding/mode",
        "/sys/class/net/*/bonding/miimon", "/sys/class/net/*/bonding/lacp_rate", "/sys/class/net/*/bonding/primary",
        "/sys/class/net/*/bonding/all_slaves_active", "/sys/class/net/*/bonding_slave/perm_hwaddr",
        "/proc/net/if_inet6", "/proc/net/route"},
       {"/sys/class/net/*", "/sys/class/net/*/bridge", "/sys/class/net/*/brif/*", "/sys/class/net/*/bonding"},
       "_s netlinks; ls -l /sys/class/net/*/device /sys/class/net/*/device/driver/module\n"
       "if command -v ip >/dev/null; then _s ipaddr; ip addr show\n"
       "_s route4; ip -4 route get 8.8.8.8; _s route6; ip -6 route get 2404:6800:400a:800::1012; fi\n",
       collect_network},
      {"iscsi", {"/etc/iscsi/initiatorname.iscsi"}, {}, "", collect_san_ids},
      {"nvme", {"/etc/nvme/hostnqn"}, {}, "", collect_san_ids},
      {"local", {}, {}, "", collect_local},
      {"facter", {}, {}, "", nullptr},
      {"ohai", {}, {}, "", nullptr},
  };
  return c;
}

// Ansible's local facts: executable .fact files in $_fact_path run, the
// others are read.
constexpr const char* kLocalFacts = R"SH(if [ -d "$_fact_path" ]; then
  _s local_dir
  for _f in "$_fact_path"/*.fact; do
    [ -e "$_f" ] || continue
    if [ -x "$_f" ]; then _s "local_run:$_f"; "$_f"; _r=$?; _s "local_rc:$_f"; echo $_r
    else _s "local_file:$_f"; cat "$_f"; fi
  done
fi
)SH";

std::string build_facts_script(const std::set<std::string>& collectors, const FactsRequest& request) {
  std::vector<std::string> files, probes;
  std::string commands;
  for (const auto& c : fact_collectors()) {
    if (!collectors.count(c.name)) continue;
    for (const auto& f : c.files)
      if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
    for (const auto& p : c.probes)
      if (std::find(probes.begin(), probes.end(), p) == probes.end()) probes.push_back(p);
    commands += c.commands;
  }
  if (collectors.count("local")) commands += kLocalFacts;
  // Globs stay unquoted so the shell expands them; the paths are ours.
  std::string script = "exec 2>/dev/null\n_s() { printf '\\036%s\\n' \"$1\"; }\n";
  if (collectors.count("python")) script += shell_assign("_py", request.python_interpreter);
  if (collectors.count("local")) script += shell_assign("_fact_path", request.fact_path);
  if (!files.empty()) script += "_s files; LC_ALL=C grep -H '' " + join(files, " ") + "\n";
  if (!probes.empty()) {
    script += "_s probes; for _f in " + join(probes, " ") +
              "; do case $_f in */) [ -d \"$_f\" ] && echo \"$_f\";; *) [ -e \"$_f\" ] && echo \"$_f\";; esac; done\n";
  }
  script += commands;
  script += "_s end\n";
  return script;
}

FactsInput split_facts_output(const std::string& output) {
  FactsInput in;
  size_t pos = 0;
  auto next_mark = [&](size_t from) {
    size_t p = from;
    while ((p = output.find(kMark, p)) != std::string::npos) {
      if (p == 0 || output[p - 1] == '\n') return p;
      // A section whose output did not end with a newline: the mark follows
      // directly; still a mark if a name and newline follow.
      return p;
    }
    return std::string::npos;
  };
  pos = next_mark(0);
  while (pos != std::string::npos) {
    size_t eol = output.find('\n', pos);
    if (eol == std::string::npos) break;
    std::string name = output.substr(pos + 1, eol - pos - 1);
    size_t next = next_mark(eol + 1);
    std::string body = output.substr(eol + 1, (next == std::string::npos ? output.size() : next) - eol - 1);
    if (name == "files") {
      for (const auto& line : split_lines(body)) {
        size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        in.files[line.substr(0, colon)] += line.substr(colon + 1) + "\n";
      }
    } else if (name == "probes") {
      for (const auto& line : split_lines(body))
        if (!line.empty()) in.existing.insert(line);
    } else {
      in.sections[name] += body;
    }
    pos = next;
  }
  return in;
}

std::string strip(const std::string& s) { return trim(s); }

std::optional<std::string> FactsInput::file(const std::string& path) const {
  auto it = files.find(path);
  if (it == files.end()) return std::nullopt;
  return trim(it->second);
}

std::string FactsInput::file_or(const std::string& path, const std::string& fallback) const {
  auto v = file(path);
  return v ? *v : fallback;
}

std::string FactsInput::section(const std::string& name) const {
  auto it = sections.find(name);
  return it == sections.end() ? std::string() : it->second;
}

std::vector<std::string> FactsInput::files_matching(const std::string& glob) const {
  std::vector<std::string> out;
  for (const auto& [path, content] : files)
    if (glob_match(glob, path)) out.push_back(path);
  return out;
}

std::map<std::string, std::string> parse_shell_assignments(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& raw : split_lines(text)) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    out[key] = value;
  }
  return out;
}

Value parse_facts_output(const std::string& output, const std::set<std::string>& collectors,
                         const FactsRequest& request) {
  FactsInput in = split_facts_output(output);
  Value facts = Value::object();
  bool san_done = false;
  for (const auto& c : fact_collectors()) {
    if (!collectors.count(c.name) || !c.collect) continue;
    if (c.collect == collect_san_ids) {
      if (san_done) continue;
      san_done = true;
    }
    c.collect(in, facts, request);
  }
  // The SAN collectors each add one fact; collect_san_ids adds all three.
  for (const auto& [name, key] : {std::pair{"fibre_channel_wwn", "fibre_channel_wwn"}, std::pair{"iscsi", "iscsi_iqn"},
                                  std::pair{"nvme", "hostnqn"}})
    if (!collectors.count(name)) facts.erase(key);

  // Module output: ansible_ prefix, sorted like Ansible's JSON, then
  // filtered by name (fnmatch, with or without the prefix) as
  // AnsibleFactCollector._filter does; gather_subset and module_setup go
  // through the filter too.
  facts["gather_subset"] = request.gather_subset;
  facts["module_setup"] = true;
  auto prefixed = [](const std::string& k) {
    if (k == "gather_subset" || k == "module_setup") return k;
    // PrefixFactNamespace: "br-lan" -> "ansible_br_lan".
    std::string name = "ansible_" + k;
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
  };
  std::vector<std::string> keys;
  for (auto it = facts.begin(); it != facts.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end(),
            [&](const std::string& a, const std::string& b) { return prefixed(a) < prefixed(b); });
  Value out = Value::object();
  for (const auto& k : keys) {
    std::string name = prefixed(k);
    bool keep = request.filter.empty();
    for (const auto& f : request.filter) {
      if (f.empty() || f == "*" || glob_match(f, name) ||
          (!starts_with(f, "ansible_") && !starts_with(f, "facter") && !starts_with(f, "ohai") &&
           glob_match("ansible_" + f, name))) {
        keep = true;
        break;
      }
    }
    if (keep) out[name] = std::move(facts[k]);
  }
  return out;
}

Value gather_facts(ModuleContext& ctx, const FactsRequest& request) {
  std::set<std::string> collectors;
  try {
    collectors = resolve_gather_subset(request.gather_subset);
  } catch (const Error& e) {
    return failed_result(e.message());
  }
  std::string script = build_facts_script(collectors, request);
  // gather_timeout bounds each Ansible collector; drover has one script, so
  // it bounds the whole round trip (with the task's timeout if longer).
  ModuleContext run_ctx = ctx;
  if (request.gather_timeout > 0 && (run_ctx.timeout_s == 0 || run_ctx.timeout_s > request.gather_timeout))
    run_ctx.timeout_s = request.gather_timeout;
  // The login shell may not be POSIX (fish, csh): the script runs in
  // /bin/sh, as Ansible's `/bin/sh -c '/usr/bin/python3 && sleep 0'` does.
  ExecResult res = run_script(run_ctx, "exec /bin/sh -c " + shell_quote(script));
  if (!res.become_error.empty()) return failed_result(res.become_error);
  if (res.timed_out) return failed_result("Timeout (" + std::to_string(request.gather_timeout) + "s) gathering facts");
  if (res.out.find("\x1e" "end\n") == std::string::npos)
    return failed_result("fact gathering script did not complete (rc " + std::to_string(res.exit_status) +
                         "): " + rstrip_newlines(res.err));
  Value facts = parse_facts_output(res.out, collectors, request);
  return Value{{"ansible_facts", std::move(facts)}, {"changed", false}};
}

Value strip_fact_prefix(const Value& module_facts) {
  Value out = Value::object();
  for (auto it = module_facts.begin(); it != module_facts.end(); ++it) {
    const std::string& k = it.key();
    // ansible.vars.clean.namespace_facts keeps ansible_local's name
    // (ansible_local -> local too) and strips the prefix everywhere.
    out[starts_with(k, "ansible_") ? k.substr(8) : k] = it.value();
  }
  return out;
}

}  // namespace drover
