// The evaluator: executes a parsed Template against variables and writes
// the output. Internal to src/template (the public face is engine.hpp).
//
// One Renderer is one render call: it owns the scopes, the block stacks of
// template inheritance and the recursion budget, and borrows the Engine
// (filters, globals, loader, parse cache) and the VariableSource. Nothing
// here is shared between threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "template/ast.hpp"
#include "template/runtime_value.hpp"
#include "template/symbol.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {

class Engine;
class VariableSource;
struct RenderOptions;

// Arguments of a filter, test, macro or function call.
struct CallArgs {
  std::vector<Val> pos;
  std::vector<std::pair<std::string, Val>> kw;
  const char* fn_name = "";

  // The argument at position i (after the filter input), or the keyword
  // `name`; nullptr when neither was given.
  const Val* find(size_t i, std::string_view name) const;
  Val get(size_t i, std::string_view name, Val def = Val()) const;
  // The argument is required.
  Val need(size_t i, std::string_view name) const;
  // Raises Python's TypeError when more positional arguments or unknown
  // keywords were given than the function takes.
  void check(size_t max_pos, std::initializer_list<std::string_view> names) const;
};

using NativeFn = std::function<Val(Renderer&, CallArgs&)>;

class Callable : public Object {
 public:
  Callable(std::string n, NativeFn f) : Object(Type::Callable), name(std::move(n)), fn(std::move(f)) {}
  std::string name;
  NativeFn fn;
};

struct Scope {
  std::vector<std::pair<Symbol, Val>> vars;
  std::shared_ptr<Scope> parent;
  // The root of a template imported/included "without context": names
  // not found up to here are not looked up in the render's variables.
  bool isolated = false;
  // The variable in this scope or its parents, not copied; nullptr when
  // no scope has it (it may still be a render variable or a global).
  Val* find(Symbol name) {
    for (Scope* s = this; s; s = s->parent.get())
      for (auto& [k, v] : s->vars)
        if (k == name) return &v;
    return nullptr;
  }
  void set(Symbol name, Val v) {
    for (auto& [k, old] : vars)
      if (k == name) {
        old = std::move(v);
        return;
      }
    vars.emplace_back(name, std::move(v));
  }
};

class Namespace : public Object {
 public:
  Namespace() : Object(Type::Namespace) {}
  std::vector<std::pair<std::string, Val>> attrs;
  Val* find(std::string_view name);
  void set(std::string_view name, Val v);
};

class MacroObj : public Object {
 public:
  MacroObj() : Object(Type::Macro) {}
  const Stmt* def = nullptr;              // Macro or CallBlock statement
  std::shared_ptr<Scope> closure;
  std::shared_ptr<const Template> keep;   // the template the body belongs to
  std::string name;
  Val caller;                             // for CallBlock bodies: none
};

class Renderer {
 public:
  Renderer(const Engine& engine, VariableSource& vars, const RenderOptions& opts);
  // Breaks the macro <-> defining-scope reference cycles of this render.
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Renders a whole template (following {% extends %}).
  void render(const std::shared_ptr<const Template>& tpl, std::string& out);
  // Evaluates one expression in the root scope.
  Val eval(const Expr& e);
  // Evaluates a template that is one {{ expression }}, errors located.
  Val eval_root(const std::shared_ptr<const Template>& tpl);

  // Ansible's "eval concat": a rendered string that looks like a list,
  // dict or boolean is turned back into one (see native_helpers.py).
  bool eval_concat() const { return eval_concat_; }
  // How many values ({{ }}, macro and block results) the render has
  // printed (text pieces are not counted: they are never empty): in
  // jinja2_native mode a template that wrote nothing is None, not "".
  // Native prints all go through print_value (print_direct declines).
  size_t nodes_emitted() const { return nodes_; }

