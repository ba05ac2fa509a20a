// get_url: download a URL on the target (ansible.builtin.get_url,
// ansible-core 2.14) with curl, or wget when there is no curl: dest file or
// directory, force, checksum "<algo>:<hex>" (an existing dest with that
// checksum is not downloaded again), headers, timeout,
// url_username/url_password, validate_certs, backup, mode/owner/group.
// The download goes to a temporary file beside dest and replaces it only
// when the sha1 differs; an existing dest file is asked for with
// If-Modified-Since (a 304 leaves it). A directory dest gets the file named
// as Ansible's get_url names it (uri.hpp's get_url_filename: the response's
// Content-Disposition, else the final URL's last path part, else
// index.html), which is known only after the download: a second round trip
// installs it. Check mode sends a HEAD, as Ansible does, and keeps nothing.
#include <algorithm>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"
#include "modules/uri.hpp"

namespace drover {
namespace {

// The URL wget ended at: `url` after the Location headers of the responses
// in `raw_headers` (absolute, or from the host's root, or beside the
// current path).
std::string wget_final_url(std::string url, const std::string& raw_headers) {
  for (const auto& line : split_lines(raw_headers)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos || to_lower(trim(line.substr(0, colon))) != "location") continue;
    const std::string loc = trim(rstrip_newlines(line.substr(colon + 1)));
    const size_t scheme = url.find("://");
    size_t root = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (root == std::string::npos) {
      url += '/';
      root = url.size() - 1;
    }
    if (loc.find("://") != std::string::npos)
      url = loc;
    else if (!loc.empty() && loc[0] == '/')
      url = url.substr(0, root) + loc;
    else
      url = url.substr(0, std::max(url.substr(0, url.find_first_of("?#")).rfind('/'), root) + 1) + loc;
  }
  return url;
}

// The download, for the variables the module sets (u, algo, want, force,
// d, timeout, agent, insecure, has_user, user, pass, check mode's
// _dr_check) and the request headers as "$@". A directory dest is named
// from the response (get_url_filename), so the download stops there with
// the temporary file kept and its headers answered; a second trip
// (kGetUrlNamed) installs it under that name.
constexpr const char* kGetUrlDownload = R"SH(
# curl or wget with the request's options; check mode asks with HEAD, as
# Ansible does: the checksums compared are those of an empty body.
_gu_curl() {
  _n=$#; for _hd; do set -- "$@" -H "$_hd"; done; shift $_n
  [ -z "$ims" ] || set -- "$@" -H "$ims"
  [ -z "$has_user" ] || set -- -u "$user:$pass" "$@"
  [ -z "$insecure" ] || set -- -k "$@"
  [ -z "$_dr_check" ] || set -- -I "$@"
  curl -sS -L -D "$h" -o "$t" -w '%{http_code} %{url_effective}' --max-time "$timeout" -A "$agent" "$@" -- "$u" 2>/dev/null
}
_gu_wget() {
  _n=$#; for _hd; do set -- "$@" "--header=$_hd"; done; shift $_n
  [ -z "$ims" ] || set -- "$@" "--header=$ims"
  [ -z "$has_user" ] || set -- "--user=$user" "--password=$pass" "$@"
  [ -z "$insecure" ] || set -- --no-check-certificate "$@"
  [ -z "$_dr_check" ] || set -- --spider "$@"
  wget -q -S -O "$t" -T "$timeout" -U "$agent" "$@" -- "$u" 2>"$h"
}
# dest_st: the path information Ansible adds to a failure too.
isdir=; [ -d "$d" ] && isdir=1
_out dest "$d"; _out dest_st "$(_dr_st "$d")"
if [ -z "$isdir" ] && [ -f "$d" ] && [ -z "$force" ] && [ -n "$want" ]; then
  c=$(${algo}sum < "$d"); if [ "${c%% *}" = "$want" ]; then
    [ -z "$has_attrs" ] || _dr_attrs "$d" "$mode" "$owner" "$group" f || _dr_die "could not set attributes of $d"
    _out exists 1; _out changed "$_dr_changed"; exit 0; fi
  # A checksum mismatch forces the download (no If-Modified-Since).
  force=1
fi
# urls.py asks an existing dest file for a newer copy only.
ims=; [ -z "$isdir" ] && [ -f "$d" ] && [ -z "$force" ] &&
  ims="If-Modified-Since: $(LC_ALL=C date -u -r "$d" '+%a, %d %b %Y %H:%M:%S GMT')"
if [ -n "$isdir" ]; then dir=$d; else dir=$(dirname -- "$d"); fi
[ -d "$dir" ] || _dr_die "Destination $dir does not exist"
t=$(mktemp "$dir/.drover_get_url.XXXXXX") || _dr_die "Destination $dir is not writable"
h=$(mktemp) || _dr_die 'could not create a temporary file'
trap 'rm -f "$t" "$h"' EXIT
if command -v curl >/dev/null 2>&1; then
  w=$(_gu_curl "$@"); rc=$?
  code=${w%% *}; _out final_url "${w#* }"
elif command -v wget >/dev/null 2>&1; then
  _gu_wget "$@"; rc=$?
  # wget -S prints each response's headers indented by two spaces.
  sed -i 's/^  //' "$h"; code=$(sed -n 's|^HTTP/[^ ]* \([0-9]*\).*|\1|p' "$h" | tail -n 1)
  [ -n "$code" ] || code=-1; _out wget 1
else _dr_die 'get_url needs curl or wget on the target'; fi
[ -n "$_dr_check" ] && : > "$t"  # curl -I writes the headers there too
_out status "$code"; _out headers "$(cat "$h")"
if [ "$code" = 304 ]; then _out not_modified 1; _out after "$(_dr_st "$d")"; exit 0; fi
case $code in 2*) ;; *) _dr_die "Request failed" ;; esac
[ $rc = 0 ] || _dr_die "Request failed"
cs=$(sha1sum < "$t"); cs=${cs%% *}; _out checksum_src "$cs"
if [ -n "$isdir" ]; then _out tmp "$t"; trap 'rm -f "$h"' EXIT; exit 0; fi
)SH";

