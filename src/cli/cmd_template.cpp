// `drover template`: renders a template file to stdout exactly as Ansible's
// template module would write it (trim_blocks, trailing newlines, the
// "#jinja2:" header, Ansible's template_* variables), or evaluates one
// expression with -x. Variables come from -e like ansible-playbook's
// --extra-vars: k=v pairs, a YAML/JSON dict, or @file.
//
// Exit codes: 0 rendered, 1 the template failed (message on stderr),
// 5 bad options.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/vault_flags.hpp"
#include "core/error.hpp"
#include "core/pyrepr.hpp"
#include "core/yaml.hpp"
#include "modules/template_vars.hpp"
#include "template/engine.hpp"

namespace drover::cli {
namespace {

// Ansible's parse_kv for "-e 'a=1 b=\"two words\"'": values stay strings.
void merge_kv(const std::string& text, Value& vars) {
  std::string key, cur;
  char quote = 0;
  std::vector<std::string> tokens;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      else cur += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '\\' && i + 1 < text.size()) {
      cur += text[++i];
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  for (const auto& t : tokens) {
    size_t eq = t.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("extra vars must be key=value, a YAML/JSON dict or @file: '" + t + "'");
    vars[t.substr(0, eq)] = t.substr(eq + 1);
  }
}

void merge_extra_vars(const std::string& arg, Value& vars) {
  Value loaded;
  if (!arg.empty() && arg[0] == '@') {
    loaded = load_yaml_value_file(arg.substr(1));
  } else if (!arg.empty() && (arg[0] == '{' || arg[0] == '[')) {
    loaded = load_yaml_value_string(arg, "<extra vars>");
  } else {
    merge_kv(arg, vars);
    return;
  }
  if (loaded.is_null()) return;
  if (!loaded.is_object()) throw Error("extra vars must be a dict: " + arg);
  for (auto it = loaded.begin(); it != loaded.end(); ++it) vars[it.key()] = it.value();
}

struct TemplateFlags {
  std::string file;
  std::string expr;
  std::vector<std::string> extra;
  std::vector<std::string> search;
  bool lstrip_blocks = false;
  bool no_trim_blocks = false;
  VaultPasswordOptions vault;
};

int run(const TemplateFlags& f) {
  open_vault(f.vault, Config::load());
  Value vars = Value::object();
  vars["omit"] = tmpl::omit_placeholder();
  for (const auto& e : f.extra) merge_extra_vars(e, vars);
  tmpl::Engine engine;
  tmpl::ValueVariables raw(vars);
  tmpl::LazyVariables lazy(engine, raw);
  if (!f.expr.empty()) {
    Value v = engine.evaluate_expression(f.expr, lazy);
    std::cout << to_display_string(v) << "\n";
    return 0;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path full = fs::absolute(f.file, ec);
  if (!fs::is_regular_file(full, ec)) throw Error("could not find or access '" + f.file + "'");
  tmpl::RenderOptions opts = tmpl::RenderOptions::template_module();
  opts.syntax.trim_blocks = !f.no_trim_blocks;
  opts.syntax.lstrip_blocks = f.lstrip_blocks;
  opts.search_path = f.search;
  opts.search_path.push_back(full.parent_path().string() + "/templates");
  opts.name = f.file;
  // The variables the template module adds, above the given ones.
  OverlayVariables with_template_vars(ansible_template_vars(f.file, full.string(), Value(nullptr)), lazy);
  std::string out = engine.render_template_file(full.string(), with_template_vars, opts);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

void add_template_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<TemplateFlags>();
  auto* cmd = app.add_subcommand("template", "Render a Jinja2 template like Ansible's template module");
  cmd->add_option("file", flags->file, "template file to render");
  cmd->add_option("-x,--expression", flags->expr, "evaluate one Jinja2 expression and print its value");
  cmd->add_option("-e,--extra-vars", flags->extra, "variables: key=value, YAML/JSON dict, or @file")->take_all();
  cmd->add_option("--search-path", flags->search, "directories for include/import/extends");
  cmd->add_flag("--lstrip-blocks", flags->lstrip_blocks, "the template module's lstrip_blocks option");
  cmd->add_flag("--no-trim-blocks", flags->no_trim_blocks, "the template module's trim_blocks: false");
  add_vault_flags(*cmd, flags->vault);
  cmd->callback([flags, &exit_code] {
    if (flags->file.empty() == flags->expr.empty()) {
      std::cerr << "ERROR! give either a template FILE or -x EXPRESSION\n";
      exit_code = 5;
      return;
    }
    try {
      exit_code = run(*flags);
    } catch (const tmpl::TemplateError& e) {
      std::fflush(stdout);
      std::cerr << "ERROR! " << e.what() << "\n";
      exit_code = 1;
    } catch (const Error& e) {
      std::fflush(stdout);
      std::cerr << "ERROR! " << e.what() << "\n";
      exit_code = 1;
    }
  });
}

}  // namespace drover::cli
