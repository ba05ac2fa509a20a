// The job side below HTTP, against a real SQLite store in a temporary
// directory: specs, the queue's atomic claim, interrupted jobs, batched
// event recording, and following a job's events from any cursor with
// neither loss nor duplicates while it is being written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "harness/process.hpp"
#include "output/json_lines_callback.hpp"
#include "server/jobs/event_hub.hpp"
#include "server/jobs/event_recorder.hpp"
#include "server/jobs/job_event_follower.hpp"
#include "server/jobs/job_execution.hpp"
#include "server/jobs/job_process.hpp"
#include "server/jobs/job_sandbox.hpp"
#include "server/jobs/leftover_commands.hpp"
#include "server/jobs/job_spec.hpp"
#include "server/jobs/job_view.hpp"
#include "store/job_store.hpp"
#include "store/store.hpp"

namespace drover::server {
namespace {

using test::TempDir;

Value adhoc_body() { return {{"module", "ping"}, {"inventory", "localhost,"}}; }

TEST(JobSpec, AModuleMakesAnAdhocSpecWithDefaults) {
  JobSpec s = parse_job_spec(adhoc_body());
  EXPECT_EQ(s.kind, JobSpec::Kind::adhoc);
  EXPECT_EQ(s.pattern, "all");
  EXPECT_EQ(s.forks, 5);
  EXPECT_EQ(parse_job_spec(s.to_json()).to_json(), s.to_json());
}

TEST(JobSpec, UnknownFieldsWrongTypesAndMissingFieldsNameTheField) {
  Value typo = adhoc_body();
  typo["forcks"] = 3;
  try {
    parse_job_spec(typo);
    FAIL() << "accepted an unknown field";
  } catch (const JobSpecError& e) {
    EXPECT_EQ(e.field(), "forcks");
    EXPECT_NE(std::string(e.what()).find("did you mean 'forks'"), std::string::npos) << e.what();
  }
  Value wrong = adhoc_body();
  wrong["forks"] = "many";
  EXPECT_THROW(parse_job_spec(wrong), JobSpecError);
  EXPECT_THROW(parse_job_spec(Value{{"inventory", "x,"}}), JobSpecError);   // neither playbook nor module
  EXPECT_THROW(parse_job_spec(Value{{"module", "ping"}}), JobSpecError);    // no inventory
  EXPECT_THROW(parse_job_spec(Value::array()), JobSpecError);
}

TEST(JobSpec, TemplateOverridesCannotChangeWhatRuns) {
  JobSpec base = parse_job_spec({{"playbook", "site.yml"}, {"inventory", "hosts"}});
  JobSpec merged = merge_job_spec(base, {{"limit", "web"}, {"extra_vars", {{"x", 1}}}});
  EXPECT_EQ(merged.playbook, "site.yml");
  EXPECT_EQ(merged.limit, "web");
  EXPECT_THROW(merge_job_spec(base, {{"playbook", "other.yml"}}), JobSpecError);
}

struct StoreFixture : ::testing::Test {
  TempDir dir;
  store::Store st{dir.path() + "/var"};
  store::JobStore jobs{st.db()};
  int64_t submit() { return jobs.submit("adhoc", std::nullopt, parse_job_spec(adhoc_body()).to_json().dump(), std::nullopt); }
};

using JobQueue = StoreFixture;

TEST_F(JobQueue, EachPendingJobIsClaimedByExactlyOneOfManyWorkers) {
  for (int i = 0; i < 200; ++i) submit();
  std::mutex mu;
  std::vector<int64_t> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w)
    workers.emplace_back([&, w] {
      while (auto job = jobs.claim_next("w" + std::to_string(w))) {
        EXPECT_EQ(job->state, "running");
        std::lock_guard<std::mutex> lock(mu);
        claimed.push_back(job->id);
      }
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(claimed.size(), 200u);
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), 200u);
  EXPECT_EQ(jobs.count_by_state()["running"], 200);
}

TEST_F(JobQueue, JobsLeftRunningBecomeErrorsWithTheirEventsKept) {
  int64_t id = submit();
  int64_t waiting = submit();
  ASSERT_TRUE(jobs.claim_next("dead-server"));
  jobs.append_events(id, {{1, "t", "", "", "playbook_start", R"({"seq": 1})"}});
  EXPECT_EQ(jobs.mark_interrupted("interrupted"), std::vector<int64_t>{id});
  auto job = jobs.get(id);
  EXPECT_EQ(job->state, "error");
  EXPECT_EQ(job->error, "interrupted");
  EXPECT_EQ(job->last_seq, 1);
  EXPECT_EQ(jobs.get(waiting)->state, "pending");
}

TEST_F(JobQueue, CancellingAPendingJobEndsItAtOnceAndARunningOneIsFlagged) {
  int64_t running = submit();
  int64_t pending = submit();
  ASSERT_TRUE(jobs.claim_next("w"));
  EXPECT_EQ(jobs.request_cancel(pending)->state, "canceled");
  auto r = jobs.request_cancel(running);
  EXPECT_EQ(r->state, "running");
  EXPECT_TRUE(r->cancel_requested);
  EXPECT_FALSE(jobs.request_cancel(9999));
  EXPECT_FALSE(jobs.claim_next("w"));  // the canceled one is not claimed
}

TEST_F(JobQueue, ListingFiltersByStateAndPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) submit();
  jobs.claim_next("w");
  store::JobFilter f;
  f.state = "pending";
  f.limit = 2;
  f.offset = 1;
  auto page = jobs.list(f);
  EXPECT_EQ(page.total, 4);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, 4);
  EXPECT_EQ(page.items[1].id, 3);
}

