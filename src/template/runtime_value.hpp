// The value the template evaluator works with: a drover::Value seen the way
// Python's Jinja2 sees it, plus the runtime-only things Jinja2 has
// (undefined with its name, tuples, macros, loop objects, namespaces,
// cyclers, joiners, callables).
//
// A Val never copies the data it was looked up from: lists and dicts (and
// strings) that come from the variables are borrowed by pointer, and a Val
// made from a computed Value keeps that Value alive through a shared owner.
// Borrowed pointers are valid while the variables given to the render call
// are; a Val must not outlive the render that made it unless it owns its
// data (see Val::to_value for getting a plain Value out).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/big_int.hpp"
#include "core/value.hpp"

namespace drover::tmpl {

class Val;

// Runtime objects that are not data. Each kind knows its Python type name
// (for error messages such as "'Macro object' has no attribute 'x'").
class Object {
 public:
  enum class Type { Undefined, Callable, Macro, Loop, Namespace, Cycler, Joiner, BlockRef, DateTime, TimeDelta, PyType };
  explicit Object(Type t) : type(t) {}
  virtual ~Object() = default;
  Type type;
};

class Val {
 public:
  // Int is int64; BigInt an int beyond it (Python's ints are unbounded),
  // never one that fits: arithmetic gives back Int when the result fits.
  enum class Kind : uint8_t { Undefined, None, Bool, Int, Float, Str, Data, Seq, Obj, BigInt };

  Val() : k_(Kind::Undefined) { i_ = 0; }
  static Val none() { Val v; v.k_ = Kind::None; return v; }
  static Val boolean(bool b) { Val v; v.k_ = Kind::Bool; v.b_ = b; return v; }
  static Val integer(int64_t i) { Val v; v.k_ = Kind::Int; v.i_ = i; return v; }
  static Val flt(double d) { Val v; v.k_ = Kind::Float; v.f_ = d; return v; }
  // An int of any size: Int when it fits in int64.
  static Val big_integer(BigInt n);
  static Val str(std::string s);
  // "" without an allocation.
  static Val empty_str();
  // A string borrowed from data that outlives the render; `keep` may own it.
  static Val str_ref(const std::string* s, std::shared_ptr<const void> keep = {});
  // Borrows a Value (any type); scalars become inline kinds.
  static Val data_ref(const Value* v, std::shared_ptr<const void> keep = {}) {
    // Inline: most attribute reads end here.
    Val out;
    switch (v->type()) {
      case Value::value_t::null: out.k_ = Kind::None; return out;
      case Value::value_t::boolean: out.k_ = Kind::Bool; out.b_ = v->get_ref<const Value::boolean_t&>(); return out;
      case Value::value_t::number_integer: out.k_ = Kind::Int; out.i_ = v->get_ref<const Value::number_integer_t&>(); return out;
      case Value::value_t::number_unsigned: {
        auto u = v->get_ref<const Value::number_unsigned_t&>();
        if (u > static_cast<uint64_t>(INT64_MAX)) return big_integer(big_int_of(*v));
        return integer(static_cast<int64_t>(u));
      }
      case Value::value_t::number_float: out.k_ = Kind::Float; out.f_ = v->get_ref<const Value::number_float_t&>(); return out;
      case Value::value_t::string: {
        const ValueString& text = v->get_ref<const ValueString&>();
        out.k_ = Kind::Str;
        out.str_ = &text;
        out.py_from_data_ = true;  // read when asked: most renders never ask
        break;
      }
      case Value::value_t::object:
        if (v->size() == 1)
          if (auto opened = opened_vault(*v)) return std::move(*opened);
        [[fallthrough]];
      case Value::value_t::array: out.k_ = Kind::Data; out.data_ = v; break;
      case Value::value_t::binary:
        if (drover::is_big_int(*v)) return big_integer(big_int_of(*v));
        out.k_ = Kind::None;
        return out;
      default: out.k_ = Kind::None; return out;
    }
    out.keep_ = std::move(keep);
    return out;
  }
  // An inline !vault value ({"__ansible_vault": TEXT}) read by a template:
  // its plaintext as a str that stays a vault value for `vault_encrypted`
  // and type_debug (Ansible's AnsibleVaultEncryptedUnicode, decrypted on
  // first use). nullopt for any other object, and for a value the keyring
  // cannot open: it stays encrypted and fails, saying why, where it is
  // used as text.
  static std::optional<Val> opened_vault(const Value& v);
  bool is_vault_text() const { return k_ == Kind::Str && vault_; }
  // Takes ownership of a computed Value.
  static Val data(Value v);
  static Val seq(std::vector<Val> items, bool tuple = false);
  // dict.keys()/values()/items(): a list that prints as dict_keys([...]).
  enum class View : uint8_t { None, Keys, Values, Items };
  static Val view(std::vector<Val> items, View kind);
  View view_kind() const { return view_; }
  static Val object(std::shared_ptr<Object> o);
  // An undefined value: `name` is what was looked up, `hint` overrides the
  // message (e.g. "'dict object' has no attribute 'x'").
  static Val undefined(std::string name, std::string hint = {});
  // "'<owner_type>' has no attribute '<name>'", composed lazily.
  static Val missing_attribute(std::string owner_type, std::string name);
  // Allocation-free undefineds for the hot paths: `name` is a string that
  // outlives the render (a name in the parsed template). dict_attr: a
  // missing key of a dict ("'dict object' has no attribute 'x'").
  static Val undefined_ref(const std::string* name, bool dict_attr);
  // The name and message of any undefined.
  std::string undefined_name() const;
  std::string undefined_message() const;
  // Jinja's plain Undefined (an inline if without else): prints as "",
  // is false and iterates as empty instead of failing.
  static Val lenient_undefined(std::string hint);
  bool is_lenient_undefined() const;

