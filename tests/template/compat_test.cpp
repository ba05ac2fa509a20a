// The differential corpus: every case in tests/template/corpus/*.yml is
// rendered by drover in-process and by ansible-core 2.14 / Jinja2 3.1
// (oracle.py, run once for all cases). A case passes when both give the
// same value, or both fail. The oracle decides which cases are errors.
//
// DROVER_CORPUS_FILTER=substring limits the run to matching case names.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/big_int.hpp"
#include "core/pyjson.hpp"
#include "core/yaml.hpp"
#include "harness/process.hpp"
#include "template/engine.hpp"

namespace drover::tmpl {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string file;
  Value spec;
};

std::vector<Case> load_corpus() {
  std::vector<Case> cases;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(std::string(DROVER_SOURCE_DIR) + "/tests/template/corpus"))
    if (e.path().extension() == ".yml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const char* filter = std::getenv("DROVER_CORPUS_FILTER");
  Value common = load_yaml_value_file(std::string(DROVER_SOURCE_DIR) + "/tests/template/corpus/common_vars.yaml");
  for (const auto& f : files) {
    Value doc = load_yaml_value_file(f.string());
    for (auto& c : doc) {
      if (!c.contains("vars")) c["vars"] = common;
      std::string name = f.stem().string() + "/" + c["name"].get<std::string>();
      if (filter && name.find(filter) == std::string::npos) continue;
      c["name"] = name;
      cases.push_back(Case{f.filename().string(), c});
    }
  }
  return cases;
}

struct Outcome {
  bool ok = false;
  Value value;
  std::string error;
};

Outcome render_with_drover(const Engine& engine, const Value& c, const std::string& dir) {
  Outcome out;
  std::string mode = c.value("mode", "string");
  Value vars = c.value("vars", Value::object());
  if (vars.is_null()) vars = Value::object();
  forget_str_types(vars);  // the oracle reads them from JSON: str, not AnsibleUnicode
  if (c.contains("files")) {
    for (auto it = c["files"].begin(); it != c["files"].end(); ++it) {
      fs::path p = fs::path(dir) / static_cast<const std::string&>(it.key());
      fs::create_directories(p.parent_path());
      std::ofstream(p, std::ios::binary) << it.value().get<std::string>();
    }
  }
  ValueVariables raw(vars);
  LazyVariables lazy(engine, raw);
  try {
    const std::string& tpl = c["template"].get_ref<const ValueString&>();
    if (mode == "string") {
      RenderOptions o = RenderOptions::ansible_templar();
      o.search_path = {dir};
      out.value = engine.render_value(Value(tpl), lazy, o);
    } else if (mode == "when") {
      out.value = engine.evaluate_condition(Value(tpl), lazy);
    } else {
      Value opts = c.value("options", Value::object());
      RenderOptions o = RenderOptions::template_module();
      o.syntax.trim_blocks = opts.value("trim_blocks", true);
      o.syntax.lstrip_blocks = opts.value("lstrip_blocks", false);
      o.syntax.newline_sequence = opts.value("newline_sequence", std::string("\n"));
      o.search_path = {dir + "/templates", dir};
      std::string path = dir + "/__case__.j2";
      std::ofstream(path, std::ios::binary) << tpl;
      o.name = "__case__.j2";
      out.value = engine.render_template_file(path, lazy, o);
    }
    out.ok = true;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

// drover's big ints as the oracle writes them: {"__bigint__": DIGITS}.
Value comparable(const Value& v) {
  if (is_big_int(v)) return Value{{"__bigint__", big_int_text(v)}};
  if (!v.is_structured()) return v;
  Value out = v;
  for (auto& e : out) e = comparable(e);
  return out;
}

std::string show(const Value& v) {
  JsonDumpOptions o;
  o.ensure_ascii = false;
  return python_json_dumps(v, o);
}

TEST(TemplateCompat, EveryCorpusCaseMatchesAnsibleJinja2) {
  auto cases = load_corpus();
  ASSERT_FALSE(cases.empty());
  test::TempDir tmp;
  Value all = Value::array();
  for (const auto& c : cases) all.push_back(c.spec);
  // json.dumps, not dump(): big ints in the vars go as their digits.
  std::string cases_path = tmp.write("cases.json", python_json_dumps(all));
  auto oracle = test::run_process(
      {test::kSystemPython, std::string(DROVER_SOURCE_DIR) + "/tests/template/oracle.py", cases_path});
  ASSERT_EQ(oracle.exit_code, 0) << oracle.err;
  Value results = Value::parse(oracle.out);
  ASSERT_EQ(results.size(), cases.size());
  Engine engine;
  Engine native_engine;  // for cases with `native: true` (ansible.cfg jinja2_native)
  native_engine.set_jinja2_native(true);
  int passed = 0, failed = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Value& spec = cases[i].spec;
    const Value& want = results[i];
    std::string dir = tmp.path() + "/case" + std::to_string(i);
    fs::create_directories(dir);
    Outcome got = render_with_drover(spec.value("native", false) ? native_engine : engine, spec, dir);
    got.value = comparable(got.value);
    bool want_ok = want["ok"].get<bool>();
    bool same = want_ok == got.ok && (!want_ok || want["value"] == got.value);
    if (same) {
      ++passed;
      continue;
    }
    ++failed;
    ADD_FAILURE() << "case " << spec["name"].get<std::string>() << " (" << cases[i].file << ")\n"
                  << "  template: " << show(spec["template"]) << "\n"
                  << "  ansible:  " << (want_ok ? show(want["value"]) : "ERROR " + want["error"].get<std::string>())
                  << "\n"
                  << "  drover:   " << (got.ok ? show(got.value) : "ERROR " + got.error);
  }
  std::cout << "[corpus] " << passed << " of " << cases.size() << " cases match, " << failed << " differ\n";
}

}  // namespace
}  // namespace drover::tmpl
