#include "server/jobs/job_execution.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/pyjson.hpp"
#include "engine/config.hpp"
#include "engine/play_runner.hpp"
#include "engine/playbook_loader.hpp"
#include "engine/tags.hpp"
#include "inventory/inventory.hpp"

extern char** environ;

namespace drover::server {
namespace fs = std::filesystem;

namespace {

constexpr const char* kStateNames[] = {"pending", "running", "successful", "failed", "canceled", "error"};

// Writes `content` to `path` with `mode`, replacing any old file.
void write_private_file(const std::string& path, const std::string& content, mode_t mode) {
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw Error("cannot create " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw Error("cannot write " + path + ": " + std::strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
}

// Removes the job's secret files however execute_job leaves.
struct SecretFiles {
  std::vector<std::string> paths;
  ~SecretFiles() {
    for (const auto& p : paths) ::unlink(p.c_str());
  }
};

// The job's vault secrets are the process keyring while it runs, and
// forgotten after (its warn callback refers to the run's callbacks).
struct JobKeyring {
  explicit JobKeyring(VaultKeyring ring) { set_process_vault_keyring(std::move(ring)); }
  ~JobKeyring() { set_process_vault_keyring({}); }
  JobKeyring(const JobKeyring&) = delete;
  JobKeyring& operator=(const JobKeyring&) = delete;
};

// The server's ANSIBLE_* settings (and HOME for "~" paths) apply to jobs as
// they apply to `drover play` started from the same shell; ANSIBLE_CONFIG
// was already used to find the file.
std::map<std::string, std::string> config_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string key = kv.substr(0, eq);
    if ((key.rfind("ANSIBLE_", 0) == 0 && key != "ANSIBLE_CONFIG") || key == "HOME")
      env[key] = kv.substr(eq + 1);
  }
  return env;
}

// Ansible's search order as if `drover play` ran in the project directory:
// $ANSIBLE_CONFIG, <project>/ansible.cfg, ~/.ansible.cfg,
// /etc/ansible/ansible.cfg; "" when none exists.
std::string config_file(const JobSpec& spec) {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("ANSIBLE_CONFIG"); env && *env) {
    std::string p = env;
    candidates.push_back(fs::is_directory(p) ? p + "/ansible.cfg" : p);
  }
  if (!spec.project_dir.empty()) candidates.push_back(spec.project_dir + "/ansible.cfg");
  if (const char* home = std::getenv("HOME"); home && *home) candidates.push_back(std::string(home) + "/.ansible.cfg");
  candidates.push_back("/etc/ansible/ansible.cfg");
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::is_regular_file(c, ec)) return c;
  return "";
}

std::string in_dir(const std::string& dir, const std::string& path) {
  if (dir.empty() || path.empty() || path[0] == '/') return path;
  return (fs::path(dir) / path).string();
}

// A one-task play for an ad-hoc run, written as JSON (which YAML reads).
std::string adhoc_playbook(const JobSpec& spec) {
  Value task = Value::object();
  std::string args = spec.args;
  size_t first = args.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && args[first] == '{') {
    try {
      task[spec.module] = Value::parse(args);
    } catch (const std::exception& e) {
      throw Error("args: not valid JSON: " + std::string(e.what()));
    }
  } else if (first == std::string::npos) {
    task[spec.module] = nullptr;
  } else {
    task[spec.module] = args;
  }
  Value play = {{"name", "Ad-hoc " + spec.module + " on " + spec.pattern},
                {"hosts", spec.pattern},
                {"gather_facts", false},
                {"tasks", Value::array({task})}};
  return Value::array({play}).dump() + "\n";
}

// Keeps the recap for the job record while the events go on.
class RecapCapture : public PlaybookCallback {
 public:
  void stats(const RunStats& st) override {
    for (const auto& [h, s] : st.by_host)
      recap[h] = {{"ok", s.ok},       {"changed", s.changed}, {"unreachable", s.unreachable},
                  {"failures", s.failures}, {"skipped", s.skipped}, {"rescued", s.rescued},
                  {"ignored", s.ignored}};
  }
  Value recap = Value::object();
};

}  // namespace

const char* job_state_name(JobState s) { return kStateNames[static_cast<int>(s)]; }

std::optional<JobState> parse_job_state(const std::string& name) {
  for (int i = 0; i < 6; ++i)
    if (name == kStateNames[i]) return static_cast<JobState>(i);
  return std::nullopt;
}

bool is_final(JobState s) { return s != JobState::pending && s != JobState::running; }

