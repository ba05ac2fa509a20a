// The variables Ansible adds to every template it renders -- the template
// module, the template lookup and `drover template` -- and the variable
// source that puts them above the task's own (generate_ansible_template_vars).
#pragma once
#include <algorithm>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "template/engine.hpp"

namespace drover {

// template_host, template_path (the source as the task names it),
// template_fullpath, template_destpath (null when there is no destination),
// template_uid (the file owner's name), template_mtime, template_run_date
// and ansible_managed.
Value ansible_template_vars(const std::string& as_given, const std::string& full_path, const Value& dest);

// `top`'s keys, then whatever `rest` has.
class OverlayVariables : public tmpl::VariableSource {
 public:
  OverlayVariables(Value top, tmpl::VariableSource& rest) : top_(std::move(top)), rest_(rest) {}
  const Value* lookup(std::string_view name) override {
    auto it = top_.find(std::string(name));
    return it != top_.end() ? &*it : rest_.lookup(name);
  }
  std::vector<std::string> names() override {
    std::vector<std::string> out = rest_.names();
    for (auto it = top_.begin(); it != top_.end(); ++it)
      if (std::find(out.begin(), out.end(), it.key()) == out.end()) out.push_back(it.key());
    return out;
  }

 private:
  Value top_;
  tmpl::VariableSource& rest_;
};

}  // namespace drover
