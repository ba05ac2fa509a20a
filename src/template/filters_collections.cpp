// Filters that Ansible's collections provide, native in drover: the most
// used ones in public roles (docs/COLLECTIONS.md has the measurement).
// Each is registered by its FQCN and by the short name ansible-core 2.14
// routes to it (ansible.builtin's runtime: json_query ->
// community.general.json_query).
#include "template/filter_support.hpp"
#include "template/jmespath.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

// community.general.json_query: jmespath.search(expr, data).
Val f_json_query(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"expr"});
  Val expr = a.need(0, "expr");
  try {
    return Val::data(jmespath_search(to_str(expr), v.to_value()));
  } catch (const JmesPathError& e) {
    fail(std::string("JMESPathError in json_query filter plugin:\n") + e.what());
  }
}

// community.general.dict_kv: {key: value}.
Val f_dict_kv(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"key"});
  Value out = Value::object();
  out[to_str(a.need(0, "key"))] = v.to_value();
  return Val::data(std::move(out));
}

// community.general.dict: Python's dict() of a list of pairs.
Val f_dict(Renderer&, const Val& v, CallArgs& a) {
  a.check(0, {});
  Value out = Value::object();
  for (const Val& pair : to_list(v)) {
    std::vector<Val> kv = to_list(pair);
    if (kv.size() != 2)
      fail("dictionary update sequence element has length " + std::to_string(kv.size()) + "; 2 is required");
    out[to_str(kv[0])] = kv[1].to_value();
  }
  return Val::data(std::move(out));
}

}  // namespace

void add_ipaddr_filters(FilterTable& t);  // filters_ipaddr.cpp

void add_collection_filters(FilterTable& t) {
  add_ipaddr_filters(t);
  t["community.general.json_query"] = f_json_query;
  t["json_query"] = f_json_query;
  t["community.general.dict_kv"] = f_dict_kv;
  t["community.general.dict"] = f_dict;
}

}  // namespace drover::tmpl
