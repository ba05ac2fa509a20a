// tempfile: a fresh temporary file or directory on the target
// (ansible.builtin.tempfile, ansible-core 2.14): mktemp(1) with Ansible's
// default prefix "ansible." and eight random characters, in `path` or $TMPDIR
// (/tmp). Like Ansible's module it does not run in check mode (skipped).
#include "modules/builtin.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

class TempFileModule : public Module {
 public:
  TempFileModule() {
    spec_.options = {
        opt("state").def("file").one_of({"directory", "file"}),
        opt("path", OptionType::path),
        opt("prefix").def("ansible."),
        opt("suffix").def(""),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    if (ctx.check_mode)
      return Value{{"changed", false}, {"skipped", true}, {"msg", "remote module (tempfile) does not support check mode"}};
    bool dir = args["state"] == "directory";
    std::string base = args["path"].is_string() ? files::q(args["path"].get<std::string>()) : "\"${TMPDIR:-/tmp}\"";
    std::string s = files::script_prelude(false) + "t=$(mktemp " + std::string(dir ? "-d " : "") + base + "/" +
                    files::q(args["prefix"].get<std::string>() + "XXXXXXXX" + args["suffix"].get<std::string>()) +
                    ") || _dr_die \"could not create a temporary " + (dir ? "directory" : "file") + "\"\n"
                    "_dr_e path \"$t\"; _dr_e stat \"$(_dr_st \"$t\")\"\n";
    ExecResult res = run_own_script(ctx, s);
    files::Answer ans = files::parse_answer(res.out);
    if (res.exit_status != 0 || ans.count("failed")) return files::script_failure(ans, res);
    Value r{{"changed", true}, {"path", ans["path"]}};
    files::add_path_info(r, files::parse_stat(ans["stat"]));
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

std::unique_ptr<Module> make_tempfile_module() { return std::make_unique<TempFileModule>(); }

}  // namespace drover
