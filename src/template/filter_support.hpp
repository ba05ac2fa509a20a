// What every filter and test file shares: the registration tables and the
// conversions filters need (Python's int()/float()/str() of a value, lists
// out of any iterable, attribute paths like "a.b.0").
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "template/renderer.hpp"

namespace drover::tmpl {

using FilterTable = std::unordered_map<std::string_view, FilterFn>;
using TestTable = std::unordered_map<std::string_view, TestFn>;

void add_jinja_filters(FilterTable& t);
void add_jinja_more_filters(FilterTable& t);
void add_ansible_filters(FilterTable& t);
void add_ansible_data_filters(FilterTable& t);
void add_ansible_text_filters(FilterTable& t);
void add_ansible_time_filters(FilterTable& t);
void add_collection_filters(FilterTable& t);
void add_jinja_tests(TestTable& t);
void add_ansible_tests(TestTable& t);

// Jinja's make_attrgetter: "a.b.0" walks attributes/items; ints are indexes.
Val attr_path(Renderer& r, const Val& obj, const std::string& path);
std::vector<Val> to_list(const Val& v);
// Builds a list Val (plain data when possible).
Val make_list(std::vector<Val> items);
bool is_string_like(const Val& v);
Val py_int(const Val& v, int base = 10, bool* ok = nullptr);
Val py_float(const Val& v, bool* ok = nullptr);
// Ansible's boolean() for the bool filter.
bool ansible_bool(const Val& v);

}  // namespace drover::tmpl