  Kind kind() const { return k_; }
  bool is_undefined() const { return k_ == Kind::Undefined; }
  bool is_none() const { return k_ == Kind::None; }
  bool is_bool() const { return k_ == Kind::Bool; }
  bool is_int() const { return k_ == Kind::Int; }
  bool is_float() const { return k_ == Kind::Float; }
  bool is_big_int() const { return k_ == Kind::BigInt; }
  // int or bool of any size (Python's isinstance(v, int)).
  bool is_integral() const { return k_ == Kind::Int || k_ == Kind::Bool || k_ == Kind::BigInt; }
  bool is_number() const { return k_ == Kind::Int || k_ == Kind::Float || k_ == Kind::Bool || k_ == Kind::BigInt; }
  bool is_str() const { return k_ == Kind::Str; }
  bool is_list() const { return (k_ == Kind::Data && data_->is_array()) || (k_ == Kind::Seq && !flag_); }
  bool is_tuple() const { return k_ == Kind::Seq && flag_; }
  bool is_sequence() const { return (k_ == Kind::Data && data_->is_array()) || k_ == Kind::Seq; }
  bool is_dict() const { return k_ == Kind::Data && data_->is_object(); }
  bool is_object(Object::Type t) const { return k_ == Kind::Obj && obj_->type == t; }
  bool is_obj() const { return k_ == Kind::Obj; }
  bool is_safe() const { return k_ == Kind::Str && flag_; }
  // Ansible's NativeJinjaText: the result of a STRING_TYPE_FILTERS filter
  // (string, to_json, to_yaml...) that must stay text in native mode.
  bool is_native_text() const { return py_str() == PyStr::native_text; }
  Val& mark_native_text() { return with_py_str(PyStr::native_text); }
  // A string's Python class (str for a string a filter or operator made);
  // it goes with the string into data (to_value) and back.
  PyStr py_str() const {
    if (k_ != Kind::Str) return PyStr::str;
    return py_from_data_ ? static_cast<const ValueString*>(str_)->py_type : py_;
  }
  Val& with_py_str(PyStr t) {
    if (k_ == Kind::Str) {
      py_ = t;
      py_from_data_ = false;
    }
    return *this;
  }
  Val& mark_safe(bool s = true) { if (k_ == Kind::Str) flag_ = s; return *this; }

  bool as_bool() const { return b_; }
  // A BigInt saturates (callers that take any size check is_big_int).
  int64_t as_int() const {
    if (k_ == Kind::Int) return i_;
    if (k_ == Kind::Bool) return b_ ? 1 : 0;
    return k_ == Kind::BigInt ? (big_->negative() ? INT64_MIN : INT64_MAX) : i_;
  }
  // float(v); a BigInt too large for a double raises Python's OverflowError.
  double as_float() const {
    if (k_ == Kind::Float) return f_;
    if (k_ == Kind::BigInt) return big_as_float();
    return static_cast<double>(as_int());
  }
  const BigInt& as_big() const { return *big_; }
  // Any integral value (bool, Int, BigInt) as a BigInt.
  BigInt to_big() const { return k_ == Kind::BigInt ? *big_ : BigInt(as_int()); }
  const std::string& as_str() const { return *str_; }
  const Value& as_data() const { return *data_; }
  const std::vector<Val>& as_seq() const { return *seq_; }
  Object* as_obj() const { return obj_; }
  template <class T> T* obj_as() const { return static_cast<T*>(obj_); }
  bool has_info() const { return k_ == Kind::Undefined && keep_ != nullptr; }
  const std::shared_ptr<const void>& keeper() const { return keep_; }

