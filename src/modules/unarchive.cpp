// unarchive: unpack a tar (plain, gz, bz2, xz) or zip archive into a
// directory of the target (ansible.builtin.unarchive, ansible-core 2.14),
// from the controller (found along the search path, files/ first; the bytes
// ride on the script's stdin) or with remote_src from the target.
//
// Idempotence without GNU tar's --diff (busybox has none): the archive is
// unpacked into a scratch directory and every entry compared with dest
// (kind, content by sha1, mode); only when something differs is the scratch
// tree copied over dest (cp -a). Check mode stops after the comparison.
// creates, list_files, exclude (unpacked entries removed before the
// comparison), extra_opts (given to tar/unzip), mode/owner/group on dest.
#include <filesystem>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/builtin.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;
using files::q;

// Ansible's handler names, told by the archive's first bytes or its name.
std::string handler_for(const std::string& head, const std::string& name) {
  if (head.rfind("PK\x03\x04", 0) == 0 || ends_with(name, ".zip")) return "ZipArchive";
  if (head.rfind("\x1f\x8b", 0) == 0 || ends_with(name, ".gz") || ends_with(name, ".tgz")) return "TgzArchive";
  if (head.rfind("BZh", 0) == 0 || ends_with(name, ".bz2")) return "TarBzipArchive";
  if (head.rfind("\xfd" "7zXZ", 0) == 0 || ends_with(name, ".xz")) return "TarXzArchive";
  return "TarArchive";
}

class UnarchiveModule : public Module {
 public:
  UnarchiveModule() {
    spec_.options = {
        opt("src", OptionType::path).req(),
        opt("dest", OptionType::path).req(),
        opt("remote_src", OptionType::boolean).def(false),
        opt("copy", OptionType::boolean).def(true),
        opt("creates", OptionType::path),
        opt("list_files", OptionType::boolean).def(false),
        opt("keep_newer", OptionType::boolean).def(false),
        opt("exclude", OptionType::list).def(Value::array()).of(OptionType::str),
        opt("include", OptionType::list).def(Value::array()).of(OptionType::str),
        opt("extra_opts", OptionType::list).def(Value::array()).of(OptionType::str),
        opt("io_buffer_size", OptionType::integer),
        opt("validate_certs", OptionType::boolean).def(true),
        opt("decrypt", OptionType::boolean).def(true),
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
    const std::string src = args["src"].get<std::string>();
    const std::string dest = args["dest"].get<std::string>();
    bool remote = args["remote_src"] == true || args["copy"] == false;
    std::string data, handler;
    if (!remote) {
      std::string found = files::find_controller_file(ctx.search_path, "files", src);
      if (found.empty() || !files::read_local_file(found, data))
        return files::controller_file_missing(ctx.search_path, "files", src);
      handler = handler_for(data.substr(0, 6), src);
    } else {
      handler = handler_for("", src);
    }
    files::Attrs attrs;
    try {
      attrs = files::attrs_from_args(args);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    std::string extra;
    for (const auto& o : args["extra_opts"]) extra += " " + q(o.get<std::string>());
    std::string unpack = handler == "ZipArchive" ? "unzip -q -o" + extra + " \"$a\" -d \"$t\"" : "tar -x" + extra + " -f \"$a\" -C \"$t\"";

    std::string s = files::script_prelude(ctx.check_mode) + "d=" + q(dest) + "\n";
    s += remote ? "a=" + q(src) + "; [ -f \"$a\" ] || _dr_die \"Source '$a' does not exist\"\n"
                : "a=$(mktemp) || _dr_die 'could not create a temporary file'; cat > \"$a\"\n";
    std::string cleanup = remote ? "rm -rf \"$t\"" : "rm -rf \"$t\" \"$a\"";
    s += "t=$(mktemp -d) || _dr_die 'could not create a temporary directory'\n"
         "trap '" + cleanup + "' EXIT\n"
         "[ -d \"$d\" ] || _dr_die \"dest '$d' must be an existing dir\"\n";
    if (args["creates"].is_string())
      s += "[ -e " + q(args["creates"].get<std::string>()) + " ] && { _dr_e skipped 1; exit 0; }\n";
    s += "out=$(" + unpack + " 2>&1) || { _dr_e extract_out \"$out\"; _dr_die \"Failed to unpack $a to $d\"; }\n";
    for (const auto& x : args["exclude"]) s += "(cd \"$t\" && rm -rf -- " + q(x.get<std::string>()) + ")\n";
    s += "_dr_e files \"$(cd \"$t\" && find . -mindepth 1 | sed 's|^\\./||')\"\n"
         "diff=$(cd \"$t\" && find . -mindepth 1 | while IFS= read -r f; do\n"
         "  if [ -d \"$f\" ] && [ ! -L \"$f\" ]; then [ -d \"$d/$f\" ] || { echo \"$f\"; continue; }\n"
         "  elif [ -L \"$f\" ]; then [ \"$(readlink -- \"$f\")\" = \"$(readlink -- \"$d/$f\" 2>/dev/null)\" ] || { echo \"$f\"; continue; }\n"
         "  else [ -f \"$d/$f\" ] && [ ! -L \"$d/$f\" ] || { echo \"$f\"; continue; }\n"
         "    a1=$(sha1sum < \"$f\"); a2=$(sha1sum < \"$d/$f\"); [ \"$a1\" = \"$a2\" ] || { echo \"$f\"; continue; }\n"
         "  fi\n"
         "  [ -L \"$f\" ] || [ \"$(stat -c %a -- \"$f\")\" = \"$(stat -c %a -- \"$d/$f\")\" ] || echo \"$f\"\n"
         "done)\n"
         "if [ -n \"$diff\" ]; then _dr_changed=1; [ -n \"$_dr_check\" ] || cp -a \"$t\"/. \"$d\"/ || _dr_die \"could not copy the unpacked files to $d\"; fi\n"
         "_dr_e extract_out \"$out\"\n";
    if (!attrs.empty()) s += "[ -n \"$_dr_check\" ] || " + files::attrs_call(attrs, "d", "d") + " || _dr_die \"could not set attributes of $d\"\n";
    s += "_dr_e after \"$(_dr_st \"$d\")\"; _dr_e changed \"$_dr_changed\"\n";

    ExecResult res = run_script(ctx, s, data);
    files::Answer ans = files::parse_answer(res.out);
    if (res.exit_status != 0 || ans.count("failed")) {
      Value f = files::script_failure(ans, res);
      if (ans.count("extract_out")) f["extract_results"] = Value{{"out", ans["extract_out"]}, {"rc", 1}};
      return f;
    }
    if (ans.count("skipped")) {
      return Value{{"changed", false}, {"skipped", true},
                   {"msg", "skipped, since " + args["creates"].get<std::string>() + " exists"}, {"dest", dest}, {"src", src}};
    }
    Value r{{"changed", !ans["changed"].empty()}, {"dest", dest}, {"src", src}, {"handler", handler}};
    r["extract_results"] = Value{{"cmd", Value::array()}, {"err", ""}, {"out", ans["extract_out"]}, {"rc", 0}};
    if (args["list_files"] == true) {
      Value list = Value::array();
      for (const auto& f : split_lines(ans["files"])) list.push_back(f);
      r["files"] = list;
    }
    files::add_path_info(r, files::parse_stat(ans["after"]));
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

std::unique_ptr<Module> make_unarchive_module() { return std::make_unique<UnarchiveModule>(); }

}  // namespace drover
