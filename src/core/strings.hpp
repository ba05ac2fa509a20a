// Small string functions that several parts need: POSIX shell quoting,
// splitting and trimming. Quoting is the one to get right: every value that
// reaches a remote shell goes through shell_quote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drover {

// Quotes s for a POSIX shell the way Python's shlex.quote does: unchanged
// when it holds only [A-Za-z0-9@%+=:,./_-], otherwise in single quotes with
// embedded single quotes written as '"'"'. The empty string becomes ''.
std::string shell_quote(std::string_view s);

std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
// Python's str.split(): runs of whitespace separate, no empty fields.
std::vector<std::string> split_whitespace(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// Python's str.splitlines() without keepends.
std::vector<std::string> split_lines(std::string_view s);
// Lines split at "\n", each keeping its "\n" (the last one may lack it):
// Python's readlines(), or splitlines(keepends=True) for "\n"-only text.
std::vector<std::string> split_lines_keep_ends(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::string to_lower(std::string_view s);
// fnmatch(3)-style glob: * ? [set] [!set].
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace drover

namespace drover {
// Python's shlex.split(s) (POSIX mode, no comments). Throws Error on an
// unclosed quote or a trailing backslash, with Python's wording.
std::vector<std::string> shlex_split(std::string_view s);
}  // namespace drover

namespace drover {
// Appends code point `cp` (at most 0x10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

// The length of the valid UTF-8 sequence at the start of `s` (1-4), or 0
// when it is not one (a stray continuation byte, an overlong form, a
// surrogate, past U+10FFFF, cut short).
size_t utf8_sequence_length(std::string_view s);

bool is_valid_utf8(std::string_view s);
// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD,
// as Python's decode(errors='replace') does; `s` itself when it is valid.
std::string to_valid_utf8(std::string_view s);
}  // namespace drover

namespace drover {
// Python's codecs.escape_decode: backslash escapes (\n \t \r \a \b \f \v
// \\ \' \" and up to three octal digits) decoded, any other kept as is.
// Ansible applies it to GNU tar's listing and to assemble's delimiter.
std::string escape_decode(std::string_view s);
}  // namespace drover

namespace drover {
// A whole string of decimal digits (optionally signed when allow_sign) as a
// long long; nullopt when it is empty, holds anything else or does not fit.
// For text from users, where std::stoll's exceptions would be a crash.
std::optional<long long> parse_decimal(std::string_view s, bool allow_sign = false);
}  // namespace drover
