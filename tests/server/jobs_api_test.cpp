// The job API of the real `drover server` binary over HTTP (libcurl),
// running jobs against private sshd hosts: events followed through SSE
// match `drover play --json` of the same playbook; paging with
// events?after=N; SSE resume with Last-Event-ID; cancel; a server killed
// with SIGKILL mid-job and restarted; bad requests.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include "harness/playbook_output.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "jobs_sse_client.hpp"
#include "server_fixture.hpp"

namespace drover::test {
namespace {

using Clock = std::chrono::steady_clock;

const char* kPlaybook = R"(- hosts: all
  gather_facts: false
  tasks:
    - name: who am i
      command: hostname
    - name: greet
      debug:
        msg: "hi {{ inventory_hostname }}"
    - name: fail on one host
      command: /bin/false
      when: inventory_hostname == 'host002'
      ignore_errors: true
    - name: loop
      shell: echo {{ item }}
      loop: [1, 2]
)";

struct Fixture : ::testing::Test {
  TempDir dir;   // playbooks and inventories: the server's project root
  TempDir data;  // the data directory, outside it (a root may not hold it)
  std::string inventory = dir.path() + "/hosts.ini";
  std::vector<std::string> job_args;  // how jobs run (sandbox, user)
  ServerProcessOptions server_options(int workers = 2) {
    ServerProcessOptions o;
    o.data_dir = data.path() + "/var";
    o.extra_args = {"--workers", std::to_string(workers), "--project-root", dir.path()};
    o.extra_args.insert(o.extra_args.end(), job_args.begin(), job_args.end());
    return o;
  }
};

std::string job_path(int64_t id, const std::string& rest = "") { return "/api/v1/jobs/" + std::to_string(id) + rest; }

struct SshJobs : Fixture {
  static void SetUpTestSuite() { fleet = new SshdFleet(3); }
  static void TearDownTestSuite() {
    delete fleet;
    fleet = nullptr;
  }
  // The fleet's inventory names its key and known_hosts in the fleet's
  // directory (root's, mode 0600): the jobs run as root and see it.
  void SetUp() override {
    fleet->write_inventory(inventory);
    job_args = {"--job-user", "root", "--job-show-path", fleet->dir()};
  }
  static SshdFleet* fleet;
};
SshdFleet* SshJobs::fleet = nullptr;

int64_t submit(const ApiClient& api, const Value& body) {
  auto r = api.post("/api/v1/jobs", body);
  EXPECT_EQ(r.status, 202) << r.body;
  return r.status == 202 ? r.json().value("id", int64_t{0}) : 0;
}

Value wait_for_state(const ApiClient& api, int64_t id, std::vector<std::string> states, int timeout_s = 60) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  Value job;
  while (Clock::now() < deadline) {
    job = api.get(job_path(id)).json();
    for (const auto& s : states)
      if (job.value("state", "") == s) return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "job " << id << " never reached the state; last: " << job.dump();
  return job;
}

// What must agree between two runs: per host, the sequence of host events
// (event, task name, status); overall, the sequence of other events.
struct RunShape {
  std::map<std::string, std::vector<std::string>> by_host;
  std::vector<std::string> other;
};

RunShape shape_of(const std::vector<Value>& events) {
  RunShape s;
  std::map<int64_t, std::string> task_names;
  for (const auto& e : events) {
    std::string ev = e["event"].get<std::string>();
    if (ev == "task_start") task_names[e["task"]["id"].get<int64_t>()] = e["task"]["name"].get<std::string>();
    if (e.contains("host") && e["host"].is_string()) {
      std::string task = e.contains("task_id") ? task_names[e["task_id"].get<int64_t>()] : "";
      s.by_host[e["host"].get<std::string>()].push_back(ev + " " + task + " " + e.value("status", ""));
    } else {
      s.other.push_back(ev + (ev == "task_start" ? " " + e["task"]["name"].get<std::string>() : ""));
    }
  }
  return s;
}

TEST_F(SshJobs, EventsFollowedThroughSseMatchTheCliRunOfTheSamePlaybook) {
  std::string book = dir.write("site.yml", kPlaybook);
  auto cli = run_drover({"play", "--json", "-i", inventory, book});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::vector<Value> cli_events;
  std::istringstream lines(cli.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) cli_events.push_back(Value::parse(line));

  ServerProcess server(server_options());
  ApiClient api(server.url(), kAdminToken);
  int64_t id = submit(api, {{"playbook", book}, {"inventory", inventory}});
  auto sse = read_sse(server.url() + job_path(id, "/stream"), kAdminToken);
  ASSERT_FALSE(sse.empty());
  EXPECT_EQ(sse.back().event, "end");
  EXPECT_EQ(Value::parse(sse.back().data)["state"], "successful");
  std::vector<Value> job_events;
  for (size_t i = 0; i + 1 < sse.size(); ++i) {
    job_events.push_back(Value::parse(sse[i].data));
    EXPECT_EQ(sse[i].id, std::to_string(i + 1));
    EXPECT_EQ(sse[i].event, job_events.back()["event"].get<std::string>());
  }
  RunShape want = shape_of(cli_events), got = shape_of(job_events);
  EXPECT_EQ(got.other, want.other);
  EXPECT_EQ(got.by_host, want.by_host);
  EXPECT_EQ(got.by_host.size(), 3u);

  Value job = api.get(job_path(id)).json();
  EXPECT_EQ(job["state"], "successful");
  EXPECT_EQ(job["recap"]["host002"]["ignored"], 1);
  EXPECT_EQ(job["last_event"], static_cast<int64_t>(job_events.size()));
  // The job's stdout is the CLI's text of the same run.
  auto text = api.get(job_path(id, "/stdout"));
  EXPECT_EQ(text.status, 200);
  auto cli_text = run_drover({"play", "-i", inventory, book});
  EXPECT_EQ(playbook_sections(text.body), playbook_sections(cli_text.out)) << text.body << "\n---\n" << cli_text.out;
}

TEST_F(SshJobs, EventsAfterNPageThroughTheStoredEventsAndSseResumesFromLastEventId) {
  std::string book = dir.write("site.yml", kPlaybook);
  ServerProcess server(server_options());
  ApiClient api(server.url(), kAdminToken);
  int64_t id = submit(api, {{"playbook", book}, {"inventory", inventory}});
  Value job = wait_for_state(api, id, {"successful"});
  int64_t last = job["last_event"];
  ASSERT_GT(last, 10);

  std::vector<int64_t> seqs;
  int64_t after = 0;
  for (int page = 0; page < 100; ++page) {
    auto r = api.get(job_path(id, "/events?after=" + std::to_string(after) + "&limit=4"));
    ASSERT_EQ(r.status, 200) << r.body;
    Value body = r.json();
    if (body["items"].empty()) break;
    EXPECT_LE(body["items"].size(), 4u);
    for (const auto& e : body["items"]) seqs.push_back(e["seq"].get<int64_t>());
    after = body["next_after"];
    EXPECT_EQ(after, seqs.back());
  }
  ASSERT_EQ(seqs.size(), static_cast<size_t>(last));
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], static_cast<int64_t>(i + 1));

  auto resumed = read_sse(server.url() + job_path(id, "/stream"), kAdminToken, {"Last-Event-ID: 5"});
  ASSERT_GE(resumed.size(), 2u);
  EXPECT_EQ(resumed.front().id, "6");
  EXPECT_EQ(resumed[resumed.size() - 2].id, std::to_string(last));
  EXPECT_EQ(resumed.back().event, "end");
}

