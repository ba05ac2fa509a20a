// Ansible 2.14's core filters about time and sizes: strftime, to_datetime
// (Python datetime objects, see datetime.hpp), human_readable and
// human_to_bytes.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "template/datetime.hpp"
#include "template/filter_support.hpp"
#include "template/regex.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"

namespace drover::tmpl {
namespace {

std::string text_of(const Val& v) {
  if (v.is_undefined()) raise_undefined(v);
  return to_str(v);
}

Val f_strftime(Renderer&, const Val& v, CallArgs& a) {
  std::string fmt = text_of(v);
  Val sec = a.get(0, "second", Val::none());
  bool utc = a.get(1, "utc", Val::boolean(false)).truthy();
  time_t t = std::time(nullptr);
  if (!sec.is_none()) {
    bool ok;
    Val f = py_float(sec, &ok);
    if (!ok) fail("Invalid value for epoch value (" + to_str(sec) + ")");
    t = static_cast<time_t>(f.as_float());
  }
  struct tm tmv {};
  if (utc) gmtime_r(&t, &tmv);
  else localtime_r(&t, &tmv);
  char buf[1024];
  size_t n = std::strftime(buf, sizeof buf, fmt.c_str(), &tmv);
  return Val::str(std::string(buf, n));
}

const std::pair<char, double> kSizes[] = {{'Y', std::ldexp(1.0, 80)}, {'Z', std::ldexp(1.0, 70)}, {'E', std::ldexp(1.0, 60)},
                                          {'P', std::ldexp(1.0, 50)}, {'T', std::ldexp(1.0, 40)}, {'G', std::ldexp(1.0, 30)},
                                          {'M', std::ldexp(1.0, 20)}, {'K', std::ldexp(1.0, 10)}, {'B', 1.0}};

Val f_human_readable(Renderer&, const Val& v, CallArgs& a) {
  bool isbits = a.get(0, "isbits", Val::boolean(false)).truthy();
  Val unit = a.get(1, "unit", Val::none());
  bool ok;
  Val n = py_float(v, &ok);
  if (!ok || v.is_str()) fail_type("human_readable() failed on bad input: '>=' not supported between instances of 'str' and 'int'");
  double size = n.as_float();
  std::string base = isbits ? "bits" : "Bytes";
  char suffix = 'B';
  double limit = 1;
  for (const auto& [s, l] : kSizes) {
    suffix = s;
    limit = l;
    if ((unit.is_none() && size >= l) || (!unit.is_none() && std::toupper(to_str(unit)[0]) == s)) break;
  }
  std::string suf = limit != 1 ? std::string(1, suffix) + base[0] : base;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %s", size / limit, suf.c_str());
  return Val::str(buf);
}

Val f_human_to_bytes(Renderer&, const Val& v, CallArgs& a) {
  Val def_unit = a.get(0, "default_unit", Val::none());
  bool isbits = a.get(1, "isbits", Val::boolean(false)).truthy();
  std::string s = to_str(v);
  static auto re = Regex::compile(R"(^\s*(\d*\.?\d*)\s*([A-Za-z]+)?)", true);
  auto m = re->search(s);
  std::string bad = "human_to_bytes() can't interpret following string: " + s;
  if (!m) fail(bad);
  std::string num_s = m->group(s, 1);
  char* end = nullptr;
  double num = std::strtod(num_s.c_str(), &end);
  if (num_s.empty() || *end) fail(bad);
  std::string unit = m->participated(2) ? m->group(s, 2) : (def_unit.is_none() ? "" : to_str(def_unit));
  auto pyround = [](double x) { return static_cast<int64_t>(std::nearbyint(x)); };
  if (unit.empty()) return Val::integer(pyround(num));
  char key = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
  double limit = 0;
  for (const auto& [k, l] : kSizes)
    if (k == key) limit = l;
  if (limit == 0) fail(bad);
  std::string cls = isbits ? "b" : "B", cls_name = isbits ? "bit" : "byte";
  if (unit.size() > 1) {
    if (py_lower_str(unit).find(cls_name) == std::string::npos && std::string(1, unit[1]) != cls)
      fail("human_to_bytes() failed to convert " + s + ". Value is not a valid string");
  }
  return Val::integer(pyround(num * limit));
}

// datetime.strptime(string, format), Ansible's default format included.
Val f_to_datetime(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"format"});
  Val fmt = a.get(0, "format", Val::str("%Y-%m-%d %H:%M:%S"));
  if (v.is_undefined()) raise_undefined(v);
  if (!v.is_str()) fail("strptime() argument 1 must be str, not " + type_name(v));
  if (!fmt.is_str()) fail("strptime() argument 2 must be str, not " + type_name(fmt));
  return parse_datetime(v.as_str(), fmt.as_str());
}

}  // namespace

void add_ansible_time_filters(FilterTable& t) {
  t["strftime"] = f_strftime;
  t["to_datetime"] = f_to_datetime;
  t["human_readable"] = f_human_readable;
  t["human_to_bytes"] = f_human_to_bytes;
}

}  // namespace drover::tmpl
