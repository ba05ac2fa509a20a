// assemble: a file made of the fragments in a directory (ansible.builtin.assemble,
// ansible-core 2.14): fragments in name order, filtered by regexp (Python
// `re` search) and ignore_hidden, a newline after a fragment that lacks one,
// the delimiter (escapes decoded) between fragments; from the target
// (remote_src, the default) or from the controller. The result is written by
// files::write_file (checksum, backup, validate, mode/owner/group).
#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"
#include "modules/shell_script.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

class AssembleModule : public Module {
 public:
  AssembleModule() {
    spec_.options = {
        opt("src", OptionType::path).req(),
        opt("dest", OptionType::path).req(),
        opt("delimiter"),
        opt("regexp"),
        opt("ignore_hidden", OptionType::boolean).def(false),
        opt("remote_src", OptionType::boolean).def(true),
        opt("backup", OptionType::boolean).def(false),
        opt("validate"),
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
    // Ansible's assemble action does not support check mode: it skips.
    if (ctx.check_mode) return Value{{"changed", false}, {"skipped", true}, {"msg", "check mode is not supported for this task."}};
    const std::string src = args["src"].get<std::string>();
    std::vector<std::pair<std::string, std::string>> fragments;  // name, content
    if (args["remote_src"] == true) {
      std::string s = files::script_prelude(false) + "s=" + files::q(src) +
                      "\n[ -e \"$s\" ] || _dr_die \"Source ($s) does not exist\"\n"
                      "[ -d \"$s\" ] || _dr_die \"Source ($s) is not a directory\"\n"
                      "for f in \"$s\"/* \"$s\"/.[!.]* \"$s\"/..?*; do [ -f \"$f\" ] || continue\n"
                      "  printf '\\036frag:%s\\n' \"${f##*/}\"; cat -- \"$f\"; done\n";
      ExecResult res = run_own_script(ctx, s);
      AnswerFields ans = parse_answer(res.out);
      if (res.exit_status != 0 || ans.count("failed")) return script_failure(ans, res);
      for (auto& [k, v] : ans)
        if (starts_with(k, "frag:")) fragments.emplace_back(k.substr(5), v);
    } else {
      std::string dir = files::find_controller_file(ctx.search_path, "files", src);
      std::error_code ec;
      if (dir.empty()) return failed_result("Source (" + src + ") does not exist");
      if (!fs::is_directory(dir, ec)) return failed_result("Source (" + src + ") is not a directory");
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (!e.is_regular_file(ec)) continue;
        std::string content;
        if (!files::read_local_file(e.path().string(), content)) continue;
        // Ansible's assemble action decrypts vaulted fragments (decrypt: true).
        if (args["decrypt"] != false) content = decrypt_if_vaulted(std::move(content), e.path().string());
        fragments.emplace_back(e.path().filename().string(), content);
      }
    }
    std::sort(fragments.begin(), fragments.end());
    std::string delimiter = args["delimiter"].is_string() ? escape_decode(args["delimiter"].get<std::string>()) : "";
    std::string out;
    bool add_newline = false, delimit = false;
    try {
      auto re = args["regexp"].is_string() ? tmpl::Regex::compile(args["regexp"].get<std::string>()) : nullptr;
      for (const auto& [name, content] : fragments) {
        if (re && !re->search(name)) continue;
        if (args["ignore_hidden"] == true && name[0] == '.') continue;
        if (add_newline) out += "\n";
        if (delimit && !delimiter.empty()) {
          out += delimiter;
          if (delimiter.back() != '\n') out += "\n";
        }
        out += content;
        delimit = true;
        add_newline = content.empty() || content.back() != '\n';
      }
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    files::WriteRequest req;
    try {
      req.attrs = files::attrs_from_args(args);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    req.dest = args["dest"].get<std::string>();
    req.content = files::make_content(std::move(out));
    req.backup = args["backup"] == true;
    if (args["validate"].is_string()) req.validate = args["validate"].get<std::string>();
    req.after_header = src;
    Value r = files::write_file(ctx, req);
    if (!r.contains("failed")) r["msg"] = "OK";
    // The assemble module (remote_src) has no diff support; only the action
    // plugin's controller path returns one.
    if (args["remote_src"] == true) r.erase("diff");
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration assemble_registration({"assemble"}, make_module<AssembleModule>);

}  // namespace drover
