// Terminal columns a UTF-8 string takes, as Ansible's Display measures
// banner text (get_text_width: glibc's wcswidth in a UTF-8 locale): East
// Asian wide characters and emoji take 2, combining marks and control
// characters 0, everything else 1. Tables generated from Debian 12's glibc.
#pragma once

#include <string_view>

namespace drover {

int text_width(std::string_view utf8);

}  // namespace drover
