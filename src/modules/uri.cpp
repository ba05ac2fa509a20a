// uri: an HTTP request made from the target with curl (ansible.builtin.uri,
// ansible-core 2.14 semantics): method, body with body_format raw / json /
// form-urlencoded, headers, url_username/url_password (force_basic_auth, or
// the server's challenge first as urllib's handlers do), use_netrc,
// use_proxy, validate_certs, ca_path, client_cert/client_key, ciphers,
// unix_socket, decompress, follow_redirects, status_code, return_content,
// dest (a file, or a directory the response names the file in),
// creates/removes, timeout, src (a controller file, or one on the target
// with remote_src) as the body. The result carries Ansible's fields: status,
// url, msg, redirected, elapsed, cookies, cookies_string, every response
// header (lower case, dashes as underscores), content and json. The body
// goes over the session's stdin; the response comes back as answer fields.
// A directory dest, or a status other than 2xx with a dest, takes a second
// round trip: the file's name comes from the response's headers, read here.
#include "modules/uri.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "core/pyjson.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// Writes the response body ($_b) to $_d when its status ($_code) is one
// the task accepts, except 304 (uri's write_file), and answers the path and
// its stat line. cat, not cp: a new file gets 0666 less the umask as
// Ansible's atomic_move gives it, an existing one keeps its mode. A failed
// write answers save_failed (the errno os.rename would give, when the
// reason is one of those) and save_src, from which save_failure() makes
// atomic_move's message.
constexpr const char* kUriSave = R"SH(
_save() {
  for _c in $ok_codes; do
    if [ "$_c" = "$_code" ] && [ "$_code" != 304 ]; then
      # printf, not the special builtin ':', whose failed redirection would
      # end the shell.
      if [ -n "$_empty" ]; then printf '' > "$_d"; else cat "$_b" > "$_d"; fi 2>"$_rtmp" || {
        _pd=$(dirname -- "$_d")
        if [ -d "$_d" ]; then _out save_failed EISDIR
        elif [ -d "$_pd" ]; then _out save_failed "$(cat "$_rtmp")"
        elif [ -e "$_pd" ]; then _out save_failed ENOTDIR
        else _out save_failed ENOENT; fi
        _out save_src "$_b"; _out dest "$_d"; exit 0
      }
      _out written 1; break
    fi
  done
  _out dest "$_d"
  _out st "$(_dr_stl "$_d")"
}
)SH";

constexpr const char* kUriBody = R"SH(
if [ -n "$creates" ] && [ -e "$creates" ]; then _out skip_creates 1; exit 0; fi
if [ -n "$removes" ] && [ ! -e "$removes" ]; then _out skip_removes 1; exit 0; fi
if [ -n "$src_file" ] && [ ! -r "$src_file" ]; then _out src_missing 1; _fail "Unable to open source file $src_file"; fi
command -v curl >/dev/null 2>&1 || _fail "uri needs curl on the target"
_h=$(mktemp); _b=$(mktemp); trap 'rm -f "$_rtmp" "$_rtmpo" "$_h" "$_b"' EXIT
if [ "$method" = HEAD ]; then set -- curl -sS -I; else set -- curl -sS -X "$method"; fi
set -- "$@" -D "$_h" -o "$_b" -w '%{http_code} %{url_effective}' --max-time "$timeout" -A "$agent"
[ -n "$follow" ] && set -- "$@" -L
[ -n "$insecure" ] && set -- "$@" -k
eval "$options"
if [ -z "$userpass" ] && [ -n "$netrc" ]; then
  _n=${NETRC:-$HOME/.netrc}; [ -f "$_n" ] && set -- "$@" --netrc-optional --netrc-file "$_n"
fi
# urls.py asks for a newer copy only: If-Modified-Since an existing dest
# file's mtime.
if [ -n "$ims" ] && [ -f "$dest" ]; then
  set -- "$@" -H "If-Modified-Since: $(LC_ALL=C date -u -r "$dest" '+%a, %d %b %Y %H:%M:%S GMT')"