TEST_F(SshJobs, CancelStopsASleepOnEveryHostQuickly) {
  ServerProcess server(server_options());
  ApiClient api(server.url(), kAdminToken);
  int64_t id = submit(api, {{"module", "command"}, {"args", "sleep 67.25"}, {"inventory", inventory}});
  // Wait until every host runs the command.
  int started = 0;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (started < 3 && Clock::now() < deadline) {
    started = 0;
    Value events = api.get(job_path(id, "/events?after=0")).json();
    for (const auto& e : events["items"]) started += e["event"] == "runner_start";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(started, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the sleeps have begun
  auto metrics = [&] { return ApiClient(server.url()).get("/metrics").body; };
  EXPECT_NE(metrics().find("\ndrover_ssh_connections_open 3\n"), std::string::npos) << metrics();
  auto t0 = Clock::now();
  auto r = api.post(job_path(id, "/cancel"), Value::object());
  EXPECT_EQ(r.status, 202) << r.body;
  Value job = wait_for_state(api, id, {"canceled", "failed", "successful", "error"}, 20);
  EXPECT_EQ(job["state"], "canceled") << job.dump();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(api.post(job_path(id, "/cancel"), Value::object()).status, 409);
  auto sleeping = run_shell("pgrep -x -f 'sleep 67.25' | wc -l");
  EXPECT_EQ(sleeping.out, "0\n") << "a remote sleep survived the cancel";
  EXPECT_NE(metrics().find("\ndrover_ssh_connections_open 0\n"), std::string::npos) << metrics();
}

TEST_F(SshJobs, AServerKilledMidJobMarksItInterruptedKeepsItsEventsAndRunsPendingJobsAfterRestart) {
  std::string book = dir.write("slow.yml", R"(- hosts: all
  gather_facts: false
  tasks:
    - name: quick
      command: /bin/true
    - name: slow
      command: sleep 60
)");
  std::string quick = dir.write("quick.yml", R"(- hosts: all
  gather_facts: false
  tasks:
    - command: /bin/true
)");
  ServerProcess server(server_options(1));
  ApiClient api(server.url(), kAdminToken);
  int64_t slow_id = submit(api, {{"playbook", book}, {"inventory", inventory}});
  int64_t pending_id = submit(api, {{"playbook", quick}, {"inventory", inventory}});
  // Wait until every host started the slow task (3 runner_start after its task_start).
  std::vector<std::string> before;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  int slow_started = 0;
  while (slow_started < 3 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    before.clear();
    slow_started = 0;
    bool in_slow = false;
    Value events = api.get(job_path(slow_id, "/events")).json();
    for (const auto& e : events["items"]) {
      before.push_back(e.dump());
      if (e["event"] == "task_start") in_slow = e["task"]["name"] == "slow";
      slow_started += in_slow && e["event"] == "runner_start";
    }
  }
  ASSERT_EQ(slow_started, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // past one flush of the recorder
  before.clear();
  Value events_before = api.get(job_path(slow_id, "/events")).json();
  for (const auto& e : events_before["items"]) before.push_back(e.dump());
  EXPECT_EQ(api.get(job_path(pending_id)).json()["state"], "pending");
  server.kill9();

  server.start();
  api = ApiClient(server.url(), kAdminToken);
  Value slow = api.get(job_path(slow_id)).json();
  EXPECT_EQ(slow["state"], "error");
  EXPECT_NE(slow["error"].get<std::string>().find("interrupted"), std::string::npos) << slow.dump();
  std::vector<std::string> after;
  Value events_after = api.get(job_path(slow_id, "/events")).json();
  for (const auto& e : events_after["items"]) after.push_back(e.dump());
  EXPECT_EQ(after, before);
  Value pending = wait_for_state(api, pending_id, {"successful", "failed", "error"});
  EXPECT_EQ(pending["state"], "successful") << pending.dump();
  auto replayed = read_sse(server.url() + job_path(slow_id, "/stream"), kAdminToken);
  ASSERT_FALSE(replayed.empty());
  EXPECT_EQ(replayed.back().data, R"({"state":"error"})");
  EXPECT_EQ(replayed.size(), before.size() + 1);
}

// A job authenticates with a stored credential: the inventory names no key,
// the ssh_key credential (sealed in the database) opens the hosts, and the
// key never shows in the job's record, events, stdout or the server's output.
TEST_F(SshJobs, AnSshKeyCredentialOpensTheHostsAndIsNeverShown) {
  std::string book = dir.write("site.yml", kPlaybook);
  std::ostringstream inv;
  for (int i = 0; i < 3; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "host%03d", i + 1);
    inv << name << " ansible_host=" << fleet_address(i) << " ansible_port=" << fleet->port() << "\n";
  }
  inv << "\n[all:vars]\nansible_ssh_common_args='-o UserKnownHostsFile=" << fleet->known_hosts_path()
      << " -o StrictHostKeyChecking=yes'\n";
  std::string keyless = dir.write("keyless.ini", inv.str());
  std::string key = read_file(fleet->client_key_path());

  ServerProcess server(server_options());
  ApiClient api(server.url(), kAdminToken);
  auto cred = api.post("/api/v1/credentials", {{"name", "fleet"}, {"kind", "ssh_key"}, {"username", "root"},
                                               {"secret", key}});
  ASSERT_EQ(cred.status, 201) << cred.body;
  int64_t without = submit(api, {{"playbook", book}, {"inventory", keyless}});
  Value refused = wait_for_state(api, without, {"successful", "failed", "error"});
  EXPECT_NE(refused["state"], "successful") << "the hosts opened without a key: the test proves nothing";

  int64_t id = submit(api, {{"playbook", book}, {"inventory", keyless}, {"credential_id", cred.json()["id"]}});
  Value job = wait_for_state(api, id, {"successful", "failed", "error"});
  EXPECT_EQ(job["state"], "successful") << job.dump();
  EXPECT_EQ(job["recap"].size(), 3u);
  // A line of the key's body, not its armour, must appear nowhere.
  std::string key_line = key.substr(key.find('\n') + 1, 40);
  ASSERT_EQ(key_line.size(), 40u);
  for (const std::string& path : {job_path(id), job_path(id, "/events?limit=1000"), job_path(id, "/stdout"),
                                  std::string("/api/v1/credentials/") + std::to_string(cred.json()["id"].get<int64_t>())}) {
    auto r = api.get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body.find(key_line), std::string::npos) << "the key shows in " << path;
  }
  EXPECT_EQ(server.startup_output().find(key_line), std::string::npos);
}

TEST_F(SshJobs, AJobFromATemplateRunsItsProjectsPlaybookWithTheRequestsOverrides) {
  dir.write("project/site.yml", kPlaybook);
  fleet->write_inventory(dir.path() + "/project/hosts.ini");
  ServerProcess server(server_options());
  ApiClient api(server.url(), kAdminToken);
  auto project = api.post("/api/v1/projects", {{"name", "p"}, {"kind", "local"}, {"path", dir.path() + "/project"}});
  ASSERT_EQ(project.status, 201) << project.body;
  auto tmpl = api.post("/api/v1/templates", {{"name", "t"},
                                             {"project_id", project.json()["id"]},
                                             {"playbook", "site.yml"},
                                             {"inventory", {{"file", "hosts.ini"}}},
                                             {"forks", 2},
                                             {"ask_limit_on_launch", true}});
  ASSERT_EQ(tmpl.status, 201) << tmpl.body;
  int64_t id = submit(api, {{"template_id", tmpl.json()["id"]}, {"limit", "host003"}});
  Value job = wait_for_state(api, id, {"successful", "failed", "error"});
  EXPECT_EQ(job["state"], "successful") << job.dump();
  EXPECT_EQ(job["template_id"], tmpl.json()["id"]);
  EXPECT_EQ(job["spec"]["limit"], "host003");
  EXPECT_EQ(job["spec"]["forks"], 2);
  ASSERT_TRUE(job["recap"].is_object());
  EXPECT_EQ(job["recap"].size(), 1u);
  EXPECT_TRUE(job["recap"].contains("host003"));
  // Overriding what the template runs is refused.
  auto r = api.post("/api/v1/jobs", {{"template_id", tmpl.json()["id"]}, {"playbook", "other.yml"}});
  EXPECT_EQ(r.status, 400) << r.body;
}

using JobRequests = Fixture;

// A token for a new user with `role`.
std::string token_for(const ApiClient& admin, const std::string& name, const std::string& role) {
  auto u = admin.post("/api/v1/users", {{"username", name}, {"password", "password-" + name}, {"role", role}});
  EXPECT_EQ(u.status, 201) << u.body;
  auto login = ApiClient(admin).post("/api/v1/login", {{"username", name}, {"password", "password-" + name}});
  EXPECT_EQ(login.status, 200) << login.body;
  return login.status == 200 ? login.json()["token"].get<std::string>() : "";
}

TEST_F(JobRequests, ViewersReadJobsOperatorsRunAndCancelThemAndBothAreAudited) {
  ServerProcess server(server_options(1));
  ApiClient admin(server.url(), kAdminToken);
  ApiClient viewer(server.url(), token_for(admin, "vera", "viewer"));
  ApiClient op(server.url(), token_for(admin, "otto", "operator"));
  Value body = {{"module", "command"}, {"args", "sleep 30"}, {"inventory_text", "localhost ansible_connection=local\n"}};
  EXPECT_EQ(viewer.post("/api/v1/jobs", body).status, 403);
  int64_t id = submit(op, body);
  EXPECT_EQ(viewer.get(job_path(id)).status, 200);
  EXPECT_EQ(viewer.get(job_path(id, "/events")).status, 200);
  EXPECT_EQ(viewer.get(job_path(id, "/stdout")).status, 200);
  EXPECT_EQ(viewer.post(job_path(id, "/cancel"), Value::object()).status, 403);
  wait_for_state(op, id, {"running"});
  EXPECT_EQ(op.post(job_path(id, "/cancel"), Value::object()).status, 202);
  EXPECT_EQ(wait_for_state(op, id, {"canceled", "successful", "failed", "error"}, 20)["state"], "canceled");
  Value audit = admin.get("/api/v1/audit?resource=jobs").json();
  std::vector<std::string> actions;
  for (const auto& e : audit["items"]) actions.push_back(e["action"].get<std::string>() + " " + e["username"].get<std::string>());
  EXPECT_EQ(actions, (std::vector<std::string>{"cancel otto", "submit otto"}));
}


TEST_F(JobRequests, BadRequestsGetA4xxWithTheErrorBodyAndQueueNothing) {
  ServerProcess server(server_options());
  ApiClient api(server.url(), kAdminToken);
  auto check = [&](const std::string& method, const std::string& path, const std::string& body, long status) {
    auto r = api.request(method, path, body);
    EXPECT_EQ(r.status, status) << method << " " << path << " " << body << " -> " << r.body;
    Value v = Value::parse(r.body.empty() ? "{}" : r.body, nullptr, false);
    EXPECT_TRUE(v.contains("error") && v["error"].contains("code") && v["error"].contains("message"))
        << path << " " << r.body;
  };
  check("POST", "/api/v1/jobs", "{not json", 400);
  check("POST", "/api/v1/jobs", R"({"module": "ping", "inventory": "x,", "forcks": 2})", 400);
  check("POST", "/api/v1/jobs", R"({"module": 5, "inventory": "x,"})", 400);
  check("POST", "/api/v1/jobs", R"({"module": "no_such_module", "inventory": "x,"})", 400);
  check("POST", "/api/v1/jobs", R"({"playbook": "/no/such/site.yml", "inventory": "x,"})", 400);
  check("POST", "/api/v1/jobs", R"({"template_id": 424242})", 404);
  check("GET", "/api/v1/jobs/424242", "", 404);
  check("GET", "/api/v1/jobs?limit=-1", "", 400);
  check("GET", "/api/v1/jobs?state=sleeping", "", 400);
  check("GET", "/api/v1/jobs/1/events?after=x", "", 400);
  check("POST", "/api/v1/jobs/424242/cancel", "", 404);
  check("GET", "/api/v1/jobs/424242/stream", "", 404);
  EXPECT_EQ(ApiClient(server.url()).post("/api/v1/jobs", {{"module", "ping"}, {"inventory", "x,"}}).status, 401);
  EXPECT_EQ(ApiClient(server.url(), "wrong-token").get("/api/v1/jobs").status, 401);
  EXPECT_EQ(api.get("/api/v1/jobs").json()["total"], 0);
}

TEST_F(JobRequests, JobsAreListedNewestFirstWithFiltersTotalsAndMetrics) {
  ServerProcess server(server_options(1));
  ApiClient api(server.url(), kAdminToken);
  for (int i = 0; i < 3; ++i)
    submit(api, {{"module", "ping"}, {"inventory_text", "localhost ansible_connection=local\n"}});
  EXPECT_EQ(wait_for_state(api, 3, {"successful", "failed", "error"})["state"], "successful");
  auto all = api.get("/api/v1/jobs?limit=2").json();
  EXPECT_EQ(all["total"], 3);
  ASSERT_EQ(all["items"].size(), 2u);
  EXPECT_EQ(all["items"][0]["id"], 3);
  auto ok = api.get("/api/v1/jobs?state=successful&offset=1").json();
  EXPECT_EQ(ok["total"], 3);
  EXPECT_EQ(ok["items"].size(), 2u);
  EXPECT_EQ(api.get("/api/v1/jobs?state=failed").json()["total"], 0);
  auto metrics = ApiClient(server.url()).get("/metrics").body;
  EXPECT_NE(metrics.find("drover_jobs{state=\"successful\"} 3"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("drover_job_queue_depth 0"), std::string::npos) << metrics;
  auto text = api.get(job_path(1, "/stdout")).body;
  EXPECT_NE(text.find("ok: [localhost]"), std::string::npos) << text;
}

}  // namespace
}  // namespace drover::test