// The second trip for a directory dest: $d named from the response, $t
// the kept download, $cs its sha1.
constexpr const char* kGetUrlNamed = R"SH(
trap 'rm -f "$t"' EXIT
_out dest "$d"; _out dest_st "$(_dr_st "$d")"
)SH";

// From the downloaded $t (sha1 $cs) to $d: checksum checked, backup, moved
// into place only when the sha1 differs, then the attributes.
constexpr const char* kGetUrlInstall = R"SH(
cd_=; [ -f "$d" ] && { cd_=$(sha1sum < "$d"); cd_=${cd_%% *}; _out checksum_dest "$cd_"; }
[ -e "$d" ] || { [ -d "$(dirname -- "$d")" ] || _dr_die "Destination $(dirname -- "$d") does not exist"; }
if [ -n "$want" ] && [ -z "$_dr_check" ]; then c=$(${algo}sum < "$t"); [ "${c%% *}" = "$want" ] ||
  _dr_die "The checksum for $d did not match $want; it was ${c%% *}."; fi
if [ "$cs" != "$cd_" ]; then _dr_changed=1
  if [ -z "$_dr_check" ]; then
    if [ -n "$backup" ] && [ -f "$d" ]; then _dr_backup "$d" || _dr_die "backup of $d failed"; fi
    _dr_new_perm "$t" "$d"; mv -f -- "$t" "$d" || _dr_die "failed to copy $t to $d"
  fi
fi
if [ -e "$d" ] && [ -z "$_dr_check" ]; then
  [ -z "$has_attrs" ] || _dr_attrs "$d" "$mode" "$owner" "$group" f || _dr_die "could not set attributes of $d"
  m=$(md5sum < "$d"); _out md5sum "${m%% *}"
fi
_out after "$(_dr_st "$d")"; _out changed "$_dr_changed"
)SH";

