// Name -> function tables for filters and tests, built once (thread-safe
// static initialisation) from each group's add_* function.
#include "template/builtins.hpp"
#include "template/filter_support.hpp"

namespace drover::tmpl {

namespace {
const FilterTable& filters() {
  static const FilterTable table = [] {
    FilterTable t;
    add_jinja_filters(t);
    add_jinja_more_filters(t);
    add_ansible_filters(t);
    add_ansible_data_filters(t);
    add_ansible_text_filters(t);
    add_ansible_time_filters(t);
    add_collection_filters(t);
    return t;
  }();
  return table;
}

const TestTable& tests() {
  static const TestTable table = [] {
    TestTable t;
    add_jinja_tests(t);
    add_ansible_tests(t);
    return t;
  }();
  return table;
}

std::string_view short_name(std::string_view name) {
  // Ansible accepts fully qualified names: ansible.builtin.to_json.
  for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy."})
    if (name.substr(0, prefix.size()) == prefix) return name.substr(prefix.size());
  return name;
}
}  // namespace

FilterFn find_filter(std::string_view name) {
  auto it = filters().find(short_name(name));
  return it == filters().end() ? nullptr : it->second;
}

TestFn find_test(std::string_view name) {
  auto it = tests().find(short_name(name));
  return it == tests().end() ? nullptr : it->second;
}

}  // namespace drover::tmpl
