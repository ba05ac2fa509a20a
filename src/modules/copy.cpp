// copy: put a file on the target (ansible.builtin.copy, ansible-core 2.14).
// `content` or a controller `src` (found along the search path, files/
// first; a directory is copied recursively, with a trailing slash its
// contents only), or with remote_src a file already on the target. The write
// itself (checksum, force, backup, validate, atomic rename, mode / owner /
// group, check and diff modes) is files::write_file.
#include <filesystem>
#include <sys/stat.h>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"
#include "modules/module_args.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

// remote_src: $src, a file on the target; its bytes are the whole output.
constexpr const char* kReadRemoteSource = R"SH([ -f "$src" ] || { echo "Source $src not found" >&2; exit 1; }
cat -- "$src"
)SH";

// A controller directory's tree on the target: each missing directory of
// "$@" (parents first) is made with directory_mode, owner and group
// ($has_attrs, $mode, $owner, $group).
constexpr const char* kMakeDirs = R"SH(for p; do
  if [ ! -d "$p" ]; then _dr_changed=1
    [ -n "$_dr_check" ] || mkdir -p -- "$p" || _dr_die "could not create $p"
    [ -n "$_dr_check" ] || [ -z "$has_attrs" ] || _dr_attrs "$p" "$mode" "$owner" "$group" d
  fi
done
_out changed "$_dr_changed"
)SH";

class CopyModule : public Module {
 public:
  CopyModule() {
    spec_.options = {
        opt("src", OptionType::path),
        opt("content", OptionType::str).secret(),
        opt("dest", OptionType::path).req(),
        opt("backup", OptionType::boolean).def(false),
        opt("force", OptionType::boolean).def(true).alias({"thirsty"}),
        opt("directory_mode", OptionType::octal_mode),
        opt("remote_src", OptionType::boolean).def(false),
        opt("local_follow", OptionType::boolean).def(true),
        opt("follow", OptionType::boolean).def(false),
        opt("validate"),
        opt("checksum"),
        opt("decrypt", OptionType::boolean).def(true),
    };
    files::add_common_options(spec_);
    spec_.mutually_exclusive = {{"src", "content"}};
    spec_.required_one_of = {{"src", "content"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    std::string dest = args.str("dest");
    std::string src = args.str("src");
    files::WriteRequest req;
    try {
      req.attrs = files::attrs_from_args(validated);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    req.force = args.flag("force");
    req.backup = args.flag("backup");
    req.validate = args.str("validate");
    req.dest = dest;

    if (args.has("content")) {
      if (ends_with(dest, "/")) return failed_result("can not use content with a dir as dest");
      req.content = files::make_content(args.str("content"));
      req.basename_in_dir = "source";
      req.after_header = "dynamically generated";
      return finish(ctx, args, req);
    }
    if (args.flag("remote_src")) return copy_remote(ctx, args, req, src);

    std::string found = files::find_controller_file(ctx.search_path, "files", src);
    if (found.empty()) return files::controller_file_missing(ctx.search_path, "files", src);
    std::error_code ec;
    if (fs::is_directory(found, ec)) return copy_directory(ctx, args, req, found, ends_with(src, "/"));
    req.content = files::read_controller_file(ctx.controller_files, found, args.flag("decrypt"));
    if (!req.content) return files::controller_file_missing(ctx.search_path, "files", src);
    if (req.attrs.mode == "preserve") req.attrs.mode = local_mode(found);
    req.basename_in_dir = fs::path(found).filename().string();
    if (ends_with(dest, "/")) {
      // A trailing slash names a directory, created when missing.
      req.dest = dest + req.basename_in_dir;
      req.create_parents = true;
    }
    req.src_label = found;
    req.after_header = found;
    return finish(ctx, args, req);
  }

 private:
  static std::string local_mode(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", st.st_mode & 07777);
    return buf;
  }

  static Value finish(ModuleContext& ctx, const ModuleArgs& args, files::WriteRequest& req) {
    std::string want = args.str("checksum");
    if (!want.empty() && want != req.content->sha1())
      return failed_result("Copied file does not match the expected checksum. Transfer failed.");
    return files::write_file(ctx, req);
  }

  // remote_src: the source is read on the target, then written as content
  // (two round trips; the source never crosses to the controller twice).
  static Value copy_remote(ModuleContext& ctx, const ModuleArgs& args, files::WriteRequest& req, const std::string& src) {
    ExecResult res = run_own_script(ctx, shell_assign("src", src) + kReadRemoteSource);
    if (res.exit_status != 0) return failed_result(trim(res.err));
    req.content = files::make_content(std::move(res.out));
    req.basename_in_dir = fs::path(src).filename().string();
    req.src_label = src;
    req.after_header = src;
    return finish(ctx, args, req);
  }

  // A controller directory: directories first (one script), then each file.
  // The result is Ansible's copy action's: the one file's own result when
  // the tree holds a single file, else only changed, dest (as given) and
  // src, without the files' diffs.
  static Value copy_directory(ModuleContext& ctx, const ModuleArgs& args, files::WriteRequest& req,
                              std::string root, bool contents_only) {
    while (root.size() > 1 && ends_with(root, "/")) root.pop_back();
    std::string base = req.dest;
    if (!ends_with(base, "/")) base += "/";
    if (!contents_only) base += fs::path(root).filename().string() + "/";
    std::vector<std::string> dirs{""}, file_list;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it) {
      std::string rel = fs::relative(it->path(), root, ec).string();
      if (it->is_directory(ec)) dirs.push_back(rel + "/");
      else if (it->is_regular_file(ec)) file_list.push_back(rel);
    }
    std::sort(dirs.begin(), dirs.end());
    std::sort(file_list.begin(), file_list.end());
    files::Attrs dattrs;
    if (args.has("directory_mode"))
      dattrs = files::attrs_from_args(Value{{"mode", args.value("directory_mode")}});
    dattrs.owner = req.attrs.owner;
    dattrs.group = req.attrs.group;
    std::string dir_list = "set --";
    for (const auto& d : dirs) dir_list += " " + shell_quote(base + d);
    std::string vars = shell_assign("has_attrs", !dattrs.empty()) +
                       shell_assign("mode", dattrs.mode == "preserve" ? "" : dattrs.mode) +
                       shell_assign("owner", dattrs.owner) + shell_assign("group", dattrs.group) + dir_list + "\n";
    ExecResult res = run_own_script(ctx, files::script_prelude(ctx.check_mode) + vars + kMakeDirs);
    AnswerFields ans = parse_answer(res.out);
    if (res.exit_status != 0) return script_failure(ans, res);
    bool changed = !ans["changed"].empty();
    Value last;
    for (const auto& f : file_list) {
      files::WriteRequest one = req;
      one.dest = base + f;
      one.basename_in_dir.clear();
      one.content = files::read_controller_file(ctx.controller_files, root + "/" + f, args.flag("decrypt"));
      if (!one.content) return failed_result("could not read " + root + "/" + f);
      if (one.attrs.mode == "preserve") one.attrs.mode = local_mode(root + "/" + f);
      one.src_label = one.after_header = root + "/" + f;
      last = files::write_file(ctx, one);
      if (last.contains("failed")) return last;
      if (last["changed"] == true) changed = true;
    }
    if (file_list.size() == 1) return last;
    return Value{{"changed", changed}, {"dest", req.dest}, {"src", root + (contents_only ? "/" : "")}};
  }

  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration copy_registration({"copy"}, make_module<CopyModule>);

}  // namespace drover