fi
eval "$headers"
[ -n "$has_body" ] && set -- "$@" --data-binary @-
[ -n "$src_file" ] && set -- "$@" --data-binary "@$src_file"
if [ -n "$has_body" ]; then _w=$("$@" "$url" 2>"$_rtmp"); else _w=$("$@" "$url" 2>"$_rtmp" </dev/null); fi
_rc=$?
[ "$method" = HEAD ] && : > "$_b"  # curl -I writes the headers there
_out rc "$_rc"; _out w "$_w"; _out err "$(cat "$_rtmp")"
_out headers "$(cat "$_h")"
_out body "$(cat "$_b"; printf x)"
_code=${_w%% *}
if [ -n "$dest" ] && [ "$_rc" = 0 ]; then
  # A directory, or a status other than 2xx: the second trip names the
  # file or decides what goes in it (an accepted error status's empty body).
  if [ -d "$dest" ] || [ "${_code#2}" = "$_code" ]; then
    [ -d "$dest" ] && _out dest_dir 1
    _out body_file "$_b"; _b=  # kept for the second trip
  else
    _d=$dest; _save
  fi
fi
)SH";

// %XX sequences decoded (Python's urllib.parse.unquote, bytes kept).
std::string percent_decode(const std::string& s) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// email.utils.unquote(): one pair of double quotes (with \\ and \" inside)
// or of angle brackets removed.
std::string email_unquote(const std::string& v) {
  if (v.size() > 1 && v.front() == '"' && v.back() == '"') {
    std::string inner = v.substr(1, v.size() - 2), out;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '\\' && i + 1 < inner.size() && (inner[i + 1] == '\\' || inner[i + 1] == '"'))
        ++i;
      out += inner[i];
    }
    return out;
  }
  if (v.size() > 1 && v.front() == '<' && v.back() == '>') return v.substr(1, v.size() - 2);
  return v;
}

// email.message's _parseparam(): the ';'-separated parameters of a header
// value (a ';' between quotes stays), as {name lower-cased, raw value}.
std::vector<std::pair<std::string, std::string>> header_params(const std::string& value) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string s = ";" + value;
  while (!s.empty() && s[0] == ';') {
    s.erase(0, 1);
    auto open_quote_before = [&](size_t end) {
      size_t quotes = 0, escaped = 0;
      for (size_t i = 0; i < end; ++i) {
        if (s[i] == '"') ++quotes;
        if (s[i] == '\\' && i + 1 < end && s[i + 1] == '"') ++escaped;
      }
      return (quotes - escaped) % 2 == 1;
    };
    size_t end = s.find(';');
    while (end != std::string::npos && end > 0 && open_quote_before(end))
      end = s.find(';', end + 1);
    if (end == std::string::npos) end = s.size();
    const std::string f = s.substr(0, end);
    const size_t eq = f.find('=');
    if (eq == std::string::npos)
      out.emplace_back(trim(f), "");
    else
      out.emplace_back(to_lower(trim(f.substr(0, eq))), trim(f.substr(eq + 1)));
    s.erase(0, end);
  }
  return out;
}

// Message.get_param('filename', header='content-disposition'): a plain
// parameter first; else RFC 2231's filename* (or its numbered sections),
// charset''percent-encoded. Python returns the latter as a (charset,
// language, value) tuple that uri then fails on; drover takes the value.
std::string disposition_filename(const std::string& value) {
  const auto params = header_params(value);
  for (const auto& [name, v] : params)
    if (to_lower(name) == "filename") return email_unquote(v);
  std::string joined;
  for (int section = -1; section < 100; ++section) {
    const std::string plain = section < 0 ? "filename*" : "filename*" + std::to_string(section);
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) {
      const std::string n = to_lower(p.first);
      return n == plain || (section >= 0 && n == plain + "*");
    });
    if (it == params.end()) {
      if (section < 0) continue;
      break;
    }
    std::string part = email_unquote(it->second);
    if (to_lower(it->first).back() == '*') {  // charset'language'%-encoded
      if (joined.empty()) {
        const size_t a = part.find('\''), b = a == std::string::npos ? a : part.find('\'', a + 1);
        if (b != std::string::npos) part = part.substr(b + 1);
      }
      part = percent_decode(part);
    }
    joined += part;
    if (section < 0) break;
  }
  return joined;
}

}  // namespace