// Writes `n` events through a recorder while `readers` followers read them
// from `after` = 0, with a hub window far smaller than the job so that the
// followers move between memory and the database.
TEST_F(JobQueue, FollowersSeeEveryEventOnceInOrderWhileTheJobIsWritten) {
  const int n = 20000;
  EventHub hub(300);
  int64_t id = submit();
  ASSERT_TRUE(jobs.claim_next("w"));
  std::vector<std::vector<int64_t>> seen(4);
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r)
    readers.emplace_back([&, r] {
      // Half start late, from a cursor in the middle, as a resumed client.
      if (r % 2) std::this_thread::sleep_for(std::chrono::milliseconds(30));
      JobEventFollower f(jobs, hub, id, r == 3 ? 5000 : 0);
      while (!f.done()) {
        for (const auto& e : f.next(r == 2 ? 7 : 1000, std::chrono::milliseconds(200))) seen[r].push_back(e->seq);
        if (r == 2) std::this_thread::sleep_for(std::chrono::microseconds(50));  // a slow client
      }
      EXPECT_EQ(f.final_state(), "successful");
    });
  {
    EventRecorder rec(jobs, hub, id);
    JsonLinesCallback cb([&](const Value& ev, std::string line) { rec.add(ev, std::move(line)); });
    std::vector<std::thread> engine;
    for (int t = 0; t < 4; ++t)
      engine.emplace_back([&] {
        for (int i = 0; i < n / 4; ++i) cb.warning("event");
      });
    for (auto& t : engine) t.join();
    JobOutcome done;
    done.state = JobState::successful;
    done.rc = 0;
    rec.finish(done);
  }
  for (auto& t : readers) t.join();
  for (int r = 0; r < 4; ++r) {
    int64_t first = r == 3 ? 5001 : 1;
    ASSERT_EQ(seen[r].size(), static_cast<size_t>(n - first + 1)) << "reader " << r;
    for (size_t i = 0; i < seen[r].size(); ++i) ASSERT_EQ(seen[r][i], first + static_cast<int64_t>(i));
  }
  EXPECT_EQ(jobs.get(id)->last_seq, n);
}