class GetUrlModule : public Module {
 public:
  GetUrlModule() {
    spec_.options = {
        opt("url").req(),
        opt("dest", OptionType::path).req(),
        opt("force", OptionType::boolean).def(false),
        opt("checksum").def(""),
        opt("backup", OptionType::boolean).def(false),
        opt("headers", OptionType::dict),
        opt("timeout", OptionType::integer).def(10),
        opt("url_username").alias({"username"}),
        opt("url_password").alias({"password"}).secret(),
        opt("force_basic_auth", OptionType::boolean).def(false),
        opt("validate_certs", OptionType::boolean).def(true),
        opt("use_proxy", OptionType::boolean).def(true),
        opt("http_agent").def("ansible-httpget"),
        opt("tmp_dest", OptionType::path),
    };
    files::add_common_options(spec_);
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    const std::string url = args.str("url");
    const std::string checksum = args.str("checksum");
    std::string algo, want;
    if (!checksum.empty()) {
      auto colon = checksum.find(':');
      if (colon == std::string::npos)
        return failed_result("The checksum parameter has to be in format <algorithm>:<checksum>");
      algo = checksum.substr(0, colon);
      want = to_lower(checksum.substr(colon + 1));
    }
    files::Attrs attrs;
    try {
      attrs = files::attrs_from_args(validated);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    // The request headers as the script's positional parameters.
    std::string header_words = "set --";
    if (args.value("headers").is_object())
      for (const auto& [k, v] : args.value("headers").items())
        header_words += " " + shell_quote(k + ": " + to_display_string(v));
    const std::string dest = args.str("dest");
    const std::string vars =
        files::script_prelude(ctx.check_mode) + shell_assign("u", url) + shell_assign("algo", algo) +
        shell_assign("want", want) + shell_assign("force", args.flag("force")) +
        shell_assign("backup", args.flag("backup")) + shell_assign("has_attrs", !attrs.empty()) +
        shell_assign("mode", attrs.mode == "preserve" ? "" : attrs.mode) + shell_assign("owner", attrs.owner) +
        shell_assign("group", attrs.group) + shell_assign("timeout", args.integer("timeout")) +
        shell_assign("agent", args.str("http_agent")) + shell_assign("insecure", !args.flag("validate_certs")) +
        shell_assign("has_user", args.has("url_username")) + shell_assign("user", args.str("url_username")) +
        shell_assign("pass", args.str("url_password")) + header_words + "\n";

    ExecResult res = run_script(ctx, vars + shell_assign("d", dest) + kGetUrlDownload + kGetUrlInstall);
    AnswerFields ans = parse_answer(res.out);
    if (res.exit_status == 0 && !ans.count("failed") && ans.count("tmp")) {
      const std::vector<std::string> headers = last_header_block(ans["headers"]);
      const std::string final_url = ans.count("wget") ? wget_final_url(url, ans["headers"]) : ans["final_url"];
      const std::string path = join_path(dest, get_url_filename(headers, final_url));
      ExecResult second =
          run_script(ctx, vars + shell_assign("d", path) + shell_assign("t", ans["tmp"]) +
                              shell_assign("cs", ans["checksum_src"]) + kGetUrlNamed + kGetUrlInstall);
      AnswerFields named = parse_answer(second.out);
      named["status"] = ans["status"];
      named["headers"] = ans["headers"];
      named["checksum_src"] = ans["checksum_src"];
      res = second;
      ans = named;
    }
    const std::string content_length = header_value(last_header_block(ans["headers"]), "content-length");
    if (res.exit_status != 0 || ans.count("failed")) {
      Value f = script_failure(ans, res);
      f["url"] = url;
      f["dest"] = ans["dest"];
      if (ans.count("status")) {
        const int code = std::atoi(ans["status"].c_str());
        f["status_code"] = code;
        std::string status_line;
        last_header_block(ans["headers"], &status_line);
        // urllib's HTTPError text, as fetch_url's info['msg'].
        const size_t reason = status_line.find(' ', status_line.find(' ') + 1);
        if (code >= 400 && reason != std::string::npos)
          f["response"] = "HTTP Error " + std::to_string(code) + ": " + status_line.substr(reason + 1);
        f["elapsed"] = 0;
      }
      files::FileStat st = files::parse_stat(ans["dest_st"]);
      if (st.exists) files::add_path_info(f, st);
      return f;
    }
    Value r{{"changed", !ans["changed"].empty()}, {"url", url}, {"dest", ans["dest"]}};
    if (ans.count("exists")) {
      r["msg"] = r["changed"] == true ? "file already exists but file attributes changed" : "file already exists";
      r["checksum_src"] = Value();
      r["checksum_dest"] = Value();
      r["elapsed"] = 0;
    } else if (ans.count("not_modified")) {
      r["msg"] = "HTTP Error 304: Not Modified";
      r["status_code"] = 304;
      r["elapsed"] = 0;
    } else {
      r["msg"] = "OK (" + (content_length.empty() ? std::string("unknown") : content_length) + " bytes)";
      // Ansible's check mode returns before it names the status.
      if (!ctx.check_mode) r["status_code"] = std::atoi(ans["status"].c_str());
      r["checksum_src"] = ans["checksum_src"];
      r["checksum_dest"] = ans.count("checksum_dest") ? Value(ans["checksum_dest"]) : Value();
      if (ans.count("md5sum")) r["md5sum"] = ans["md5sum"];
      if (!ans["backup_file"].empty()) r["backup_file"] = ans["backup_file"];
      r["elapsed"] = 0;
    }
    files::FileStat st = files::parse_stat(ans["after"]);
    if (st.exists) files::add_path_info(r, st);
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration get_url_registration({"get_url"}, make_module<GetUrlModule>);

}  // namespace drover
