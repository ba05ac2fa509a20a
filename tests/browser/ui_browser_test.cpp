// The web UI in a real browser (issue 18): Debian's chromium, driven by
// playwright-core scenarios (tests/browser/*.mjs, run with node), against the
// real `drover server` binary (real SQLite) and, for jobs, a private sshd
// fleet. This file sets the world up through the API (users, a project and
// its templates, a finished job, hosts), runs one scenario per test and
// passes when it passes. Screenshots land in <build>/ui-artifacts/<test>/.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

constexpr int kHosts = 6;

// Three tasks: a greeting (extra vars), a change on every host, a failure
// on host003.
const char* kPlaybook = R"(- name: web tier
  hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: "{{ greeting }} {{ inventory_hostname }}"
    - name: change something
      command: /bin/true
    - name: fail on one host
      command: /bin/false
      when: inventory_hostname == 'host003'
)";

// Long enough to be canceled; the duration is unique to this test.
const char* kSlowPlaybook = R"(- name: slow
  hosts: all
  gather_facts: false
  tasks:
    - name: wait a long time
      command: sleep 58.375
)";

const char* kUsers =
    R"({"admin": "admin-password-for-tests", "op1": "operator-password-12", "viewer1": "viewer-password-12"})";

class UiInBrowser : public ::testing::Test {
 protected:
  TempDir dir;   // the project root
  TempDir data;  // the data directory's parent (outside the root)
  std::unique_ptr<SshdFleet> fleet;
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<ApiClient> api;
  Value world = Value::object();  // what the scenarios are told (DROVER_DATA)

  // A server with users, a project with two templates; with_fleet: hosts to
  // run on and one finished job.
  void start(bool with_fleet) {
    std::vector<std::string> args = {"--workers", "2", "--project-root", dir.path()};
    dir.write("project/site.yml", kPlaybook);
    dir.write("project/slow.yml", kSlowPlaybook);
    if (with_fleet) {
      fleet = std::make_unique<SshdFleet>(kHosts);
      fleet->write_inventory(dir.path() + "/project/hosts.ini");
      args.insert(args.end(), {"--job-user", "root", "--job-show-path", fleet->dir()});
    } else {
      dir.write("project/hosts.ini", "localhost ansible_connection=local\n");
    }
    ServerProcessOptions o;
    o.data_dir = data.path() + "/var";
    o.extra_args = args;
    server = std::make_unique<ServerProcess>(o);
    api = std::make_unique<ApiClient>(server->url(), server->admin_token());
    ASSERT_EQ(
        api->post("/api/v1/users",
                  {{"username", "op1"}, {"password", "operator-password-12"}, {"role", "operator"}})
            .status,
        201);
    ASSERT_EQ(
        api->post("/api/v1/users", {{"username", "viewer1"}, {"password", "viewer-password-12"}})
            .status,
        201);
    auto project =
        api->post("/api/v1/projects",
                  {{"name", "web-project"}, {"kind", "local"}, {"path", dir.path() + "/project"}});
    ASSERT_EQ(project.status, 201) << project.body;
    auto tmpl = api->post("/api/v1/templates", {{"name", "deploy web"},
                                                {"project_id", project.json()["id"]},
                                                {"playbook", "site.yml"},
                                                {"inventory", {{"file", "hosts.ini"}}},
                                                {"extra_vars", {{"greeting", "hi"}}},
                                                {"ask_limit_on_launch", true},
                                                {"ask_variables_on_launch", true},
                                                {"ask_job_type_on_launch", true}});
    ASSERT_EQ(tmpl.status, 201) << tmpl.body;
    auto slow = api->post("/api/v1/templates", {{"name", "slow"},
                                                {"project_id", project.json()["id"]},
                                                {"playbook", "slow.yml"},
                                                {"inventory", {{"file", "hosts.ini"}}}});
    ASSERT_EQ(slow.status, 201) << slow.body;
    auto host = api->post("/api/v1/hosts", {{"hostname", "web1"},
                                            {"ip", "10.0.0.1"},
                                            {"role", "web"},
                                            {"line", "telecom"},
                                            {"idc", "bj1"}});
    ASSERT_EQ(host.status, 201) << host.body;
    world = {{"hosts", kHosts},
             {"template_id", tmpl.json()["id"]},
             {"template_name", "deploy web"},
             {"slow_template_id", slow.json()["id"]},
             {"project_name", "web-project"},
             {"host_id", host.json()["id"]},
             {"project_root", dir.path()}};
    dir.write("other/site.yml", kPlaybook);  // a second project, added from the UI
    if (with_fleet) {
      // Two of the fleet's hosts in the CMDB too, for batch execution, with
      // what it takes to reach them.
      for (int i = 0; i < 2; ++i) {
        const FleetHost& fh = fleet->hosts()[i];
        // A list var: batch execution carries every var with its type.
        Value vars = {
            {"rack", Value::array({"r" + std::to_string(i + 1), "spare"})},
            {"ansible_port", fh.port},
            {"ansible_user", "root"},
            {"ansible_ssh_private_key_file", fleet->client_key_path()},
            {"ansible_ssh_common_args", "-o UserKnownHostsFile=" + fleet->known_hosts_path() +
                                            " -o StrictHostKeyChecking=yes"}};
        auto r = api->post(
            "/api/v1/hosts",
            {{"hostname", fh.name}, {"ip", fh.address}, {"role", "fleet"}, {"vars", vars}});
        ASSERT_EQ(r.status, 201) << r.body;
      }
      auto job = api->post("/api/v1/jobs", {{"template_id", tmpl.json()["id"]}});
      ASSERT_EQ(job.status, 202) << job.body;
      int64_t id = job.json()["id"].get<int64_t>();
      world["job_id"] = id;
      wait_finished(id);
    }
  }