namespace {
// urlsplit(url).path: after the scheme and netloc, before the query and the
// fragment.
std::string url_split_path(const std::string& url) {
  size_t pos = 0;
  const size_t colon = url.find(':');
  if (colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(url[0]))) {
    bool scheme = true;
    for (size_t i = 0; i < colon; ++i)
      scheme = scheme && (std::isalnum(static_cast<unsigned char>(url[i])) || url[i] == '+' ||
                          url[i] == '-' || url[i] == '.');
    if (scheme) pos = colon + 1;
  }
  if (url.compare(pos, 2, "//") == 0) pos = url.find_first_of("/?#", pos + 2);
  if (pos == std::string::npos) return "";
  std::string path = url.substr(pos);
  path = path.substr(0, path.find('#'));
  return path.substr(0, path.find('?'));
}

// The last path component of a name a server gave (os.path.basename); "",
// "." and ".." give "": whatever the response says, the file stays inside
// the directory dest (Ansible would follow "..").
std::string server_basename(const std::string& name) {
  std::string base = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
  return base == "." || base == ".." ? "" : base;
}
}  // namespace

std::string url_path(const std::string& url) {
  const std::string path = url_split_path(url);
  const size_t slash = path.rfind('/');
  const size_t semi = path.find(';', slash == std::string::npos ? 0 : slash);
  return path.substr(0, semi);
}

std::string header_value(const std::vector<std::string>& headers, const std::string& name, bool first) {
  std::string value;
  for (const auto& h : headers) {
    const size_t colon = h.find(':');
    if (colon == std::string::npos || to_lower(trim(h.substr(0, colon))) != name) continue;
    value = trim(h.substr(colon + 1));
    if (first) break;
  }
  return value;
}

std::string get_url_filename(const std::vector<std::string>& headers,
                             const std::string& final_url) {
  const std::string disposition = header_value(headers, "content-disposition");
  // re.match('attachment; ?filename="?([^"]+)', value)
  if (disposition.rfind("attachment;", 0) == 0) {
    size_t pos = 11;
    if (pos < disposition.size() && disposition[pos] == ' ') ++pos;
    if (disposition.compare(pos, 9, "filename=") == 0) {
      pos += 9;
      if (pos < disposition.size() && disposition[pos] == '"') ++pos;
      const std::string name = disposition.substr(pos, disposition.find('"', pos) - pos);
      if (!name.empty()) {
        const std::string base = server_basename(name);
        if (!base.empty()) return base;
      }
    }
  }
  const std::string path = url_split_path(final_url);
  const std::string name = server_basename(path);
  return name.empty() ? "index.html" : name;
}

std::vector<std::string> last_header_block(const std::string& raw, std::string* status_line) {
  std::vector<std::string> block;
  for (auto& line : split_lines(raw)) {
    std::string l = rstrip_newlines(line);
    if (l.rfind("HTTP/", 0) == 0) {
      block.clear();
      if (status_line) *status_line = l;
    } else if (!l.empty()) {
      block.push_back(l);
    }
  }
  return block;
}

std::string response_filename(const std::vector<std::string>& headers,
                              const std::string& final_url) {
  // Only the last part of the server's name (server_basename): a deliberate
  // difference, where Ansible's uri would follow a path the response gives,
  // a response never chooses a file outside `dest`.
  const std::string name = server_basename(disposition_filename(header_value(headers, "content-disposition", true)));
  if (!name.empty()) return name;
  std::string path = url_path(final_url);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return percent_decode(
      path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1));
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

