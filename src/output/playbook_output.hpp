// The terminal or JSON output of `drover play`: the stdout callback
// ansible.cfg names (ansible-playbook's default, minimal, oneline, yaml or
// json), the
// aggregate callbacks it enables (profile_tasks, timer), or JSON event
// lines (--json). The CLI maps ansible.cfg's display options onto
// PlaybookOutputOptions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "output/default_callback.hpp"
#include "output/playbook_events.hpp"

namespace drover {

struct PlaybookOutputOptions {
  // The default callback's options (verbosity, check, display_*, ...);
  // color, columns and the progress line are decided from stdout here.
  DefaultCallbackOptions display;
  bool force_color = false;
  bool no_color = false;
  std::string stdout_callback = "default";     // [defaults] stdout_callback
  std::string result_format = "json";          // [defaults] callback_result_format
  std::vector<std::string> callbacks_enabled;  // [defaults] callbacks_enabled
  // profile_tasks' options: how many tasks its summary lists ("all": every
  // one) and their order (descending, ascending, none).
  std::string profile_tasks_limit = "20";
  std::string profile_tasks_sort = "descending";
  int json_indent = 4;  // the json callback's [callback_json] json_indent
};

// The callback for a run. Callbacks drover does not implement are named in
// `warnings` (the default stands in for an unknown stdout callback).
std::shared_ptr<PlaybookCallback> make_playbook_output(bool json, const PlaybookOutputOptions& options,
                                                       std::vector<std::string>* warnings = nullptr);

}  // namespace drover
