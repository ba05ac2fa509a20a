#include "template/filter_support.hpp"

namespace drover::tmpl {
void add_ansible_data_filters(FilterTable&) {}
}  // namespace drover::tmpl
