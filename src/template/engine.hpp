// drover's Jinja2 engine: the public face of src/template.
//
// What it promises:
//  * render_string / render_template_file give byte for byte what Python's
//    Jinja2 3.1 gives inside Ansible 2.14 (Ansible's finalize: None prints as
//    "", strict undefined, Ansible's filters and tests, the template module's
//    defaults and trailing-newline rule, the "#jinja2:" header).
//  * render_value is Ansible's Templar.template(): every string in a data
//    structure (values, not dict keys) is templated; results that read as a
//    list, dict or bool become one; "{{ var }}" alone keeps an int/float/bool.
//    In jinja2_native mode (set_jinja2_native) it is ansible_native_concat's.
//  * evaluate_condition is Ansible's `when:` evaluation.
//  * Parsed templates are cached by source text (and files by path + mtime);
//    an Engine may be used from many threads at once.
//  * Errors are TemplateError (a drover::Error) with Jinja2's wording and the
//    template name and line; nothing a template says crashes the process.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/value.hpp"
#include "template/ast.hpp"
#include "template/lexer.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {

// Where templates find variables. lookup() returns nullptr for an undefined
// name; the pointer must stay valid until the render call returns (sources
// that compute values keep them alive themselves). Lookups of big values
// (hostvars) cost a pointer, not a copy.
class VariableSource {
 public:
  virtual ~VariableSource() = default;
  virtual const Value* lookup(std::string_view name) = 0;
  // Every variable name, lowest precedence first as Ansible's merged dict
  // orders them (the varnames lookup); empty when the source cannot list them.
  virtual std::vector<std::string> names() { return {}; }
  // True for a variable (a dict of dicts) whose entries LazyVariables
  // templates each with that entry's own values, not with this source:
  // Ansible's hostvars, whose HostVarsVars template a host's variables with
  // that host's alone, leaving what they cannot template as written.
  virtual bool entries_template_alone(std::string_view /*name*/) { return false; }
};

// Variables from one dict Value (not copied: it must outlive the source).
class ValueVariables : public VariableSource {
 public:
  explicit ValueVariables(const Value& dict) : dict_(dict) {}
  const Value* lookup(std::string_view name) override;
  std::vector<std::string> names() override;

 private:
  const Value& dict_;
};

// A source whose values are nothing.
class NoVariables : public VariableSource {
 public:
  const Value* lookup(std::string_view) override { return nullptr; }
};

// Unsafe answers (Ansible's AnsibleContext.unsafe): a global function such
// as lookup() notes each answer it gives as unsafe text, and what a render
// that saw one gives is unsafe too (LazyVariables marks a variable's value
// so). Counted per thread; compare the count before and after a render.
void note_unsafe_answer();
uint64_t unsafe_answers();

class Engine;

// Ansible's lazy templating of variables (AnsibleJ2Vars): a variable whose
// value holds "{{ ... }}" is templated (recursively, with render_value) only
// when a template uses it, at most once per source; a variable that needs
// itself is a TemplateError("recursive loop detected in template string").
class LazyVariables : public VariableSource {
 public:
  LazyVariables(const Engine& engine, VariableSource& raw) : engine_(engine), raw_(raw) {}
  const Value* lookup(std::string_view name) override;
  std::vector<std::string> names() override { return raw_.names(); }
  bool entries_template_alone(std::string_view name) override { return raw_.entries_template_alone(name); }

 private:
  Value render_entries_alone(const Value& entries) const;
  const Engine& engine_;
  VariableSource& raw_;
  std::unordered_map<std::string, std::unique_ptr<Value>> done_;
  std::vector<std::string> in_progress_;
};

