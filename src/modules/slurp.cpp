// slurp: a file of the target, base64-encoded (ansible.builtin.slurp,
// ansible-core 2.14): content, encoding "base64", source. Encoded on the
// target with base64(1) (coreutils and busybox both have it).
#include "core/strings.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

class SlurpModule : public Module {
 public:
  SlurpModule() { spec_.options = {opt("src", OptionType::path).req().alias({"path"})}; }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string src = args["src"].get<std::string>();
    std::string s = files::script_prelude(false) + "p=" + files::q(src) +
                    "\n[ -e \"$p\" ] || _dr_die \"file not found: $p\"\n"
                    "[ -d \"$p\" ] && _dr_die \"source is a directory and must be a file\"\n"
                    "[ -r \"$p\" ] || _dr_die \"file is not readable: $p\"\n"
                    "base64 < \"$p\" | tr -d '\\n' || _dr_die \"unable to slurp file\"\n";
    ExecResult res = run_own_script(ctx, s);
    AnswerFields ans = parse_answer(res.out);
    if (res.exit_status != 0 || ans.count("failed")) return script_failure(ans, res);
    return Value{{"changed", false}, {"content", trim(res.out)}, {"encoding", "base64"}, {"source", src}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration slurp_registration({"slurp"}, make_module<SlurpModule>);

}  // namespace drover
