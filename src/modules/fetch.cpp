// fetch: a file of the target copied to the controller (ansible.builtin.fetch,
// ansible-core 2.14): dest/<inventory_hostname>/<src path>, or with flat the
// dest itself (a trailing slash adds the file's name); relative dests are
// under the playbook's directory. One round trip: the target compares the
// sha1 with the controller's copy and sends the bytes only when they differ.
#include <filesystem>
#include <fstream>

#include "core/strings.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

class FetchModule : public Module {
 public:
  FetchModule() {
    spec_.options = {
        opt("src").req(),
        opt("dest").req(),
        opt("flat", OptionType::boolean).def(false),
        opt("fail_on_missing", OptionType::boolean).def(true),
        opt("validate_checksum", OptionType::boolean).def(true),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    if (ctx.check_mode)
      return Value{{"changed", false}, {"skipped", true}, {"msg", "check mode not (yet) supported for this module"}};
    const std::string src = args["src"].get<std::string>();
    std::string dest = args["dest"].get<std::string>();
    std::string base_dir = ctx.search_path.empty() ? fs::current_path().string() : ctx.search_path.back();
    if (args["flat"] == true) {
      std::error_code ec;
      if (fs::is_directory(dest, ec) && !ends_with(dest, "/"))
        return failed_result("dest is an existing directory, use a trailing slash if you want to fetch src into that directory");
      if (ends_with(dest, "/")) dest += fs::path(src).filename().string();
      if (dest[0] != '/') dest = base_dir + "/" + dest;
    } else {
      if (dest[0] != '/') dest = base_dir + "/" + dest;
      dest += "/" + ctx.host + "/" + src;
    }
    dest = fs::path(dest).lexically_normal().string();
    std::string local;
    bool have_local = files::read_local_file(dest, local);
    std::string local_sum = have_local ? files::sha1_hex(local) : "";

    std::string s = files::script_prelude(false) + "p=" + files::q(src) + "; want=" + files::q(local_sum) +
                    "\n[ -e \"$p\" ] || { _out missing 1; exit 0; }\n"
                    "[ -d \"$p\" ] && { _out isdir 1; exit 0; }\n"
                    "c=$(sha1sum < \"$p\") || _dr_die \"file is not readable: $p\"\n"
                    "c=${c%% *}; _out checksum \"$c\"\n"
                    "[ \"$c\" = \"$want\" ] && exit 0\n"
                    "printf '\\036data\\n'; cat -- \"$p\"\n";
    ExecResult res = run_own_script(ctx, s);
    // The bytes run to the end of the output; records come before them.
    static const std::string kData = "\x1e" "data\n";
    size_t at = res.out.find(kData);
    AnswerFields ans = parse_answer(at == std::string::npos ? res.out : res.out.substr(0, at));
    if (res.exit_status != 0 || ans.count("failed")) return script_failure(ans, res);
    bool fail_missing = args["fail_on_missing"] == true;
    if (ans.count("missing") || ans.count("isdir")) {
      std::string msg = ans.count("missing") ? "the remote file does not exist, not transferring, ignored"
                                             : "remote file is a directory, fetch cannot work on directories";
      if (fail_missing) return Value{{"changed", false}, {"failed", true}, {"file", src}, {"msg", msg}};
      if (ans.count("isdir")) msg += ", not transferring, ignored";
      return Value{{"changed", false}, {"file", src}, {"msg", msg}};
    }
    const std::string remote_sum = ans["checksum"];
    if (at == std::string::npos)
      return Value{{"changed", false}, {"md5sum", files::md5_hex(local)}, {"file", src}, {"dest", dest}, {"checksum", local_sum}};
    std::string data = res.out.substr(at + kData.size());
    std::error_code ec;
    fs::create_directories(fs::path(dest).parent_path(), ec);
    {
      std::ofstream out(dest, std::ios::binary | std::ios::trunc);
      out << data;
      if (!out) return failed_result("Failed to fetch the file: cannot write " + dest);
    }
    std::string got = files::sha1_hex(data);
    Value r{{"changed", true}, {"md5sum", files::md5_hex(data)}, {"dest", dest}, {"remote_md5sum", nullptr},
            {"checksum", got}, {"remote_checksum", remote_sum}};
    if (args["validate_checksum"] == true && got != remote_sum) {
      r["failed"] = true;
      r["changed"] = false;
      r["msg"] = "checksum mismatch";
      r["file"] = src;
    }
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration fetch_registration({"fetch"}, make_module<FetchModule>);

}  // namespace drover
