#include "engine/task_vars.hpp"

namespace drover {

void TaskVars::set_magic(const std::string& name, Value v) {
  magic_[name] = std::move(v);
  merged_.reset();
}

const Value* TaskVars::lookup(std::string_view name) {
  if (auto it = magic_.find(name); it != magic_.end()) return &it->second;
  if (auto it = magic_refs_.find(name); it != magic_refs_.end()) return it->second;
  if (name == "vars") return &merged();
  for (const Value* layer : layers_) {
    auto it = layer->find(name);
    if (it != layer->end()) return &*it;
  }
  return nullptr;
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
