// Facts about the operating system: platform, distribution, lsb, pkg_mgr,
// service_mgr, chroot, selinux, apparmor, fips, caps, python (ansible-core
// 2.14's collectors of the same names, Linux paths).
#include <regex>

#include "core/strings.hpp"
#include "modules/facts_collectors.hpp"

namespace drover {
namespace {

// socket.getfqdn(name) answered from /etc/hosts as glibc's files backend
// does with `multi on` (Debian's host.conf): the address of the first line
// naming the host, then every line of that address: the first name is the
// canonical one, the rest aliases; the first with a dot wins.
std::string fqdn_from_hosts(const std::string& hosts, const std::string& name) {
  std::vector<std::vector<std::string>> lines;
  for (const auto& raw : split_lines(hosts)) {
    std::string line = raw.substr(0, raw.find('#'));
    auto words = split_whitespace(line);
    if (words.size() >= 2) lines.push_back(words);
  }
  std::string addr;
  for (const auto& w : lines) {
    for (size_t i = 1; i < w.size() && addr.empty(); ++i)
      if (w[i] == name) addr = w[0];
    if (!addr.empty()) break;
  }
  if (addr.empty()) return name;
  std::vector<std::string> names;
  for (const auto& w : lines)
    if (w[0] == addr) names.insert(names.end(), w.begin() + 1, w.end());
  for (const auto& n : names)
    if (n.find('.') != std::string::npos) return n;
  return names.empty() ? name : names.front();
}

const std::map<std::string, std::string>& os_family_of() {
  static const std::map<std::string, std::string> m = [] {
    std::map<std::string, std::string> r;
    const std::vector<std::pair<const char*, std::vector<const char*>>> families = {
        {"RedHat", {"RedHat", "RHEL", "Fedora", "CentOS", "Scientific", "SLC", "Ascendos", "CloudLinux", "PSBM",
                    "OracleLinux", "OVS", "OEL", "Amazon", "Virtuozzo", "XenServer", "Alibaba", "EulerOS", "openEuler",
                    "AlmaLinux", "Rocky", "TencentOS", "EuroLinux", "Kylin Linux Advanced Server"}},
        {"Debian", {"Debian", "Ubuntu", "Raspbian", "Neon", "KDE neon", "Linux Mint", "SteamOS", "Devuan", "Kali",
                    "Cumulus Linux", "Pop!_OS", "Parrot", "Pardus GNU/Linux", "Uos", "Deepin", "OSMC"}},
        {"Suse", {"SuSE", "SLES", "SLED", "openSUSE", "openSUSE Tumbleweed", "SLES_SAP", "SUSE_LINUX",
                  "openSUSE Leap"}},
        {"Archlinux", {"Archlinux", "Antergos", "Manjaro"}},
        {"Mandrake", {"Mandrake", "Mandriva"}},
        {"Slackware", {"Slackware"}},
        {"Altlinux", {"Altlinux"}},
        {"Gentoo", {"Gentoo", "Funtoo"}},
        {"Alpine", {"Alpine"}},
        {"ClearLinux", {"Clear Linux OS", "Clear Linux Mix"}},
    };
    for (const auto& [family, names] : families)
      for (const char* n : names) r[n] = family;
    return r;
  }();
  return m;
}

// os-release ID -> Ansible's distribution name (the `distro` library's
// names as Ansible maps them).
std::string distribution_name(const std::string& id, const std::string& name) {
  static const std::map<std::string, std::string> ids = {
      {"debian", "Debian"},       {"raspbian", "Debian"},         {"ubuntu", "Ubuntu"},
      {"centos", "CentOS"},       {"rhel", "RedHat"},             {"fedora", "Fedora"},
      {"rocky", "Rocky"},         {"almalinux", "AlmaLinux"},     {"ol", "OracleLinux"},
      {"amzn", "Amazon"},         {"alpine", "Alpine"},           {"arch", "Archlinux"},
      {"manjaro", "Manjaro"},     {"opensuse-leap", "openSUSE Leap"}, {"opensuse-tumbleweed", "openSUSE Tumbleweed"},
      {"opensuse", "openSUSE"},   {"sles", "SLES"},               {"sled", "SLED"},
      {"sles_sap", "SLES_SAP"},   {"gentoo", "Gentoo"},           {"linuxmint", "Linux Mint"},
      {"devuan", "Devuan"},       {"kali", "Kali"},               {"parrot", "Parrot"},
      {"pop", "Pop!_OS"},         {"clear-linux-os", "Clear Linux OS"}, {"cloudlinux", "CloudLinux"},
      {"virtuozzo", "Virtuozzo"}, {"scientific", "Scientific"},   {"slackware", "Slackware"},
      {"altlinux", "Altlinux"},   {"openEuler", "openEuler"},     {"euleros", "EulerOS"},
      {"xenenterprise", "XenServer"}, {"neon", "KDE neon"},       {"steamos", "SteamOS"},
      {"void", "Void"},           {"nixos", "NixOS"},             {"mageia", "Mageia"},
  };
  auto it = ids.find(id);
  if (it != ids.end()) return it->second;
  if (!name.empty()) return name;
  return id.empty() ? "" : std::string(1, static_cast<char>(std::toupper(id[0]))) + id.substr(1);
}

// "CentOS Stream release 9", "Red Hat Enterprise Linux release 9.3 (Plow)"
std::string release_file_version(const std::string& text) {
  std::smatch m;
  static const std::regex re(R"(release\s+([0-9][0-9.]*))");
  if (std::regex_search(text, m, re)) return m[1];
  return "";
}

std::string release_file_codename(const std::string& text) {
  std::smatch m;
  static const std::regex re(R"(\(([^)]+)\))");
  if (std::regex_search(text, m, re)) return m[1];
  return "";
}

}  // namespace

void collect_platform(const FactsInput& in, Value& f, const FactsRequest&) {
  auto u = split_whitespace(in.section("uname"));  // -s -n -r -m
  std::string system = u.size() > 0 ? u[0] : in.file_or("/proc/sys/kernel/ostype", "Linux");
  std::string node = u.size() > 1 ? u[1] : in.file_or("/proc/sys/kernel/hostname", "");
  std::string kernel = u.size() > 2 ? u[2] : in.file_or("/proc/sys/kernel/osrelease", "");
  std::string machine = u.size() > 3 ? u[3] : "";
  f["system"] = system;
  f["kernel"] = kernel;
  f["kernel_version"] = in.file_or("/proc/sys/kernel/version", "");
  f["machine"] = machine;
  std::string fqdn = fqdn_from_hosts(in.files.count("/etc/hosts") ? in.files.at("/etc/hosts") : "", node);
  f["fqdn"] = fqdn;
  f["hostname"] = node.substr(0, node.find('.'));
  f["nodename"] = node;
  size_t dot = fqdn.find('.');
  f["domain"] = dot == std::string::npos ? "" : fqdn.substr(dot + 1);
  // Python's platform.architecture() is the bitness of the Python binary;
  // with no Python on the target, the machine's word size stands in.
  static const std::regex bits64(R"(64|s390x)");
  std::string bits = std::regex_search(machine, bits64) ? "64" : "32";
  f["userspace_bits"] = bits;
  static const std::regex i86(R"(i([3456]86|86pc))");
  if (machine == "x86_64") {
    f["architecture"] = machine;
    f["userspace_architecture"] = bits == "64" ? "x86_64" : "i386";
  } else if (std::regex_search(machine, i86)) {
    f["architecture"] = "i386";
    f["userspace_architecture"] = "i386";
  } else {
    f["architecture"] = machine;
  }
  auto mid = in.file("/var/lib/dbus/machine-id");
  if (!mid || mid->empty()) mid = in.file("/etc/machine-id");
  if (mid && !mid->empty()) f["machine_id"] = split_lines(*mid)[0];
}

void collect_distribution(const FactsInput& in, Value& f, const FactsRequest&) {
  std::string osr_text = in.files.count("/etc/os-release") ? in.files.at("/etc/os-release")
                         : in.files.count("/usr/lib/os-release") ? in.files.at("/usr/lib/os-release")
                                                                  : "";
  auto osr = parse_shell_assignments(osr_text);
  std::string dist = distribution_name(osr["ID"], osr["NAME"]);
  std::string version = osr["VERSION_ID"];
  std::string codename = osr.count("VERSION_CODENAME") ? osr["VERSION_CODENAME"] : osr["UBUNTU_CODENAME"];
  std::string minor;
  std::string file_path, file_variety;
  std::string family;
  if (dist.empty()) {
    dist = f.value("system", std::string("Linux"));
    version = f.value("kernel_version", std::string());
  }
  auto it = os_family_of().find(dist);
  family = it == os_family_of().end() ? dist : it->second;

  if (family == "Debian") {
    file_path = "/etc/os-release";
    file_variety = "Debian";
    auto dv = in.file("/etc/debian_version");
    static const std::regex dotted(R"((\d+)\.(\d+))");
    std::smatch m;
    if (dist == "Debian" && dv && std::regex_search(*dv, m, dotted)) {
      version = m[0];
      minor = m[2];
    }
    if (codename.empty()) {
      static const std::regex pretty(R"(PRETTY_NAME=[^(]+ \(?([^)]+?)\))");
      if (std::regex_search(osr_text, m, pretty)) codename = m[1];
    }
  } else if (family == "RedHat") {
    auto rr = in.file("/etc/redhat-release");
    if (!rr) rr = in.file("/etc/system-release");
    if (rr) {
      file_path = in.file("/etc/redhat-release") ? "/etc/redhat-release" : "/etc/system-release";
      file_variety = "RedHat";
      std::string v = release_file_version(*rr);
      if (!v.empty() && v.size() > version.size()) version = v;
      if (codename.empty()) codename = release_file_codename(*rr);
    }
  } else if (family == "Alpine") {
    if (auto ar = in.file("/etc/alpine-release")) {
      file_path = "/etc/alpine-release";
      file_variety = "Alpine";
      version = *ar;
    }
  } else if (family == "Suse" || family == "Archlinux" || family == "ClearLinux") {
    file_path = "/etc/os-release";
    file_variety = family == "Suse" ? "SUSE" : family;
  }
  if (codename.empty()) codename = "NA";
  if (version.empty()) version = "NA";
  f["distribution"] = dist;
  f["distribution_release"] = codename;
  f["distribution_version"] = version;
  std::string major = version == "NA" ? "NA" : version.substr(0, version.find('.'));
  f["distribution_major_version"] = major;
  if (minor.empty() && version.find('.') != std::string::npos) {
    std::string rest = version.substr(version.find('.') + 1);
    minor = rest.substr(0, rest.find('.'));
  }
  if (!minor.empty()) f["distribution_minor_version"] = minor;
  if (!file_path.empty()) {
    f["distribution_file_parsed"] = true;
    f["distribution_file_path"] = file_path;
    f["distribution_file_variety"] = file_variety;
  }
  f["os_family"] = family;
}

// Ansible runs `lsb_release -a` (a Python program on Debian, ~50 ms of
// CPU) when it exists, else reads /etc/lsb-release. drover reads
// /etc/lsb-release, or when lsb_release exists without it, answers what
// Debian's lsb_release prints from os-release.
void collect_lsb(const FactsInput& in, Value& f, const FactsRequest&) {
  Value lsb = Value::object();
  auto lsbr = parse_shell_assignments(in.files.count("/etc/lsb-release") ? in.files.at("/etc/lsb-release") : "");
  if (in.has_section("lsb_release") && lsbr.empty()) {
    auto osr = parse_shell_assignments(in.files.count("/etc/os-release") ? in.files.at("/etc/os-release") : "");
    std::string id = osr["NAME"].substr(0, osr["NAME"].find(' '));
    std::string release = osr["VERSION_ID"];
    if (release.empty()) {
      if (auto dv = in.file("/etc/debian_version")) release = *dv;
    }
    std::string codename = osr["VERSION_CODENAME"];
    if (!release.empty()) lsb["release"] = release;
    if (!id.empty()) lsb["id"] = id;
    if (!osr["PRETTY_NAME"].empty()) lsb["description"] = osr["PRETTY_NAME"];
    lsb["codename"] = codename.empty() ? "n/a" : codename;
  } else {
    if (lsbr.count("DISTRIB_ID")) lsb["id"] = lsbr["DISTRIB_ID"];
    if (lsbr.count("DISTRIB_RELEASE")) lsb["release"] = lsbr["DISTRIB_RELEASE"];
    if (lsbr.count("DISTRIB_DESCRIPTION")) lsb["description"] = lsbr["DISTRIB_DESCRIPTION"];
    if (lsbr.count("DISTRIB_CODENAME")) lsb["codename"] = lsbr["DISTRIB_CODENAME"];
  }
  if (lsb.contains("release")) {
    std::string r = lsb["release"];
    lsb["major_release"] = r.substr(0, r.find('.'));
  }
  f["lsb"] = lsb;
}

void collect_pkg_mgr(const FactsInput& in, Value& f, const FactsRequest&) {
  static const std::vector<std::pair<const char*, const char*>> mgrs = {
      {"/usr/bin/rpm-ostree", "atomic_container"}, {"/usr/bin/yum", "yum"}, {"/usr/bin/dnf", "dnf"},
      {"/usr/bin/apt-get", "apt"}, {"/usr/bin/zypper", "zypper"}, {"/usr/sbin/urpmi", "urpmi"},
      {"/usr/bin/pacman", "pacman"}, {"/bin/opkg", "opkg"}, {"/usr/pkg/bin/pkgin", "pkgin"},
      {"/opt/local/bin/pkgin", "pkgin"}, {"/opt/tools/bin/pkgin", "pkgin"}, {"/opt/local/bin/port", "macports"},
      {"/usr/local/bin/brew", "homebrew"}, {"/opt/homebrew/bin/brew", "homebrew"}, {"/sbin/apk", "apk"},
      {"/usr/sbin/pkg", "pkgng"}, {"/usr/sbin/swlist", "swdepot"}, {"/usr/bin/emerge", "portage"},
      {"/usr/sbin/pkgadd", "svr4pkg"}, {"/usr/bin/pkg", "pkg5"}, {"/usr/bin/xbps-install", "xbps"},
      {"/usr/local/sbin/pkg", "pkgng"}, {"/usr/bin/swupd", "swupd"}, {"/usr/sbin/sorcery", "sorcery"},
      {"/usr/bin/installp", "installp"}, {"/QOpenSys/pkgs/bin/yum", "yum"}};
  std::string family = f.value("os_family", std::string());
  std::string name = "unknown";
  for (const auto& [path, mgr] : mgrs) {
    if (family == "Altlinux" && std::string(path) == "/usr/bin/pkg") continue;
    if (in.exists(path)) name = mgr;
  }
  if (family == "RedHat") {
    std::string dist = f.value("distribution", std::string());
    int major = std::atoi(f.value("distribution_major_version", std::string("0")).c_str());
    if (in.exists("/run/ostree-booted")) {
      name = "atomic_container";
    } else if (dist == "Fedora") {
      if (major < 23 && in.exists("/usr/bin/yum")) name = "yum";
      else if (major >= 23 && in.exists("/usr/bin/dnf")) name = "dnf";
    } else if (dist == "Amazon") {
      if (major < 2022 && in.exists("/usr/bin/yum")) name = "yum";
      else if (major >= 2022 && in.exists("/usr/bin/dnf")) name = "dnf";
    } else {
      name = major < 8 ? "yum" : "dnf";
    }
  } else if (family == "Debian") {
    name = "apt";
  } else if (family == "Altlinux" && name == "apt") {
    name = "apt_rpm";
  }
  f["pkg_mgr"] = name;
}

void collect_service_mgr(const FactsInput& in, Value& f, const FactsRequest&) {
  static const std::map<std::string, std::string> proc1_map = {
      {"procd", "openwrt_init"}, {"runit-init", "runit"}, {"svscan", "svc"}, {"openrc-init", "openrc"}};
  std::optional<std::string> proc1 = in.file("/proc/1/comm");
  if (!proc1 && in.has_section("sbin_init")) {
    std::string l = in.section("sbin_init");
    size_t arrow = l.find(" -> ");
    if (arrow != std::string::npos) proc1 = trim(l.substr(arrow + 4));
  }
  if (proc1) {
    std::string p = *proc1;
    size_t slash = p.rfind('/');
    if (slash != std::string::npos) p = p.substr(slash + 1);
    proc1 = trim(p);
    if (*proc1 == "init" || ends_with(*proc1, "sh") || proc1->empty()) proc1.reset();
  }
  std::string name;
  if (proc1) {
    auto it = proc1_map.find(*proc1);
    name = it == proc1_map.end() ? *proc1 : it->second;
  } else if (f.value("distribution", std::string()) == "OpenWrt") {
    name = "openwrt_init";
  } else if (f.value("system", std::string("Linux")) == "Linux") {
    bool systemctl = in.has_section("has_systemctl");
    if (systemctl && (in.exists("/run/systemd/system/") || in.exists("/dev/.run/systemd/") ||
                      in.exists("/dev/.systemd/")))
      name = "systemd";
    else if (in.has_section("has_initctl") && in.exists("/etc/init/"))
      name = "upstart";
    else if (in.exists("/sbin/openrc"))
      name = "openrc";
    else if (systemctl && in.has_section("sbin_init") && ends_with(trim(in.section("sbin_init")), "/systemd"))
      name = "systemd";
    else if (in.exists("/etc/init.d/"))
      name = "sysvinit";
  }
  f["service_mgr"] = name.empty() ? "service" : name;
}

void collect_chroot(const FactsInput& in, Value& f, const FactsRequest&) {
  if (!trim(in.section("chroot_env")).empty()) {
    f["is_chroot"] = true;
    return;
  }
  auto lines = split_lines(in.section("chroot"));
  if (lines.size() >= 2 && !lines[1].empty()) {
    f["is_chroot"] = lines[0] != lines[1];
  } else if (!lines.empty()) {
    // /proc/1/root unreadable (not root): Ansible compares the inode of /
    // with the filesystem's root inode.
    auto w = split_whitespace(lines[0]);
    std::string fs = trim(in.section("rootfs"));
    std::string root_ino = fs == "btrfs" ? "256" : fs == "xfs" ? "128" : "2";
    f["is_chroot"] = w.size() == 2 && w[1] != root_ino;
  } else {
    f["is_chroot"] = Value();
  }
}

void collect_selinux(const FactsInput& in, Value& f, const FactsRequest&) {
  Value s = Value::object();
  auto enforce = in.file("/sys/fs/selinux/enforce");
  if (!in.exists("/sys/fs/selinux/") || !enforce) {
    s["status"] = "disabled";
  } else {
    s["status"] = "enabled";
    auto pv = in.file("/sys/fs/selinux/policyvers");
    s["policyvers"] = pv ? Value(std::atoi(pv->c_str())) : Value("unknown");
    auto cfg = parse_shell_assignments(in.files.count("/etc/selinux/config") ? in.files.at("/etc/selinux/config") : "");
    std::string cm = to_lower(cfg["SELINUX"]);
    s["config_mode"] = cm.empty() ? "unknown" : cm;
    s["mode"] = *enforce == "1" ? "enforcing" : "permissive";
    s["type"] = cfg["SELINUXTYPE"].empty() ? "unknown" : cfg["SELINUXTYPE"];
  }
  f["selinux"] = s;
  // drover needs no Python bindings to read SELinux state.
  f["selinux_python_present"] = true;
}

void collect_apparmor(const FactsInput& in, Value& f, const FactsRequest&) {
  f["apparmor"] = {{"status", in.exists("/sys/kernel/security/apparmor") ? "enabled" : "disabled"}};
}

void collect_fips(const FactsInput& in, Value& f, const FactsRequest&) {
  f["fips"] = in.file_or("/proc/sys/crypto/fips_enabled", "") == "1";
}

void collect_python(const FactsInput& in, Value& f, const FactsRequest&) {
  // The script's section: the interpreter's path, then `python -V`
  // ("Python 3.11.2", "Python 3.13.0rc1"; PyPy adds a "[PyPy ...]" line).
  auto lines = split_lines(in.section("python"));
  if (lines.size() < 2 || !starts_with(lines[1], "Python ")) return;
  std::smatch m;
  static const std::regex version_re(R"(Python (\d+)\.(\d+)\.(\d+)(a|b|rc)?(\d+)?)");
  if (!std::regex_search(lines[1], m, version_re)) return;
  std::string level = !m[4].matched ? "final" : m[4] == "a" ? "alpha" : m[4] == "b" ? "beta" : "candidate";
  int serial = m[5].matched ? std::stoi(m[5]) : 0;
  int major = std::stoi(m[1]), minor = std::stoi(m[2]), micro = std::stoi(m[3]);
  bool pypy = in.section("python").find("PyPy") != std::string::npos;
  f["python"] = Value{
      {"version", {{"major", major}, {"minor", minor}, {"micro", micro}, {"releaselevel", level}, {"serial", serial}}},
      {"version_info", Value::array({major, minor, micro, level, serial})},
      {"executable", lines[0]},
      // ssl.SSLContext exists from Python 2.7.9 on.
      {"has_sslcontext", major > 2 || (minor == 7 && micro >= 9)},
      {"type", pypy ? "pypy" : "cpython"}};
  // The platform collector's platform.python_version() ("3.11.2", "3.13.0rc1").
  f["python_version"] = m.str(0).substr(std::string("Python ").size());
}

void collect_caps(const FactsInput& in, Value& f, const FactsRequest&) {
  if (!in.has_section("capsh")) {
    f["system_capabilities"] = "N/A";
    f["system_capabilities_enforced"] = "N/A";
    return;
  }
  Value caps = Value::array();
  std::string enforced = "NA";
  for (const auto& line : split_lines(in.section("capsh"))) {
    if (!starts_with(line, "Current:")) continue;
    std::string cur = trim(split(line, ':')[1]);
    if (cur == "=ep") {
      enforced = "False";
    } else {
      enforced = "True";
      size_t eq = line.find('=');
      std::string after = eq == std::string::npos ? "" : line.substr(eq + 1);
      // Python's str.split('=')[1]: up to the next '='.
      after = after.substr(0, after.find('='));
      for (const auto& c : split(after, ',')) caps.push_back(trim(c));
    }
  }
  f["system_capabilities"] = caps;
  f["system_capabilities_enforced"] = enforced;
}

}  // namespace drover
