// Unicode text as Python's str sees it: code points, case mapping and
// character classes for the string methods and filters (upper, title,
// center, indexing, slicing...). Case mapping covers Latin, Greek and
// Cyrillic, which is what configuration text holds in practice.
#pragma once

#include <string>
#include <string_view>

namespace drover::tmpl {

std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);
void utf8_append(std::string& out, char32_t c);

char32_t py_lower(char32_t c);
char32_t py_upper(char32_t c);
bool py_isspace(char32_t c);
bool py_isalpha(char32_t c);
bool py_isdigit(char32_t c);
bool py_isalnum(char32_t c);

std::string py_lower_str(std::string_view s);
std::string py_upper_str(std::string_view s);
std::string py_strip(std::string_view s, bool left, bool right);
std::string py_strip_chars(std::string_view s, std::string_view chars, bool left, bool right);

}  // namespace drover::tmpl
