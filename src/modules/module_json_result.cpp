#include "modules/module_json_result.hpp"

#include <algorithm>
#include <regex>

#include "core/strings.hpp"

namespace drover {
namespace {

// _filter_non_json_lines(objects_only=True): from the first line starting
// with '{' to the last one ending with '}'.
bool json_lines(const std::string& out, std::string& json, std::string& junk_after) {
  std::vector<std::string> lines = split_lines(out);
  size_t start = 0;
  while (start < lines.size() && !starts_with(trim(lines[start]), "{")) ++start;
  if (start == lines.size()) return false;
  size_t end = lines.size();
  while (end > start && !ends_with(trim(lines[end - 1]), "}")) --end;
  if (end == start) return false;
  for (size_t i = start; i < end; ++i) json += (i > start ? "\n" : "") + lines[i];
  bool has_junk = false;
  for (size_t i = end; i < lines.size(); ++i) has_junk = has_junk || !trim(lines[i]).empty();
  if (has_junk) {
    std::vector<std::string> tail(lines.begin() + static_cast<long>(end), lines.end());
    junk_after = join(tail, "\n");
  }
  return true;
}

Value module_failure(const ExecResult& res, const std::string& interpreter) {
  Value r = {{"failed", true}, {"module_stdout", res.out}, {"module_stderr", res.err}};
  if (starts_with(res.err, "Traceback"))
    r["exception"] = res.err;
  else if (starts_with(res.out, "Traceback"))
    r["exception"] = res.out;
  std::string msg = "MODULE FAILURE";
  if (!interpreter.empty()) {
    std::string bare = interpreter;
    while (!bare.empty() && (bare[0] == '#' || bare[0] == '!')) bare.erase(0, 1);
    std::string escaped;
    for (char c : bare) {
      if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) escaped += '\\';
      escaped += c;
    }
    std::regex missing(escaped + ": (?:No such file or directory|not found)");
    if (std::regex_search(res.err, missing) || std::regex_search(res.out, missing))
      msg = "The module failed to execute correctly, you probably need to set the interpreter.";
  }
  r["msg"] = msg + "\nSee stdout/stderr for the exact error";
  r["rc"] = res.exit_status;
  return r;
}

void add_lines(Value& r, const char* key, const char* lines_key) {
  if (!r.contains(key) || r.contains(lines_key)) return;
  const Value& v = r[key];
  std::string text = v.is_string() ? v.get<std::string>() : (v.is_null() || v == false ? "" : v.dump());
  Value lines = Value::array();
  for (const auto& l : split_lines(text)) lines.push_back(l);
  r[lines_key] = lines;
}

}  // namespace

Value parse_module_output(const ExecResult& res, const std::string& interpreter) {
  std::string json, junk;
  Value data;
  if (!json_lines(res.out, json, junk)) return module_failure(res, interpreter);
  try {
    data = Value::parse(json);
  } catch (const std::exception&) {
    return module_failure(res, interpreter);
  }
  if (!data.is_object()) return module_failure(res, interpreter);
  Value warnings = Value::array();
  if (!junk.empty()) warnings.push_back("Module invocation had junk after the JSON data: " + junk);
  // remove_internal_keys: a module may not set the engine's own keys.
  for (auto it = data.begin(); it != data.end();) {
    if (starts_with(it.key(), "_ansible_")) {
      warnings.push_back("Removed unexpected internal key in module return: " + it.key() + " = " +
                         to_display_string(it.value()));
      it = data.erase(it);
    } else {
      ++it;
    }
  }
  if (data.contains("results") && !data["results"].is_array()) {
    data["ansible_module_results"] = data["results"];
    data.erase("results");
    warnings.push_back("Found internal 'results' key in module return, renamed to 'ansible_module_results'.");
  }
  for (const char* k : {"warnings", "deprecations"})
    if (data.contains(k) && !truthy(data[k])) data.erase(k);
  if (data.contains("ansible_facts") && data["ansible_facts"].is_object()) {
    Value& facts = data["ansible_facts"];
    for (auto it = facts.begin(); it != facts.end();) {
      if (starts_with(it.key(), "discovered_interpreter_") || starts_with(it.key(), "ansible_discovered_interpreter_"))
        it = facts.erase(it);
      else
        ++it;
    }
  }
  add_lines(data, "stdout", "stdout_lines");
  add_lines(data, "stderr", "stderr_lines");
  if (!warnings.empty()) {
    if (!data.contains("warnings") || !data["warnings"].is_array()) data["warnings"] = Value::array();
    for (auto& w : warnings) data["warnings"].push_back(w);
  }
  return data;
}

Value parse_async_module_output(const ExecResult& res, const std::string& cmd) {
  // async_wrapper's _filter_non_json_lines: its ValueError texts.
  std::vector<std::string> lines = split_lines(res.out);
  auto first = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return starts_with(trim(l), "{"); });
  auto last = std::find_if(lines.rbegin(), lines.rend(), [](const std::string& l) { return ends_with(trim(l), "}"); });
  std::string why;
  if (first == lines.end()) why = "No start of json char found";
  else if (last == lines.rend() || last.base() <= first) why = "No end of json char found";
  Value answer;
  if (why.empty()) {
    answer = parse_module_output(res, "");
    if (answer.contains("module_stdout")) why = "the module's output is not a JSON object";
  }
  if (!why.empty()) {
    // async_status's action starts from empty stdout/stderr and their lines.
    Value r{{"failed", true}, {"cmd", cmd}, {"data", res.out}, {"stdout", ""}, {"stderr", res.err}, {"msg", why}};
    add_lines(r, "stdout", "stdout_lines");
    add_lines(r, "stderr", "stderr_lines");
    return r;
  }
  if (!res.err.empty()) {
    answer["stderr"] = res.err;
    answer.erase("stderr_lines");
    add_lines(answer, "stderr", "stderr_lines");
  }
  return answer;
}

}  // namespace drover
