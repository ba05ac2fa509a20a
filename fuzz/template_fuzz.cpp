// Fuzzes the template engine end to end: the input is a template (lexer,
// parser, evaluator, filters) rendered against a fixed set of variables,
// both as Ansible's string templating and as a template-module file, and
// also evaluated as a `when:` condition. Any TemplateError is fine; a
// crash, a sanitizer report or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "template/engine.hpp"

namespace {

const drover::Value& variables() {
  static const drover::Value vars = drover::Value::parse(R"({
    "n": 5, "f": 2.5, "s": "hello world", "l": [3, 1, 2], "d": {"b": 2, "a": 1}, "t": true, "z": null,
    "users": [{"name": "alice", "uid": 1001, "groups": ["wheel"]}, {"name": "bob", "uid": 1002, "groups": []}],
    "u": "\u00fcn\u00efc\u00f6d\u00e9", "nested": {"a": {"b": {"c": 42}}}, "lazy": "{{ n + 1 }}", "loop1": "{{ loop2 }}",
    "loop2": "{{ loop1 }}"
  })");
  return vars;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  static drover::tmpl::Engine engine;
  std::string text(reinterpret_cast<const char*>(data), size);
  drover::tmpl::ValueVariables raw(variables());
  drover::tmpl::RenderOptions opts = drover::tmpl::RenderOptions::ansible_templar();
  opts.max_output = 1 << 20;
  opts.max_recursion = 50;
  try {
    drover::tmpl::LazyVariables lazy(engine, raw);
    engine.render_value(drover::Value(text), lazy, opts);
  } catch (const drover::Error&) {
  }
  try {
    drover::tmpl::LazyVariables lazy(engine, raw);
    engine.evaluate_condition(drover::Value(text), lazy);
  } catch (const drover::Error&) {
  }
  try {
    drover::tmpl::RenderOptions file_opts = drover::tmpl::RenderOptions::template_module();
    file_opts.max_output = 1 << 20;
    file_opts.max_recursion = 50;
    file_opts.syntax.lstrip_blocks = size % 2 == 1;
    engine.render_string(text, raw, file_opts);
  } catch (const drover::Error&) {
  }
  return 0;
}
