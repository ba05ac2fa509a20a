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
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"
#include "modules/uri.hpp"

namespace drover {
namespace {

using files::q;

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
        opt("mode", OptionType::octal_mode),
        opt("owner"),
        opt("group"),
        opt("unsafe_writes", OptionType::boolean).def(false),
        opt("attributes").alias({"attr"}),
        opt("seuser"), opt("serole"), opt("setype"), opt("selevel"),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string url = args["url"].get<std::string>();
    const std::string checksum = args["checksum"].get<std::string>();
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
      attrs = files::attrs_from_args(args);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    const std::string timeout = std::to_string(args["timeout"].get<long long>());
    // Check mode asks with HEAD, as Ansible does: the checksums compared are
    // those of an empty body.
    std::string curl = std::string("curl -sS -L") + (ctx.check_mode ? " -I" : "") +
                       " -D \"$h\" -o \"$t\" -w '%{http_code} %{url_effective}' --max-time " +
                       timeout + " -A " + q(args["http_agent"].get<std::string>());
    std::string wget = std::string("wget -q -S") + (ctx.check_mode ? " --spider" : "") +
                       " -O \"$t\" -T " + timeout + " -U " + q(args["http_agent"].get<std::string>());
    if (args["validate_certs"] == false) {
      curl += " -k";
      wget += " --no-check-certificate";
    }
    if (args["url_username"].is_string()) {
      std::string user = args["url_username"].get<std::string>();
      std::string pass = args["url_password"].is_string() ? args["url_password"].get<std::string>() : "";
      curl += " -u " + q(user + ":" + pass);
      wget += " --user=" + q(user) + " --password=" + q(pass);
    }
    if (args["headers"].is_object())
      for (auto it = args["headers"].begin(); it != args["headers"].end(); ++it) {
        curl += " -H " + q(it.key() + ": " + to_display_string(it.value()));
        wget += " --header=" + q(it.key() + ": " + to_display_string(it.value()));
      }

    const std::string dest = args["dest"].get<std::string>();
    const std::string vars = files::script_prelude(ctx.check_mode) + "u=" + q(url) + "; algo=" + q(algo) +
                             "; want=" + q(want) + "; force=" + (args["force"] == true ? "1" : "") + "\n";
    std::string install;  // from the downloaded $t (sha1 $cs) to $d
    install += "cd_=; [ -f \"$d\" ] && { cd_=$(sha1sum < \"$d\"); cd_=${cd_%% *}; _out checksum_dest \"$cd_\"; }\n"
               "[ -e \"$d\" ] || { [ -d \"$(dirname -- \"$d\")\" ] || _dr_die \"Destination $(dirname -- \"$d\") does not exist\"; }\n"
               "if [ -n \"$want\" ] && [ -z \"$_dr_check\" ]; then c=$(${algo}sum < \"$t\"); [ \"${c%% *}\" = \"$want\" ] || "
               "_dr_die \"The checksum for $d did not match $want; it was ${c%% *}.\"; fi\n"
               "if [ \"$cs\" != \"$cd_\" ]; then _dr_changed=1\n"
               "  if [ -z \"$_dr_check\" ]; then\n";
    if (args["backup"] == true) install += "    [ -f \"$d\" ] && { _dr_backup \"$d\" || _dr_die \"backup of $d failed\"; }\n";
    install += "    _dr_new_perm \"$t\" \"$d\"; mv -f -- \"$t\" \"$d\" || _dr_die \"failed to copy $t to $d\"\n"
               "  fi\n"
               "fi\n"
               "if [ -e \"$d\" ] && [ -z \"$_dr_check\" ]; then " + files::attrs_call(attrs, "d", "f") +
               " || _dr_die \"could not set attributes of $d\"; m=$(md5sum < \"$d\"); _out md5sum \"${m%% *}\"; fi\n"
               "_out after \"$(_dr_st \"$d\")\"; _out changed \"$_dr_changed\"\n";