  // Calls any callable value (macro, builtin function, namespace()...).
  Val call_value(const Val& fn, CallArgs& args, int line);
  // Filter or test by name, for map/select/reject.
  Val apply_filter(const std::string& name, const Val& input, CallArgs& args);
  bool apply_test(const std::string& name, const Val& input, CallArgs& args);
  // Attribute / item access with Jinja's getattr-then-getitem rules.
  Val getattr(const Val& obj, std::string_view name);
  Val getitem(const Val& obj, const Val& key);

  const Engine& engine() const { return engine_; }
  VariableSource& variables() { return vars_; }
  int line() const { return line_; }

  // The rest is for the evaluator's own files (loop.cpp, evaluate.cpp...).
  void exec_body(const Body& body, std::string& out);
  void exec(const Stmt& s, std::string& out);
  void exec_for(const Stmt& s, std::string& out);
  void exec_if(const Stmt& s, std::string& out);
  void exec_block(const Stmt& s, std::string& out);
  void exec_include(const Stmt& s, std::string& out);
  Val import_template(const Stmt& s);
  void assign(const Expr& target, const Val& v);
  // A name's value: scopes, then the render's variables, then globals.
  Val lookup(Symbol name) {
    if (const Val* v = scope_->find(name)) return *v;
    return lookup_outside_scopes(name);
  }
  Val lookup_outside_scopes(Symbol name);
  // Reading variables in place, without making a Val (evaluate_direct.cpp):
  // the commonest prints and conditions of a template are a name or an
  // attribute chain, possibly with `default` or `is defined`.
  enum class Peek : uint8_t { Other, Missing, Found };
  struct Peeked {
    const Val* val = nullptr;     // a variable of a scope, or
    const Value* data = nullptr;  // a member of a dict
  };
  // What a Name (bound in a scope) or an attribute chain on one refers to:
  // Found, Missing (a dict without the key: the value is undefined), or
  // Other (anything else: only eval() knows).
  Peek peek(const Expr& e, Peeked& p);
  // Prints {{ e }} when e is simple and its value a string, number, bool or
  // none; false (nothing written) when eval() and print_value must do it.
  bool print_direct(const Expr& e, std::string& out);
  // print_direct of `x | replace('a', 'b')` (constant arguments).
  bool print_replaced(const Expr& e, std::string& out);
  // eval(e).truthy(), with the simple cases read in place.
  bool truth(const Expr& e);
  // obj.<e.name> for a Getattr node.
  Val eval_attribute(const Val& obj, const Expr& e);
  Val eval_rare(const Expr& e);
  Val eval_compare(const Expr& e);
  [[noreturn]] void output_limit_exceeded();
  Val eval_binary(const Expr& e);
  // `direct`: when the callee is a macro, its output goes there and the
  // result is None (a {{ macro() }} statement, saving a copy).
  Val eval_call(const Expr& e, std::string* direct = nullptr);
  Val eval_filter(const Expr& e, const Val* input_override);
  void eval_args(const Expr& e, CallArgs& args);
  Val call_macro(MacroObj& m, CallArgs& args, int line);
  void call_macro_into(MacroObj& m, CallArgs& args, int line, std::string& out);
  // {{ m(a, b) }} with no more positional arguments than m takes and no
  // keywords: each argument is evaluated straight into the macro's scope.
  void call_macro_positional(MacroObj& m, const Expr& call, std::string& out);
  // The rest of a call once the arguments given are bound in `sc`: the
  // defaults of the others (from `bound` on), varargs, kwargs and caller,
  // then the body.
  void run_macro(MacroObj& m, CallArgs& args, size_t bound, std::shared_ptr<Scope> sc,
                 std::string& out);
  // The macro's varargs, kwargs and caller from the arguments past its own.
  void bind_extra_args(MacroObj& m, CallArgs& args, Scope& sc);
  // Scopes of macro calls and loops come from a pool: a render makes
  // thousands and most die at the end of the call.
  std::shared_ptr<Scope> new_scope(const std::shared_ptr<Scope>& parent);
  void recycle_scope(std::shared_ptr<Scope>&& sc);
  std::vector<std::shared_ptr<Scope>> scope_pool_;
  void print_value(const Val& v, std::string& out);
  std::shared_ptr<const Template> load(const Val& name_or_list, bool ignore_missing);
  [[noreturn]] void rethrow_located(const std::exception& e, int line);

