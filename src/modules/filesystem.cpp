// filesystem: a filesystem made on a block device or a regular file, grown
// to the device, or wiped (community.general.filesystem as shipped in
// Debian 12's ansible 7). What the device holds is `blkid -o value -s TYPE`;
// a different filesystem is only overwritten with force; mkfs runs with
// Ansible's force flags per type (mkfs.ext4 -F, mkfs.xfs -f, mkswap -f,
// pvcreate -f, ...) and opts; state=absent runs `wipefs --all`. Growing
// (resizefs) is native for the ext family (tune2fs's block count and size
// against the device's size, then resize2fs); for other types it fails
// naming the type. The result: changed, and msg where Ansible gives one.
//
// Two round trips: the read (blkid, sizes), then the command decided.
#include <cctype>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/command_steps.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
[ -e "$dev" ] || { _out missing 1; exit 0; }
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
_need() { _r=$(PATH=$_p command -v "$1") || _fail "Failed to find required executable \"$1\" in paths: $_p"; }
_need blkid
_run "$_r" -c /dev/null -o value -s TYPE "$dev"
_out fs "$_rout"; _out blkid_rc "$_rrc"; _out blkid_err "$_rerr"
[ -n "$want_sizes" ] || exit 0
if [ -b "$dev" ]; then
  _need blockdev; _out cmd "$_r --getsize64 $dev"; _step "$_r" --getsize64 "$dev"; _out dev_size "$_rout"
elif [ -f "$dev" ]; then
  _out dev_size "$(wc -c < "$dev")"
else
  _fail "Target device not supported: $dev"
fi
_need tune2fs
_out cmd "$_r -l $dev"
LANG=C LC_ALL=C LC_MESSAGES=C _step "$_r" -l "$dev"
_out tune2fs "$_rout"
exit 0
)SH";

// A tool found as get_bin_path finds it, then run as a step.
constexpr const char* kToolFunction = R"SH(
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
_tool() { _t=$(PATH=$_p command -v "$1") || _fail "Failed to find required executable \"$1\" in paths: $_p"; shift; _out cmd "$_t $*"; _step "$_t" "$@"; }
)SH";

struct FsType {
  const char* mkfs;
  std::vector<std::string> force;
  bool ext;  // tune2fs/resize2fs can grow it
};

const std::map<std::string, FsType>& filesystems() {
  static const std::map<std::string, FsType> types{
      {"ext2", {"mkfs.ext2", {"-F"}, true}},        {"ext3", {"mkfs.ext3", {"-F"}, true}},
      {"ext4", {"mkfs.ext4", {"-F"}, true}},        {"ext4dev", {"mkfs.ext4", {"-F"}, true}},
      {"f2fs", {"mkfs.f2fs", {"-f"}, false}},       {"reiserfs", {"mkfs.reiserfs", {"-q"}, false}},
      {"xfs", {"mkfs.xfs", {"-f"}, false}},         {"btrfs", {"mkfs.btrfs", {"-f"}, false}},
      {"vfat", {"mkfs.vfat", {}, false}},           {"ocfs2", {"mkfs.ocfs2", {"-Fx"}, false}},
      {"LVM2_member", {"pvcreate", {"-f"}, false}}, {"swap", {"mkswap", {"-f"}, false}},
      {"ufs", {"newfs", {}, false}},
  };
  return types;
}

// Same class in Ansible's table: ext4 and ext4dev are one.
bool same_type(const std::string& a, const std::string& b) {
  auto norm = [](const std::string& t) { return t == "ext4dev" ? std::string("ext4") : t; };
  return norm(a) == norm(b);
}

