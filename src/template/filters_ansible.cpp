#include "template/filter_support.hpp"

namespace drover::tmpl {
void add_ansible_filters(FilterTable&) {}
}  // namespace drover::tmpl
