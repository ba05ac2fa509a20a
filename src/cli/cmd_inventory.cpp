// Placeholder until the inventory part lands.
#include "cli/commands.hpp"

namespace drover::cli {
void add_inventory_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("inventory", "(not built yet)");
  cmd->callback([&exit_code] { exit_code = 1; });
}
}  // namespace drover::cli
