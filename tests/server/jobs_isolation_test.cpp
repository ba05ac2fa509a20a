// Job isolation with the real `drover server` binary: every job runs as
// its own `drover job-exec` process in a bubblewrap sandbox, as `nobody`
// (the tests run as root). An operator's job cannot read the server's
// secrets; a job process that dies ends its job in `error` while the
// server goes on; limits apply; a kill -9 of the server leaves nothing
// running on the hosts; a CMDB-query template runs on its hosts.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "server_fixture.hpp"

namespace drover::test {
namespace {

using Clock = std::chrono::steady_clock;
const char* kLocal = "localhost ansible_connection=local\n";

std::string job_path(int64_t id, const std::string& rest = "") {
  return "/api/v1/jobs/" + std::to_string(id) + rest;
}

int64_t submit(const ApiClient& api, const Value& body) {
  auto r = api.post("/api/v1/jobs", body);
  EXPECT_EQ(r.status, 202) << r.body;
  return r.status == 202 ? r.json().value("id", int64_t{0}) : 0;
}

Value wait_final(const ApiClient& api, int64_t id, int timeout_s = 60) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  Value job;
  while (Clock::now() < deadline) {
    job = api.get(job_path(id)).json();
    std::string s = job.value("state", "");
    if (s != "pending" && s != "running") return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "job " << id << " did not end; last: " << job.dump();
  return job;
}

// Everything a job showed: its stdout text and its stored events.
std::string job_output(const ApiClient& api, int64_t id) {
  return api.get(job_path(id, "/stdout")).body + "\n" +
         api.get(job_path(id, "/events?limit=1000")).body;
}

// Waits until `n` runner_start events were stored for the job.
bool wait_started(const ApiClient& api, int64_t id, int n) {
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    int started = 0;
    Value events = api.get(job_path(id, "/events?after=0")).json();
    for (const auto& e : events["items"]) started += e["event"] == "runner_start";
    if (started >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The pid of the `drover job-exec --job ID` process, 0 when none runs.
// The parent of `pid` (0 when it is gone).
pid_t parent_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("PPid:", 0) == 0) return static_cast<pid_t>(std::atoi(line.c_str() + 5));
  return 0;
}

// The `drover job-exec` of job `id` started by the server `server_pid`
// (tests run in parallel, each with its own server and a job 1).
pid_t job_process_pid(int64_t id, pid_t server_pid) {
  std::string want = std::string("job-exec") + '\0' + "--job" + '\0' + std::to_string(id) + '\0';
  DIR* d = ::opendir("/proc");
  pid_t found = 0;
  while (dirent* e = d ? ::readdir(d) : nullptr) {
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream in("/proc/" + std::string(e->d_name) + "/cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find(want) == std::string::npos || cmd.find("bwrap") != std::string::npos) continue;
    for (pid_t up = parent_of(pid); up > 1; up = parent_of(up))
      if (up == server_pid) found = pid;
  }
  if (d) ::closedir(d);
  return found;
}

// "sleep 600.<pid><n>": a command line that no other run shares, so that
// pgrep counts this test's remote commands only.
std::string unique_sleep() {
  static int n = 0;
  return "sleep 600." + std::to_string(::getpid()) + std::to_string(++n);
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

struct Isolation : ::testing::Test {
  TempDir dir;
  ServerProcessOptions options(std::vector<std::string> extra = {}) {
    ServerProcessOptions o;
    o.data_dir = dir.path() + "/var";
    // Projects and inventory files lie under a project root (dir; the data
    // directory in it stays out of every project).
    o.extra_args = {"--workers", "2", "--project-root", dir.path()};
    o.extra_args.insert(o.extra_args.end(), extra.begin(), extra.end());
    return o;
  }
};

TEST_F(Isolation, AnOperatorsLocalShellSeesNoTokenNoSecretKeyNoDatabaseAndNoShadow) {
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  std::string data = server.data_dir();
  // The names of the data directory's files are globbed: the command
  // (which shows in the events) must not spell what the test looks for.
  std::string script = "D=" + data +
                       "; echo token=$DROVER_ADMIN_TOKEN; base64 -w0 $D/secret.k*; ls -la $D $D/*; "
                       "head -c 16 $D/drover.d*; cat /etc/shadow /etc/gshadow; "
                       "cat /etc/ssh/ssh_host_ed25519_key; tr '\\0' '\\n' < /proc/" +
                       std::to_string(server.pid()) +
                       "/environ; tr '\\0' '\\n' < /proc/1/environ; env; true";
  int64_t id = submit(api, {{"module", "shell"}, {"args", script}, {"inventory_text", kLocal}});
  Value job = wait_final(api, id);
  EXPECT_EQ(job["state"], "successful") << job.dump();
  std::string out = job_output(api, id);
  ASSERT_NE(out.find("token="), std::string::npos) << "the shell did not run: " << out;
  EXPECT_EQ(out.find(kAdminToken), std::string::npos) << "the admin token leaked";
  EXPECT_EQ(out.find(kAdminPassword), std::string::npos) << "the admin password leaked";
  auto key = run_shell("base64 -w0 " + data + "/secret.key");
  ASSERT_FALSE(key.out.empty());
  EXPECT_EQ(out.find(key.out), std::string::npos) << "secret.key leaked";
  EXPECT_EQ(out.find("drover.db"), std::string::npos) << "the data directory is listed";
  EXPECT_EQ(out.find("secret.key"), std::string::npos) << "the data directory is listed";
  EXPECT_EQ(out.find("SQLite format"), std::string::npos) << "drover.db is readable";
  EXPECT_EQ(out.find(first_line("/etc/shadow")), std::string::npos) << "/etc/shadow leaked";
  std::string host_key = read_file("/etc/ssh/ssh_host_ed25519_key");
  std::string key_line = host_key.substr(host_key.find('\n') + 1, 40);
  EXPECT_EQ(out.find(key_line), std::string::npos) << "the SSH host key leaked";
}

TEST_F(Isolation, WithoutASandboxAJobStillRunsInItsOwnProcessWithAClearedEnvironment) {
  ServerProcess server(options({"--job-sandbox", "none", "--job-user", "root"}));
  ApiClient api(server.url(), kAdminToken);
  int64_t id = submit(api, {{"module", "shell"},
                            {"args", "echo token=$DROVER_ADMIN_TOKEN; echo home=$HOME"},
                            {"inventory_text", kLocal}});
  Value job = wait_final(api, id);
  EXPECT_EQ(job["state"], "successful") << job.dump();
  std::string out = job_output(api, id);
  ASSERT_NE(out.find("token="), std::string::npos) << out;
  EXPECT_EQ(out.find(kAdminToken), std::string::npos) << "the admin token leaked";
  EXPECT_NE(out.find("home=" + server.data_dir() + "/jobs/job-" + std::to_string(id) + "/home"),
            std::string::npos)
      << out;
}

TEST_F(Isolation, ALookupOfShadowFindsNothing) {
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  int64_t id = submit(api, {{"module", "debug"},
                            {"args", "msg={{ lookup('file', '/etc/shadow') }}"},
                            {"inventory_text", kLocal}});
  Value job = wait_final(api, id);
  EXPECT_EQ(job_output(api, id).find(first_line("/etc/shadow")), std::string::npos) << job.dump();
}

TEST_F(Isolation, AJobCannotReadAnotherRunningJobsKeyOrDirectory) {
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  std::string secret_key =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAthisisnotarealkeybutasecret\n"
      "-----END OPENSSH PRIVATE KEY-----\n";
  auto cred =
      api.post("/api/v1/credentials",
               {{"name", "k"}, {"kind", "ssh_key"}, {"username", "root"}, {"secret", secret_key}});
  ASSERT_EQ(cred.status, 201) << cred.body;
  int64_t holder = submit(api, {{"module", "command"},
                                {"args", "sleep 20"},
                                {"inventory_text", kLocal},
                                {"credential_id", cred.json()["id"]}});
  ASSERT_TRUE(wait_started(api, holder, 1));
  std::string jobs = server.data_dir() + "/jobs";
  ASSERT_TRUE(std::ifstream(jobs + "/job-" + std::to_string(holder) + "/ssh_key").good())
      << "the holder's key is not where the attack looks";
  int64_t thief =
      submit(api, {{"module", "shell"},
                   {"args", "echo listing; ls " + jobs + "; cat " + jobs + "/job-*/ssh_key; true"},
                   {"inventory_text", kLocal}});
  Value job = wait_final(api, thief);
  EXPECT_EQ(job["state"], "successful") << job.dump();
  std::string out = job_output(api, thief);
  ASSERT_NE(out.find("listing"), std::string::npos) << out;
  EXPECT_EQ(out.find("thisisnotarealkey"), std::string::npos) << "another job's key leaked";
  EXPECT_EQ(out.find("job-" + std::to_string(holder)), std::string::npos)
      << "another job's directory is listed";
  api.post(job_path(holder, "/cancel"), Value::object());
  wait_final(api, holder);
  EXPECT_FALSE(std::ifstream(jobs + "/job-" + std::to_string(holder) + "/ssh_key").good())
      << "the key outlived its job";
}

TEST_F(Isolation, AJobProcessKilledBySignalEndsInErrorAndTheServerKeepsServing) {
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  int64_t id =
      submit(api, {{"module", "command"}, {"args", "sleep 30"}, {"inventory_text", kLocal}});
  ASSERT_TRUE(wait_started(api, id, 1));
  pid_t pid = job_process_pid(id, server.pid());
  ASSERT_GT(pid, 0) << "no job-exec process for job " << id << ": the job runs inside the server";
  ASSERT_NE(pid, server.pid());
  ::kill(pid, SIGKILL);
  Value job = wait_final(api, id, 20);
  EXPECT_EQ(job["state"], "error") << job.dump();
  EXPECT_NE(job.value("error", "").find("signal 9"), std::string::npos) << job.dump();
  int64_t next = submit(api, {{"module", "ping"}, {"inventory_text", kLocal}});
  EXPECT_EQ(wait_final(api, next)["state"], "successful");
}

TEST_F(Isolation, AServerStoppedWithSigtermEndsItsRunningJobInterruptedAndStopsItsCommands) {
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  int64_t id =
      submit(api, {{"module", "command"}, {"args", "sleep 45.321"}, {"inventory_text", kLocal}});
  ASSERT_TRUE(wait_started(api, id, 1));
  server.stop();
  EXPECT_EQ(server.last_exit_code(), 0);
  EXPECT_EQ(run_shell("pgrep -x -f 'sleep 45.321' | wc -l").out, "0\n")
      << "the job's command outlived the server";
  server.start();
  Value job = ApiClient(server.url(), kAdminToken).get(job_path(id)).json();
  EXPECT_EQ(job["state"], "error") << job.dump();
  EXPECT_NE(job.value("error", "").find("interrupted"), std::string::npos) << job.dump();
}

TEST_F(Isolation, AJobOverItsMemoryLimitEndsInErrorAndTheServerKeepsServing) {
  ServerProcess server(options({"--job-memory-mb", "256"}));
  ApiClient api(server.url(), kAdminToken);
  int64_t id = submit(
      api,
      {{"module", "debug"},
       {"args", "msg={{ lookup('pipe', 'head -c 1000000000 /dev/zero | tr -c x x') | length }}"},
       {"inventory_text", kLocal}});
  Value job = wait_final(api, id);
  EXPECT_NE(job["state"], "successful") << job.dump();
  std::string out = job.dump() + job_output(api, id);
  EXPECT_TRUE(out.find("memory") != std::string::npos || out.find("bad_alloc") != std::string::npos)
      << out;
  int64_t next = submit(api, {{"module", "ping"}, {"inventory_text", kLocal}});
  EXPECT_EQ(wait_final(api, next)["state"], "successful");
}

TEST_F(Isolation, AJobPastItsTimeLimitIsCanceledAndEndsInError) {
  ServerProcess server(options({"--job-timeout", "2"}));
  ApiClient api(server.url(), kAdminToken);
  auto t0 = Clock::now();
  int64_t id =
      submit(api, {{"module", "command"}, {"args", "sleep 40"}, {"inventory_text", kLocal}});
  Value job = wait_final(api, id, 30);
  EXPECT_EQ(job["state"], "error") << job.dump();
  EXPECT_NE(job.value("error", "").find("timed out"), std::string::npos) << job.dump();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(15));
}

TEST_F(Isolation, AJobWhoseInventoryCannotBeParsedFailsWithTheError) {
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  int64_t id = submit(api, {{"module", "ping"}, {"inventory", dir.path() + "/nonexistent/hosts.ini"}});
  Value job = wait_final(api, id);
  EXPECT_EQ(job["state"], "failed") << job.dump();
  EXPECT_NE(job.value("error", "").find("Unable to parse"), std::string::npos) << job.dump();
}

// With a private sshd fleet: the job user reads neither the fleet's key nor
// the test's temporary directories, so these jobs use a credential and the
// server's <data>/known_hosts.
struct IsolationSsh : Isolation {
  static void SetUpTestSuite() { fleet = new SshdFleet(3); }
  static void TearDownTestSuite() {
    delete fleet;
    fleet = nullptr;
  }
  static SshdFleet* fleet;

  // A data directory that trusts the fleet's host keys.
  void trust_fleet() {
    std::filesystem::create_directories(dir.path() + "/var");
    std::filesystem::copy_file(fleet->known_hosts_path(), dir.path() + "/var/known_hosts");
  }
  int64_t fleet_credential(const ApiClient& api) {
    auto cred = api.post("/api/v1/credentials", {{"name", "fleet"},
                                                 {"kind", "ssh_key"},
                                                 {"username", "root"},
                                                 {"secret", read_file(fleet->client_key_path())}});
    EXPECT_EQ(cred.status, 201) << cred.body;
    return cred.json().value("id", int64_t{0});
  }
  std::string inventory_text() const {
    std::ostringstream inv;
    for (int i = 0; i < 3; ++i)
      inv << fleet->hosts()[i].name << " ansible_host=" << fleet_address(i)
          << " ansible_port=" << fleet->port() << "\n";
    return inv.str();
  }
};
SshdFleet* IsolationSsh::fleet = nullptr;

TEST_F(IsolationSsh, KillingTheServerWithSigkillLeavesNoRemoteCommandRunning) {
  trust_fleet();
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  std::string sleep = unique_sleep();
  int64_t id = submit(api, {{"module", "command"},
                            {"args", sleep},
                            {"inventory_text", inventory_text()},
                            {"credential_id", fleet_credential(api)}});
  ASSERT_TRUE(wait_started(api, id, 3));
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (run_shell("pgrep -x -f '" + sleep + "' | wc -l").out != "3\n" && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(run_shell("pgrep -x -f '" + sleep + "' | wc -l").out, "3\n")
      << "the remote sleeps did not start";
  server.kill9();
  deadline = Clock::now() + std::chrono::seconds(10);
  std::string left;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = run_shell("pgrep -x -f '" + sleep + "' | wc -l").out;
  } while (left != "0\n" && Clock::now() < deadline);
  EXPECT_EQ(left, "0\n") << "remote commands survived the server";
  server.start();
  EXPECT_EQ(ApiClient(server.url(), kAdminToken).get(job_path(id)).json()["state"], "error");
}

// A shell command whose sleep is a child of the remote shell: cancel ends
// the whole process group, not only its leader (a regression test: the job
// process takes the engine's cancel path).
TEST_F(IsolationSsh, CancelKillsEveryProcessOfARemoteCommandNotOnlyItsLeader) {
  trust_fleet();
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  std::string sleep = unique_sleep();
  int64_t id = submit(api, {{"module", "shell"},
                            {"args", sleep + "; echo after"},
                            {"inventory_text", inventory_text()},
                            {"credential_id", fleet_credential(api)}});
  ASSERT_TRUE(wait_started(api, id, 3));
  auto count = [&] { return run_shell("pgrep -x -f '" + sleep + "' | wc -l").out; };
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (count() != "3\n" && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(count(), "3\n") << "the remote sleeps did not start";
  EXPECT_EQ(api.post(job_path(id, "/cancel"), Value::object()).status, 202);
  EXPECT_EQ(wait_final(api, id, 20)["state"], "canceled");
  deadline = Clock::now() + std::chrono::seconds(5);
  while (count() != "0\n" && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(count(), "0\n") << "a child of a canceled remote command survived";
}

// The job process dies with the server (frozen first, so that it cannot
// take its cancel path): its remote commands survive both, and the
// restarted server kills them from the job's record.
TEST_F(IsolationSsh, RemoteCommandsLeftByAServerAndJobProcessBothKilledAreKilledAtRestart) {
  trust_fleet();
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  std::string sleep = unique_sleep();
  int64_t id = submit(api, {{"module", "command"},
                            {"args", sleep},
                            {"inventory_text", inventory_text()},
                            {"credential_id", fleet_credential(api)}});
  ASSERT_TRUE(wait_started(api, id, 3));
  auto count = [&] { return run_shell("pgrep -x -f '" + sleep + "' | wc -l").out; };
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (count() != "3\n" && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(count(), "3\n") << "the remote sleeps did not start";
  pid_t job_pid = job_process_pid(id, server.pid());
  ASSERT_GT(job_pid, 0);
  ::kill(job_pid, SIGSTOP);
  server.kill9();
  ::kill(job_pid, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(count(), "3\n")
      << "the remote sleeps died with their connections: the test proves nothing";
  server.start();
  deadline = Clock::now() + std::chrono::seconds(20);
  while (count() != "0\n" && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(count(), "0\n") << "the restarted server left the remote commands running";
  ApiClient after(server.url(), kAdminToken);
  EXPECT_EQ(after.get(job_path(id)).json()["state"], "error");
  Value cleanup = wait_final(after, id + 1);
  EXPECT_EQ(cleanup["state"], "successful") << cleanup.dump();
  EXPECT_EQ(count(), "0\n") << job_output(after, id + 1);
  // The dead job's directory, with its decrypted key, is gone too.
  std::string job_dir = server.data_dir() + "/jobs/job-" + std::to_string(id);
  deadline = Clock::now() + std::chrono::seconds(5);
  while (std::filesystem::exists(job_dir) && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(std::filesystem::exists(job_dir));
}

TEST_F(IsolationSsh, ATemplateWithACmdbQueryRunsOnTheMatchingHostsOnly) {
  trust_fleet();
  ::chmod(dir.path().c_str(), 0755);  // the project is read by the job user
  dir.write("project/site.yml",
            "- hosts: all\n  gather_facts: false\n  tasks:\n    - command: hostname\n");
  ::chmod((dir.path() + "/project").c_str(), 0755);
  ::chmod((dir.path() + "/project/site.yml").c_str(), 0644);
  ServerProcess server(options());
  ApiClient api(server.url(), kAdminToken);
  for (int i = 0; i < 3; ++i) {
    auto r = api.post("/api/v1/hosts", {{"hostname", fleet->hosts()[i].name},
                                        {"ip", fleet_address(i)},
                                        {"role", i < 2 ? "cache" : "web"},
                                        {"vars", {{"ansible_port", fleet->port()}}}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  auto project = api.post("/api/v1/projects",
                          {{"name", "p"}, {"kind", "local"}, {"path", dir.path() + "/project"}});
  ASSERT_EQ(project.status, 201) << project.body;
  auto tmpl = api.post("/api/v1/templates", {{"name", "caches"},
                                             {"project_id", project.json()["id"]},
                                             {"playbook", "site.yml"},
                                             {"inventory", {{"query", {{"role", "cache"}}}}},
                                             {"credential_id", fleet_credential(api)}});
  ASSERT_EQ(tmpl.status, 201) << tmpl.body;
  int64_t id = submit(api, {{"template_id", tmpl.json()["id"]}});
  Value job = wait_final(api, id);
  EXPECT_EQ(job["state"], "successful") << job.dump() << job_output(api, id);
  ASSERT_TRUE(job["recap"].is_object()) << job.dump();
  EXPECT_EQ(job["recap"].size(), 2u) << job.dump();
  EXPECT_TRUE(job["recap"].contains(fleet->hosts()[0].name));
  EXPECT_TRUE(job["recap"].contains(fleet->hosts()[1].name));
}

}  // namespace
}  // namespace drover::test
