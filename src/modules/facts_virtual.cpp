// Virtualization facts of Linux hosts (ansible-core 2.14's LinuxVirtual):
// containers from /proc/1/cgroup, /proc/1/environ and marker files,
// hypervisors from DMI, /proc/cpuinfo and /proc/modules, in the same order
// of precedence (the first technology found gives the type and role; the
// others still join virtualization_tech_guest/host).
#include <regex>

#include "core/strings.hpp"
#include "modules/facts_collectors.hpp"

namespace drover {

void collect_virtual(const FactsInput& in, Value& f, const FactsRequest&) {
  std::string type, role;
  bool found = false;
  std::vector<std::string> guest, host;  // insertion-ordered sets
  auto add = [](std::vector<std::string>& v, const std::string& t) {
    if (std::find(v.begin(), v.end(), t) == v.end()) v.push_back(t);
  };
  auto found_guest = [&](const std::string& tech, const std::string& t) {
    add(guest, tech);
    if (!found) {
      type = t;
      role = "guest";
      found = true;
    }
  };

  static const std::regex docker_re(R"(/docker(/|-[0-9a-f]+\.scope))");
  for (const auto& line : split_lines(in.files.count("/proc/1/cgroup") ? in.files.at("/proc/1/cgroup") : "")) {
    if (std::regex_search(line, docker_re)) found_guest("docker", "docker");
    if (line.find("/lxc/") != std::string::npos || line.find("/machine.slice/machine-lxc") != std::string::npos)
      found_guest("lxc", "lxc");
    if (line.find("/system.slice/containerd.service") != std::string::npos) found_guest("containerd", "containerd");
  }
  for (const auto& entry : split(in.section("p1env"), '\0')) {
    if (entry.find("container=lxc") != std::string::npos) found_guest("lxc", "lxc");
    if (entry.find("container=podman") != std::string::npos) found_guest("podman", "podman");
    if (starts_with(entry, "container=") && entry.size() > 10) found_guest("container", "container");
  }
  if (in.exists("/proc/vz") && !in.exists("/proc/lve")) {
    type = "openvz";
    if (in.exists("/proc/bc")) {
      add(host, "openvz");
      if (!found) role = "host";
    } else {
      add(guest, "openvz");
      if (!found) role = "guest";
    }
    found = true;
  }
  std::string systemd_container = in.file_or("/run/systemd/container", "");
  if (!systemd_container.empty()) found_guest(systemd_container, systemd_container);
  if (in.exists("/.dockerenv") || in.exists("/.dockerinit")) found_guest("docker", "docker");
  for (const char* c : {"docker", "lxc", "podman", "openvz", "containerd"})
    if (std::find(guest.begin(), guest.end(), c) != guest.end() || !systemd_container.empty()) {
      add(guest, "container");
      break;
    }
  if (in.exists("/proc/xen")) {
    bool xen_host = in.file_or("/proc/xen/capabilities", "").find("control_d") != std::string::npos;
    if (xen_host) add(host, "xen");
    if (!found) {
      type = "xen";
      role = xen_host ? "host" : "guest";
    }
    found = true;
  }
  if (!found) role = "guest";

  auto dmi = [&](const char* name) { return in.file_or(std::string("/sys/devices/virtual/dmi/id/") + name, ""); };
  std::string product = dmi("product_name"), vendor = dmi("sys_vendor"), family = dmi("product_family"),
              bios = dmi("bios_vendor");
  auto found_dmi = [&](const std::string& tech, const std::string& t) {
    add(guest, tech);
    if (!found) {
      type = t;
      found = true;
    }
  };
  if (product == "KVM" || product == "KVM Server" || product == "Bochs" || product == "AHV") found_dmi("kvm", "kvm");
  if (vendor == "oVirt") found_dmi("oVirt", "oVirt");
  if (vendor == "Red Hat") {
    if (family == "RHV") found_dmi("RHV", "RHV");
    else if (product == "RHEV Hypervisor") found_dmi("RHEV", "RHEV");
  }
  if (product == "VMware Virtual Platform" || product == "VMware7,1") found_dmi("VMware", "VMware");
  if (product == "OpenStack Compute" || product == "OpenStack Nova") found_dmi("openstack", "openstack");
  if (bios == "Xen") found_dmi("xen", "xen");
  if (bios == "innotek GmbH") found_dmi("virtualbox", "virtualbox");
  if (bios == "Amazon EC2" || bios == "DigitalOcean" || bios == "Hetzner") found_dmi("kvm", "kvm");
  for (const char* v : {"QEMU", "Amazon EC2", "DigitalOcean", "Google", "Scaleway", "Nutanix"})
    if (vendor == v) found_dmi("kvm", "kvm");
  if (vendor == "KubeVirt") found_dmi("KubeVirt", "KubeVirt");
  if (vendor == "Microsoft Corporation") found_dmi("VirtualPC", "VirtualPC");
  if (vendor == "Parallels Software International Inc.") found_dmi("parallels", "parallels");
  if (vendor == "OpenStack Foundation") found_dmi("openstack", "openstack");
  if (!found) role.clear();

  static const std::regex vxid(R"(^VxID:\s+(\d+))");
  for (const auto& line : split_lines(in.files.count("/proc/self/status") ? in.files.at("/proc/self/status") : "")) {
    std::smatch m;
    if (!std::regex_search(line, m, vxid)) continue;
    if (!found) type = "linux_vserver";
    if (m[1] == "0") {
      add(host, "linux_vserver");
      if (!found) role = "host";
    } else {
      add(guest, "linux_vserver");
      if (!found) role = "guest";
    }
    found = true;
  }
  for (const auto& line : split_lines(in.files.count("/proc/cpuinfo") ? in.files.at("/proc/cpuinfo") : "")) {
    std::string tech;
    if (starts_with(line, "model name") && line.find("QEMU Virtual CPU") != std::string::npos) tech = "kvm";
    else if (starts_with(line, "vendor_id") && line.find("User Mode Linux") != std::string::npos) tech = "uml";
    else if (starts_with(line, "model name") && line.find("UML") != std::string::npos) tech = "uml";
    else if (starts_with(line, "vendor_id") && line.find("PowerVM Lx86") != std::string::npos) tech = "powervm_lx86";
    else continue;
    add(guest, tech);
    if (!found) {
      type = tech;
      role = "guest";
      found = true;
    }
  }
  std::vector<std::string> modules;
  for (const auto& line : split_lines(in.files.count("/proc/modules") ? in.files.at("/proc/modules") : ""))
    modules.push_back(line.substr(0, line.find(' ')));
  auto has_module = [&](const char* m) { return std::find(modules.begin(), modules.end(), m) != modules.end(); };
  if (has_module("kvm")) {
    add(host, "kvm");
    if (!found) {
      type = "kvm";
      role = "host";
    }
    found = true;
  }
  if (has_module("vboxdrv")) {
    add(host, "virtualbox");
    if (!found) {
      type = "virtualbox";
      role = "host";
      found = true;
    }
  }
  if (has_module("virtio")) {
    add(host, "kvm");
    if (!found) {
      type = "kvm";
      role = "guest";
      found = true;
    }
  }
  std::string dmidecode = in.section("dmidecode");
  if (starts_with(trim(dmidecode), "VMware")) {
    add(guest, "VMware");
    if (!found) {
      type = "VMware";
      role = "guest";
      found = true;
    }
  }
  if (dmidecode.find("BHYVE") != std::string::npos) {
    add(guest, "bhyve");
    if (!found) {
      type = "bhyve";
      role = "guest";
      found = true;
    }
  }
  if (in.exists("/dev/kvm")) {
    add(host, "kvm");
    if (!found) {
      type = "kvm";
      role = "host";
      found = true;
    }
  }
  if (!found) {
    type = "NA";
    role = "NA";
  }
  f["virtualization_type"] = type;
  if (!role.empty()) f["virtualization_role"] = role;
  // Ansible returns Python sets, which come out in hash order; sorted here.
  std::sort(guest.begin(), guest.end());
  std::sort(host.begin(), host.end());
  f["virtualization_tech_guest"] = guest;
  f["virtualization_tech_host"] = host;
}

}  // namespace drover
