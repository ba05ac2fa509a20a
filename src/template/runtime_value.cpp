#include "template/runtime_value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/pyrepr.hpp"
#include "core/vault.hpp"
#include "template/datetime.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {

Val Val::str(std::string s) {
  auto owned = std::make_shared<const std::string>(std::move(s));
  Val v;
  v.k_ = Kind::Str;
  v.str_ = owned.get();
  v.keep_ = std::move(owned);
  return v;
}

std::optional<Val> Val::opened_vault(const Value& v) {
  const std::string* text = vault_marker_text(v);
  if (!text || process_vault_keyring()->secrets.empty()) return std::nullopt;
  try {
    Val out = str(open_vault_value(*text));
    out.vault_ = true;
    return out;
  } catch (const VaultError&) {
    return std::nullopt;
  }
}

Val Val::empty_str() {
  static const std::string kEmpty;
  return str_ref(&kEmpty);
}

Val Val::str_ref(const std::string* s, std::shared_ptr<const void> keep) {
  Val v;
  v.k_ = Kind::Str;
  v.str_ = s;
  v.keep_ = std::move(keep);
  return v;
}

Val Val::big_integer(BigInt n) {
  if (auto small = n.to_int64()) return integer(*small);
  auto owned = std::make_shared<const BigInt>(std::move(n));
  Val v;
  v.k_ = Kind::BigInt;
  v.big_ = owned.get();
  v.keep_ = std::move(owned);
  return v;
}

double Val::big_as_float() const {
  if (auto d = big_->to_double()) return *d;
  fail_python("OverflowError", "int too large to convert to float");
}

Val Val::data(Value d) {
  switch (d.type()) {
    case Value::value_t::string: {
      ValueString& text = d.get_ref<ValueString&>();
      PyStr type = text.py_type;
      return str(std::move(text)).with_py_str(type);
    }
    case Value::value_t::array:
    case Value::value_t::object: {
      auto owned = std::make_shared<const Value>(std::move(d));
      const Value* p = owned.get();
      return data_ref(p, std::move(owned));
    }
    default: return data_ref(&d);  // scalars are copied inline
  }
}

Val Val::seq(std::vector<Val> items, bool tuple) {
  auto owned = std::make_shared<const std::vector<Val>>(std::move(items));
  Val v;
  v.k_ = Kind::Seq;
  v.flag_ = tuple;
  v.seq_ = owned.get();
  v.keep_ = std::move(owned);
  return v;
}

Val Val::view(std::vector<Val> items, View kind) {
  Val v = seq(std::move(items));
  v.view_ = kind;
  return v;
}

Val Val::object(std::shared_ptr<Object> o) {
  Val v;
  v.k_ = Kind::Obj;
  v.obj_ = o.get();
  v.keep_ = std::move(o);
  return v;
}

Val Val::undefined(std::string name, std::string hint) {
  Val v = object(std::make_shared<UndefinedInfo>(std::move(name), std::move(hint)));
  v.k_ = Kind::Undefined;
  return v;
}

Val Val::missing_attribute(std::string owner_type, std::string name) {
  auto info = std::make_shared<UndefinedInfo>(std::move(name), std::string());
  info->owner_type = std::move(owner_type);
  Val v = object(std::move(info));
  v.k_ = Kind::Undefined;
  return v;
}

Val Val::undefined_ref(const std::string* name, bool dict_attr) {
  Val v;
  v.k_ = Kind::Undefined;
  v.str_ = name;
  v.dict_attr_ = dict_attr;
  return v;
}

std::string Val::undefined_name() const {
  if (k_ != Kind::Undefined) return {};
  if (!keep_) return str_ ? *str_ : std::string();
  return obj_as<UndefinedInfo>()->name;
}

std::string Val::undefined_message() const {
  if (k_ != Kind::Undefined) return {};
  if (!keep_) {
    std::string n = str_ ? *str_ : std::string();
    return dict_attr_ ? "'dict object' has no attribute '" + n + "'" : "'" + n + "' is undefined";
  }
  return obj_as<UndefinedInfo>()->message();
}

Val Val::lenient_undefined(std::string hint) {
  Val v = undefined("", std::move(hint));
  v.obj_as<UndefinedInfo>()->lenient = true;
  return v;
}

