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
#include "modules/shell_script.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

std::string str_arg(const Value& args, const char* k) {
  return args.contains(k) && args[k].is_string() ? args[k].get<std::string>() : std::string();
}

class CopyModule : public Module {
 public:
  CopyModule() {
    spec_.options = {
        opt("src", OptionType::path),
        opt("content", OptionType::str).secret(),
        opt("dest", OptionType::path).req(),
        opt("backup", OptionType::boolean).def(false),
        opt("force", OptionType::boolean).def(true).alias({"thirsty"}),
        opt("mode", OptionType::octal_mode),
        opt("owner"),
        opt("group"),
        opt("directory_mode", OptionType::octal_mode),
        opt("remote_src", OptionType::boolean).def(false),
        opt("local_follow", OptionType::boolean).def(true),
        opt("follow", OptionType::boolean).def(false),
        opt("validate"),
        opt("checksum"),
        opt("decrypt", OptionType::boolean).def(true),
        opt("unsafe_writes", OptionType::boolean).def(false),
        opt("attributes").alias({"attr"}),
        opt("seuser"), opt("serole"), opt("setype"), opt("selevel"),
    };
    spec_.mutually_exclusive = {{"src", "content"}};
    spec_.required_one_of = {{"src", "content"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::string dest = str_arg(args, "dest");
    std::string src = str_arg(args, "src");
    files::WriteRequest req;
    try {
      req.attrs = files::attrs_from_args(args);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    req.force = args["force"] == true;
    req.backup = args["backup"] == true;
    req.validate = str_arg(args, "validate");
    req.dest = dest;

    if (args.contains("content") && !args["content"].is_null()) {
      if (ends_with(dest, "/")) return failed_result("can not use content with a dir as dest");
      req.content = files::make_content(args["content"].get<std::string>());
      req.basename_in_dir = "source";
      req.after_header = "dynamically generated";
      return finish(ctx, args, req);
    }
    if (args["remote_src"] == true) return copy_remote(ctx, args, req, src);

    std::string found = files::find_controller_file(ctx.search_path, "files", src);
    if (found.empty()) return files::controller_file_missing(ctx.search_path, "files", src);
    std::error_code ec;
    if (fs::is_directory(found, ec)) return copy_directory(ctx, args, req, found, ends_with(src, "/"));
    req.content = files::read_controller_file(ctx.controller_files, found, args["decrypt"] != false);
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

  static Value finish(ModuleContext& ctx, const Value& args, files::WriteRequest& req) {
    std::string want = str_arg(args, "checksum");
    if (!want.empty() && want != req.content->sha1())
      return failed_result("Copied file does not match the expected checksum. Transfer failed.");
    return files::write_file(ctx, req);
  }

  // remote_src: the source is read on the target, then written as content
  // (two round trips; the source never crosses to the controller twice).
  static Value copy_remote(ModuleContext& ctx, const Value& args, files::WriteRequest& req, const std::string& src) {
    ExecResult res = run_own_script(ctx, "[ -f " + files::q(src) + " ] || { echo \"Source " + src +
                                         " not found\" >&2; exit 1; }; cat -- " + files::q(src));
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
  static Value copy_directory(ModuleContext& ctx, const Value& args, files::WriteRequest& req,
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
    if (args.contains("directory_mode") && !args["directory_mode"].is_null())
      dattrs = files::attrs_from_args(Value{{"mode", args["directory_mode"]}});
    dattrs.owner = req.attrs.owner;
    dattrs.group = req.attrs.group;
    std::string script = files::script_prelude(ctx.check_mode);
    for (const auto& d : dirs) {
      script += "p=" + files::q(base + d) + "; if [ ! -d \"$p\" ]; then _dr_changed=1; [ -n \"$_dr_check\" ] || mkdir -p -- \"$p\" || _dr_die \"could not create $p\"; " +
                "[ -n \"$_dr_check\" ] || " + files::attrs_call(dattrs, "p", "d") + "; fi\n";
    }
    script += "_out changed \"$_dr_changed\"\n";
    ExecResult res = run_own_script(ctx, script);
    AnswerFields ans = parse_answer(res.out);
    if (res.exit_status != 0) return script_failure(ans, res);
    bool changed = !ans["changed"].empty();
    Value last;
    for (const auto& f : file_list) {
      files::WriteRequest one = req;
      one.dest = base + f;
      one.basename_in_dir.clear();
      one.content = files::read_controller_file(ctx.controller_files, root + "/" + f, args["decrypt"] != false);
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