struct RenderOptions {
  SyntaxOptions syntax;                  // Ansible's Templar: trim_blocks=true
  std::vector<std::string> search_path;  // for include/import/extends
  std::string name = "<template>";       // used in error messages
  bool escape_backslashes = false;       // Templar.template doubles backslashes in {{ '...' }}
  bool eval_concat = false;              // Templar.template's ansible_eval_concat
  // Templar.template in jinja2_native mode (ansible_native_concat): set by
  // render_value when the Engine is native and eval_concat is asked for.
  bool jinja2_native = false;
  bool preserve_trailing_newlines = true;
  int max_recursion = 200;               // macro/include/recursive-loop depth
  size_t max_output = 256u << 20;        // bytes one render may produce

  static RenderOptions ansible_templar();   // options of Templar.template()
  static RenderOptions template_module();   // options of the template module
};

// A function templates can call (lookup, query...). Arguments arrive as
// plain Values.
using GlobalFunction = std::function<Value(const std::vector<Value>& args,
                                           const std::vector<std::pair<std::string, Value>>& kwargs)>;

class Engine {
 public:
  Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Adds or replaces a global function (lookup, query, q ...). Not thread
  // safe against concurrent renders: register before rendering.
  void register_global(const std::string& name, GlobalFunction fn);

  // Ansible's jinja2_native setting (ansible.cfg `jinja2_native`,
  // ANSIBLE_JINJA2_NATIVE): render_value with eval_concat then gives native
  // types as ansible-core 2.14's AnsibleNativeEnvironment does (one node
  // keeps its type; several are joined and read back with literal_eval; a
  // string literal keeps its quotes; None is printed as "None"; nothing
  // rendered is None). The template module is never native. Set before
  // rendering.
  void set_jinja2_native(bool on) { jinja2_native_ = on; }
  bool jinja2_native() const { return jinja2_native_; }

  std::string render_string(std::string_view source, VariableSource& vars,
                            const RenderOptions& opts = RenderOptions::ansible_templar()) const;
  Value render_value(const Value& v, VariableSource& vars,
                     const RenderOptions& opts = RenderOptions::ansible_templar()) const;
  Value evaluate_expression(std::string_view expr, VariableSource& vars) const;
  bool evaluate_condition(const Value& when, VariableSource& vars) const;
  // The template module: reads `path` (honouring a "#jinja2:" first line),
  // includes resolve against opts.search_path and the file's directory.
  std::string render_template_file(const std::string& path, VariableSource& vars,
                                   RenderOptions opts = RenderOptions::template_module()) const;

  // Parse caches (thread safe).
  std::shared_ptr<const Template> parse(std::string_view source, const SyntaxOptions& syntax,
                                        const std::string& name) const;
  std::shared_ptr<const Template> load_file(const std::string& path, const SyntaxOptions& syntax) const;
  // Resolves a template name against the search path; empty when missing.
  std::string find_file(const std::string& name, const std::vector<std::string>& search_path) const;

  const std::map<std::string, GlobalFunction>& globals() const { return globals_; }

 private:
  std::map<std::string, GlobalFunction> globals_;
  bool jinja2_native_ = false;
  mutable std::shared_mutex cache_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Template>> string_cache_;
  struct FileEntry {
    long long mtime_ns;
    long long size;
    std::shared_ptr<const Template> tpl;
    size_t trailing_newlines = 0;  // of the file, for Ansible's newline rule
    SyntaxOptions syntax;          // after the "#jinja2:" header
  };
  // The template module's view of a file, cached by path + mtime + size.
  FileEntry module_template(const std::string& path, const SyntaxOptions& syntax) const;
  // render_value of one string that holds a template.
  Value render_string_value(const std::string& s, VariableSource& vars, const RenderOptions& opts) const;
  mutable std::unordered_map<std::string, FileEntry> file_cache_;
};

// The value of Ansible's `omit` variable: a module option that templates to
// exactly this string is dropped. Ansible appends a per-run sha1; drover's is
// fixed so that it is stable across processes.
const std::string& omit_placeholder();

// Ansible's "#jinja2:" header: applies "key: value, ..." overrides from the
// first line of a template file to opts and returns the text after it.
std::string apply_jinja2_header(const std::string& text, SyntaxOptions& opts);

}  // namespace drover::tmpl
