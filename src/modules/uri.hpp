// uri's reading of an HTTP response (ansible.builtin.uri and the urls.py
// helpers it uses, ansible-core 2.14): pure functions of the headers and
// URLs that curl reports, exposed for unit tests
// (tests/modules/system_unit_test.cpp); playbooks reach the module through
// the registry only.
#pragma once

#include <string>
#include <vector>

namespace drover {

// The header lines of the last response in curl's -D output (curl -L writes
// one block per response); `status_line` gets that block's "HTTP/..." line.
std::vector<std::string> last_header_block(const std::string& raw,
                                           std::string* status_line = nullptr);

// The value of header `name` (lower case) in a response's header lines,
// trimmed: the last such header's (as fetch_url's info dict keeps), or the
// first's with `first` (as email.message's get_param reads); "" when none.
std::string header_value(const std::vector<std::string>& headers, const std::string& name, bool first = false);

// urls.py get_response_filename(): Content-Disposition's filename parameter
// (email.message's get_param rules: quoted or bare, any case, RFC 2231
// `filename*=` decoded; its last path component only, where Ansible would
// follow an absolute path) when it is not empty, else the unquoted basename of
// the final URL's path; "" when neither gives a name.
std::string response_filename(const std::vector<std::string>& headers,
                              const std::string& final_url);

// urlparse(url).path: after the scheme and netloc, before the query, the
// fragment and the last segment's ;params (also apt's deb URL names).
std::string url_path(const std::string& url);

// get_url's name for a file downloaded into a directory dest (get_url.py's
// extract_filename_from_headers() and url_filename(), ansible-core 2.14;
// not get_response_filename() above, which only uri uses): the last
// Content-Disposition header, when it matches `attachment; ?filename="?`,
// gives the text after it up to a double quote; else the last part of the
// final URL's urlsplit() path as it stands (%-escapes and ;params kept);
// "index.html" when that is empty. Of either name only the last path
// component counts, and "." or ".." none (a deliberate difference: a
// response never names a file outside dest).
std::string get_url_filename(const std::vector<std::string>& headers,
                             const std::string& final_url);

// Python's os.path.join(dir, name): `name` alone when it is absolute.
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace drover
