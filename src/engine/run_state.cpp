#include "engine/run_state.hpp"

namespace drover {

void HostRuntime::add_facts(const Value& new_facts) {
  if (!new_facts.is_object()) return;
  for (auto it = new_facts.begin(); it != new_facts.end(); ++it) {
    std::string k = it.key();
    // Modules may return facts with or without the ansible_ prefix; Ansible
    // stores them without it in ansible_facts.
    std::string bare = k.rfind("ansible_", 0) == 0 ? k.substr(8) : k;
    facts[bare] = it.value();
    fact_vars["ansible_" + bare] = it.value();
  }
}

void HostRuntime::clear_facts() {
  facts = Value::object();
  fact_vars = Value::object();
}

}  // namespace drover
