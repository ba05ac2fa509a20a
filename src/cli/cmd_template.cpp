// Placeholder until the template part lands.
#include "cli/commands.hpp"

namespace drover::cli {
void add_template_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("template", "(not built yet)");
  cmd->callback([&exit_code] { exit_code = 1; });
}
}  // namespace drover::cli
