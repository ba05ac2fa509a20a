// `drover hosts`: the CMDB from a shell, on the same data directory as
// `drover server` (--data, default ./var or DROVER_DATA).
//
//   drover hosts ls [--role R] [--line L] [--idc I] [--status S] [--tag T] [-q TEXT] [--json]
//   drover hosts add HOSTNAME [--ip IP] [--role R] ... [--tag T]... [--var K=V]...
//   drover hosts import FILE.csv|FILE.json     (all or nothing; row and column on error)
//   drover hosts export [--format csv|json] [-o FILE]
//
// Changes are written to the audit log as user "cli:$USER" from "local".
//
// While a `drover server` runs on the same data directory (it holds
// <data>/drover.lock), these commands still write the database directly:
// each change is one short transaction, and SQLite's write lock orders it
// with the server's writes (both sides wait for the lock a bounded time, and
// neither keeps it or a snapshot after its transaction). When the lock stays
// taken, the error names the server. The CLI never migrates the schema under
// a running server: an older database is refused with the server's pid.
// Exit codes: 0 done, 1 an error (message on stderr), 5 bad options.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "server/remote_inventory.hpp"
#include "store/audit.hpp"
#include "store/cmdb_inventory.hpp"
#include "store/data_lock.hpp"
#include "store/host_import.hpp"
#include "store/store.hpp"

namespace drover::cli {
namespace {

struct HostsFlags {
  std::string data;
  // ls
  std::string role, line, idc, region, status, tag, query, sort = "hostname";
  bool json = false;
  // add
  std::string hostname, ip, platform, machine_type;
  std::vector<std::string> tags, vars;
  // import / export
  std::string file, format, output;
};

std::string data_dir(const HostsFlags& f) {
  if (!f.data.empty()) return f.data;
  const char* env = std::getenv("DROVER_DATA");
  return env && *env ? env : "./var";
}

store::AuditEntry cli_audit(const std::string& action, const std::string& id, Value details) {
  store::AuditEntry e;
  const char* user = std::getenv("USER");
  e.username = std::string("cli:") + (user ? user : "unknown");
  e.address = "local";
  e.action = action;
  e.resource = "hosts";
  e.resource_id = id;
  e.details = std::move(details);
  return e;
}

std::string server_note(const std::string& dir) {
  auto owner = store::data_dir_owner(dir);
  if (!owner) return "";
  std::string who = "drover server";
  if (owner->pid > 0) who += " pid " + std::to_string(owner->pid);
  if (!owner->url.empty()) who += " (" + owner->url + ")";
  return who;
}

Error locked_error(const HostsFlags& f) {
  std::string server = server_note(data_dir(f));
  return Error("the database in " + data_dir(f) + " stayed locked for 15 s" +
               (server.empty() ? std::string(" by another process") : " (" + server + " runs on it)") +
               "; nothing was written, try again");
}

// The store of --data (the Store itself refuses to migrate a database that
// another process's server runs on).
std::unique_ptr<store::Store> open_store(const HostsFlags& f) {
  store::StoreOptions o;
  o.readers = 1;
  try {
    return std::make_unique<store::Store>(data_dir(f), o);
  } catch (const store::BusyError&) {
    throw locked_error(f);
  }
}

// One write transaction; a lock that does not come within the budget is
// an error that says who holds the directory.
template <class Fn>
auto cli_write(const HostsFlags& f, store::Store& st, Fn&& fn) {
  try {
    return st.db().write(std::forward<Fn>(fn));
  } catch (const store::BusyError&) {
    throw locked_error(f);
  }
}

std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); }

int run_ls(const HostsFlags& f) {
  auto st = open_store(f);
  store::HostFilter filter;
  filter.role = opt(f.role);
  filter.line = opt(f.line);
  filter.idc = opt(f.idc);
  filter.region = opt(f.region);
  filter.status = opt(f.status);
  filter.tag = opt(f.tag);
  filter.q = opt(f.query);
  filter.sort = f.sort;
  auto hosts = st->db().read([&](store::Connection& c) { return store::all_hosts(c, filter); });
  if (f.json) {
    std::cout << store::hosts_to_json(hosts).dump(2) << "\n";
    return 0;
  }
  std::printf("%-32s %-15s %-10s %-10s %-8s %-12s %s\n", "HOSTNAME", "IP", "ROLE", "LINE", "IDC", "STATUS", "TAGS");
  for (const auto& h : hosts) {
    std::string tags;
    for (const auto& t : h.tags) tags += (tags.empty() ? "" : ",") + t;
    std::printf("%-32s %-15s %-10s %-10s %-8s %-12s %s\n", h.hostname.c_str(), h.ip.c_str(), h.role.c_str(),
                h.line.c_str(), h.idc.c_str(), h.status.c_str(), tags.c_str());
  }
  return 0;
}

