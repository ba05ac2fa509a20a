#include "output/playbook_output.hpp"

#include <unistd.h>

#include "output/color.hpp"
#include "output/default_callback.hpp"
#include "output/json_lines_callback.hpp"
#include "output/terminal_display.hpp"

namespace drover {

std::shared_ptr<PlaybookCallback> make_playbook_output(bool json, const PlaybookOutputOptions& o) {
  if (json) return std::make_shared<JsonLinesCallback>();
  DefaultCallbackOptions d;
  d.verbosity = o.verbosity;
  d.check = o.check;
  d.color = color_enabled(STDOUT_FILENO, o.force_color, o.no_color);
  d.columns = display_columns(STDOUT_FILENO);
  d.display_skipped_hosts = o.display_skipped_hosts;
  d.display_ok_hosts = o.display_ok_hosts;
  d.progress_line = isatty(STDOUT_FILENO) != 0;
  return std::make_shared<DefaultCallback>(d);
}

}  // namespace drover