bool Val::is_lenient_undefined() const { return k_ == Kind::Undefined && keep_ && obj_as<UndefinedInfo>()->lenient; }

size_t Val::size() const {
  switch (k_) {
    case Kind::Data: return data_->size();
    case Kind::Seq: return seq_->size();
    case Kind::Str: return utf8_length(*str_);
    default: return 0;
  }
}

Val Val::at(size_t i) const {
  if (k_ == Kind::Seq) return (*seq_)[i];
  if (k_ == Kind::Data && data_->is_array()) return data_ref(&(*data_)[i], keep_);
  return Val();
}

const Value* find_member(const Value& dict, std::string_view key) {
  // ordered_map::find compares through std::equal_to and memcmp calls; a
  // plain scan with same_key is twice as fast on the short keys of vars.
  for (const auto& [k, v] : dict.get_ref<const Value::object_t&>())
    if (same_key(k, key)) return &v;
  return nullptr;
}

Val Val::get(std::string_view key) const {
  if (k_ == Kind::Data && data_->is_object())
    if (const Value* v = find_member(*data_, key)) return data_ref(v, keep_);
  return Val();  // callers that show the miss to users build their own message
}

bool Val::has_key(std::string_view key) const {
  return k_ == Kind::Data && data_->is_object() && find_member(*data_, key) != nullptr;
}

std::vector<std::string> Val::keys() const {
  std::vector<std::string> out;
  if (is_dict())
    for (auto it = data_->begin(); it != data_->end(); ++it) out.push_back(it.key());
  return out;
}

bool Val::truthy() const {
  switch (k_) {
    case Kind::Undefined:
      if (is_lenient_undefined()) return false;
      raise_undefined(*this);
    case Kind::None: return false;
    case Kind::Bool: return b_;
    case Kind::Int: return i_ != 0;
    case Kind::BigInt: return true;
    case Kind::Float: return f_ != 0.0;
    case Kind::Str: return !str_->empty();
    case Kind::Data: return !data_->empty();
    case Kind::Seq: return !seq_->empty();
    case Kind::Obj: return true;
  }
  return true;
}

Value Val::to_value() const {
  switch (k_) {
    case Kind::Undefined: raise_undefined(*this);
    case Kind::None: return Value(nullptr);
    case Kind::Bool: return Value(b_);
    case Kind::Int: return Value(i_);
    case Kind::BigInt: return big_int_value(*big_);
    case Kind::Float: return Value(f_);
    case Kind::Str: {
      PyStr type = py_str();
      return type == PyStr::str ? Value(*str_) : typed_string(*str_, type);
    }
    case Kind::Data: return *data_;
    case Kind::Seq: {
      Value out = Value::array();
      for (const auto& e : *seq_) out.push_back(e.to_value());
      return out;
    }
    case Kind::Obj:
      return obj_->type == Object::Type::PyType ? typed_string(to_str(*this), PyStr::type_object) : Value(to_str(*this));
  }
  return Value();
}

std::string UndefinedInfo::message() const {
  if (!hint.empty()) return hint;
  if (!owner_type.empty()) return "'" + owner_type + "' has no attribute '" + name + "'";
  return "'" + name + "' is undefined";
}