  void wait_finished(int64_t id) {
    for (int i = 0; i < 1200; ++i) {
      std::string state = api->get("/api/v1/jobs/" + std::to_string(id)).json().value("state", "");
      if (state != "pending" && state != "running") return;
      usleep(100 * 1000);
    }
    FAIL() << "job " << id << " did not finish";
  }

  // 10,000 hosts (on top of the fixture's), imported in one CSV.
  void add_many_hosts() {
    std::ostringstream csv;
    csv << "hostname,ip,role,line,idc,region,status,tags\n";
    const char* lines[] = {"telecom", "unicom", "mobile"};
    for (int i = 1; i <= 10000; ++i)
      csv << "edge" << i << ",10." << i / 65536 << '.' << (i / 256) % 256 << '.' << i % 256
          << ",cache," << lines[i % 3] << ",idc" << i % 40 << ",north,"
          << (i % 50 == 0 ? "maintenance" : "online") << ",edge\n";
    auto r = api->request("POST", "/api/v1/hosts/import", csv.str(), "text/csv");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  void run_scenario(const std::string& script) {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::string artifacts = std::string(DROVER_UI_ARTIFACTS) + "/" + name;
    std::filesystem::remove_all(artifacts);
    ProcessOptions o;
    o.env = {{"DROVER_URL", server->url() + "/"}, {"CHROMIUM", DROVER_CHROMIUM},
             {"ARTIFACT_DIR", artifacts},         {"DROVER_USERS", kUsers},
             {"DROVER_DATA", world.dump()},       {"HOME", data.path()}};
    o.timeout_s = 600;
    ProcessResult r =
        run_process({DROVER_NODE, std::string(DROVER_BROWSER_TESTS) + "/" + script}, o);
    EXPECT_EQ(r.exit_code, 0) << "scenario " << script << " failed\n--- stdout\n"
                              << r.out << "\n--- stderr\n"
                              << r.err;
    std::cout << r.out;
  }
};

TEST_F(UiInBrowser, AnOperatorImportsCsvSeesTheBadRowInPlaceThenFiltersEditsAndBulkTagsHosts) {
  start(false);
  run_scenario("hosts_import.mjs");
}

TEST_F(UiInBrowser, ALaunchedJobStreamsToTheRecapWithTheHostGridFillingAndIsRelaunched) {
  start(true);
  run_scenario("job_streams.mjs");
}

TEST_F(UiInBrowser, ARunningJobIsCanceledFromItsPage) {
  start(true);
  run_scenario("job_cancel.mjs");
}

TEST_F(UiInBrowser, AViewerSeesNoWriteButtonAndTheApiRefusesHisWrites) {
  start(true);
  run_scenario("viewer.mjs");
}

TEST_F(UiInBrowser, AChineseBrowserGetsTheUiInChineseWithLocalTimesAndCanSwitchToEnglish) {
  start(true);
  run_scenario("locale.mjs");
}

TEST_F(UiInBrowser, TheUiWorksBehindAReverseProxyUnderAPathPrefix) {
  start(true);
  run_scenario("proxy_prefix.mjs");
}

TEST_F(UiInBrowser, AnAdminUsesTheDashboardUsersAuditCredentialsTemplatesAndTokensPages) {
  start(true);
  run_scenario("admin_pages.mjs");
}

// Schedules (one fires while the test watches), webhooks (deliveries from
// the test: launched, filtered, rejected) and notifications (one to a local
// sink that answers, one to a port where nothing listens: retrying), each
// page for a viewer without write controls, and in Chinese.
TEST_F(UiInBrowser, AnOperatorSchedulesTemplatesWiresWebhooksAndNotificationsAndWatchesTheirLogs) {
  start(false);
  run_scenario("automation_pages.mjs");
}

// Workflow pages (issue 19): an operator launches a workflow from its list,
// approves its gate on the workflow job's page and watches the template
// node run to success; a second run is denied (the deploy node skipped, the
// workflow failed); a viewer sees the nodes without approve buttons.
TEST_F(UiInBrowser, AnOperatorLaunchesAWorkflowApprovesItsGateAndDeniesTheNextRun) {
  start(false);
  auto w = api->post("/api/v1/workflows",
                     {{"name", "release"},
                      {"description", "gate, then deploy"},
                      {"nodes", {{{"id", "gate"}, {"approval", {{"message", "ship it?"}}}, {"on_success", {"deploy"}}},
                                 {{"id", "deploy"}, {"template_id", world["template_id"]}}}}});
  ASSERT_EQ(w.status, 201) << w.body;
  auto sched = api->post("/api/v1/schedules", {{"name", "nightly release"},
                                               {"workflow_id", w.json()["id"]},
                                               {"cron", "30 2 * * *"},
                                               {"overrides", {{"extra_vars", {{"channel", "nightly"}}}}}});
  ASSERT_EQ(sched.status, 201) << sched.body;
  world["workflow_schedule_id"] = sched.json()["id"];
  run_scenario("workflow_pages.mjs");
}

// A host's facts after a job gathered them (there locally: the host's
// inventory entry says ansible_connection=local), and a project's edit.
TEST_F(UiInBrowser, AHostShowsTheFactsAJobGatheredAndAProjectIsEditedInPlace) {
  start(false);
  dir.write("project/facts.yml",
            "- name: facts\n  hosts: all\n  gather_facts: true\n  tasks:\n"
            "    - name: show the system\n      debug:\n        msg: \"{{ ansible_system }}\"\n");
  auto project = api->get("/api/v1/projects").json()["items"][0]["id"];
  auto tmpl = api->post("/api/v1/templates", {{"name", "gather on web1"},
                                              {"project_id", project},
                                              {"playbook", "facts.yml"},
                                              {"inventory", {{"text", "web1 ansible_connection=local\n"}}}});
  ASSERT_EQ(tmpl.status, 201) << tmpl.body;
  run_scenario("host_facts_project_edit.mjs");
}

// 2,000 hosts that need no connection (debug only): the grid, the output
// and the recap of a big job in the browser.
TEST_F(UiInBrowser, TheHostGridOfATwoThousandHostJobFillsCellByCellAndStaysReadable) {
  start(false);
  std::string inventory = "[big]\n";
  for (int i = 1; i <= 2000; ++i)
    inventory += "node" + std::to_string(10000 + i) + " ansible_connection=local\n";
  dir.write("project/big.yml",
            "- name: big\n  hosts: big\n  gather_facts: false\n  tasks:\n"
            "    - name: report\n      debug:\n        msg: up\n");
  auto project = api->get("/api/v1/projects").json()["items"][0]["id"];
  auto tmpl = api->post("/api/v1/templates", {{"name", "two thousand"},
                                              {"project_id", project},
                                              {"playbook", "big.yml"},
                                              {"inventory", {{"text", inventory}}},
                                              {"forks", 50}});
  ASSERT_EQ(tmpl.status, 201) << tmpl.body;
  world["big_template_id"] = tmpl.json()["id"];
  run_scenario("grid_2000.mjs");
}

TEST_F(UiInBrowser,
       TheFirstPageWeighsUnder300KbAndTheHostsPageDrawsTheFirstOf10000HostsInUnder300Ms) {
  start(false);
  add_many_hosts();
  run_scenario("performance.mjs");
}

}  // namespace
}  // namespace drover::test
