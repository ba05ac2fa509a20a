#include "modules/registry.hpp"

#include <algorithm>
#include <vector>

#include "modules/builtin.hpp"

namespace drover {

// The most used modules drover lacked (issue 16). Declared here rather than
// in builtin.hpp, which every module includes: the one-line registration
// (wip/modshape) replaces both lists.
std::unique_ptr<Module> make_ini_file_module();
std::unique_ptr<Module> make_getent_module();
std::unique_ptr<Module> make_service_facts_module();
std::unique_ptr<Module> make_pam_limits_module();
std::unique_ptr<Module> make_timezone_module();
std::unique_ptr<Module> make_package_facts_module();
std::unique_ptr<Module> make_alternatives_module();
std::unique_ptr<Module> make_debconf_module();
std::unique_ptr<Module> make_yum_repository_module();
std::unique_ptr<Module> make_seboolean_module();
std::unique_ptr<Module> make_modprobe_module();
std::unique_ptr<Module> make_apt_repository_module();
std::unique_ptr<Module> make_apt_key_module();
std::unique_ptr<Module> make_rpm_key_module();
std::unique_ptr<Module> make_locale_gen_module();
std::unique_ptr<Module> make_selinux_module();

namespace {

struct Registry {
  std::vector<std::unique_ptr<Module>> owned;
  std::vector<ModuleEntry> entries;

  void add(const char* name, std::unique_ptr<Module> m) {
    entries.push_back({name, m.get()});
    owned.push_back(std::move(m));
  }

  Registry() {
    add("command", make_command_module());
    add("shell", make_shell_module());
    add("raw", make_raw_module());
    add("ping", make_ping_module());
    add("debug", make_debug_module());
    add("set_fact", make_set_fact_module());
    add("assert", make_assert_module());
    add("fail", make_fail_module());
    add("pause", make_pause_module());
    add("include_vars", make_include_vars_module());
    add("add_host", make_add_host_module());
    add("group_by", make_group_by_module());
    add("setup", make_setup_module());
    add("gather_facts", make_gather_facts_module());
    add("mount", make_mount_module());
    add("ansible.posix.mount", make_mount_module());
    add("copy", make_copy_module());
    add("template", make_template_module());
    add("file", make_file_module());
    add("lineinfile", make_lineinfile_module());
    add("stat", make_stat_module());
    add("blockinfile", make_blockinfile_module());
    add("replace", make_replace_module());
    add("slurp", make_slurp_module());
    add("fetch", make_fetch_module());
    add("find", make_find_module());
    add("tempfile", make_tempfile_module());
    add("assemble", make_assemble_module());
    add("unarchive", make_unarchive_module());
    add("get_url", make_get_url_module());
    add("async_status", make_async_status_module());
    add("script", make_script_module());
    add("wait_for_connection", make_wait_for_connection_module());
    add("user", make_user_module());
    add("group", make_group_module());
    add("cron", make_cron_module());
    add("known_hosts", make_known_hosts_module());
    add("wait_for", make_wait_for_module());
    add("authorized_key", make_authorized_key_module());
    // Not in ansible-core: the ansible.posix collection, by its full name too.
    add("ansible.posix.authorized_key", make_authorized_key_module());
    add("sysctl", make_sysctl_module());
    add("ansible.posix.sysctl", make_sysctl_module());
    add("hostname", make_hostname_module());
    add("service", make_service_module());
    add("uri", make_uri_module());
    add("systemd", make_systemd_module());
    add("systemd_service", make_systemd_module());
    add("apt", make_apt_module());
    add("package", make_package_module());
    add("dnf", make_dnf_module());
    add("yum", make_yum_module());
    add("git", make_git_module());
    // Collection modules answer by their full name and by the short name
    // that ansible-core's routing redirects to them.
    add("ini_file", make_ini_file_module());
    add("community.general.ini_file", make_ini_file_module());
    add("getent", make_getent_module());
    add("service_facts", make_service_facts_module());
    add("package_facts", make_package_facts_module());
    add("pam_limits", make_pam_limits_module());
    add("community.general.pam_limits", make_pam_limits_module());
    add("timezone", make_timezone_module());
    add("community.general.timezone", make_timezone_module());
    add("alternatives", make_alternatives_module());
    add("community.general.alternatives", make_alternatives_module());
    add("debconf", make_debconf_module());
    add("yum_repository", make_yum_repository_module());
    add("seboolean", make_seboolean_module());
    add("ansible.posix.seboolean", make_seboolean_module());
    add("modprobe", make_modprobe_module());
    add("community.general.modprobe", make_modprobe_module());
    add("apt_repository", make_apt_repository_module());
    add("apt_key", make_apt_key_module());
    add("rpm_key", make_rpm_key_module());
    add("locale_gen", make_locale_gen_module());
    add("community.general.locale_gen", make_locale_gen_module());
    add("selinux", make_selinux_module());
    add("ansible.posix.selinux", make_selinux_module());
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

}  // namespace

std::string short_module_name(std::string_view name) {
  for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy."}) {
    if (name.starts_with(prefix)) return std::string(name.substr(prefix.size()));
  }
  return std::string(name);
}

const ModuleEntry* find_module(std::string_view name) {
  std::string short_name = short_module_name(name);
  for (const auto& e : registry().entries)
    if (e.name == short_name) return &e;
  return nullptr;
}

std::vector<std::string> module_names() {
  std::vector<std::string> names;
  for (const auto& e : registry().entries) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace drover
