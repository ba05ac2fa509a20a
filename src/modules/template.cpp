// template: render a Jinja2 file on the controller and put the result on the
// target (ansible.builtin.template, ansible-core 2.14). The source is found
// along the search path (templates/ first); the render sees the task's
// variables plus Ansible's template_* variables and ansible_managed, with
// the module's trim_blocks / lstrip_blocks / newline_sequence / delimiter
// options. The write is files::write_file (as Ansible hands over to copy).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "core/error.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"
#include "modules/shell_script.hpp"
#include "modules/template_vars.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Ansible's template action fails on any exception of the render with
// "<class name>: <text>" and the traceback, whose last line the callback
// shows ("... The error was: ansible.errors.AnsibleError: ..."). The text
// is the Templar's for the whole file (`source`): a syntax error and a
// TypeError quote it, an undefined variable repeats its message
// (AnsibleError's ". <orig_exc>"), a Python exception that Jinja2 lets
// through is itself.
Value render_failure(const Error& e, const std::string& source) {
  using Kind = tmpl::TemplateError::Kind;
  auto* te = dynamic_cast<const tmpl::TemplateError*>(&e);
  const std::string& m = e.message();
  std::string type = "ansible.errors.AnsibleError", text = m;
  if (te && !te->python_type().empty()) {
    type = te->python_type();
  } else if (te && te->kind() == Kind::Syntax) {
    text = "template error while templating string: " + m + ". String: " + source + ". " + m;
  } else if (te && te->kind() == Kind::Undefined) {
    type = "ansible.errors.AnsibleUndefinedVariable";
    text = m + ". " + m;
  } else if (te && te->kind() == Kind::Type) {
    text = "Unexpected templating type error occurred on (" + source + "): " + m + ". " + m;
  } else if (m.rfind("Mandatory variable ", 0) == 0) {
    type = "ansible.errors.AnsibleFilterError";
  }
  std::string short_type = type.substr(type.rfind('.') + 1);
  Value r = failed_result(short_type + ": " + text);
  r["exception"] = "Traceback (most recent call last):\n  File \"<template>\", line " +
                   std::to_string(std::max(1, e.where().line)) + ", in top-level template code\n" + type + ": " +
                   text + "\n";
  return r;
}

class TemplateModule : public Module {
 public:
  TemplateModule() {
    spec_.options = {
        opt("src", OptionType::path).req(),
        opt("dest", OptionType::path).req(),
        opt("backup", OptionType::boolean).def(false),
        opt("force", OptionType::boolean).def(true),
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
    };
    files::add_common_options(spec_);
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    if (!ctx.templar) return failed_result("template needs the playbook's variables");
    const std::string src = args.str("src");
    const std::string dest = args.str("dest");
    std::string path = files::find_controller_file(ctx.search_path, "templates", src);
    if (path.empty()) return files::controller_file_missing(ctx.search_path, "templates", src);
    path = std::filesystem::absolute(path).lexically_normal().string();

    files::WriteRequest req;
    try {
      req.attrs = files::attrs_from_args(validated);
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
    opts.syntax.trim_blocks = args.flag("trim_blocks");
    opts.syntax.lstrip_blocks = args.flag("lstrip_blocks");
    // Ansible's template action also takes the escaped spellings ('\r\n').
    std::string nl = args.str("newline_sequence");
    if (nl == "\\n") nl = "\n";
    else if (nl == "\\r") nl = "\r";
    else if (nl == "\\r\\n") nl = "\r\n";
    opts.syntax.newline_sequence = nl;
    opts.syntax.block_start = args.str("block_start_string");
    opts.syntax.block_end = args.str("block_end_string");
    opts.syntax.variable_start = args.str("variable_start_string");
    opts.syntax.variable_end = args.str("variable_end_string");
    if (args.has("comment_start_string")) opts.syntax.comment_start = args.str("comment_start_string");
    if (args.has("comment_end_string")) opts.syntax.comment_end = args.str("comment_end_string");
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
      return render_failure(e, file_text(path));
    }
    req.dest = dest;
    req.force = args.flag("force");
    req.backup = args.flag("backup");
    if (args.has("validate")) req.validate = args.str("validate");
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
