// get_url: download a URL on the target (ansible.builtin.get_url,
// ansible-core 2.14) with curl, or wget when there is no curl: dest file or
// directory (the URL's last path part), force, checksum "<algo>:<hex>"
// (an existing dest with that checksum is not downloaded again), headers,
// timeout, url_username/url_password, validate_certs, backup,
// mode/owner/group. The download goes to a temporary file beside dest and
// replaces it only when the sha1 differs. Check mode downloads but keeps
// nothing (Ansible sends a HEAD; the answer is the same).
#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/builtin.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

using files::q;

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
    std::string curl = "curl -sS -L -o \"$t\" -w '%{http_code}' --max-time " + std::to_string(args["timeout"].get<long long>()) +
                       " -A " + q(args["http_agent"].get<std::string>());
    std::string wget = "wget -q -O \"$t\" -T " + std::to_string(args["timeout"].get<long long>()) + " -U " +
                       q(args["http_agent"].get<std::string>());
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
    std::string name = url.substr(url.rfind('/') + 1);
    name = name.substr(0, name.find_first_of("?#"));

    std::string s = files::script_prelude(ctx.check_mode) + "u=" + q(url) + "; d=" + q(args["dest"].get<std::string>()) +
                    "; algo=" + q(algo) + "; want=" + q(want) + "; force=" + (args["force"] == true ? "1" : "") + "\n";
    s += "[ -d \"$d\" ] && d=\"${d%/}/\"" + q(name.empty() ? "index.html" : name) + "\n"
         "_dr_e dest \"$d\"\n"
         "if [ -f \"$d\" ] && [ -z \"$force\" ] && [ -n \"$want\" ]; then\n"
         "  c=$(${algo}sum < \"$d\"); if [ \"${c%% *}\" = \"$want\" ]; then\n"
         "    " + files::attrs_call(attrs, "d", "f") + " || _dr_die \"could not set attributes of $d\"\n"
         "    _dr_e exists 1; _dr_e changed \"$_dr_changed\"; exit 0; fi\n"
         "fi\n"
         "dir=$(dirname -- \"$d\"); [ -d \"$dir\" ] || _dr_die \"Destination $dir does not exist\"\n"
         "t=$(mktemp \"$dir/.drover_get_url.XXXXXX\") || _dr_die \"Destination $dir is not writable\"\n"
         "trap 'rm -f \"$t\"' EXIT\n"
         "if command -v curl >/dev/null 2>&1; then code=$(" + curl + " -- \"$u\" 2>/dev/null); rc=$?\n"
         "elif command -v wget >/dev/null 2>&1; then " + wget + " -- \"$u\" 2>/dev/null; rc=$?; code=200; [ $rc = 0 ] || code=-1\n"
         "else _dr_die 'get_url needs curl or wget on the target'; fi\n"
         "_dr_e status \"$code\"\n"
         "case $code in 2*) ;; *) _dr_die \"Request failed\" ;; esac\n"
         "[ $rc = 0 ] || _dr_die \"Request failed\"\n"
         "cs=$(sha1sum < \"$t\"); cs=${cs%% *}; _dr_e checksum_src \"$cs\"\n"
         "cd_=; [ -f \"$d\" ] && { cd_=$(sha1sum < \"$d\"); cd_=${cd_%% *}; _dr_e checksum_dest \"$cd_\"; }\n"
         "if [ -n \"$want\" ]; then c=$(${algo}sum < \"$t\"); [ \"${c%% *}\" = \"$want\" ] || "
         "_dr_die \"The checksum for $d did not match $want; it was ${c%% *}.\"; fi\n"
         "if [ \"$cs\" != \"$cd_\" ]; then _dr_changed=1\n"
         "  if [ -z \"$_dr_check\" ]; then\n";
    if (args["backup"] == true) s += "    [ -f \"$d\" ] && { _dr_backup \"$d\" || _dr_die \"backup of $d failed\"; }\n";
    s += "    _dr_new_perm \"$t\" \"$d\"; mv -f -- \"$t\" \"$d\" || _dr_die \"failed to copy $t to $d\"\n"
         "  fi\n"
         "fi\n"
         "if [ -e \"$d\" ] && [ -z \"$_dr_check\" ]; then " + files::attrs_call(attrs, "d", "f") +
         " || _dr_die \"could not set attributes of $d\"; m=$(md5sum < \"$d\"); _dr_e md5sum \"${m%% *}\"; fi\n"
         "_dr_e after \"$(_dr_st \"$d\")\"; _dr_e changed \"$_dr_changed\"\n";
    ExecResult res = run_script(ctx, s);
    files::Answer ans = files::parse_answer(res.out);
    if (res.exit_status != 0 || ans.count("failed")) {
      Value f = files::script_failure(ans, res);
      f["url"] = url;
      f["dest"] = ans["dest"];
      if (ans.count("status")) f["status_code"] = std::atoi(ans["status"].c_str());
      return f;
    }
    Value r{{"changed", !ans["changed"].empty()}, {"url", url}, {"dest", ans["dest"]}};
    if (ans.count("exists")) {
      r["msg"] = r["changed"] == true ? "file already exists but file attributes changed" : "file already exists";
    } else {
      r["msg"] = "OK (" + std::to_string(files::parse_stat(ans["after"]).size) + " bytes)";
      r["status_code"] = std::atoi(ans["status"].c_str());
      r["checksum_src"] = ans["checksum_src"];
      if (ans.count("checksum_dest")) r["checksum_dest"] = ans["checksum_dest"];
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

std::unique_ptr<Module> make_get_url_module() { return std::make_unique<GetUrlModule>(); }

}  // namespace drover
