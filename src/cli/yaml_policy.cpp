#include "cli/yaml_policy.hpp"

#include <unistd.h>

#include <cstdio>

#include "core/error.hpp"
#include "core/yaml.hpp"
#include "output/playbook_events.hpp"
#include "output/terminal_display.hpp"

namespace drover::cli {

YamlPolicyScope::YamlPolicyScope(const Config& config,
                                 std::function<void(const std::string&)> warn) {
  // Ansible's config manager checks the setting's choices first (exit 5).
  std::string setting = config.str("DUPLICATE_YAML_DICT_KEY");
  if (setting != "warn" && setting != "error" && setting != "ignore")
    throw OptionsError("Invalid value \"" + setting +
                       "\" for configuration option \"setting: DUPLICATE_YAML_DICT_KEY \", valid values are: "
                       "error, warn, ignore");
  YamlPolicy p;
  p.duplicate_keys = parse_duplicate_keys(setting);
  p.warn = std::move(warn);
  set_process_yaml_policy(std::move(p));
}

YamlPolicyScope::~YamlPolicyScope() {
  set_process_yaml_policy({});
}

void YamlWarningRelay::warn(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (output_) {
    output_->warning(text);
  } else {
    pending_.push_back(text);
  }
}

void YamlWarningRelay::attach(std::shared_ptr<PlaybookCallback> output) {
  std::lock_guard<std::mutex> lock(mu_);
  output_ = std::move(output);
  for (const auto& w : pending_) output_->warning(w);
  pending_.clear();
}

void YamlWarningRelay::flush() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_.empty()) return;
  TerminalDisplay display(stdout, stderr, false, display_columns(STDERR_FILENO));
  for (const auto& w : pending_) display.warning(w);
  display.flush();
  pending_.clear();
}

}  // namespace drover::cli
