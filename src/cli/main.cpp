// drover: one binary, many subcommands (see commands.hpp).
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/error_text.hpp"

int main(int argc, char** argv) {
  CLI::App app{"drover: run Ansible playbooks fast, and the platform around them"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("drover 0.1.0"));
  int exit_code = 0;
  drover::cli::add_run_command(app, exit_code);
  drover::cli::add_inventory_command(app, exit_code);
  drover::cli::add_template_command(app, exit_code);
  drover::cli::add_play_command(app, exit_code);
  drover::cli::add_server_command(app, exit_code);
  drover::cli::add_hosts_command(app, exit_code);
  drover::cli::add_job_exec_command(app, exit_code);
  drover::cli::add_vault_command(app, exit_code);
  drover::cli::add_remote_command(app, exit_code);
  drover::cli::register_cmdb_inventory();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A usage error exits 2 as argparse makes Ansible's commands do;
    // --help and --version exit 0.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const drover::OptionsError& e) {
    std::fflush(stdout);
    std::cerr << drover::ansible_error_text(e) << "\n";
    return 5;
  } catch (const drover::ParserError& e) {
    std::fflush(stdout);
    std::cerr << drover::ansible_error_text(e) << "\n";
    return 4;
  } catch (const drover::Error& e) {
    std::fflush(stdout);
    std::cerr << drover::ansible_error_text(e) << "\n";
    // ansible uses 1 for errors it detects before running anything, 5 for
    // bad options, 250 for unexpected ones.
    return exit_code != 0 ? exit_code : 1;
  } catch (const std::exception& e) {
    // A bug, not the user's input; ansible-playbook's words and exit code.
    std::fflush(stdout);
    std::cerr << "ERROR! Unexpected Exception, this is probably a bug: " << e.what() << "\n";
    return 250;
  }
  return exit_code;
}
