// The variables one task sees on one host, with Ansible's precedence,
// without copying them: a stack of layers (borrowed objects, highest
// precedence first) and the magic variables on top of them all.
//
// Precedence (ansible-core 2.14, highest first), as the executor stacks it:
//   magic variables (inventory_hostname, groups, hostvars, ...)
//   loop variables (item, index_var, ansible_loop)
//   extra vars (-e)
//   include params (include_tasks/include_role vars), innermost first
//   role params
//   set_fact / register
//   include_vars
//   task vars, then block vars (innermost first)
//   role vars (the task's role, then the roles that depend on it)
//   play vars_files, play vars
//   facts (ansible_* and ansible_facts)
//   inventory vars (host_vars > group_vars, see Inventory::vars_for)
//   role defaults
// A name is found in the first layer that has it (hash_behaviour=replace).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "template/engine.hpp"

namespace drover {

class TaskVars : public tmpl::VariableSource {
 public:
  // Layers are borrowed: they must outlive this object.
  void push_layer(const Value* layer) {
    if (layer && layer->is_object() && !layer->empty()) layers_.push_back(layer);
  }
  // Magic variables: owned, or borrowed for big shared ones (groups, hostvars).
  void set_magic(const std::string& name, Value v);
  void set_magic_ref(const std::string& name, const Value* v) { magic_refs_[name] = v; }
  // Below every layer, and not part of `vars`: the connection settings
  // Ansible's PlayContext.update_vars adds where no variable has the name.
  void set_fallback(const Value* v) { fallback_ = v; }

  const Value* lookup(std::string_view name) override;
  std::vector<std::string> names() override;
  // hostvars: each host's variables template with that host's alone.
  bool entries_template_alone(std::string_view name) override {
    return name == "hostvars" && magic_refs_.count(name) && !magic_.count(name);
  }

  // Every variable merged into one object (the `vars` magic variable and
  // debug var=vars). Costly: built on first use.
  const Value& merged();

 private:
  std::vector<const Value*> layers_;
  std::map<std::string, Value, std::less<>> magic_;
  std::map<std::string, const Value*, std::less<>> magic_refs_;
  const Value* fallback_ = nullptr;
  std::unique_ptr<Value> merged_;
};

}  // namespace drover