void raise_undefined(const Val& v) {
  std::string msg = "undefined value";
  if (v.is_undefined()) msg = v.undefined_message();
  throw TemplateError(TemplateError::Kind::Undefined, msg);
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

namespace {
void append_int(std::string& out, int64_t i) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

// Python 3.11 refuses str() of an int past 4300 digits (CVE-2020-10735);
// the limit also keeps a runaway ** from filling the output.
void append_big(std::string& out, const BigInt& n) {
  // More than 14285 bits is more than 4300 digits: no need to print them.
  std::string text = n.bit_length() > 14285 ? std::string(kMaxIntStrDigits + 1, '0') : n.to_string();
  if (text.size() - (n.negative() ? 1 : 0) > kMaxIntStrDigits)
    fail_python("ValueError", "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit");
  out += text;
}

std::string object_str(const Val& v) {
  switch (v.as_obj()->type) {
    case Object::Type::DateTime:
    case Object::Type::TimeDelta: return datetime_str(v);
    case Object::Type::PyType: return "<class '" + v.obj_as<PyTypeObj>()->name + "'>";
    case Object::Type::Namespace: return "<Namespace>";
    case Object::Type::Macro: return "<Macro>";
    case Object::Type::Loop: return "<LoopContext>";
    case Object::Type::Cycler: return "<Cycler>";
    case Object::Type::Joiner: return "<Joiner>";
    default: return "<function>";
  }
}
}  // namespace

void str_append(std::string& out, const Val& v) {
  switch (v.kind()) {
    case Val::Kind::Str: out += v.as_str(); break;
    case Val::Kind::Int: append_int(out, v.as_int()); break;
    case Val::Kind::BigInt: append_big(out, v.as_big()); break;
    case Val::Kind::Undefined:
      if (v.is_lenient_undefined()) break;
      raise_undefined(v);
    case Val::Kind::Obj: out += object_str(v); break;  // datetimes print as str(), not repr()
    case Val::Kind::Data:
      // An inline !vault value that could not be opened: using it as text
      // is where Ansible's lazy decryption fails, saying why.
      if (const std::string* text = vault_marker_text(v.as_data())) {
        try {
          out += open_vault_value(*text);
        } catch (const VaultError& e) {
          fail(e.message());
        }
        break;
      }
      repr_append(out, v);
      break;
    default: repr_append(out, v);
  }
}

std::string to_str(const Val& v) {
  if (v.is_str()) return v.as_str();
  std::string out;
  str_append(out, v);
  return out;
}

void repr_append(std::string& out, const Val& v) {
  switch (v.kind()) {
    case Val::Kind::Undefined: raise_undefined(v);
    case Val::Kind::None: out += "None"; break;
    case Val::Kind::Bool: out += v.as_bool() ? "True" : "False"; break;
    case Val::Kind::Int: append_int(out, v.as_int()); break;
    case Val::Kind::BigInt: append_big(out, v.as_big()); break;
    case Val::Kind::Float: out += python_float_repr(v.as_float()); break;
    case Val::Kind::Str: out += python_string_repr(v.as_str()); break;
    case Val::Kind::Data: python_repr_append(out, v.as_data()); break;
    case Val::Kind::Seq: {
      // dict views print as lists: Ansible unrolls iterators before output.
      out += v.is_tuple() ? '(' : '[';
      const auto& s = v.as_seq();
      for (size_t i = 0; i < s.size(); ++i) {
        if (i) out += ", ";
        repr_append(out, s[i]);
      }
      if (v.is_tuple() && s.size() == 1) out += ',';
      out += v.is_tuple() ? ')' : ']';
      break;
    }
    case Val::Kind::Obj:
      if (is_datetime(v) || is_timedelta(v)) out += datetime_repr(v);
      else out += object_str(v);
      break;
  }
}

std::string repr(const Val& v) {
  std::string out;
  repr_append(out, v);
  return out;
}

std::string type_name(const Val& v) {
  switch (v.kind()) {
    case Val::Kind::Undefined: return "AnsibleUndefined";
    case Val::Kind::None: return "NoneType";
    case Val::Kind::Bool: return "bool";
    case Val::Kind::Int:
    case Val::Kind::BigInt: return "int";
    case Val::Kind::Float: return "float";
    case Val::Kind::Str:
      switch (v.py_str()) {
        case PyStr::ansible_unicode: return "AnsibleUnicode";
        case PyStr::native_text: return "NativeJinjaText";
        case PyStr::unsafe_text: return "AnsibleUnsafeText";
        case PyStr::type_object: return "type";
        case PyStr::str: break;
      }
      return "str";
    case Val::Kind::Data: return v.as_data().is_array() ? "list" : "dict";
    case Val::Kind::Seq: return v.is_tuple() ? "tuple" : "list";
    case Val::Kind::Obj:
      switch (v.as_obj()->type) {
        case Object::Type::Namespace: return "Namespace";
        case Object::Type::Macro: return "Macro";
        case Object::Type::Loop: return "LoopContext";
        case Object::Type::Cycler: return "Cycler";
        case Object::Type::Joiner: return "Joiner";
        case Object::Type::DateTime: return "datetime";
        case Object::Type::TimeDelta: return "timedelta";
        case Object::Type::PyType: return "type";
        default: return "function";
      }
  }
  return "object";
}

std::string object_type_repr(const Val& v) {
  if (v.is_none()) return "None";
  // Classes outside Python's builtins are named with their module.
  switch (v.py_str()) {
    case PyStr::ansible_unicode: return "ansible.parsing.yaml.objects.AnsibleUnicode object";
    case PyStr::native_text: return "ansible.utils.native_jinja.NativeJinjaText object";
    case PyStr::unsafe_text: return "ansible.utils.unsafe_proxy.AnsibleUnsafeText object";
    default: break;
  }
  return type_name(v) + " object";
}

namespace {
int cmp_num(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

// Python compares ints and floats by their exact values.
int cmp_numbers(const Val& a, const Val& b) {
  if (a.is_float() && b.is_float()) return cmp_num(a.as_float(), b.as_float());
  if (a.is_float() || b.is_float()) {
    const Val& i = a.is_float() ? b : a;
    double f = a.is_float() ? a.as_float() : b.as_float();
    if (std::isnan(f)) return 2;  // unordered
    constexpr int64_t kExact = int64_t{1} << 53;  // every int up to here is a double
    if (!i.is_big_int() && i.as_int() <= kExact && i.as_int() >= -kExact) return cmp_num(a.as_float(), b.as_float());
    int c = compare(i.to_big(), f);
    return a.is_float() ? -c : c;
  }
  if (a.is_big_int() || b.is_big_int()) return compare(a.to_big(), b.to_big());
  return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
}

[[noreturn]] void not_supported(const char* op, const Val& a, const Val& b) {
  fail_type(std::string("'") + op + "' not supported between instances of '" + type_name(a) + "' and '" +
       type_name(b) + "'");
}

// Compares as if both strings were lowered (ASCII), without copying them.
int compare_folded(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}
}  // namespace

bool equals(const Val& a, const Val& b) {
  if (a.is_undefined() || b.is_undefined()) {
    raise_undefined(a.is_undefined() ? a : b);
  }
  if (a.is_number() && b.is_number()) {
    // Past 2**53 a double is not exact: Python compares an int with a
    // float by their exact values.
    if (a.is_big_int() || b.is_big_int() || a.is_float() != b.is_float()) return cmp_numbers(a, b) == 0;
    if (a.is_float()) return a.as_float() == b.as_float();
    return a.as_int() == b.as_int();
  }
  if (a.is_str() && b.is_str()) return a.as_str() == b.as_str();
  if (a.is_none() || b.is_none()) return a.is_none() && b.is_none();
  if (a.is_sequence() && b.is_sequence()) {
    if (a.is_tuple() != b.is_tuple()) return false;
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!equals(a.at(i), b.at(i))) return false;
    return true;
  }
  if (a.is_dict() && b.is_dict()) {
    if (a.size() != b.size()) return false;
    for (const auto& k : a.keys()) {
      if (!b.has_key(k)) return false;
      if (!equals(a.get(k), b.get(k))) return false;
    }
    return true;
  }
  if (a.is_obj() && b.is_obj()) {
    if (auto c = datetime_compare(a, b)) return *c == 0;
    return a.as_obj() == b.as_obj();
  }
  return false;
}

int compare(const Val& a, const Val& b, bool case_sensitive) {
  if (a.is_undefined()) raise_undefined(a);
  if (b.is_undefined()) raise_undefined(b);
  if (a.is_number() && b.is_number()) {
    if (a.is_big_int() || b.is_big_int() || a.is_float() != b.is_float()) {
      int c = cmp_numbers(a, b);
      return c == 2 ? 0 : c;  // NaN: neither smaller nor larger
    }
    if (a.is_float()) return cmp_num(a.as_float(), b.as_float());
    return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
  }
  if (a.is_str() && b.is_str()) {
    int c = case_sensitive ? a.as_str().compare(b.as_str()) : compare_folded(a.as_str(), b.as_str());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_sequence() && b.is_sequence() && a.is_tuple() == b.is_tuple()) {
    size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      Val x = a.at(i), y = b.at(i);
      if (equals(x, y)) continue;
      return compare(x, y, case_sensitive);
    }
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  }
  if (auto c = datetime_compare(a, b)) return *c;
  not_supported("<", a, b);
}

bool less_than(const Val& a, const Val& b) { return compare(a, b) < 0; }

}  // namespace drover::tmpl