    // A directory dest is named from the response (get_url_filename), so the
    // download stops there with the temporary file kept and its headers
    // answered; a second trip installs it under that name.
    std::string s = vars + "d=" + q(dest) + "\n";
    // dest_st: the path information Ansible adds to a failure too.
    s += "isdir=; [ -d \"$d\" ] && isdir=1\n"
         "_out dest \"$d\"; _out dest_st \"$(_dr_st \"$d\")\"\n"
         "if [ -z \"$isdir\" ] && [ -f \"$d\" ] && [ -z \"$force\" ] && [ -n \"$want\" ]; then\n"
         "  c=$(${algo}sum < \"$d\"); if [ \"${c%% *}\" = \"$want\" ]; then\n"
         "    " + files::attrs_call(attrs, "d", "f") + " || _dr_die \"could not set attributes of $d\"\n"
         "    _out exists 1; _out changed \"$_dr_changed\"; exit 0; fi\n"
         // A checksum mismatch forces the download (no If-Modified-Since).
         "  force=1\n"
         "fi\n"
         // urls.py asks an existing dest file for a newer copy only.
         "ims=; [ -z \"$isdir\" ] && [ -f \"$d\" ] && [ -z \"$force\" ] && "
         "ims=\"If-Modified-Since: $(LC_ALL=C date -u -r \"$d\" '+%a, %d %b %Y %H:%M:%S GMT')\"\n"
         "if [ -n \"$isdir\" ]; then dir=$d; else dir=$(dirname -- \"$d\"); fi\n"
         "[ -d \"$dir\" ] || _dr_die \"Destination $dir does not exist\"\n"
         "t=$(mktemp \"$dir/.drover_get_url.XXXXXX\") || _dr_die \"Destination $dir is not writable\"\n"
         "h=$(mktemp) || _dr_die 'could not create a temporary file'\n"
         "trap 'rm -f \"$t\" \"$h\"' EXIT\n"
         "if command -v curl >/dev/null 2>&1; then\n"
         "  if [ -n \"$ims\" ]; then w=$(" + curl + " -H \"$ims\" -- \"$u\" 2>/dev/null); rc=$?\n"
         "  else w=$(" + curl + " -- \"$u\" 2>/dev/null); rc=$?; fi\n"
         "  code=${w%% *}; _out final_url \"${w#* }\"\n"
         "elif command -v wget >/dev/null 2>&1; then\n"
         "  if [ -n \"$ims\" ]; then " + wget + " --header=\"$ims\" -- \"$u\" 2>\"$h\"; rc=$?\n"
         "  else " + wget + " -- \"$u\" 2>\"$h\"; rc=$?; fi\n"
         // wget -S prints each response's headers indented by two spaces.
         "  sed -i 's/^  //' \"$h\"; code=$(sed -n 's|^HTTP/[^ ]* \\([0-9]*\\).*|\\1|p' \"$h\" | tail -n 1)\n"
         "  [ -n \"$code\" ] || code=-1; _out wget 1\n"
         "else _dr_die 'get_url needs curl or wget on the target'; fi\n"
         "[ -n \"$_dr_check\" ] && : > \"$t\"  # curl -I writes the headers there too\n"
         "_out status \"$code\"; _out headers \"$(cat \"$h\")\"\n"
         "if [ \"$code\" = 304 ]; then _out not_modified 1; _out after \"$(_dr_st \"$d\")\"; exit 0; fi\n"
         "case $code in 2*) ;; *) _dr_die \"Request failed\" ;; esac\n"
         "[ $rc = 0 ] || _dr_die \"Request failed\"\n"
         "cs=$(sha1sum < \"$t\"); cs=${cs%% *}; _out checksum_src \"$cs\"\n"
         "if [ -n \"$isdir\" ]; then _out tmp \"$t\"; trap 'rm -f \"$h\"' EXIT; exit 0; fi\n";
    ExecResult res = run_script(ctx, s + install);
    AnswerFields ans = parse_answer(res.out);
    if (res.exit_status == 0 && !ans.count("failed") && ans.count("tmp")) {
      const std::vector<std::string> headers = last_header_block(ans["headers"]);
      const std::string final_url = ans.count("wget") ? wget_final_url(url, ans["headers"]) : ans["final_url"];
      const std::string path = join_path(dest, get_url_filename(headers, final_url));
      ExecResult second = run_script(ctx, vars + "d=" + q(path) + "; t=" + q(ans["tmp"]) + "; cs=" +
                                               q(ans["checksum_src"]) + "\ntrap 'rm -f \"$t\"' EXIT\n"
                                               "_out dest \"$d\"; _out dest_st \"$(_dr_st \"$d\")\"\n" +
                                               install);
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
