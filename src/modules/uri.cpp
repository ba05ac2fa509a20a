// uri: an HTTP request made from the target with curl (ansible.builtin.uri,
// ansible-core 2.14 semantics): method, body with body_format raw / json /
// form-urlencoded, headers, url_username/url_password, validate_certs,
// follow_redirects, status_code, return_content, dest, creates/removes,
// timeout. The result carries Ansible's fields: status, url, msg, redirected,
// elapsed, cookies, cookies_string, every response header (lower case,
// dashes as underscores), content and json. The body goes over the
// session's stdin; the response comes back as answer fields.
#include <chrono>

#include "core/pyjson.hpp"
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/builtin.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

constexpr const char* kUriBody = R"SH(
if [ -n "$creates" ] && [ -e "$creates" ]; then _out skip_creates 1; exit 0; fi
if [ -n "$removes" ] && [ ! -e "$removes" ]; then _out skip_removes 1; exit 0; fi
command -v curl >/dev/null 2>&1 || _fail "uri needs curl on the target"
_h=$(mktemp); _b=$(mktemp); trap 'rm -f "$_rtmp" "$_rtmpo" "$_h" "$_b"' EXIT
if [ "$method" = HEAD ]; then set -- curl -sS -I; else set -- curl -sS -X "$method"; fi
set -- "$@" -D "$_h" -o "$_b" -w '%{http_code} %{url_effective}' --max-time "$timeout" -A "$agent"
[ -n "$follow" ] && set -- "$@" -L
[ -n "$insecure" ] && set -- "$@" -k
[ -n "$userpass" ] && set -- "$@" --basic -u "$userpass"
eval "$headers"
[ -n "$has_body" ] && set -- "$@" --data-binary @-
if [ -n "$has_body" ]; then _w=$("$@" "$url" 2>"$_rtmp"); else _w=$("$@" "$url" 2>"$_rtmp" </dev/null); fi
_out rc "$?"; _out w "$_w"; _out err "$(cat "$_rtmp")"
_out headers "$(cat "$_h")"
_out body "$(cat "$_b"; printf x)"
if [ -n "$dest" ]; then
  _d=$dest; [ -d "$_d" ] && _d="$_d/index.html"
  _out dest "$_d"
  # cat, not cp: a new file gets 0666 less the umask as Ansible's
  # atomic_move gives it, an existing one keeps its mode.
  case "$(echo "$_w" | cut -d' ' -f1)" in $ok_codes) if [ "$(echo "$_w" | cut -d' ' -f1)" != 304 ]; then cat "$_b" > "$_d" && _out written 1; fi ;; esac
  _out st "$(stat -L -c '%u %g %U %G %a %s %F' "$_d" 2>/dev/null)"
fi
)SH";

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
        opt("body_format").def("raw").one_of({"form-urlencoded", "json", "raw", "form-multipart"}),
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
        opt("force", OptionType::boolean).def(false),
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
    if (!word) return failed_result("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
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
      if (has_body) body = args["body"].is_string() ? args["body"].get<std::string>() : python_json_dumps(args["body"]);
      if (!has_header("content-type")) headers["Content-Type"] = "application/json";
    } else if (format == "form-urlencoded") {
      if (has_body) body = args["body"].is_object() ? form_urlencode(args["body"]) : to_display_string(args["body"]);
      if (!has_header("content-type")) headers["Content-Type"] = "application/x-www-form-urlencoded";
    } else if (format == "form-multipart") {
      return failed_result("drover's uri module does not support body_format=form-multipart yet");
    } else if (has_body) {
      body = to_display_string(args["body"]);
    }
    std::string header_words;
    for (auto it = headers.begin(); it != headers.end(); ++it)
      header_words += "set -- \"$@\" -H " + shell_quote(it.key() + ": " + to_display_string(it.value())) + "\n";
    const std::string follow = args["follow_redirects"].get<std::string>();
    bool follows = follow == "all" || follow == "yes" ||
                   ((follow == "safe" || follow == "urllib2") && (method == "GET" || method == "HEAD"));
    std::vector<std::string> ok_codes;
    for (const auto& c : args["status_code"]) ok_codes.push_back(to_display_string(c));
    std::string userpass;
    if (!args["url_username"].is_null())
      userpass = to_display_string(args["url_username"]) + ":" +
                 (args["url_password"].is_null() ? "" : to_display_string(args["url_password"]));

    std::string script = shell_assign("url", url) + shell_assign("method", method) +
                         shell_assign("timeout", args["timeout"]) + shell_assign("agent", args["http_agent"]) +
                         shell_assign("follow", follows) + shell_assign("insecure", args["validate_certs"] != true) +
                         shell_assign("userpass", userpass) + shell_assign("headers", header_words) +
                         shell_assign("has_body", has_body) + shell_assign("creates", args["creates"]) +
                         shell_assign("removes", args["removes"]) + shell_assign("dest", args["dest"]) +
                         shell_assign("ok_codes", join(ok_codes, "|")) + kUriBody;
    auto start = std::chrono::steady_clock::now();
    ScriptAnswer a = run_answer_script(ctx, script, body);
    long long elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    Value skipped;
    if (a.has("skip_creates"))
      skipped = Value{{"changed", false}, {"stdout", "skipped, since '" + args["creates"].get<std::string>() + "' exists"}};
    if (a.has("skip_removes"))
      skipped = Value{{"changed", false},
                      {"stdout", "skipped, since '" + args["removes"].get<std::string>() + "' does not exist"}};
    if (!skipped.is_null()) {
      add_output_lines(skipped);  // as Ansible's action plugins do
      return skipped;
    }
    return shape(args, url, a, elapsed);
  }

 private:
  static Value shape(const Value& args, const std::string& url, const ScriptAnswer& a, long long elapsed) {
    Value r = Value::object();
    std::string w = a.get("w");
    auto sp = w.find(' ');
    int status = std::atoi(w.substr(0, sp).c_str());
    std::string final_url = sp == std::string::npos ? url : w.substr(sp + 1);
    std::string content = a.get("body");
    if (!content.empty() && content.back() == 'x') content.pop_back();
    if (args["method"] == "HEAD" || args["method"] == "head") content.clear();  // curl -I writes headers there
    // The last header block (curl -L writes one per response).
    std::string raw = a.get("headers");
    std::vector<std::string> block;
    std::string status_line;
    for (auto& line : split_lines(raw)) {
      std::string l = rstrip_newlines(line);
      if (l.rfind("HTTP/", 0) == 0) {
        block.clear();
        status_line = l;
      } else if (!l.empty()) {
        block.push_back(l);
      }
    }
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
    std::string sub = content_type.substr(content_type.find('/') == std::string::npos ? 0 : content_type.find('/') + 1);
    sub = to_lower(sub.substr(0, sub.find(';')));
    if (auto plus = sub.find('+'); plus != std::string::npos) sub = sub.substr(plus + 1);
    const bool maybe_json = !content_type.empty() && (sub == "json" || sub == "javascript");
    if (request_failed) {
      r["msg"] = "Request failed: " + rstrip_newlines(a.get("err"));
    } else if (status >= 400 || (status >= 300 && status < 400 && args["follow_redirects"] != "all")) {
      std::string reason = status_line.size() > 13 ? status_line.substr(status_line.find(' ', 9) + 1) : "";
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
    if (a.has("dest")) {
      if (a.has("written")) r["changed"] = true;
      r["path"] = a.get("dest");
      add_path_info(r, a.get("st"));
    }
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

std::unique_ptr<Module> make_uri_module() { return std::make_unique<UriModule>(); }

}  // namespace drover
