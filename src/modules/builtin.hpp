// The factories of the modules built into drover, one per module file; the
// registry (registry.cpp) is the only caller.
#pragma once

#include <memory>
#include <string>

#include "modules/module.hpp"

namespace drover {

std::unique_ptr<Module> make_command_module();
std::unique_ptr<Module> make_shell_module();
std::unique_ptr<Module> make_raw_module();
std::unique_ptr<Module> make_ping_module();
std::unique_ptr<Module> make_debug_module();
std::unique_ptr<Module> make_set_fact_module();
std::unique_ptr<Module> make_assert_module();
std::unique_ptr<Module> make_fail_module();
std::unique_ptr<Module> make_pause_module();
std::unique_ptr<Module> make_include_vars_module();
std::unique_ptr<Module> make_add_host_module();
std::unique_ptr<Module> make_group_by_module();
std::unique_ptr<Module> make_setup_module();
std::unique_ptr<Module> make_gather_facts_module();
// File modules (issue 5).
std::unique_ptr<Module> make_copy_module();
std::unique_ptr<Module> make_template_module();
std::unique_ptr<Module> make_file_module();
std::unique_ptr<Module> make_lineinfile_module();
std::unique_ptr<Module> make_stat_module();
std::unique_ptr<Module> make_blockinfile_module();
std::unique_ptr<Module> make_replace_module();
std::unique_ptr<Module> make_slurp_module();
std::unique_ptr<Module> make_fetch_module();
std::unique_ptr<Module> make_find_module();
std::unique_ptr<Module> make_tempfile_module();
std::unique_ptr<Module> make_assemble_module();
std::unique_ptr<Module> make_unarchive_module();
std::unique_ptr<Module> make_get_url_module();
std::unique_ptr<Module> make_async_status_module();
std::unique_ptr<Module> make_script_module();
std::unique_ptr<Module> make_wait_for_connection_module();
// System modules (issue 5).
std::unique_ptr<Module> make_mount_module();
std::unique_ptr<Module> make_user_module();
std::unique_ptr<Module> make_group_module();
std::unique_ptr<Module> make_cron_module();
std::unique_ptr<Module> make_known_hosts_module();
std::unique_ptr<Module> make_wait_for_module();
std::unique_ptr<Module> make_authorized_key_module();
std::unique_ptr<Module> make_sysctl_module();
std::unique_ptr<Module> make_hostname_module();
std::unique_ptr<Module> make_service_module();
std::unique_ptr<Module> make_uri_module();
std::unique_ptr<Module> make_systemd_module();
std::unique_ptr<Module> make_apt_module();
std::unique_ptr<Module> make_dnf_module();
std::unique_ptr<Module> make_yum_module();
std::unique_ptr<Module> make_package_module();
std::unique_ptr<Module> make_git_module();

// SIGKILL -> 9 for the names libssh and the local transport report.
int signal_number(const std::string& name);

}  // namespace drover
