#include "template/filter_support.hpp"

namespace drover::tmpl {
void add_jinja_more_filters(FilterTable&) {}
}  // namespace drover::tmpl
