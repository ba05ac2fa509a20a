#include "engine/run_state.hpp"

#include <chrono>
#include <thread>

#include "core/unsafe.hpp"

namespace drover {

void HostRuntime::add_facts(const Value& new_facts) {
  if (!new_facts.is_object()) return;
  for (auto it = new_facts.begin(); it != new_facts.end(); ++it) {
    const std::string& k = it.key();
    // Modules may return facts with or without the ansible_ prefix; Ansible
    // stores them without it in ansible_facts, and as returned in variables
    // (internal "_ansible..." markers only in ansible_facts).
    bool prefixed = k.rfind("ansible_", 0) == 0 && k != "ansible_local";
    Value fact = unsafe_value(it.value());
    if (k.rfind("_ansible", 0) != 0) fact_vars[k] = fact;
    facts[prefixed ? k.substr(8) : k] = std::move(fact);
  }
}

bool sleep_unless_cancelled(const RunOptions& options, double seconds) {
  using Clock = std::chrono::steady_clock;
  auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  // A tenth of a second is the longest a cancel waits for a sleeping task.
  while (!options.cancelled()) {
    auto now = Clock::now();
    if (now >= end) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(end - now, std::chrono::milliseconds(100)));
  }
  return false;
}

void HostRuntime::clear_facts() {
  facts = Value::object();
  fact_vars = Value::object();
}

}  // namespace drover