class FilesystemModule : public Module {
 public:
  FilesystemModule() {
    std::vector<std::string> types;
    for (const auto& [name, t] : filesystems())
      if (name != "LVM2_member") types.push_back(name);
    types.push_back("lvm");
    spec_.options = {
        opt("state").def("present").one_of({"present", "absent"}),
        opt("fstype").alias({"type"}).one_of(types),
        opt("dev", OptionType::path).req().alias({"device"}),
        opt("opts"),
        opt("force", OptionType::boolean).def(false),
        opt("resizefs", OptionType::boolean).def(false),
    };
    spec_.required_if = {{"state", "present", {"fstype"}}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs p(validated);
    const std::string state = p.str("state"), dev = p.str("dev");
    std::string fstype = p.str("fstype");
    if (fstype == "lvm") fstype = "LVM2_member";
    const bool force = p.flag("force"), resize = p.flag("resizefs");
    std::vector<std::string> opts;
    if (p.has("opts")) opts = split_whitespace(p.str("opts"));

    ScriptAnswer read = run_answer_script(ctx, std::string(kCommandStepFunction) + shell_assign("dev", Value(dev)) +
                                                   shell_assign("want_sizes", Value(false)) + kReadBody);
    if (Value f = command_steps_failure(read); !f.is_null()) return f;
    if (read.has("missing")) {
      if (state == "present") return failed_result("Device " + dev + " not found.");
      return Value{{"changed", false}, {"msg", "Device " + dev + " not found."}};
    }
    const std::string fs = trim(read.get("fs"));
    std::string steps;
    auto step = [&](const std::string& tool, std::vector<std::string> args) {
      std::string words;
      for (const auto& a : args) words += " " + shell_quote(a);
      steps += "_tool " + shell_quote(tool) + words + "\n";
    };
    Value result{{"changed", true}};
    if (state == "present") {
      const FsType& type = filesystems().at(fstype);
      const bool same = !fs.empty() && filesystems().count(fs) && same_type(fs, fstype);
      if (same && !resize && !force) return Value{{"changed", false}};
      if (same && resize) {
        if (!type.ext)
          return failed_result("drover does not grow " + fstype + " filesystems natively (only ext2, ext3, ext4)");
        ScriptAnswer sizes = run_answer_script(ctx, std::string(kCommandStepFunction) +
                                                        shell_assign("dev", Value(dev)) +
                                                        shell_assign("want_sizes", Value(true)) + kReadBody);
        if (Value f = command_steps_failure(sizes); !f.is_null()) return f;
        long long count = -1, size = -1;
        for (const auto& line : split_lines(sizes.get("tune2fs"))) {
          auto value = [&] { return std::stoll(trim(line.substr(line.find(':') + 1))); };
          if (line.find("Block count:") != std::string::npos) count = value();
          else if (line.find("Block size:") != std::string::npos) size = value();
        }
        if (count < 0 || size < 0) return failed_result("unable to process tune2fs output for " + dev);
        // Ansible's messages name the filesystem by its class ("Ext4").
        std::string kind = fstype;
        kind[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(kind[0])));
        if (!(count * size < std::stoll(trim(sizes.get("dev_size"))))) {
          return Value{{"changed", false}, {"msg", kind + " filesystem is using the whole device " + dev}};
        }
        if (ctx.check_mode)
          return Value{{"changed", true}, {"msg", "resizing filesystem " + kind + " on device " + dev}};
        step("resize2fs", {dev});
        // Ansible's msg is resize2fs's stdout as it came (trailing newlines too).
        ScriptAnswer grown = run_answer_script(ctx, std::string(kCommandStepFunction) + kToolFunction + steps +
                                                        "printf '\\036grow_out\\n'; cat \"$_rtmpo\"\n");
        if (Value f = command_steps_failure(grown); !f.is_null()) return f;
        return Value{{"changed", true}, {"msg", grown.get("grow_out")}};
      }
      if (!fs.empty() && !force) {
        Value r = failed_result("'" + dev + "' is already used as " + fs + ", use force=true to overwrite");
        r["rc"] = read.get_int("blkid_rc");
        r["err"] = read.get("blkid_err");
        return r;
      }
      if (ctx.check_mode) return result;
      std::vector<std::string> args = type.force;
      args.insert(args.end(), opts.begin(), opts.end());
      args.push_back(dev);
      step(type.mkfs, args);
    } else {
      if (fs.empty()) return Value{{"changed", false}};
      if (ctx.check_mode) return result;
      step("wipefs", {"--all", dev});
    }
    ScriptAnswer done = run_answer_script(ctx, std::string(kCommandStepFunction) + kToolFunction + steps);
    if (Value f = command_steps_failure(done); !f.is_null()) return f;
    return result;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration filesystem_registration({"filesystem", "community.general.filesystem"},
                                                 make_module<FilesystemModule>);

}  // namespace drover
