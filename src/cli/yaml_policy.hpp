// The YAML reader's process policy (core/yaml.hpp) set from a command's
// Config for as long as the command runs: DUPLICATE_YAML_DICT_KEY, and where
// the reader's warnings go.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/config.hpp"

namespace drover {
class PlaybookCallback;
}

namespace drover::cli {

// Until destroyed, the reader warns through `warn` (any thread).
class YamlPolicyScope {
 public:
  YamlPolicyScope(const Config& config, std::function<void(const std::string&)> warn);
  ~YamlPolicyScope();
  YamlPolicyScope(const YamlPolicyScope&) = delete;
  YamlPolicyScope& operator=(const YamlPolicyScope&) = delete;
};

// `drover play` loads its playbooks before its output exists: warnings are
// kept until attach() and passed on as they come afterwards. Those never
// passed on (a listing, a load error) go to stderr as Ansible's Display
// writes them at flush() or when this is destroyed, before the error is
// printed.
class YamlWarningRelay {
 public:
  void warn(const std::string& text);
  void attach(std::shared_ptr<PlaybookCallback> output);
  // Writes the kept warnings to stderr now (before a listing).
  void flush();
  ~YamlWarningRelay() { flush(); }

 private:
  std::mutex mu_;
  std::vector<std::string> pending_;
  std::shared_ptr<PlaybookCallback> output_;
};

}  // namespace drover::cli
