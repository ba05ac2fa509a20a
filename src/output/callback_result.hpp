// How Ansible 2.14's callbacks see a task result before printing it:
// TaskResult.clean_copy (status flags gone, no_log censoring, internal keys
// stripped except the few callbacks need), _clean_results for debug,
// _dump_results (the JSON after "=>"), item labels and "host -> delegate"
// labels. Shared by the terminal and JSON-lines callbacks.
#pragma once

#include <string>

#include "core/value.hpp"

namespace drover {

// "debug" for "debug", "ansible.builtin.debug" and "ansible.legacy.debug".
std::string short_action(const std::string& action);

// TaskResult.clean_copy(): drops failed/skipped (and invocation for debug);
// a no_log result becomes {"censored": ...} plus attempts/changed/retries;
// _ansible_* keys are removed everywhere except _ansible_verbose_always,
// _ansible_item_label, _ansible_no_log, _ansible_verbose_override and
// the connection keys of _ansible_delegated_vars.
Value callback_clean_copy(const Value& result, const std::string& action, bool task_no_log);

// _clean_results(): a debug result keeps only msg (plus exception,
// warnings, deprecations, _*), or, for debug var=, loses changed/failed/...
void clean_debug_result(Value& result, const std::string& action);

// How results are written after "=>": JSON (Ansible's default), YAML (the
// default callback's callback_result_format=yaml) or community.general.yaml's
// "changed=true" header and YAML (stdout_callback=yaml).
enum class ResultFormat { json, yaml, community_yaml };

// _dump_results(): every _ansible_* key removed, invocation and diff kept
// only at -vvv, exception never; json.dumps(sort_keys, ensure_ascii=False),
// indented by 4 when _ansible_verbose_always or -vvv. The YAML forms begin
// with a line break, multi-line strings as literal blocks.
std::string dump_results(const Value& result, int verbosity, int indent = -1,
                         ResultFormat format = ResultFormat::json);

// _run_is_verbose(): -v (or above `threshold`), or _ansible_verbose_always,
// unless _ansible_verbose_override.
bool run_is_verbose(const Value& result, int verbosity, int threshold = 0);

// _get_item_label(): "(censored due to no_log)", _ansible_item_label, or
// item, as Python's str() prints it ("None" when there is none).
std::string item_label(const Value& result);

// host_label(): "web1", "web1 -> db1", or "web1 -> db1(10.0.0.5)" when the
// delegated host's ansible_host differs from its name.
std::string host_label(const std::string& host, const std::string& delegated_to, const Value& result);

}  // namespace drover