  const Engine& engine_;
  VariableSource& vars_;
  const RenderOptions& opts_;
  bool eval_concat_ = false;
  bool native_ = false;  // opts.jinja2_native
  size_t nodes_ = 0;
  // The text of a macro's or block set's body as a value: eval concat's
  // or native concat's rule.
  Val concat_value(std::string&& buf) const;
  std::shared_ptr<Scope> scope_;
  std::shared_ptr<Scope> root_;
  std::shared_ptr<const Template> current_;
  // Template inheritance: for each block name, the bodies from the most
  // derived template to the base.
  std::map<std::string, std::vector<std::pair<const Stmt*, std::shared_ptr<const Template>>>> blocks_;
  std::vector<std::pair<std::string, size_t>> block_level_;  // for super()
  int depth_ = 0;
  int line_ = 0;
  size_t output_budget_ = 0;
  // Argument vectors reused across calls: a filter call costs no
  // allocation once the render is warm (measured: a third of render time
  // went to malloc/free).
  std::vector<std::vector<Val>> arg_pool_;
  // Scopes a macro closes over: a macro stored in the scope it captures is a
  // shared_ptr cycle, cleared when the render ends (no macro outlives it).
  std::vector<std::shared_ptr<Scope>> closure_scopes_;
  // Namespaces given an attribute with `set ns.x = ...`: the value may hold
  // the namespace itself (directly or in a tuple), a cycle cleared likewise.
  std::vector<Val> assigned_namespaces_;
  void note_closure(const std::shared_ptr<Scope>& sc) {
    if (closure_scopes_.empty() || closure_scopes_.back() != sc) closure_scopes_.push_back(sc);
  }
  void take_pooled(CallArgs& a) {
    if (!arg_pool_.empty()) {
      a.pos.swap(arg_pool_.back());
      arg_pool_.pop_back();
    }
  }
  void give_back(CallArgs& a) {
    if (a.pos.capacity() == 0 || arg_pool_.size() > 64) return;
    a.pos.clear();
    arg_pool_.push_back(std::move(a.pos));
  }
};

// Counts nesting (macros, includes, recursive loops) against the limit.
struct DepthGuard {
  int& d;
  DepthGuard(int& depth, int max) : d(depth) {
    if (++d > max) {
      --d;
      fail("maximum recursion depth exceeded");
    }
  }
  ~DepthGuard() { --d; }
};

// Makes `next` the current scope until the end of the C++ scope.
struct ScopeGuard {
  std::shared_ptr<Scope>& slot;
  std::shared_ptr<Scope> saved;
  ScopeGuard(std::shared_ptr<Scope>& s, std::shared_ptr<Scope> next) : slot(s), saved(std::move(s)) {
    slot = std::move(next);
  }
  ~ScopeGuard() { slot = std::move(saved); }
};

std::vector<Val> iterate(const Val& v);

// Ansible's ansible_eval_concat rule applied to a rendered string: text
// starting with '[' or '{', or exactly "True"/"False", is read back with
// Python's literal_eval (true/false/null allowed); anything else, or text
// that does not parse, stays a string.
Value literal_eval_or_string(const std::string& text);
// Ansible's ansible_native_concat rule (jinja2_native mode) for text: any
// Python literal is read back with literal_eval (no true/false/null); a
// string literal keeps its quotes ("'a'" stays "'a'"); anything else stays
// the text.
Value native_literal_or_string(const std::string& text);
// Python's ast.literal_eval; nullopt when the text is not a literal.
// json_names: true/false/null read as True/False/None (Ansible's
// Json2Python, eval concat only).
std::optional<Value> python_literal_eval(std::string_view text, bool json_names = true);

}  // namespace drover::tmpl
