// Placeholder until the run part lands.
#include "cli/commands.hpp"

namespace drover::cli {
void add_run_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("run", "(not built yet)");
  cmd->callback([&exit_code] { exit_code = 1; });
}
}  // namespace drover::cli