JobOutcome execute_job(const JobRun& run, PlaybookCallback& events) {
  const JobSpec& spec = *run.spec;
  JobOutcome out;
  SecretFiles secrets;
  try {
    std::string playbook_path;
    if (spec.kind == JobSpec::Kind::playbook) {
      playbook_path = in_dir(spec.project_dir, spec.playbook);
    } else {
      playbook_path = run.work_dir + "/adhoc.yml";
      write_private_file(playbook_path, adhoc_playbook(spec), 0644);
    }
    Config config = Config::load_from(config_file(spec), config_environment());

    RunOptions opts;
    opts.limit = spec.limit;
    opts.extra_vars = spec.extra_vars;
    opts.forks = spec.forks;
    opts.check_mode = spec.check;
    opts.diff_mode = spec.diff;
    opts.verbosity = spec.verbosity;
    if (!spec.tags.empty()) opts.tags.only = parse_tag_options(spec.tags);
    opts.tags.skip = parse_tag_options(spec.skip_tags);
    opts.config_file = config.file();
    opts.cancel = run.cancel;
    auto& c = opts.connection;
    if (spec.remote_user) c.remote_user = spec.remote_user;
    if (run.secrets.remote_user) c.remote_user = run.secrets.remote_user;
    if (run.secrets.ssh_private_key) {
      std::string key = run.work_dir + "/ssh_key";
      secrets.paths.push_back(key);
      write_private_file(key, *run.secrets.ssh_private_key, 0600);
      c.private_key_file = key;
    }
    if (run.secrets.password) c.password = run.secrets.password;
    if (run.secrets.become_password) c.become_password = run.secrets.become_password;

    CallbackFanout fanout;
    auto recap = std::make_shared<RecapCapture>();
    fanout.add(std::shared_ptr<PlaybookCallback>(&events, [](PlaybookCallback*) {}));
    fanout.add(recap);
    // The job's vault credentials are its only vault secrets (the
    // password sources of ansible.cfg name files of the server, which the
    // job does not read); set before anything is loaded.
    VaultKeyring ring;
    ring.secrets = run.secrets.vault;
    ring.vault_id_match = config.boolean("DEFAULT_VAULT_ID_MATCH");
    ring.warn = [&fanout](const std::string& w) { fanout.warning(w); };
    JobKeyring keyring(std::move(ring));

    std::vector<std::string> sources;
    for (const auto& src : spec.inventory)
      sources.push_back(is_inventory_path(src) ? in_dir(spec.project_dir, src) : src);
    if (!spec.inventory_text.empty()) {
      std::string inv_path = run.work_dir + "/inventory";
      write_private_file(inv_path, spec.inventory_text, 0644);
      sources.push_back(inv_path);
    }
    opts.inventory_sources = sources;
    inventory::Inventory inv = inventory::Inventory::load(sources);

    LoadOptions lo = load_options(config);
    lo.extra_vars = opts.extra_vars;
    Playbook book = load_playbook(playbook_path, lo);

    for (const auto& w : config.warnings()) fanout.warning(w);
    std::vector<std::string> inventory_warnings = inv.take_warnings();
    for (const auto& w : inventory_warnings) fanout.warning(w);
    PlaybookRunner runner(book, inv, config, opts, fanout);
    out.rc = runner.run();
    out.recap = std::move(recap->recap);
    if (opts.cancelled() || out.rc == kExitInterrupted)
      out.state = JobState::canceled;
    else
      out.state = out.rc == 0 ? JobState::successful : JobState::failed;
    // ansible-playbook warns and exits 0 when no inventory source could be
    // parsed ("no hosts matched"); a platform job that ran nowhere because
    // of its inventory failed, and says why (docs/SERVER.md).
    bool unparsed = !inv.parsed_any();
    for (const auto& w : inventory_warnings) unparsed = unparsed || w.rfind("Unable to parse ", 0) == 0;
    if (out.state == JobState::successful && out.recap.empty() && unparsed) {
      out.state = JobState::failed;
      out.rc = 1;
      out.error = "no host was targeted because of an inventory error";
      for (const auto& w : inventory_warnings) out.error += "; " + w;
    }
  } catch (const ParserError& e) {
    // ansible-playbook's exit code for a parser error (a vars file it could
    // not decrypt among them).
    out.state = run.cancel->load() ? JobState::canceled : JobState::error;
    out.error = e.what();
    out.rc = 4;
  } catch (const std::bad_alloc&) {
    out.state = JobState::error;
    out.error = "the job ran out of memory (its limit is the server's --job-memory-mb)";
    out.rc = 1;
  } catch (const std::exception& e) {
    out.state = run.cancel->load() ? JobState::canceled : JobState::error;
    out.error = e.what();
    if (out.rc == 0) out.rc = 1;
  }
  return out;
}

}  // namespace drover::server