namespace {
// A failed write of the response (_save's save_failed): Ansible's
// atomic_move() fails the task with os.rename's error, no response fields.
Value save_failure(const ScriptAnswer& a) {
  const std::string src = a.get("save_src"), dest = a.get("dest"), why = a.get("save_failed");
  // write_file() takes the sha1 of an existing dest first.
  if (why == "EISDIR") {
    Value r = failed_result("attempted to take checksum of directory: " + dest);
    r["changed"] = false;
    return r;
  }
  const std::map<std::string, std::string> oserror = {
      {"ENOENT", "[Errno 2] No such file or directory"}, {"ENOTDIR", "[Errno 20] Not a directory"}};
  auto it = oserror.find(why);
  const std::string error =
      it == oserror.end() ? why : it->second + ": b'" + src + "' -> b'" + dest + "'";
  Value r = failed_result("Could not replace file: " + src + " to " + dest + ": " + error);
  r["changed"] = false;
  return r;
}

// Python's urlencode of a dict (quote_plus on keys and values).
std::string form_urlencode(const Value& body) {
  auto quote = [](const std::string& s) {
    std::string out;
    const char* hex = "0123456789ABCDEF";
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~')
        out += static_cast<char>(c);
      else if (c == ' ')
        out += '+';
      else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  };
  std::string out;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!out.empty()) out += "&";
    out += quote(it.key()) + "=" + quote(to_display_string(it.value()));
  }
  return out;
}