TEST_F(JobQueue, AJobOfLocalHostsRunsThroughTheEngineWithEventsStdoutAndRecap) {
  std::string inv = dir.write("hosts", "a ansible_connection=local\nb ansible_connection=local\n");
  std::string book = dir.write("site.yml", R"(- hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: hello {{ inventory_hostname }}
    - name: run true
      command: /bin/true
)");
  JobSpec spec = parse_job_spec({{"playbook", book}, {"inventory", inv}});
  int64_t id = jobs.submit("playbook", std::nullopt, spec.to_json().dump(), std::nullopt);
  ASSERT_TRUE(jobs.claim_next("w"));
  EventHub hub;
  JobOutcome outcome;
  {
    EventRecorder rec(jobs, hub, id);
    JsonLinesCallback cb([&](const Value& ev, std::string line) { rec.add(ev, std::move(line)); });
    JobRun run;
    run.spec = &spec;
    run.work_dir = dir.path();
    outcome = execute_job(run, cb);
    rec.finish(outcome);
  }
  EXPECT_EQ(outcome.state, JobState::successful) << outcome.error;
  EXPECT_EQ(outcome.recap["a"]["changed"], 1);
  auto job = jobs.get(id);
  EXPECT_EQ(job->state, "successful");
  auto events = jobs.events_after(id, 0, 1000);
  std::vector<std::string> results;
  for (const auto& e : events)
    if (e.event == "runner_result") results.push_back(e.host + " " + Value::parse(e.data)["status"].get<std::string>());
  ASSERT_EQ(results.size(), 4u);
  // Hosts run a task in parallel: within a task, any order.
  std::sort(results.begin(), results.begin() + 2);
  std::sort(results.begin() + 2, results.end());
  EXPECT_EQ(results, (std::vector<std::string>{"a ok", "b ok", "a changed", "b changed"}));
  std::string out = job_stdout(*job, events);
  EXPECT_NE(out.find("TASK [say hello]"), std::string::npos) << out;
  EXPECT_NE(out.find("PLAY RECAP"), std::string::npos) << out;
}

TEST_F(JobQueue, AMissingPlaybookEndsTheJobInErrorWithTheReason) {
  JobSpec spec = parse_job_spec({{"playbook", dir.path() + "/nope.yml"}, {"inventory", "localhost,"}});
  JobRun run;
  run.spec = &spec;
  run.work_dir = dir.path();
  PlaybookCallback nothing;
  JobOutcome outcome = execute_job(run, nothing);
  EXPECT_EQ(outcome.state, JobState::error);
  EXPECT_NE(outcome.error.find("nope.yml"), std::string::npos) << outcome.error;
}

// A source with a scheme is never looked up in the project directory, and
// a run that targeted no host because of it fails with the reason (this
// binary has no http(s) source plugin: the source cannot be parsed).
TEST_F(JobQueue, ASchemeSourceIsNotJoinedToTheProjectAndAnUnparsedInventoryFailsTheJob) {
  dir.write("project/site.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n    - ping:\n");
  JobSpec spec = parse_job_spec({{"playbook", "site.yml"},
                                 {"project_dir", dir.path() + "/project"},
                                 {"inventory", "https://127.0.0.1:9/inventory"}});
  JobRun run;
  run.spec = &spec;
  run.work_dir = dir.path();
  PlaybookCallback nothing;
  JobOutcome outcome = execute_job(run, nothing);
  EXPECT_EQ(outcome.state, JobState::failed) << outcome.error;
  EXPECT_NE(outcome.error.find("Unable to parse"), std::string::npos) << outcome.error;
  EXPECT_EQ(outcome.error.find(dir.path() + "/project/https"), std::string::npos) << outcome.error;
}

