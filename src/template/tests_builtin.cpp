// Jinja2 3.1's builtin tests and Ansible 2.14's test plugins (core,
// mathstuff): `x is defined`, `r is failed`, `v is version('2.0', '>=')`...
#include <sys/stat.h>

#include <cmath>
#include <filesystem>

#include "core/vault.hpp"
#include "template/builtins.hpp"
#include "template/filter_support.hpp"
#include "template/operators.hpp"
#include "template/regex.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"
#include "template/version.hpp"

namespace drover::tmpl {
namespace {

bool t_defined(Renderer&, const Val& v, CallArgs&) { return !v.is_undefined(); }
bool t_undefined(Renderer&, const Val& v, CallArgs&) { return v.is_undefined(); }
bool t_none(Renderer&, const Val& v, CallArgs&) { return v.is_none(); }
bool t_boolean(Renderer&, const Val& v, CallArgs&) { return v.is_bool(); }
bool t_false(Renderer&, const Val& v, CallArgs&) { return v.is_bool() && !v.as_bool(); }
bool t_true(Renderer&, const Val& v, CallArgs&) { return v.is_bool() && v.as_bool(); }
bool t_integer(Renderer&, const Val& v, CallArgs&) { return v.is_int() || v.is_big_int(); }
bool t_float(Renderer&, const Val& v, CallArgs&) { return v.is_float(); }
bool t_number(Renderer&, const Val& v, CallArgs&) { return v.is_number(); }
bool t_string(Renderer&, const Val& v, CallArgs&) { return v.is_str(); }
bool t_mapping(Renderer&, const Val& v, CallArgs&) { return v.is_dict(); }
bool t_sequence(Renderer&, const Val& v, CallArgs&) { return v.is_str() || v.is_sequence() || v.is_dict(); }
bool t_iterable(Renderer&, const Val& v, CallArgs&) { return v.is_str() || v.is_sequence() || v.is_dict(); }
bool t_callable(Renderer&, const Val& v, CallArgs&) {
  return v.is_object(Object::Type::Callable) || v.is_object(Object::Type::Macro) || v.is_object(Object::Type::Joiner);
}
bool t_escaped(Renderer&, const Val& v, CallArgs&) { return v.is_safe(); }
bool t_lower(Renderer&, const Val& v, CallArgs&) {
  std::string s = to_str(v);
  return py_lower_str(s) == s;
}
bool t_upper(Renderer&, const Val& v, CallArgs&) {
  std::string s = to_str(v);
  return py_upper_str(s) == s;
}

int64_t need_int(const Val& v, const char* what) {
  if (v.is_undefined()) raise_undefined(v);
  if (!v.is_number()) fail(std::string("unsupported operand type(s) for %: '") + type_name(v) + "' and 'int'");
  (void)what;
  return v.as_int();
}

bool t_odd(Renderer&, const Val& v, CallArgs&) {
  Val r = binary_op("%", v, Val::integer(2));
  return equals(r, Val::integer(1));
}
bool t_even(Renderer&, const Val& v, CallArgs&) {
  Val r = binary_op("%", v, Val::integer(2));
  return equals(r, Val::integer(0));
}
bool t_divisibleby(Renderer&, const Val& v, CallArgs& a) {
  Val r = binary_op("%", v, a.need(0, "num"));
  return equals(r, Val::integer(0));
}
bool t_eq(Renderer&, const Val& v, CallArgs& a) { return equals(v, a.need(0, "other")); }
bool t_ne(Renderer&, const Val& v, CallArgs& a) { return !equals(v, a.need(0, "other")); }
bool t_lt(Renderer&, const Val& v, CallArgs& a) { return compare(v, a.need(0, "other")) < 0; }
bool t_le(Renderer&, const Val& v, CallArgs& a) { return compare(v, a.need(0, "other")) <= 0; }
bool t_gt(Renderer&, const Val& v, CallArgs& a) { return compare(v, a.need(0, "other")) > 0; }
bool t_ge(Renderer&, const Val& v, CallArgs& a) { return compare(v, a.need(0, "other")) >= 0; }
bool t_in(Renderer&, const Val& v, CallArgs& a) { return contains(a.need(0, "seq"), v); }
bool t_sameas(Renderer&, const Val& v, CallArgs& a) {
  Val o = a.need(0, "other");
  if (v.is_none() || o.is_none()) return v.is_none() && o.is_none();
  if (v.is_bool() && o.is_bool()) return v.as_bool() == o.as_bool();
  if (v.kind() == Val::Kind::Data && o.kind() == Val::Kind::Data) return &v.as_data() == &o.as_data();
  if (v.is_obj() && o.is_obj()) return v.as_obj() == o.as_obj();
  if (v.is_int() && o.is_int()) return v.as_int() == o.as_int() && v.as_int() >= -5 && v.as_int() <= 256;
  return false;
}
// Ansible's plugin loader fails on an unknown name instead of answering no.
bool t_filter(Renderer&, const Val& v, CallArgs&) {
  if (v.is_str() && find_filter(v.as_str())) return true;
  fail("Could not load \"" + to_str(v) + "\": '" + to_str(v) + "'");
}
bool t_test(Renderer&, const Val& v, CallArgs&) {
  if (v.is_str() && find_test(v.as_str())) return true;
  fail("Could not load \"" + to_str(v) + "\": '" + to_str(v) + "'");
}

// ---- Ansible result tests

const Val& need_dict(const Val& v, const char* test) {
  if (v.is_undefined()) raise_undefined(v);
  if (!v.is_dict()) fail(std::string("The '") + test + "' test expects a dictionary");
  return v;
}
bool flag(const Val& d, const char* key) {
  Val f = d.get(key);
  return !f.is_undefined() && f.truthy();
}
bool t_failed(Renderer&, const Val& v, CallArgs&) { return flag(need_dict(v, "failed"), "failed"); }
bool t_success(Renderer&, const Val& v, CallArgs&) { return !flag(need_dict(v, "failed"), "failed"); }
bool t_unreachable(Renderer&, const Val& v, CallArgs&) { return flag(need_dict(v, "unreachable"), "unreachable"); }
bool t_reachable(Renderer&, const Val& v, CallArgs&) { return !flag(need_dict(v, "unreachable"), "unreachable"); }
bool t_skipped(Renderer&, const Val& v, CallArgs&) { return flag(need_dict(v, "skipped"), "skipped"); }
bool t_changed(Renderer&, const Val& v, CallArgs&) {
  const Val& d = need_dict(v, "changed");
  if (d.has_key("changed")) return flag(d, "changed");
  Val results = d.get("results");
  if (results.is_list() && results.size() > 0 && results.at(0).is_dict()) {
    for (size_t i = 0; i < results.size(); ++i) {
      Val r = results.at(i);
      if (r.is_dict() && flag(r, "changed")) return true;
    }
  }
  return false;
}
bool t_finished(Renderer&, const Val& v, CallArgs&) {
  const Val& d = need_dict(v, "finished");
  if (!d.has_key("finished")) return true;
  return equals(d.get("finished"), Val::integer(1));
}
bool t_started(Renderer&, const Val& v, CallArgs&) {
  const Val& d = need_dict(v, "started");
  if (!d.has_key("started")) return true;
  return equals(d.get("started"), Val::integer(1));
}

bool regex_test(const Val& v, CallArgs& a, const std::string& type) {
  std::string value = to_str(v);
  std::string pattern = to_str(a.get(0, "pattern", Val::empty_str()));
  bool ic = a.get(1, "ignorecase", Val::boolean(false)).truthy();
  bool ml = a.get(2, "multiline", Val::boolean(false)).truthy();
  std::string mt = type;
  if (type.empty()) mt = to_str(a.get(3, "match_type", Val::str("search")));
  auto re = Regex::compile(pattern, ic, ml);
  if (mt == "match") return re->match(value).has_value();
  if (mt == "fullmatch") return re->fullmatch(value).has_value();
  return re->search(value).has_value();
}
bool t_match(Renderer&, const Val& v, CallArgs& a) { return regex_test(v, a, "match"); }
bool t_search(Renderer&, const Val& v, CallArgs& a) { return regex_test(v, a, "search"); }
bool t_regex(Renderer&, const Val& v, CallArgs& a) { return regex_test(v, a, ""); }

bool t_version(Renderer&, const Val& v, CallArgs& a) {
  Val version = a.need(0, "version");
  std::string op = to_str(a.get(1, "operator", Val::str("eq")));
  Val strict = a.get(2, "strict", Val::none());
  Val vtype = a.get(3, "version_type", Val::none());
  if (!strict.is_none() && !vtype.is_none()) fail("Cannot specify both 'strict' and 'version_type'");
  if (!v.truthy()) fail("Input version value cannot be empty");
  if (!version.truthy()) fail("Version parameter to compare against cannot be empty");
  std::string type = "loose";
  if (!strict.is_none() && strict.truthy()) type = "strict";
  else if (!vtype.is_none()) {
    type = to_str(vtype);
    if (type != "loose" && type != "strict" && type != "semver" && type != "semantic" && type != "pep440")
      fail("Invalid version type (" + type + "). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'");
  }
  int c = compare_versions(to_str(v), to_str(version), type);
  if (op == "==" || op == "=" || op == "eq") return c == 0;
  if (op == "<" || op == "lt") return c < 0;
  if (op == "<=" || op == "le") return c <= 0;
  if (op == ">" || op == "gt") return c > 0;
  if (op == ">=" || op == "ge") return c >= 0;
  if (op == "!=" || op == "<>" || op == "ne") return c != 0;
  fail("Invalid operator type (" + op + "). Must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', '<>', 'ne'");
}

bool t_truthy(Renderer&, const Val& v, CallArgs& a) {
  if (a.get(0, "convert_bool", Val::boolean(false)).truthy()) {
    if (v.is_bool() || v.is_str() || v.is_number()) {
      auto b = to_bool(v.to_value());
      if (b) return *b;
    }
  }
  return v.truthy();
}
bool t_falsy(Renderer& r, const Val& v, CallArgs& a) { return !t_truthy(r, v, a); }

bool t_any(Renderer&, const Val& v, CallArgs&) {
  for (const auto& x : iterate(v))
    if (x.truthy()) return true;
  return false;
}
bool t_all(Renderer&, const Val& v, CallArgs&) {
  for (const auto& x : iterate(v))
    if (!x.truthy()) return false;
  return true;
}
bool t_subset(Renderer&, const Val& v, CallArgs& a) {
  Val b = a.need(0, "b");
  for (const auto& x : iterate(v))
    if (!contains(b, x)) return false;
  return true;
}
bool t_superset(Renderer&, const Val& v, CallArgs& a) {
  for (const auto& x : iterate(a.need(0, "b")))
    if (!contains(v, x)) return false;
  return true;
}
bool t_contains(Renderer&, const Val& v, CallArgs& a) { return contains(v, a.need(0, "value")); }
bool t_nan(Renderer&, const Val& v, CallArgs&) { return v.is_float() && std::isnan(v.as_float()); }
// True for an inline !vault value kept encrypted (core/vault.hpp's marker);
// values decrypted at load are plain strings, as after Ansible decrypts.
bool t_vault(Renderer&, const Val& v, CallArgs&) {
  return v.is_vault_text() || (v.is_dict() && vault_marker_text(v.as_data()));
}

// Ansible's files test plugin: paths on the controller (os.path.*).
std::string path_of(const Val& v, const char* test) {
  if (!v.is_str()) throw TemplateError(TemplateError::Kind::Runtime, std::string("the '") + test + "' test expects a path string");
  return v.as_str();
}
bool t_directory(Renderer&, const Val& v, CallArgs&) { return std::filesystem::is_directory(path_of(v, "directory")); }
bool t_file(Renderer&, const Val& v, CallArgs&) { return std::filesystem::is_regular_file(path_of(v, "file")); }
bool t_link(Renderer&, const Val& v, CallArgs&) { return std::filesystem::is_symlink(path_of(v, "link")); }
bool t_exists(Renderer&, const Val& v, CallArgs&) { return std::filesystem::exists(path_of(v, "exists")); }
bool t_link_exists(Renderer&, const Val& v, CallArgs&) {
  struct stat st{};
  return ::lstat(path_of(v, "link_exists").c_str(), &st) == 0;
}
bool t_abs(Renderer&, const Val& v, CallArgs&) {
  std::string p = path_of(v, "abs");
  return !p.empty() && p[0] == '/';
}
bool t_same_file(Renderer&, const Val& v, CallArgs& a) {
  std::error_code ec;
  bool same = std::filesystem::equivalent(path_of(v, "same_file"), path_of(a.need(0, "path"), "same_file"), ec);
  if (ec) throw TemplateError(TemplateError::Kind::Runtime, ec.message());
  return same;
}
bool t_mount(Renderer&, const Val& v, CallArgs&) {
  std::string p = path_of(v, "mount");
  struct stat st{}, parent{};
  if (::lstat(p.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return false;
  if (::lstat((p + "/..").c_str(), &parent) != 0) return false;
  return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
}

}  // namespace

void add_jinja_tests(TestTable& t) {
  t["defined"] = t_defined;
  t["undefined"] = t_undefined;
  t["none"] = t_none;
  t["boolean"] = t_boolean;
  t["false"] = t_false;
  t["true"] = t_true;
  t["integer"] = t_integer;
  t["float"] = t_float;
  t["number"] = t_number;
  t["string"] = t_string;
  t["mapping"] = t_mapping;
  t["sequence"] = t_sequence;
  t["iterable"] = t_iterable;
  t["callable"] = t_callable;
  t["escaped"] = t_escaped;
  t["lower"] = t_lower;
  t["upper"] = t_upper;
  t["odd"] = t_odd;
  t["even"] = t_even;
  t["divisibleby"] = t_divisibleby;
  t["eq"] = t["equalto"] = t["=="] = t_eq;
  t["ne"] = t["!="] = t_ne;
  t["lt"] = t["lessthan"] = t["<"] = t_lt;
  t["le"] = t["<="] = t_le;
  t["gt"] = t["greaterthan"] = t[">"] = t_gt;
  t["ge"] = t[">="] = t_ge;
  t["in"] = t_in;
  t["sameas"] = t_sameas;
  t["filter"] = t_filter;
  t["test"] = t_test;
}

void add_ansible_tests(TestTable& t) {
  t["failed"] = t["failure"] = t_failed;
  t["succeeded"] = t["success"] = t["successful"] = t_success;
  t["reachable"] = t_reachable;
  t["unreachable"] = t_unreachable;
  t["changed"] = t["change"] = t_changed;
  t["skipped"] = t["skip"] = t_skipped;
  t["finished"] = t_finished;
  t["started"] = t_started;
  t["match"] = t_match;
  t["search"] = t_search;
  t["regex"] = t_regex;
  t["version"] = t["version_compare"] = t_version;
  t["truthy"] = t_truthy;
  t["falsy"] = t_falsy;
  t["any"] = t_any;
  t["all"] = t_all;
  t["subset"] = t["issubset"] = t_subset;
  t["superset"] = t["issuperset"] = t_superset;
  t["contains"] = t_contains;
  t["nan"] = t["isnan"] = t_nan;
  t["vault_encrypted"] = t_vault;
  t["directory"] = t["is_dir"] = t_directory;
  t["file"] = t["is_file"] = t_file;
  t["link"] = t["is_link"] = t_link;
  t["exists"] = t_exists;
  t["link_exists"] = t_link_exists;
  t["abs"] = t["is_abs"] = t_abs;
  t["same_file"] = t["is_same_file"] = t_same_file;
  t["mount"] = t["is_mount"] = t_mount;
  (void)need_int;
}

}  // namespace drover::tmpl
