// `drover inventory`: the `ansible-inventory` command (--list, --graph,
// --host), same output shapes, plus -l/--limit to show part of it.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/vault_flags.hpp"
#include "cli/yaml_policy.hpp"
#include "core/error.hpp"
#include "core/pyjson.hpp"
#include "engine/config.hpp"
#include "inventory/inventory.hpp"
#include "inventory/inventory_dump.hpp"

namespace drover::cli {
namespace {

struct InventoryFlags {
  std::vector<std::string> inventory;
  bool list = false, graph = false, yaml = false, toml = false, show_vars = false, export_vars = false;
  std::string host;
  std::string output;
  std::string limit;
  std::string pattern;  // host|group positional
  VaultPasswordOptions vault;
};

void print_warning(const std::string& text) { std::cerr << "[WARNING]: " << text << "\n"; }

std::string dump_json(const Value& v) {
  JsonDumpOptions o;
  o.indent = 4;
  o.sort_keys = true;
  o.ensure_ascii = false;
  return python_json_dumps(v, o);
}

int run(const InventoryFlags& f) {
  int actions = (f.list ? 1 : 0) + (f.graph ? 1 : 0) + (f.host.empty() ? 0 : 1);
  if (actions == 0)
    throw OptionsError("No action selected, at least one of --host, --graph or --list needs to be specified.");
  if (actions > 1)
    throw OptionsError("Conflicting options used, only one of --host, --graph or --list can be used at the same time.");
  if (f.toml) throw OptionsError("--toml is not supported by drover inventory");

  Config config = Config::load();
  for (const auto& w : config.warnings()) print_warning(w);
  YamlPolicyScope yaml_policy(config, [](const std::string& w) { print_warning(w); });
  open_vault(f.vault, config);  // inline values stay encrypted: printed as ansible-inventory prints them
  std::vector<std::string> sources = f.inventory.empty() ? config.list("DEFAULT_HOST_LIST") : f.inventory;
  inventory::Inventory inv = inventory::Inventory::load(sources);
  for (const auto& w : inv.take_warnings()) print_warning(w);

  inventory::DumpOptions opts;
  opts.export_vars = f.export_vars;
  opts.show_vars = f.show_vars;
  std::vector<const inventory::Host*> limited;
  std::vector<std::string> warnings;
  if (!f.limit.empty()) {
    limited = inv.select("all", f.limit, &warnings);
    opts.only = &limited;
  }
  for (const auto& w : warnings) print_warning(w);

  std::string results;
  if (!f.host.empty()) {
    std::vector<std::string> host_warnings;
    auto hosts = inv.select(f.host, f.limit, &host_warnings);
    for (const auto& w : host_warnings) print_warning(w);
    if (hosts.size() != 1) throw OptionsError("You must pass a single valid host to --host parameter");
    Value vars = inventory::host_dump_vars(inv, *hosts[0], opts.export_vars);
    results = f.yaml ? inventory::yaml_dump(vars) : dump_json(vars);
  } else if (f.graph) {
    const inventory::Group* start = inv.find_group(f.pattern.empty() ? "all" : f.pattern);
    if (!start) throw OptionsError("Pattern must be valid group name when using --graph");
    results = inventory::graph_text(inv, *start, opts);
  } else {
    results = f.yaml ? inventory::yaml_dump(inventory::yaml_list_document(inv, opts))
                     : dump_json(inventory::list_document(inv, opts));
  }

  if (f.output.empty()) {
    if (results.empty() || results.back() != '\n') results += '\n';
    std::fwrite(results.data(), 1, results.size(), stdout);
    std::fflush(stdout);
    return 0;
  }
  std::ofstream out(f.output, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("Unable to write to destination file (" + f.output + "): cannot open");
  out << results;
  if (!out) throw Error("Unable to write to destination file (" + f.output + "): write failed");
  return 0;
}

}  // namespace

void add_inventory_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<InventoryFlags>();
  auto* cmd = app.add_subcommand("inventory", "Show the inventory as drover reads it (like `ansible-inventory`)");
  cmd->add_option("pattern", flags->pattern, "Group to start --graph at (default: all)");
  cmd->add_option("-i,--inventory,--inventory-file", flags->inventory, "Inventory source (repeatable)");
  cmd->add_flag("--list", flags->list, "Every group and host with its variables, as JSON");
  cmd->add_flag("--graph", flags->graph, "The group tree");
  cmd->add_option("--host", flags->host, "The variables of one host");
  cmd->add_flag("-y,--yaml", flags->yaml, "YAML instead of JSON (not for --graph)");
  cmd->add_flag("--toml", flags->toml, "TOML output (not supported)");
  cmd->add_flag("--vars", flags->show_vars, "Show variables in --graph");
  cmd->add_flag("--export", flags->export_vars, "Keep group variables on their groups in --list");
  cmd->add_option("--output", flags->output, "Write the result to this file instead of stdout");
  cmd->add_option("-l,--limit", flags->limit, "Only the hosts this pattern selects (pattern or @file)");
  add_vault_flags(*cmd, flags->vault);
  cmd->callback([flags, &exit_code] {
    exit_code = run(*flags);
  });
}

}  // namespace drover::cli
