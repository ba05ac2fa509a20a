// Ansible's lookup plugins for templates: the `lookup`, `query` and `q`
// globals of the engine's templar, with ansible-core 2.14's semantics
// (Templar._lookup): lookup() joins an all-string result with ",", gives a
// lone non-string item as itself and the list otherwise; query()/q() and
// wantlist=True always give the list; errors=strict|warn|ignore decides what
// a failing plugin does (undefined variables always fail).
//
// Plugins: file, env, template, pipe, lines, items, list, dict,
// indexed_items, sequence, together, nested, cartesian, subelements,
// fileglob, first_found, vars, password, random_choice, csvfile, ini.
// varnames is not supported (variable sources cannot list their names).
//
// Lookups that need the task's variables or its controller search path
// (vars, template, file, fileglob, first_found, csvfile, ini, password) get
// them from the LookupScope alive on the rendering thread; the executor
// opens one around each task's templating.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover {

class PythonLookups;

namespace tmpl {
class Engine;
class VariableSource;
}  // namespace tmpl

class LookupScope {
 public:
  LookupScope(const tmpl::Engine& templar, tmpl::VariableSource& vars, std::vector<std::string> search_path);
  ~LookupScope();
  LookupScope(const LookupScope&) = delete;
  LookupScope& operator=(const LookupScope&) = delete;

  const tmpl::Engine& templar;
  tmpl::VariableSource& vars;
  std::vector<std::string> search_path;  // role dir, task file dir, ..., playbook dir (last)

 private:
  LookupScope* previous_;
};

// Registers lookup, query and q on `templar`; `warn` receives the warnings
// of errors=warn.
// Where lookups' warnings (errors=warn) and deprecations (Display.deprecated's
// message and version) go; either may be empty.
struct LookupHooks {
  std::function<void(const std::string&)> warn;
  std::function<void(const std::string& msg, const std::string& version)> deprecate;
};

// `python` runs the plugins drover lacks (null: they are not found).
void register_lookups(tmpl::Engine& templar, LookupHooks hooks, std::shared_ptr<const PythonLookups> python = nullptr);

// Whether drover has the lookup plugin `name` ("file", "ansible.builtin.file").
bool is_native_lookup(const std::string& name);

// query(name, *terms) as with_<name> runs it, through `templar`'s query()
// global (a LookupScope must be open); throws tmpl::TemplateError as the
// query() global does.
Value query_lookup(const tmpl::Engine& templar, const std::string& name, const Value& terms);

}  // namespace drover
