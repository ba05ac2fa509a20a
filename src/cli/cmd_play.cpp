// `drover play PLAYBOOK...`: the `ansible-playbook` command.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <mutex>

#include "cli/commands.hpp"
#include "cli/prompt.hpp"
#include "cli/signals.hpp"
#include "cli/vault_flags.hpp"
#include "cli/yaml_policy.hpp"
#include "core/error.hpp"
#include "core/pyjson.hpp"
#include "engine/config.hpp"
#include "engine/extra_vars.hpp"
#include "engine/play_listing.hpp"
#include "engine/play_runner.hpp"
#include "engine/playbook_loader.hpp"
#include "inventory/inventory.hpp"
#include "output/playbook_output.hpp"

namespace drover::cli {
namespace {

struct PlayFlags {
  std::vector<std::string> playbooks;
  std::vector<std::string> inventory;
  std::string limit;
  int forks = 0;
  std::vector<std::string> extra_vars;
  std::vector<std::string> tags, skip_tags;
  bool check = false, diff = false, json = false;
  bool list_hosts = false, list_tasks = false, list_tags = false, syntax_check = false;
  int verbosity = 0;
  std::string start_at_task;
  bool force_handlers = false, flush_cache = false;
  bool ask_pass = false, ask_become_pass = false;
  std::string user, private_key, connection, become_method, become_user, ssh_common_args, ssh_extra_args;
  int timeout = 0;
  bool become = false;
  VaultPasswordOptions vault;
};

// ansible.cfg's (and ANSIBLE_*'s) output settings: the callbacks and the
// default callback's options.
PlaybookOutputOptions output_options(const Config& config) {
  PlaybookOutputOptions po;
  DefaultCallbackOptions& d = po.display;
  d.display_skipped_hosts = config.boolean("DISPLAY_SKIPPED_HOSTS");
  d.display_ok_hosts = config.boolean("DISPLAY_OK_HOSTS");
  d.display_failed_stderr = config.boolean("DISPLAY_FAILED_STDERR");
  d.show_custom_stats = config.boolean("SHOW_CUSTOM_STATS");
  d.show_per_host_start = config.boolean("SHOW_PER_HOST_START");
  d.check_mode_markers = config.boolean("CHECK_MODE_MARKERS");
  d.show_task_path_on_failure = config.boolean("SHOW_TASK_PATH_ON_FAILURE");
  d.display_args_to_stdout = config.boolean("DISPLAY_ARGS_TO_STDOUT");
  d.action_warnings = config.boolean("ACTION_WARNINGS");
  d.deprecation_warnings = config.boolean("DEPRECATION_WARNINGS");
  d.diff_context = config.integer("DIFF_CONTEXT");
  po.force_color = config.boolean("ANSIBLE_FORCE_COLOR");
  po.no_color = config.boolean("ANSIBLE_NOCOLOR");
  po.stdout_callback = config.str("DEFAULT_STDOUT_CALLBACK");
  po.result_format = config.str("CALLBACK_RESULT_FORMAT");
  po.callbacks_enabled = config.list("CALLBACKS_ENABLED");
  po.profile_tasks_limit = config.str("PROFILE_TASKS_TASK_OUTPUT_LIMIT");
  po.profile_tasks_sort = config.str("PROFILE_TASKS_SORT_ORDER");
  po.json_indent = config.integer("JSON_CALLBACK_INDENT");
  return po;
}

int run(const PlayFlags& f) {
  Config config = Config::load();
  YamlWarningRelay yaml_warnings;
  YamlPolicyScope yaml_policy(config, [&yaml_warnings](const std::string& w) { yaml_warnings.warn(w); });
  // Ansible's order: the SSH and become passwords (not for a listing or a
  // syntax check), then the vault passwords, then the playbooks.
  std::optional<std::string> ssh_password, become_password;
  if (!(f.syntax_check || f.list_hosts || f.list_tasks || f.list_tags)) {
    if (f.ask_pass || config.boolean("DEFAULT_ASK_PASS")) ssh_password = prompt_secret("SSH password: ");
    if (f.ask_become_pass || config.boolean("DEFAULT_BECOME_ASK_PASS")) {
      std::string p = prompt_secret(ssh_password ? "BECOME password[defaults to SSH password]: " : "BECOME password: ");
      become_password = p.empty() && ssh_password ? *ssh_password : p;
    }
  }
  open_vault(f.vault, config);
  RunOptions opts;
  opts.limit = f.limit;
  opts.extra_vars = parse_extra_vars(f.extra_vars);
  opts.forks = f.forks > 0 ? f.forks : config.integer("DEFAULT_FORKS");
  opts.check_mode = f.check;
  opts.diff_mode = f.diff;
  opts.verbosity = f.verbosity;
  if (!f.tags.empty()) opts.tags.only = parse_tag_options(f.tags);
  opts.tags.skip = parse_tag_options(f.skip_tags);
  opts.start_at_task = f.start_at_task;
  opts.force_handlers = f.force_handlers;
  opts.flush_cache = f.flush_cache;
  opts.interactive = isatty(STDIN_FILENO) != 0;
  opts.config_file = config.file();
  auto& c = opts.connection;
  if (!f.user.empty()) c.remote_user = f.user;
  if (!f.private_key.empty()) c.private_key_file = f.private_key;
  if (!f.connection.empty()) c.connection = f.connection;
  if (f.timeout > 0) c.timeout = f.timeout;
  if (!f.ssh_common_args.empty()) c.ssh_common_args = f.ssh_common_args;
  if (!f.ssh_extra_args.empty()) c.ssh_extra_args = f.ssh_extra_args;
  if (f.become) c.become = true;
  if (!f.become_method.empty()) c.become_method = f.become_method;
  if (!f.become_user.empty()) c.become_user = f.become_user;

  LoadOptions lo = load_options(config);
  lo.extra_vars = opts.extra_vars;
  // Every playbook is loaded (and checked) before anything runs.
  std::vector<Playbook> books;
  for (const auto& p : f.playbooks) books.push_back(load_playbook(p, lo));
  if (f.syntax_check) {
    yaml_warnings.flush();
    for (const auto& p : f.playbooks) std::printf("\nplaybook: %s\n", p.c_str());
    return 0;
  }

  if (ssh_password) c.password = ssh_password;
  if (become_password) c.become_password = become_password;
  std::vector<std::string> sources = f.inventory.empty() ? config.list("DEFAULT_HOST_LIST") : f.inventory;
  opts.inventory_sources = sources;
  inventory::Inventory inv = inventory::Inventory::load(sources);

  if (f.list_hosts || f.list_tasks || f.list_tags) {
    yaml_warnings.flush();
    for (size_t i = 0; i < books.size(); ++i)
      std::fputs(list_playbook(books[i], f.playbooks[i], inv, opts, f.list_hosts, f.list_tasks, f.list_tags).c_str(),
                 stdout);
    return 0;
  }

  PlaybookOutputOptions po = output_options(config);
  po.display.verbosity = opts.verbosity;
  po.display.check = opts.check_mode;
  std::vector<std::string> output_warnings;
  auto callback = make_playbook_output(f.json, po, &output_warnings);
  for (const auto& w : config.warnings()) callback->warning(w);
  for (const auto& w : output_warnings) callback->warning(w);
  yaml_warnings.attach(callback);
  for (const auto& w : inv.take_warnings()) callback->warning(w);
  opts.cancel = cancel_on_signals();
  int rc = 0;
  for (auto& book : books) {
    PlaybookRunner runner(book, inv, config, opts, *callback);
    rc = runner.run();
    if (rc != 0) break;
  }
  return rc;
}

}  // namespace

void add_play_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<PlayFlags>();
  auto* cmd = app.add_subcommand("play", "Run playbooks (like `ansible-playbook`)");
  cmd->add_option("playbook", flags->playbooks, "Playbook files")->required();
  cmd->add_option("-i,--inventory,--inventory-file", flags->inventory, "Inventory source (repeatable)")->allow_extra_args(false);
  cmd->add_option("-l,--limit", flags->limit, "Further limit the selected hosts (pattern or @file)");
  cmd->add_option("-f,--forks", flags->forks, "Hosts handled in parallel (default: ansible.cfg forks, 5)");
  cmd->add_option("-e,--extra-vars", flags->extra_vars, "Extra variables: k=v, JSON/YAML, or @file")->allow_extra_args(false);
  cmd->add_option("-t,--tags", flags->tags, "Only run tasks with these tags")->allow_extra_args(false);
  cmd->add_option("--skip-tags", flags->skip_tags, "Skip tasks with these tags")->allow_extra_args(false);
  cmd->add_flag("-C,--check", flags->check, "Check mode: change nothing");
  cmd->add_flag("-D,--diff", flags->diff, "Show differences");
  cmd->add_flag("--json", flags->json, "One JSON event per line");
  cmd->add_flag("--list-hosts", flags->list_hosts, "List the hosts each play would run on");
  cmd->add_flag("--list-tasks", flags->list_tasks, "List the tasks that would run");
  cmd->add_flag("--list-tags", flags->list_tags, "List the tags");
  cmd->add_flag("--syntax-check", flags->syntax_check, "Check the playbooks and exit");
  cmd->add_flag("-v,--verbose", flags->verbosity, "More output (-v to -vvvv)");
  cmd->add_option("--start-at-task", flags->start_at_task, "Start at the task with this name");
  cmd->add_flag("--force-handlers", flags->force_handlers, "Run handlers even on failed hosts");
  cmd->add_flag("--flush-cache", flags->flush_cache, "Clear the fact cache for every host");
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
  add_vault_flags(*cmd, flags->vault);
  cmd->callback([flags, &exit_code] { exit_code = run(*flags); });
}

}  // namespace drover::cli
