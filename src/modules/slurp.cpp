// slurp: a file of the target, base64-encoded (ansible.builtin.slurp,
// ansible-core 2.14): content, encoding "base64", source. Encoded on the
// target with base64(1) (coreutils and busybox both have it).
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// Ansible's messages, word for word; the content is the whole output.
constexpr const char* kSlurpBody = R"SH(
[ -e "$p" ] || _dr_die "file not found: $p"
[ -d "$p" ] && _dr_die "source is a directory and must be a file"
[ -r "$p" ] || _dr_die "file is not readable: $p"
base64 < "$p" | tr -d '\n' || _dr_die "unable to slurp file"
)SH";

class SlurpModule : public Module {
 public:
  SlurpModule() { spec_.options = {opt("src", OptionType::path).req().alias({"path"})}; }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    const std::string src = args.str("src");
    ExecResult res = run_own_script(ctx, files::script_prelude(false) + shell_assign("p", src) + kSlurpBody);
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
