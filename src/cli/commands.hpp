// The subcommands of the drover binary. Each lives in its own cmd_*.cpp and
// adds itself to the CLI11 app; main() only wires them together and maps
// errors to exit codes.
#pragma once

#include <CLI/CLI.hpp>

namespace drover::cli {

// Each add_* registers a subcommand whose callback sets `exit_code`.
void add_run_command(CLI::App& app, int& exit_code);        // cmd_run.cpp: ad-hoc, like `ansible`
void add_inventory_command(CLI::App& app, int& exit_code);  // cmd_inventory.cpp: like `ansible-inventory`
void add_template_command(CLI::App& app, int& exit_code);   // cmd_template.cpp: render a template
void add_play_command(CLI::App& app, int& exit_code);       // cmd_play.cpp: like `ansible-playbook`
void add_server_command(CLI::App& app, int& exit_code);     // cmd_server.cpp: REST API, jobs, CMDB
void add_hosts_command(CLI::App& app, int& exit_code);      // cmd_hosts.cpp: the CMDB from a shell
void add_job_exec_command(CLI::App& app, int& exit_code);   // cmd_job_exec.cpp: one server job (hidden)
void add_vault_command(CLI::App& app, int& exit_code);      // cmd_vault.cpp: like `ansible-vault`
void add_remote_command(CLI::App& app, int& exit_code);     // cmd_remote.cpp: a server's jobs from a shell
// cmd_hosts.cpp: makes `-i drover:DATA_DIR` and `-i http(s)://SERVER` inventory
// sources (call before parsing).
void register_cmdb_inventory();

}  // namespace drover::cli
