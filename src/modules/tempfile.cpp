// tempfile: a fresh temporary file or directory on the target
// (ansible.builtin.tempfile, ansible-core 2.14): mktemp(1) with Ansible's
// default prefix "ansible." and eight random characters, in `path` or $TMPDIR
// (/tmp). Like Ansible's module it does not run in check mode (skipped).
#include <random>

#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// Eight characters as Python's tempfile names them, for a failure message:
// Ansible names the path mkstemp/mkdtemp could not create.
std::string python_temp_name() {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
  std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, sizeof kChars - 2);
  std::string s;
  for (int i = 0; i < 8; ++i) s += kChars[pick(rd)];
  return s;
}

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
      return Value{{"changed", false},
                   {"skipped", true},
                   {"msg", "remote module (tempfile) does not support check mode"}};
    bool dir = args["state"] == "directory";
    const std::string prefix = args["prefix"].get<std::string>(),
                      suffix = args["suffix"].get<std::string>();
    std::string base = args["path"].is_string() ? files::q(args["path"].get<std::string>())
                                                : "\"${TMPDIR:-/tmp}\"";
    // When mktemp fails the script tells the errno Python's os.open or
    // os.mkdir would have met: a missing directory (2), a file in the way
    // (20), no write or search permission (13).
    std::string s =
        files::script_prelude(false) + "b=" + base +
        "\n"
        "if t=$(mktemp " +
        std::string(dir ? "-d " : "") + "\"$b\"/" + files::q(prefix + "XXXXXXXX" + suffix) +
        " 2>&1); then _out path \"$t\"; _out stat \"$(_dr_st \"$t\")\"\n"
        "else\n"
        "  p=$b; while [ ! -e \"$p\" ] && [ ! -L \"$p\" ]; do case $p in ?*/*) p=${p%/*} ;; /*) "
        "p=/ ;; *) p=. ;; esac; done\n"
        "  if [ \"$p\" != \"$b\" ]; then [ -d \"$p\" ] && _out errno 2 || _out errno 20\n"
        "  elif [ ! -d \"$b\" ]; then _out errno 20\n"
        "  elif [ ! -w \"$b\" ] || [ ! -x \"$b\" ]; then _out errno 13; fi\n"
        "  _out base \"$b\"; _dr_die \"could not create a temporary " +
        (dir ? "directory" : "file") +
        ": $t\"\n"
        "fi\n";
    ExecResult res = run_own_script(ctx, s);
    AnswerFields ans = parse_answer(res.out);
    if (ans.count("errno"))
      return python_os_error(ans["errno"], ans["base"], prefix + python_temp_name() + suffix);
    if (res.exit_status != 0 || ans.count("failed")) return script_failure(ans, res);
    Value r{{"changed", true}, {"path", ans["path"]}};
    files::add_path_info(r, files::parse_stat(ans["stat"]));
    return r;
  }

 private:
  // Ansible's fail_json(msg=to_native(e), exception=format_exc()) for the
  // OSError of mkstemp/mkdtemp: str(e) as msg; as exception the
  // traceback's last line, the one the callbacks show.
  static Value python_os_error(const std::string& errno_text, std::string dir,
                               const std::string& name) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    const std::string path = dir + (dir == "/" ? "" : "/") + name;
    std::string cls = "FileNotFoundError", text = "No such file or directory";
    if (errno_text == "20") cls = "NotADirectoryError", text = "Not a directory";
    if (errno_text == "13") cls = "PermissionError", text = "Permission denied";
    const std::string msg = "[Errno " + errno_text + "] " + text + ": '" + path + "'";
    Value r = failed_result(msg);
    r["exception"] = cls + ": " + msg + "\n";
    return r;
  }

  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration tempfile_registration({"tempfile"}, make_module<TempFileModule>);

}  // namespace drover
