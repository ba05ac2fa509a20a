// `drover run PATTERN -m MODULE -a ARGS`: the `ansible` command.
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/prompt.hpp"
#include "cli/signals.hpp"
#include "cli/vault_flags.hpp"
#include "cli/yaml_policy.hpp"
#include "core/error.hpp"
#include "engine/adhoc.hpp"
#include "engine/config.hpp"
#include "engine/extra_vars.hpp"
#include "inventory/inventory.hpp"
#include "output/adhoc_printer.hpp"
#include "output/color.hpp"

namespace drover::cli {
namespace {

struct RunFlags {
  std::string pattern;
  std::string module = "command";
  std::string args;
  std::vector<std::string> inventory;
  std::string limit;
  int forks = 0;
  std::vector<std::string> extra_vars;
  bool check = false, diff = false, one_line = false, json = false, list_hosts = false;
  int verbosity = 0;
  int task_timeout = 0;
  bool ask_pass = false, ask_become_pass = false;
  std::string user, private_key, connection, become_method, become_user, ssh_common_args, ssh_extra_args;
  int timeout = 0;
  bool become = false;
  VaultPasswordOptions vault;
  int async_s = 0, poll_s = -1;
};

int run(const RunFlags& f) {
  Config config = Config::load();
  AdhocFormat format = f.json ? AdhocFormat::json_lines : f.one_line ? AdhocFormat::oneline : AdhocFormat::minimal;
  bool color = color_enabled(1, config.boolean("ANSIBLE_FORCE_COLOR"), config.boolean("ANSIBLE_NOCOLOR"));
  AdhocPrinter printer(format, f.verbosity, color);
  for (const auto& w : config.warnings()) printer.warning(w);
  YamlPolicyScope yaml_policy(config, [&printer](const std::string& w) { printer.warning(w); });

  AdhocRequest req;
  req.pattern = f.pattern;
  req.limit = f.limit;
  req.module = f.module;
  req.args = f.args;
  req.forks = f.forks > 0 ? f.forks : config.integer("DEFAULT_FORKS");
  req.check_mode = f.check;
  req.diff_mode = f.diff;
  req.task_timeout_s = f.task_timeout;
  req.list_hosts = f.list_hosts;
  req.async_s = f.async_s;
  if (f.poll_s >= 0) req.poll_s = f.poll_s;
  auto& c = req.connection;
  if (!f.user.empty()) c.remote_user = f.user;
  if (!f.private_key.empty()) c.private_key_file = f.private_key;
  if (!f.connection.empty()) c.connection = f.connection;
  if (f.timeout > 0) c.timeout = f.timeout;
  if (!f.ssh_common_args.empty()) c.ssh_common_args = f.ssh_common_args;
  if (!f.ssh_extra_args.empty()) c.ssh_extra_args = f.ssh_extra_args;
  if (f.become) c.become = true;
  if (!f.become_method.empty()) c.become_method = f.become_method;
  if (!f.become_user.empty()) c.become_user = f.become_user;

  // Arguments are checked before anything else happens (passwords, hosts).
  if (!f.list_hosts) parse_adhoc_args(req.module, req.args, AdhocModules::for_run(config));

  if (f.ask_pass || config.boolean("DEFAULT_ASK_PASS")) c.password = prompt_secret("SSH password: ");
  if (f.ask_become_pass || config.boolean("DEFAULT_BECOME_ASK_PASS")) {
    std::string p = prompt_secret(c.password ? "BECOME password[defaults to SSH password]: " : "BECOME password: ");
    c.become_password = p.empty() && c.password ? *c.password : p;
  }

  // The vault password is asked after the SSH and become ones, as `ansible` asks.
  open_vault(f.vault, config);
  req.extra_vars = parse_extra_vars(f.extra_vars);  // -e @file may be vaulted
  std::vector<std::string> sources = f.inventory.empty() ? config.list("DEFAULT_HOST_LIST") : f.inventory;
  inventory::Inventory inv = inventory::Inventory::load(sources);
  for (const auto& w : inv.take_warnings()) printer.warning(w);
  req.cancel = cancel_on_signals();  // after the prompts: ^C there still ends at once
  return run_adhoc(inv, config, req, printer);
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<RunFlags>();
  auto* cmd = app.add_subcommand("run", "Run one module on the hosts a pattern selects (like `ansible`)");
  cmd->add_option("pattern", flags->pattern, "Host pattern")->required();
  cmd->add_option("-m,--module-name", flags->module, "Module to run (default: command)");
  cmd->add_option("-a,--args", flags->args, "Module arguments: k=v ..., free-form, or a JSON object");
  cmd->add_option("-i,--inventory,--inventory-file", flags->inventory, "Inventory source (repeatable)")->allow_extra_args(false);
  cmd->add_option("-l,--limit", flags->limit, "Further limit the selected hosts (pattern or @file)");
  cmd->add_option("-f,--forks", flags->forks, "Hosts handled in parallel (default: ansible.cfg forks, 5)");
  cmd->add_option("-e,--extra-vars", flags->extra_vars, "Extra variables: k=v, JSON/YAML, or @file")->allow_extra_args(false);
  cmd->add_flag("-C,--check", flags->check, "Check mode: change nothing");
  cmd->add_flag("-D,--diff", flags->diff, "Show differences");
  cmd->add_flag("-o,--one-line", flags->one_line, "One line per host");
  cmd->add_flag("--json", flags->json, "One JSON object per line");
  cmd->add_flag("--list-hosts", flags->list_hosts, "List the matching hosts and exit");
  cmd->add_flag("-v,--verbose", flags->verbosity, "More output (-vvv shows module arguments)");
  cmd->add_option("--task-timeout", flags->task_timeout, "Seconds before the module run is killed");
  cmd->add_flag("-k,--ask-pass", flags->ask_pass, "Ask for the SSH password");
  cmd->add_flag("-K,--ask-become-pass", flags->ask_become_pass, "Ask for the become password");
  cmd->add_option("-u,--user", flags->user, "Remote user");
  cmd->add_option("--private-key,--key-file", flags->private_key, "Private key file");
  cmd->add_option("-c,--connection", flags->connection, "Connection type: ssh or local");
  cmd->add_option("-T,--timeout", flags->timeout, "Connect timeout in seconds (default 10)");
  cmd->add_option("--ssh-common-args", flags->ssh_common_args, "Extra ssh options (-o Key=Value ...)");
  cmd->add_option("--ssh-extra-args", flags->ssh_extra_args, "Extra ssh options for the session");
  cmd->add_flag("-b,--become", flags->become, "Run as another user (sudo)");
  cmd->add_option("--become-method", flags->become_method, "sudo or su");
  cmd->add_option("--become-user", flags->become_user, "User to become (default root)");
  cmd->add_option("-B,--background", flags->async_s, "Run as an async job with this time limit in seconds");
  cmd->add_option("-P,--poll", flags->poll_s, "Seconds between checks of a -B job (default 15; 0: print its handle and return)");
  add_vault_flags(*cmd, flags->vault);
  cmd->callback([flags, &exit_code] { exit_code = run(*flags); });
}

}  // namespace drover::cli
