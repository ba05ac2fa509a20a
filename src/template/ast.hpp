// The parsed form of a template: expression and statement trees.
//
// A Template is immutable once parsed and is shared between threads by the
// parse cache; evaluation never writes to it (filter and test lookups are
// resolved at parse time into function pointers).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "template/runtime_value.hpp"
#include "template/symbol.hpp"

namespace drover::tmpl {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct CallArgs;
class Renderer;
using FilterFn = Val (*)(Renderer&, const Val& input, CallArgs& args);
using TestFn = bool (*)(Renderer&, const Val& input, CallArgs& args);

struct Expr {
  enum class K {
    Const, Name, List, Tuple, Dict, Getattr, Getitem, Slice, Call, Filter, Test,
    Neg, Pos, Not, Binary, Compare, And, Or, CondExpr, Concat
  };
  K k;
  int line = 0;
  Val constant;               // Const
  std::string name;           // Name, Getattr attribute, Filter/Test name, Binary operator
  Symbol symbol;              // Name: the interned name, what scopes are searched by
  std::vector<ExprPtr> items; // List/Tuple elements, Dict k,v,k,v..., Call/Filter/Test args, Concat parts
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  ExprPtr a, b, c;            // operands (Filter/Test input is a; nullptr in filter blocks)
  ExprPtr dyn_args, dyn_kwargs;
  std::vector<std::pair<std::string, ExprPtr>> ops;  // Compare: (op, operand)...
  bool negated = false;       // Test: "is not"
  bool dict_method = false;   // Getattr: the name is a dict method (keys, items...), decided at parse time
  FilterFn filter = nullptr;  // resolved at parse time when known
  TestFn test = nullptr;
  // The commonest calls, recognised at parse time and run without an
  // argument vector: `x | default(y)` whose y cannot fail (a constant, a
  // name or attributes of a name), and `x is defined` / `x is undefined`.
  enum class Fast : uint8_t { None, Default, Defined, Undefined };
  Fast fast = Fast::None;
  // Getattr: where the attribute was found in the last dict looked at. The
  // dicts one attribute meets (the items of a loop) mostly have their keys
  // in the same order, so the next lookup tries that slot first. A hint
  // only (any value is safe), relaxed atomic so that templates stay
  // shareable between threads.
  mutable std::atomic<uint32_t> member_slot{0};

  Expr(K kind, int l) : k(kind), line(l) {}
};

struct MacroArg {
  std::string name;
  Symbol symbol;          // interned name
  ExprPtr default_value;  // nullptr when required
};

struct Stmt {
  enum class K {
    Text, Print, If, For, Set, SetBlock, Macro, CallBlock, FilterBlock, Include, Import,
    FromImport, Extends, Block, With, Do
  };
  K k;
  int line = 0;
  std::string text;                 // Text; Macro/Block name
  ExprPtr expr;                     // Print, Set value, For iter, CallBlock call, FilterBlock filter, Include/Import template, Extends
  ExprPtr target;                   // For/Set/SetBlock target (Name, Tuple of Names, or Getattr ns.attr)
  ExprPtr cond;                     // For filter
  std::vector<std::pair<ExprPtr, Body>> branches;  // If: (cond, body)...
  Body body;
  Body else_body;
  std::vector<MacroArg> args;       // Macro, CallBlock (caller's args)
  std::vector<std::pair<std::string, std::string>> names;  // FromImport (name, alias)
  std::vector<std::pair<ExprPtr, ExprPtr>> assignments;    // With
  bool recursive = false;           // For
  // For: the body names `loop`, has a scoped block or the loop is
  // recursive. Otherwise no loop object is made: Jinja2's compiler decides
  // the same (an included template does not see `loop` either).
  bool uses_loop = true;
  bool ignore_missing = false;      // Include
  bool with_context = true;         // Include/Import (import defaults to false)
  bool scoped = false;              // Block
  bool required = false;            // Block
  bool catch_kwargs = false, catch_varargs = false, uses_caller = false;  // Macro

  Stmt(K kind, int l) : k(kind), line(l) {}
};

struct Template {
  std::string name;
  Body body;
  std::map<std::string, const Stmt*> blocks;  // {% block %} by name
  bool has_extends = false;
  // Ansible's native-type rule needs to know whether the whole template is
  // one {{ expression }} with nothing around it.
  const Expr* single_expression = nullptr;
  // The size of the last output rendered from this template: the next
  // render reserves it instead of growing the string a dozen times (a hint
  // only; relaxed atomic as the template is shared).
  mutable std::atomic<size_t> output_size_hint{0};
};

}  // namespace drover::tmpl