  // Sequences (lists, tuples) and dicts.
  size_t size() const;  // len(); 0 for non-containers
  Val at(size_t i) const;  // element of a sequence
  // dict lookup; Undefined when missing.
  Val get(std::string_view key) const;
  bool has_key(std::string_view key) const;
  std::vector<std::string> keys() const;  // dict keys in order

  // Python truthiness; Undefined raises (Ansible's StrictUndefined).
  bool truthy() const;
  // Plain data; Undefined raises; objects become their str().
  Value to_value() const;

 private:
  Kind k_;
  bool flag_ = false;  // Seq: tuple. Str: markup-safe.
  View view_ = View::None;
  PyStr py_ = PyStr::str;   // Str: its Python class
  // Str borrowed from data (str_ is a ValueString): the class is its py_type.
  // Reading it in data_ref would touch every borrowed string's block.
  bool py_from_data_ = false;
  bool dict_attr_ = false;  // undefined_ref: a missing dict key
  bool vault_ = false;      // Str: an opened inline !vault value
  union {
    bool b_;
    int64_t i_;
    double f_;
    const std::string* str_;
    const Value* data_;
    const std::vector<Val>* seq_;
    Object* obj_;
    const BigInt* big_;
  };
  double big_as_float() const;
  std::shared_ptr<const void> keep_;
};

// A Python type object: what `x.__class__` gives (Ansible's templates are
// not sandboxed). Prints as "<class 'int'>"; `.__name__` is the name.
class PyTypeObj : public Object {
 public:
  explicit PyTypeObj(std::string n) : Object(Type::PyType), name(std::move(n)) {}
  std::string name;
};

class UndefinedInfo : public Object {
 public:
  UndefinedInfo(std::string n, std::string h) : Object(Type::Undefined), name(std::move(n)), hint(std::move(h)) {}
  std::string name;
  std::string hint;
  // Missing attribute of an object of this type: the message is built only
  // when someone reads it (most undefineds meet `default` or `is defined`).
  std::string owner_type;
  bool lenient = false;
  std::string message() const;  // "'foo' is undefined" or the hint
};

// Throws the TemplateError for using this undefined value.
[[noreturn]] void raise_undefined(const Val& v);

// Python's str() of a value as Jinja prints it ({{ x }}).
void str_append(std::string& out, const Val& v);
std::string to_str(const Val& v);
// Python's repr().
void repr_append(std::string& out, const Val& v);
std::string repr(const Val& v);
// Python's type name: "str", "int", "list", "dict", "NoneType"...
std::string type_name(const Val& v);
// Jinja's object_type_repr, used in "'X object' has no attribute" messages.
std::string object_type_repr(const Val& v);

// Python ==, and ordering (<) with TypeError on incomparable types.
bool equals(const Val& a, const Val& b);
bool less_than(const Val& a, const Val& b);  // throws TemplateError
// Three-way comparison used by sort(): -1, 0, 1; case_sensitive for strings.
int compare(const Val& a, const Val& b, bool case_sensitive = true);

// String equality for the short names of variables and dict keys: length
// first (most misses differ there), then whole words (the last one
// overlapping), which costs less than a byte loop or a call to memcmp.
inline bool same_key(std::string_view a, std::string_view b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  auto word = [](const char* p) { uint64_t w; std::memcpy(&w, p, 8); return w; };
  auto half = [](const char* p) { uint32_t w; std::memcpy(&w, p, 4); return w; };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (word(x + i) != word(y + i)) return false;
    return word(x + n - 8) == word(y + n - 8);
  }
  if (n >= 4) return half(x) == half(y) && half(x + n - 4) == half(y + n - 4);
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return false;
  return true;
}
// The member `key` of a dict Value; nullptr when missing.
const Value* find_member(const Value& dict, std::string_view key);
// The same, trying position `slot` first and leaving there the position
// where the key was found (see Expr::member_slot).
inline const Value* find_member(const Value& dict, std::string_view key, std::atomic<uint32_t>& slot) {
  // ordered_map is a vector of (key, value) pairs; index it as one.
  const auto& members = static_cast<const Value::object_t::Container&>(*dict.get_ptr<const Value::object_t*>());
  size_t n = members.size();
  size_t hint = slot.load(std::memory_order_relaxed);
  if (hint < n && same_key(members[hint].first, key)) return &members[hint].second;
  for (size_t i = 0; i < n; ++i)
    if (same_key(members[i].first, key)) {
      slot.store(static_cast<uint32_t>(i), std::memory_order_relaxed);
      return &members[i].second;
    }
  return nullptr;
}

// Number of Unicode code points (Python len of str).
size_t utf8_length(std::string_view s);

}  // namespace drover::tmpl