int run_add(const HostsFlags& f) {
  Value obj = {{"hostname", f.hostname}};
  const std::pair<const char*, const std::string*> fields[] = {
      {"ip", &f.ip},     {"role", &f.role}, {"platform", &f.platform}, {"machine_type", &f.machine_type},
      {"line", &f.line}, {"idc", &f.idc},   {"region", &f.region},     {"status", &f.status}};
  for (const auto& [name, value] : fields)
    if (!value->empty()) obj[name] = *value;
  if (!f.tags.empty()) obj["tags"] = f.tags;
  Value vars = Value::object();
  for (const auto& kv : f.vars) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw OptionsError("--var wants KEY=VALUE, not '" + kv + "'");
    vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!vars.empty()) obj["vars"] = vars;
  store::Host h;
  try {
    h = store::parse_host(obj);
  } catch (const store::FieldError& e) {
    throw OptionsError(e.message());
  }
  auto st = open_store(f);
  h = cli_write(f, *st, [&](store::Connection& c) {
    store::Host created = store::insert_host(c, h);
    store::append_audit(c, cli_audit("create", std::to_string(created.id), {{"hostname", created.hostname}}));
    return created;
  });
  std::cout << "added " << h.hostname << " (id " << h.id << ")\n";
  return 0;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run_import(const HostsFlags& f) {
  std::string text = read_all(f.file);
  std::string format = f.format;
  if (format.empty()) format = f.file.size() > 5 && f.file.substr(f.file.size() - 5) == ".json" ? "json" : "csv";
  std::vector<store::Host> hosts;
  try {
    if (format == "json") {
      Value doc = Value::parse(text, nullptr, false);
      if (doc.is_discarded()) throw Error(f.file + ": not valid JSON");
      hosts = store::parse_hosts_json(doc);
    } else {
      hosts = store::parse_hosts_csv(text);
    }
  } catch (const store::ImportError& e) {
    throw Error(f.file + ": " + e.message() + "; nothing was imported");
  }
  auto st = open_store(f);
  auto counts = cli_write(f, *st, [&](store::Connection& c) {
    auto n = store::import_hosts(c, hosts);
    store::append_audit(c, cli_audit("import", "", {{"created", n.created}, {"updated", n.updated}, {"file", f.file}}));
    return n;
  });
  std::cout << "imported " << hosts.size() << " hosts from " << f.file << ": " << counts.created << " created, "
            << counts.updated << " updated\n";
  return 0;
}

int run_export(const HostsFlags& f) {
  auto st = open_store(f);
  auto hosts = st->db().read([&](store::Connection& c) { return store::all_hosts(c, store::HostFilter{}); });
  std::string text = f.format == "json" ? store::hosts_to_json(hosts).dump(2) + "\n" : store::hosts_to_csv(hosts);
  if (f.output.empty() || f.output == "-") {
    std::cout << text;
  } else {
    std::ofstream out(f.output, std::ios::binary);
    if (!(out << text)) throw Error("cannot write " + f.output);
  }
  return 0;
}

void add_filter_options(CLI::App* cmd, HostsFlags& f) {
  cmd->add_option("--role", f.role, "only hosts with this role");
  cmd->add_option("--line", f.line, "only hosts on this network line");
  cmd->add_option("--idc", f.idc, "only hosts in this IDC");
  cmd->add_option("--region", f.region, "only hosts in this region");
  cmd->add_option("--status", f.status, "online, offline or maintenance");
}

}  // namespace

void register_cmdb_inventory() {
  store::register_cmdb_inventory_source();
  server::register_remote_inventory_source();
}

void add_hosts_command(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<HostsFlags>();
  CLI::App* hosts = app.add_subcommand("hosts", "the CMDB: list, add, import and export hosts");
  hosts->require_subcommand(1);
  hosts->add_option("--data", f->data, "data directory (default ./var, DROVER_DATA)");

  CLI::App* ls = hosts->add_subcommand("ls", "list hosts");
  add_filter_options(ls, *f);
  ls->add_option("--tag", f->tag, "only hosts with this tag");
  ls->add_option("-q", f->query, "hostname or ip contains this text");
  ls->add_option("--sort", f->sort, "sort by this field (default hostname)");
  ls->add_flag("--json", f->json, "print JSON");
  ls->callback([f, &exit_code] { exit_code = run_ls(*f); });

  CLI::App* add = hosts->add_subcommand("add", "add one host");
  add->add_option("hostname", f->hostname, "the host's name")->required();
  add_filter_options(add, *f);
  add->add_option("--ip", f->ip, "address");
  add->add_option("--platform", f->platform, "platform");
  add->add_option("--machine-type", f->machine_type, "machine type");
  add->add_option("--tag", f->tags, "a tag (repeat for more)");
  add->add_option("--var", f->vars, "a host var KEY=VALUE (repeat for more)");
  add->callback([f, &exit_code] { exit_code = run_add(*f); });

  CLI::App* imp = hosts->add_subcommand("import", "import hosts from CSV or JSON (all or nothing)");
  imp->add_option("file", f->file, "a .csv or .json file")->required();
  imp->add_option("--format", f->format, "csv or json (default: by extension)")->check(CLI::IsMember({"csv", "json"}));
  imp->callback([f, &exit_code] { exit_code = run_import(*f); });

  CLI::App* exp = hosts->add_subcommand("export", "export every host as CSV or JSON");
  exp->add_option("--format", f->format, "csv (default) or json")->check(CLI::IsMember({"csv", "json"}));
  exp->add_option("-o,--output", f->output, "write to this file instead of stdout");
  exp->callback([f, &exit_code] { exit_code = run_export(*f); });
}

}  // namespace drover::cli