// The position of `a b c` (consecutive arguments) in argv, or -1.
long find_args(const std::vector<std::string>& argv, std::vector<std::string> want) {
  for (size_t i = 0; i + want.size() <= argv.size(); ++i)
    if (std::equal(want.begin(), want.end(), argv.begin() + static_cast<long>(i))) return static_cast<long>(i);
  return -1;
}

TEST(JobSandbox, TheDataDirectoryIsCoveredEvenInsideAShownDirectoryAndTheJobDirectoryIsWritable) {
  TempDir dir;
  std::string app = dir.path() + "/app", data = app + "/var", project = data + "/projects/3",
              work = data + "/jobs/job-7";
  std::filesystem::create_directories(project);
  std::filesystem::create_directories(work);
  SandboxSettings s;
  s.data_dir = data;
  s.show_paths = {app};
  SandboxJob job;
  job.work_dir = work;
  job.readonly_paths = {project, data};
  job.program = "/usr/bin/true";
  job.args = {"job-exec", "--job", "7"};
  SandboxCommand cmd = sandbox_command(s, job);
  const auto& argv = cmd.argv;
  auto bound = [&](const char* option, const std::string& path) {
    auto at = std::find(cmd.fd_paths.begin(), cmd.fd_paths.end(), path);
    if (at == cmd.fd_paths.end()) return -1L;
    return find_args(argv, {option, std::to_string(kFirstPathFd + (at - cmd.fd_paths.begin())), path});
  };
  long shown = bound("--ro-bind-fd", app);
  long covered = find_args(argv, {"--tmpfs", data});
  ASSERT_GE(shown, 0);
  ASSERT_GT(covered, shown);
  EXPECT_GT(bound("--ro-bind-fd", project), covered);
  EXPECT_GT(bound("--bind-fd", work), covered);
  EXPECT_EQ(bound("--ro-bind-fd", data), -1) << "the data directory is shown";
  EXPECT_GE(find_args(argv, {"--ro-bind", "/dev/null", "/etc/shadow"}), 0);
  EXPECT_GE(find_args(argv, {"--unshare-pid"}), 0);
  EXPECT_EQ(find_args(argv, {"--unshare-net"}), -1) << "jobs need the network";
  EXPECT_EQ(find_args(argv, {"--die-with-parent"}), -1) << "a SIGKILL would skip the job's cancel path";
  EXPECT_EQ(std::vector<std::string>(argv.end() - 4, argv.end()),
            (std::vector<std::string>{"/usr/bin/true", "job-exec", "--job", "7"}));
}

TEST(JobSandbox, ADataDirectoryUnderTheSystemDirectoriesIsCoveredToo) {
  SandboxSettings s;
  s.data_dir = "/usr/local/var/drover-data";
  SandboxJob job;
  job.work_dir = "/tmp";
  job.program = "/usr/bin/true";
  EXPECT_GE(find_args(sandbox_command(s, job).argv, {"--tmpfs", "/usr/local/var/drover-data"}), 0);
}

TEST(JobSandbox, TheEnvironmentIsClearedToPathHomeLangAndTheAnsibleSettings) {
  SandboxSettings s;
  s.env = {{"ANSIBLE_FORKS", "9"}};
  SandboxJob job;
  job.work_dir = "/d/jobs/job-1";
  job.program = "/usr/bin/true";
  auto argv = sandbox_command(s, job).argv;
  ASSERT_GE(find_args(argv, {"--clearenv"}), 0);
  std::vector<std::string> names;
  for (size_t i = 0; i + 2 < argv.size(); ++i)
    if (argv[i] == "--setenv") names.push_back(argv[i + 1]);
  EXPECT_EQ(names, (std::vector<std::string>{"ANSIBLE_FORKS", "HOME", "LANG", "PATH"}));
  EXPECT_GE(find_args(argv, {"--setenv", "HOME", "/d/jobs/job-1/home"}), 0);
}

