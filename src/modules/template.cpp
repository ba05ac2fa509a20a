// template: render a Jinja2 file on the controller and put the result on the
// target (ansible.builtin.template, ansible-core 2.14). The source is found
// along the search path (templates/ first); the render sees the task's
// variables plus Ansible's template_* variables and ansible_managed, with
// the module's trim_blocks / lstrip_blocks / newline_sequence / delimiter
// options. The write is files::write_file (as Ansible hands over to copy).
#include <filesystem>
#include <sys/stat.h>

#include "core/error.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"
#include "modules/shell_script.hpp"
#include "modules/template_vars.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

class TemplateModule : public Module {
 public:
  TemplateModule() {
    spec_.options = {
        opt("src", OptionType::path).req(),
        opt("dest", OptionType::path).req(),
        opt("backup", OptionType::boolean).def(false),
        opt("force", OptionType::boolean).def(true),
        opt("mode", OptionType::octal_mode),
        opt("owner"),
        opt("group"),
        opt("newline_sequence").def("\n").one_of({"\n", "\r", "\r\n", "\\n", "\\r", "\\r\\n"}),
        opt("trim_blocks", OptionType::boolean).def(true),
        opt("lstrip_blocks", OptionType::boolean).def(false),
        opt("block_start_string").def("{%"),
        opt("block_end_string").def("%}"),
        opt("variable_start_string").def("{{"),
        opt("variable_end_string").def("}}"),
        opt("comment_start_string"),
        opt("comment_end_string"),
        opt("output_encoding").def("utf-8"),
        opt("validate"),
        opt("follow", OptionType::boolean).def(false),
        opt("unsafe_writes", OptionType::boolean).def(false),
        opt("attributes").alias({"attr"}),
        opt("seuser"), opt("serole"), opt("setype"), opt("selevel"),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    if (!ctx.templar) return failed_result("template needs the playbook's variables");
    const std::string src = args["src"].get<std::string>();
    const std::string dest = args["dest"].get<std::string>();
    std::string path = files::find_controller_file(ctx.search_path, "templates", src);
    if (path.empty()) return files::controller_file_missing(ctx.search_path, "templates", src);
    path = std::filesystem::absolute(path).lexically_normal().string();

    files::WriteRequest req;
    try {
      req.attrs = files::attrs_from_args(args);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    if (req.attrs.mode == "preserve") {
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04o", st.st_mode & 07777);
        req.attrs.mode = buf;
      }
    }

    tmpl::RenderOptions opts = tmpl::RenderOptions::template_module();
    opts.syntax.trim_blocks = args["trim_blocks"] == true;
    opts.syntax.lstrip_blocks = args["lstrip_blocks"] == true;
    // Ansible's template action also takes the escaped spellings ('\r\n').
    std::string nl = args["newline_sequence"].get<std::string>();
    if (nl == "\\n") nl = "\n";
    else if (nl == "\\r") nl = "\r";
    else if (nl == "\\r\\n") nl = "\r\n";
    opts.syntax.newline_sequence = nl;
    opts.syntax.block_start = args["block_start_string"].get<std::string>();
    opts.syntax.block_end = args["block_end_string"].get<std::string>();
    opts.syntax.variable_start = args["variable_start_string"].get<std::string>();
    opts.syntax.variable_end = args["variable_end_string"].get<std::string>();
    if (args["comment_start_string"].is_string()) opts.syntax.comment_start = args["comment_start_string"].get<std::string>();
    if (args["comment_end_string"].is_string()) opts.syntax.comment_end = args["comment_end_string"].get<std::string>();
    // Includes resolve next to the template, then along the role's templates.
    opts.search_path.push_back(std::filesystem::path(path).parent_path().string());
    for (const auto& d : ctx.search_path) {
      opts.search_path.push_back(d + "/templates");
      opts.search_path.push_back(d);
    }

    tmpl::NoVariables none;
    OverlayVariables vars(ansible_template_vars(src, path, dest), ctx.vars ? *ctx.vars : none);
    try {
      req.content = files::make_content(ctx.templar->render_template_file(path, vars, opts));
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    req.dest = dest;
    req.force = args["force"] == true;
    req.backup = args["backup"] == true;
    if (args["validate"].is_string()) req.validate = args["validate"].get<std::string>();
    req.basename_in_dir = std::filesystem::path(path).filename().string();
    req.src_label = path;
    req.after_header = path;
    return files::write_file(ctx, req);
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration template_registration({"template"}, make_module<TemplateModule>);

}  // namespace drover
