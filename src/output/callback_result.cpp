#include "output/callback_result.hpp"

#include <algorithm>
#include <cctype>

#include "core/pyjson.hpp"
#include "core/strings.hpp"
#include "template/yaml_dump.hpp"

namespace drover {
namespace {

bool starts(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

bool kept_internal(const std::string& key) {
  return key == "_ansible_verbose_always" || key == "_ansible_item_label" || key == "_ansible_no_log" ||
         key == "_ansible_verbose_override";
}

// strip_internal_keys(): through dicts and lists.
void strip_internal(Value& v, bool keep_callback_keys) {
  if (v.is_array()) {
    for (auto& e : v) strip_internal(e, keep_callback_keys);
  } else if (v.is_object()) {
    Value out = Value::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (starts(it.key(), "_ansible_") && !(keep_callback_keys && kept_internal(it.key()))) continue;
      out[it.key()] = std::move(it.value());
      strip_internal(out[it.key()], keep_callback_keys);
    }
    v = std::move(out);
  }
}

bool is_true(const Value& r, const char* key) {
  return r.is_object() && r.contains(key) && r[key].is_boolean() && r[key].get<bool>();
}

// The YAML forms of _dump_results, for an abridged result.
std::string yaml_results(Value abridged, int indent, ResultFormat format) {
  std::string header;
  if (abridged.is_object()) {
    if (format == ResultFormat::community_yaml)
      for (const char* k : {"changed", "skipped"})
        if (abridged.contains(k)) {
          std::string v = abridged[k].is_boolean() ? (abridged[k].get<bool>() ? "true" : "false")
                                                     : to_display_string(abridged[k]);
          std::transform(v.begin(), v.end(), v.begin(), ::tolower);
          header += std::string(k) + "=" + v + " ";
          abridged.erase(k);
        }
    // If we already have stdout, we don't need stdout_lines (and stderr).
    for (const char* k : {"stdout", "stderr"})
      if (abridged.contains(k) && abridged.contains(std::string(k) + "_lines"))
        abridged[std::string(k) + "_lines"] = "<omitted>";
  }
  tmpl::YamlDumpOptions yo;
  yo.default_flow_style = false;
  std::string dumped;
  if (format == ResultFormat::community_yaml) {
    yo.width = 1000;
    yo.literal_multiline = tmpl::YamlDumpOptions::Literal::community;
    dumped = header;
    if (!abridged.is_object() || !abridged.empty()) dumped += "\n" + tmpl::python_yaml_dump(abridged, yo);
    // '\n  '.join(dumped.split('\n')).rstrip()
    std::string out;
    for (char c : dumped) out += c == '\n' ? std::string("\n  ") : std::string(1, c);
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
  }
  yo.indent = indent >= 2 && indent <= 9 ? indent : 2;
  yo.literal_multiline = tmpl::YamlDumpOptions::Literal::ansible;
  // '\n' + textwrap.indent(yaml.dump(...), ' ' * indent); the trailing
  // line break goes (Display adds none after one).
  std::string prefix(static_cast<size_t>(indent > 0 ? indent : 4), ' ');
  std::string out = "\n";
  for (const auto& line : split_lines(tmpl::python_yaml_dump(abridged, yo)))
    out += (line.find_first_not_of(" \t\r") == std::string::npos ? line : prefix + line) + "\n";
  if (!out.empty() && out.back() == '\n' && out.size() > 1) out.pop_back();
  return out;
}

}  // namespace

std::string short_action(const std::string& action) {
  for (const char* p : {"ansible.builtin.", "ansible.legacy."})
    if (starts(action, p)) return action.substr(std::string(p).size());
  return action;
}

Value callback_clean_copy(const Value& result, const std::string& action, bool task_no_log) {
  if (!result.is_object()) return Value::object();
  Value subset = Value::object();
  if (result.contains("_ansible_delegated_vars") && result["_ansible_delegated_vars"].is_object()) {
    Value sub = Value::object();
    const Value& dv = result["_ansible_delegated_vars"];
    for (const char* k : {"ansible_host", "ansible_port", "ansible_user", "ansible_connection"})
      if (dv.contains(k)) sub[k] = dv[k];
    subset["_ansible_delegated_vars"] = std::move(sub);
  }
  Value out;
  if (task_no_log || (result.contains("_ansible_no_log") && truthy(result["_ansible_no_log"]))) {
    out = {{"censored", "the output has been hidden due to the fact that 'no_log: true' was specified for this result"}};
    for (const char* k : {"attempts", "changed", "retries"})
      if (result.contains(k)) out[k] = result[k];
  } else {
    out = result;
    out.erase("failed");
    out.erase("skipped");
    if (short_action(action) == "debug") out.erase("invocation");
    strip_internal(out, true);
  }
  for (auto it = subset.begin(); it != subset.end(); ++it) out[it.key()] = it.value();
  return out;
}

void clean_debug_result(Value& result, const std::string& action) {
  if (short_action(action) != "debug" || !result.is_object()) return;
  if (result.contains("msg")) {
    Value out = Value::object();
    for (auto it = result.begin(); it != result.end(); ++it) {
      const std::string& k = it.key();
      if (k == "msg" || k == "exception" || k == "warnings" || k == "deprecations" || starts(k, "_"))
        out[k] = it.value();
    }
    result = std::move(out);
  } else {
    for (const char* k : {"changed", "failed", "skipped", "invocation", "skip_reason"}) result.erase(k);
  }
}

std::string dump_results(const Value& result, int verbosity, int indent, ResultFormat format) {
  if (indent <= 0 && (is_true(result, "_ansible_verbose_always") || verbosity > 2 || format == ResultFormat::yaml))
    indent = 4;
  Value abridged = result;
  strip_internal(abridged, false);
  if (abridged.is_object()) {
    if (verbosity < 3) {
      abridged.erase("invocation");
      abridged.erase("diff");
    }
    abridged.erase("exception");
  }
  if (format != ResultFormat::json) return yaml_results(std::move(abridged), indent, format);
  JsonDumpOptions opts;
  opts.indent = indent > 0 ? indent : -1;
  opts.sort_keys = true;
  opts.ensure_ascii = false;
  return python_json_dumps(abridged, opts);
}

bool run_is_verbose(const Value& result, int verbosity, int threshold) {
  // Python: `... and result.get('_ansible_verbose_override', False) is False`
  bool overridden = result.is_object() && result.contains("_ansible_verbose_override") &&
                    !(result["_ansible_verbose_override"].is_boolean() && !result["_ansible_verbose_override"].get<bool>());
  return (verbosity > threshold || is_true(result, "_ansible_verbose_always")) && !overridden;
}

std::string item_label(const Value& result) {
  if (result.contains("_ansible_no_log") && truthy(result["_ansible_no_log"])) return "(censored due to no_log)";
  if (result.contains("_ansible_item_label")) return to_display_string(result["_ansible_item_label"]);
  if (result.contains("item")) return to_display_string(result["item"]);
  return "None";
}

std::string host_label(const std::string& host, const std::string& delegated_to, const Value& result) {
  std::string label = host;
  if (delegated_to.empty() || delegated_to == host) return label;
  label += " -> " + delegated_to;
  std::string address = delegated_to;
  if (result.is_object() && result.contains("_ansible_delegated_vars")) {
    const Value& dv = result["_ansible_delegated_vars"];
    if (dv.is_object() && dv.contains("ansible_host")) address = to_display_string(dv["ansible_host"]);
  }
  if (address != delegated_to) label += "(" + address + ")";
  return label;
}

}  // namespace drover