TEST(JobSandbox, OnlyInventoryPathsAreTakenFromTheProjectDirectory) {
  auto paths = job_readonly_paths("/p", "site.yml", {"hosts/prod.ini", "drover:/var/d", "https://cmdb/inv", "a,b"});
  EXPECT_EQ(paths, (std::vector<std::string>{"/p", "/p", "/p/hosts"}));
}

// A job process stand-in: /bin/sh with `script` (it gets the request line
// on stdin like drover job-exec).
JobOutcome run_script(const std::string& script, std::vector<std::string>* events = nullptr) {
  JobProcess p;
  p.command.argv = {"/bin/sh", "-c", script};
  p.request_line = "{}";
  std::atomic<bool> cancel{false};
  JsonEventSink sink = [&](const Value& ev, std::string) {
    if (events) events->push_back(ev["event"].get<std::string>());
  };
  return run_job_process(p, cancel, sink);
}

TEST(JobProcess, EventLinesReachTheSinkAndTheOutcomeLineEndsTheJob) {
  std::vector<std::string> events;
  JobOutcome o = run_script(
      R"(read request; echo '{"event":"playbook_start"}'; echo '{"ssh_connections_open":2}';
         echo '{"outcome":{"state":"failed","rc":2,"error":"","recap":{"h":{"ok":1}}}}')",
      &events);
  EXPECT_EQ(events, (std::vector<std::string>{"playbook_start"}));
  EXPECT_EQ(o.state, JobState::failed);
  EXPECT_EQ(o.rc, 2);
  EXPECT_EQ(o.recap["h"]["ok"], 1);
  EXPECT_EQ(job_ssh_connections_open(), 0);
}

TEST(JobProcess, GarbageOnThePipeEndsTheJobInErrorAtOnceWithTheLine) {
  auto t0 = std::chrono::steady_clock::now();
  JobOutcome o = run_script(R"(read request; echo '{"event":"playbook_start"}'; echo 'Segmentation fault?'; sleep 30)");
  EXPECT_EQ(o.state, JobState::error);
  EXPECT_NE(o.error.find("not an event: Segmentation fault?"), std::string::npos) << o.error;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

TEST(JobProcess, AProcessThatDiesWithoutAnOutcomeEndsInErrorWithItsLastWords) {
  JobOutcome o = run_script("read request; echo 'terminate called after throwing' >&2; kill -ABRT $$");
  EXPECT_EQ(o.state, JobState::error);
  EXPECT_NE(o.error.find("signal 6"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("terminate called"), std::string::npos) << o.error;
}

TEST(LeftoverCommands, GroupsStillRunningAreKilledWithTheJobsOwnWayToTheHosts) {
  std::string log = R"({"host":"a","group":101,"running":true}
{"host":"b","group":202,"running":true}
{"host":"a","group":103,"running":true}
{"host":"b","group":202,"running":false}
{"host":"a","gro)";  // the last line was cut by the job's death
  auto live = live_remote_groups(log);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live["a"], (std::vector<long>{101, 103}));

  JobSpec original = parse_job_spec({{"playbook", "site.yml"}, {"project_dir", "/p"}, {"inventory", "hosts"},
                                     {"credential_id", 4}, {"extra_vars", {{"ansible_port", 2222}}}});
  JobSpec cleanup = leftover_cleanup_spec(original, live);
  EXPECT_EQ(cleanup.kind, JobSpec::Kind::adhoc);
  EXPECT_EQ(cleanup.pattern, "a");
  EXPECT_EQ(cleanup.inventory, original.inventory);
  EXPECT_EQ(cleanup.project_dir, "/p");
  EXPECT_EQ(cleanup.credential_id, 4);
  EXPECT_EQ(cleanup.extra_vars["ansible_port"], 2222);
  EXPECT_EQ(cleanup.extra_vars[kLeftoverGroupsVar]["a"], "-101 -103");
  EXPECT_EQ(cleanup.args.rfind("kill -KILL {{", 0), 0u) << cleanup.args;
}

}  // namespace
}  // namespace drover::server