class UriModule : public Module {
 public:
  UriModule() {
    spec_.options = {
        opt("url").req(),
        opt("dest", OptionType::path),
        opt("url_username").alias({"user"}),
        opt("url_password").alias({"password"}).secret(),
        opt("body", OptionType::raw),
        // form-multipart is not implemented: not a choice, so a task using
        // it is rejected at load time.
        opt("body_format").def("raw").one_of({"form-urlencoded", "json", "raw"}),
        opt("method").def("GET"),
        opt("return_content", OptionType::boolean).def(false),
        opt("follow_redirects").def("safe").one_of({"all", "no", "none", "safe", "urllib2", "yes"}),
        opt("creates", OptionType::path),
        opt("removes", OptionType::path),
        opt("status_code", OptionType::list).of(OptionType::integer).def(Value{200}),
        opt("timeout", OptionType::integer).def(30),
        opt("headers", OptionType::dict).def(Value::object()),
        opt("validate_certs", OptionType::boolean).def(true),
        opt("force_basic_auth", OptionType::boolean).def(false),
        opt("http_agent").def("ansible-httpget"),
        opt("use_proxy", OptionType::boolean).def(true),
        opt("use_netrc", OptionType::boolean).def(true),
        opt("ca_path", OptionType::path),
        opt("client_cert", OptionType::path),
        opt("client_key", OptionType::path),
        opt("ciphers", OptionType::list).of(OptionType::str),
        opt("unix_socket", OptionType::path),
        opt("decompress", OptionType::boolean).def(true),
        // Ansible 2.14's uri accepts force but never hands it to fetch_url:
        // it changes nothing there, and nothing here.
        opt("force", OptionType::boolean).def(false),
        opt("src", OptionType::path),
        opt("remote_src", OptionType::boolean).def(false),
    };
    spec_.mutually_exclusive = {{"body", "src"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string url = args["url"].get<std::string>();
    std::string method = args["method"].get<std::string>();
    for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool word = !method.empty();
    for (char c : method) word = word && c >= 'A' && c <= 'Z';
    if (!word)
      return failed_result(
          "Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
    Value headers = args["headers"].is_object() ? args["headers"] : Value::object();
    auto has_header = [&](const std::string& name) {
      for (auto it = headers.begin(); it != headers.end(); ++it)
        if (to_lower(it.key()) == name) return true;
      return false;
    };
    const std::string format = args["body_format"].get<std::string>();
    std::string body;
    const bool has_body = !args["body"].is_null();
    if (format == "json") {
      if (has_body)
        body = args["body"].is_string() ? args["body"].get<std::string>()
                                        : python_json_dumps(args["body"]);
      if (!has_header("content-type")) headers["Content-Type"] = "application/json";
    } else if (format == "form-urlencoded") {
      if (has_body)
        body = args["body"].is_object() ? form_urlencode(args["body"])
                                        : to_display_string(args["body"]);
      if (!has_header("content-type"))
        headers["Content-Type"] = "application/x-www-form-urlencoded";
    } else if (has_body) {
      body = to_display_string(args["body"]);
    }
    // src: the request's body is a file, on the target with remote_src,
    // else on the controller (found as the action plugin's _find_needle
    // does) and sent over stdin.
    std::string src_file;
    bool sends_body = has_body;
    if (args["src"].is_string() && args["remote_src"] == true) {
      src_file = args["src"].get<std::string>();
    } else if (args["src"].is_string()) {
      const std::string src = args["src"].get<std::string>();
      const std::string found = files::find_controller_file(ctx.search_path, "files", src);
      if (found.empty() || !files::read_local_file(found, body))
        return files::controller_file_missing(ctx.search_path, "files", src);
      body = decrypt_if_vaulted(std::move(body), found);  // Ansible's uri action: get_real_file
      sends_body = true;
    }
    std::string header_words;
    for (auto it = headers.begin(); it != headers.end(); ++it)
      header_words +=
          "set -- \"$@\" -H " + shell_quote(it.key() + ": " + to_display_string(it.value())) + "\n";
    const std::string follow = args["follow_redirects"].get<std::string>();
    bool follows =
        follow == "all" || follow == "yes" ||
        ((follow == "safe" || follow == "urllib2") && (method == "GET" || method == "HEAD"));
    std::vector<std::string> ok_codes;
    for (const auto& c : args["status_code"]) ok_codes.push_back(to_display_string(c));
    std::string userpass;
    if (!args["url_username"].is_null())
      userpass = to_display_string(args["url_username"]) + ":" +
                 (args["url_password"].is_null() ? "" : to_display_string(args["url_password"]));
    // A URL's own user:password@ makes urls.py skip .netrc.
    const size_t netloc = url.find("://") == std::string::npos ? 0 : url.find("://") + 3;
    const bool url_credentials =
        url.substr(netloc, url.find_first_of("/?#", netloc) - netloc).find('@') !=
        std::string::npos;

    std::string script =
        shell_assign("url", url) + shell_assign("method", method) +
        shell_assign("timeout", args["timeout"]) + shell_assign("agent", args["http_agent"]) +
        shell_assign("follow", follows) + shell_assign("insecure", args["validate_certs"] != true) +
        shell_assign("userpass", userpass) + shell_assign("headers", header_words) +
        shell_assign("options", curl_options(args, userpass, has_header("accept-encoding"))) +
        shell_assign("netrc", args["use_netrc"] != false && !url_credentials) +
        shell_assign("ims", !has_header("if-modified-since")) +
        shell_assign("has_body", sends_body) + shell_assign("src_file", src_file) +
        shell_assign("creates", args["creates"]) + shell_assign("removes", args["removes"]) +
        shell_assign("dest", args["dest"]) + shell_assign("ok_codes", join(ok_codes, " ")) +
        kUriSave + kUriBody;
    auto start = std::chrono::steady_clock::now();
    ScriptAnswer a = run_answer_script(ctx, script, body);
    long long elapsed =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
            .count();
    if (a.has("src_missing")) {
      Value r = failed_result(a.get("failed"));
      r["elapsed"] = 0;
      return r;
    }
    if (a.has("save_failed")) return save_failure(a);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    Value skipped;
    if (a.has("skip_creates"))
      skipped =
          Value{{"changed", false},
                {"stdout", "skipped, since '" + args["creates"].get<std::string>() + "' exists"}};
    if (a.has("skip_removes"))
      skipped = Value{
          {"changed", false},
          {"stdout", "skipped, since '" + args["removes"].get<std::string>() + "' does not exist"}};
    if (!skipped.is_null()) {
      add_output_lines(skipped);  // as Ansible's action plugins do
      return skipped;
    }
    Value r = shape(args, url, a, elapsed);
    if (a.has("body_file")) {
      // A directory dest: the response names the file (uri's main()).
      std::string path = args["dest"].get<std::string>();
      if (a.has("dest_dir")) {
        const std::string name =
            response_filename(last_header_block(a.get("headers")), r["url"].get<std::string>());
        path = join_path(path, name.empty() ? "index.html" : name);
      }
      // urllib raised for an error status and uri left its body in `body`:
      // write_file() copies the already read, empty, response.
      const bool empty = r.contains("body");
      ScriptAnswer saved = run_answer_script(
          ctx, shell_assign("_b", a.get("body_file")) + shell_assign("_d", path) +
                   shell_assign("_code", r["status"]) +
                   shell_assign("ok_codes", join(ok_codes, " ")) + shell_assign("_empty", empty) +
                   "trap 'rm -f \"$_rtmp\" \"$_rtmpo\" \"$_b\"' EXIT\n" + kUriSave + "_save\n");
      if (saved.has("save_failed")) return save_failure(saved);
      Value f = script_failure(saved);
      if (!f.is_null()) {
        r["failed"] = true;
        r["msg"] = f["msg"];
        return r;
      }
      record_dest(r, saved);
    } else {
      record_dest(r, a);
    }
    return r;
  }

 private:
  // curl's words for the options that map one to one.
  static std::string curl_options(const Value& args, const std::string& userpass,
                                  bool accept_encoding_given) {
    std::string words;
    auto add = [&](const std::string& w) { words += "set -- \"$@\" " + w + "\n"; };
    // Without force_basic_auth urllib answers the server's challenge
    // (basic or digest) instead of sending the credentials up front.
    if (!userpass.empty())
      add(std::string(args["force_basic_auth"] == true ? "--basic" : "--anyauth") + " -u " +
          shell_quote(userpass));
    if (args["use_proxy"] == false) add("--noproxy '*'");
    for (const auto& [option, flag] :
         {std::pair{"ca_path", "--cacert"}, std::pair{"client_cert", "--cert"},
          std::pair{"client_key", "--key"}, std::pair{"unix_socket", "--unix-socket"}})
      if (args[option].is_string())
        add(std::string(flag) + " " + shell_quote(args[option].get<std::string>()));
    if (args["ciphers"].is_array() && !args["ciphers"].empty())
      add("--ciphers " + shell_quote(join(string_list(args["ciphers"]), ":")));
    // urls.py asks for no encoding but decodes a gzip body that comes anyway.
    if (args["decompress"] != false)
      add(std::string("--compressed") + (accept_encoding_given ? "" : " -H 'Accept-Encoding:'"));
    return words;
  }

  // The dest file's result fields from _save's answer.
  static void record_dest(Value& r, const ScriptAnswer& a) {
    if (!a.has("dest")) return;
    if (a.has("written")) r["changed"] = true;
    r["path"] = a.get("dest");
    add_path_info(r, a.get("st"));
  }

  static Value shape(const Value& args, const std::string& url, const ScriptAnswer& a,
                     long long elapsed) {
    Value r = Value::object();
    std::string w = a.get("w");
    auto sp = w.find(' ');
    int status = std::atoi(w.substr(0, sp).c_str());
    std::string final_url = sp == std::string::npos ? url : w.substr(sp + 1);
    std::string content = a.get("body");
    if (!content.empty() && content.back() == 'x') content.pop_back();
    if (args["method"] == "HEAD" || args["method"] == "head")
      content.clear();  // curl -I writes headers there
    std::string status_line;
    const std::vector<std::string> block = last_header_block(a.get("headers"), &status_line);
    r["redirected"] = final_url != url;
    r["url"] = final_url;
    Value cookies = Value::object();
    std::vector<std::string> cookie_pairs;
    std::string content_length = "unknown", content_type;
    for (const auto& h : block) {
      auto colon = h.find(':');
      if (colon == std::string::npos) continue;
      std::string name = to_lower(trim(h.substr(0, colon))), value = trim(h.substr(colon + 1));
      if (name == "content-length") content_length = value;
      if (name == "content-type") content_type = value;
      if (name == "set-cookie") {
        std::string pair = value.substr(0, value.find(';'));
        auto eq = pair.find('=');
        if (eq != std::string::npos) {
          cookies[pair.substr(0, eq)] = pair.substr(eq + 1);
          cookie_pairs.push_back(pair);
        }
      }
      std::string key = name;
      for (auto& c : key)
        if (c == '-') c = '_';
      r[key] = value;
    }
    const bool request_failed = a.get_int("rc", 0) != 0 || status == 0;
    if (request_failed) status = -1;
    bool ok = false;
    for (const auto& c : args["status_code"])
      if (c == status) ok = true;
    std::string sub = content_type.substr(
        content_type.find('/') == std::string::npos ? 0 : content_type.find('/') + 1);
    sub = to_lower(sub.substr(0, sub.find(';')));
    if (auto plus = sub.find('+'); plus != std::string::npos) sub = sub.substr(plus + 1);
    const bool maybe_json = !content_type.empty() && (sub == "json" || sub == "javascript");
    if (request_failed) {
      r["msg"] = "Request failed: " + rstrip_newlines(a.get("err"));
    } else if (status >= 400 ||
               (status >= 300 && status < 400 && args["follow_redirects"] != "all")) {
      std::string reason =
          status_line.size() > 13 ? status_line.substr(status_line.find(' ', 9) + 1) : "";
      r["msg"] = "HTTP Error " + std::to_string(status) + ": " + reason;
      // Ansible's fetch_url reads an error response's body into `body`; the
      // module takes it from there as its content (and drops `body`) when
      // it wants the content: JSON, return_content or an unexpected status.
      const bool wants_content = maybe_json || args["return_content"] == true || !ok;
      if (!wants_content) {
        r["body"] = content;
        content.clear();
      }
    } else {
      r["cookies"] = cookies;
      r["cookies_string"] = join(cookie_pairs, "; ");
      r["msg"] = "OK (" + content_length + " bytes)";
    }
    if (r.contains("location")) {
      std::string loc = r["location"].get<std::string>();
      if (loc.find("://") == std::string::npos && !loc.empty() && loc[0] == '/') {
        auto scheme = url.find("://");
        auto path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
        r["location"] = (path_start == std::string::npos ? url : url.substr(0, path_start)) + loc;
      }
    }
    r["elapsed"] = elapsed;
    r["status"] = status;
    r["changed"] = false;
    if (maybe_json) {
      try {
        r["json"] = Value::parse(content);
      } catch (...) {
      }
    }
    if (!ok) {
      std::vector<std::string> codes;
      for (const auto& c : args["status_code"]) codes.push_back(to_display_string(c));
      r["msg"] = "Status code was " + std::to_string(status) + " and not [" + join(codes, ", ") +
                 "]: " + r.value("msg", std::string());
      r["failed"] = true;
    }
    if (args["return_content"] == true) r["content"] = content;
    return r;
  }
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration uri_registration({"uri"}, make_module<UriModule>);

}  // namespace drover
