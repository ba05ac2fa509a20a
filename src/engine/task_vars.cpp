#include "engine/task_vars.hpp"

#include <set>

namespace drover {

void TaskVars::set_magic(const std::string& name, Value v) {
  magic_[name] = std::move(v);
  merged_.reset();
}

const Value* TaskVars::lookup(std::string_view name) {
  if (auto it = magic_.find(name); it != magic_.end()) return &it->second;
  if (auto it = magic_refs_.find(name); it != magic_refs_.end()) return it->second;
  if (auto it = magic_rendered_.find(name); it != magic_rendered_.end()) return it->second();
  if (name == "vars") return &merged();
  for (const Value* layer : layers_) {
    auto it = layer->find(name);
    if (it != layer->end()) return &*it;
  }
  if (fallback_)
    if (auto it = fallback_->find(name); it != fallback_->end()) return &*it;
  return nullptr;
}

std::vector<std::string> TaskVars::names() {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  auto add = [&](const std::string& name) {
    if (seen.insert(name).second) out.push_back(name);
  };
  for (auto layer = layers_.rbegin(); layer != layers_.rend(); ++layer)
    for (auto it = (*layer)->begin(); it != (*layer)->end(); ++it) add(it.key());
  for (const auto& [name, v] : magic_) add(name);
  for (const auto& [name, v] : magic_refs_) add(name);
  for (const auto& [name, v] : magic_rendered_) add(name);
  if (fallback_)
    for (auto it = fallback_->begin(); it != fallback_->end(); ++it) add(it.key());
  return out;
}

const Value& TaskVars::merged() {
  if (merged_) return *merged_;
  merged_ = std::make_unique<Value>(Value::object());
  Value& out = *merged_;
  for (auto layer = layers_.rbegin(); layer != layers_.rend(); ++layer)
    for (auto it = (*layer)->begin(); it != (*layer)->end(); ++it) out[it.key()] = it.value();
  for (auto& [k, v] : magic_) out[k] = v;
  for (auto& [k, v] : magic_refs_)
    if (v && k != "hostvars") out[k] = *v;
  return out;
}

}  // namespace drover
