// `drover remote`: a drover server's jobs from a shell or a CI pipeline.
//
//   drover remote launch TEMPLATE [-e VARS]... [-l LIMIT] [-t TAGS] [--skip-tags TAGS]
//                        [-C] [-D] [-v] [--credential ID] [-f|--follow]
//   drover remote jobs [--state S] [--template TEMPLATE] [-n N] [--json]
//   drover remote output JOB [-f|--follow]
//   drover remote cancel JOB
//   drover remote workflows [--json]
//   drover remote launch-workflow WORKFLOW [-e VARS]... [-f|--follow]
//   drover remote approve|deny WORKFLOW_JOB NODE [-m COMMENT]
//
// The server comes from --server or DROVER_SERVER (http(s)://HOST:PORT, with
// a reverse proxy's path prefix if there is one), the API token from
// --token-file or DROVER_TOKEN (never a flag: argv is visible to every user
// of the machine), DROVER_CA_CERT checks an HTTPS server with that CA.
// TEMPLATE is a template's id or its name.
//
// Following prints the job's output live, as `drover play` prints it (from
// the job's events over Server-Sent Events, resumed from the last event when
// the connection drops), and exits with the job's exit code: 0 successful,
// 2 a host failed, 4 unreachable, 99 canceled, 1 an error before the run.
// Without --follow, `launch` prints the new job's id. Errors exit 1 with the
// server's message; bad options exit 5.
//
// Following a workflow job prints each node's state as it changes (an
// approval node with the command that decides it) and exits 0 when the
// workflow job succeeded, 2 when it failed, 99 when it was canceled.
// WORKFLOW is a workflow's id or its name.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "engine/extra_vars.hpp"
#include "output/default_callback.hpp"
#include "output/event_replay.hpp"
#include "server/remote_api.hpp"

namespace drover::cli {
namespace {

struct RemoteFlags {
  std::string server, token_file;
  // launch
  std::string template_ref, limit, tags, skip_tags;
  std::vector<std::string> extra_vars;
  bool check = false, diff = false, follow = false;
  int verbosity = 0;
  int64_t credential = 0;
  // jobs
  std::string state, template_filter;
  int count = 20;
  bool json = false;
  // output, cancel; approve, deny (job: the workflow job)
  int64_t job = 0;
  std::string node, comment;
};

std::string env_or(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

server::RemoteApi connect(const RemoteFlags& f) {
  std::string url = f.server.empty() ? env_or("DROVER_SERVER") : f.server;
  if (url.empty()) throw OptionsError("drover remote: say which server with --server URL or DROVER_SERVER");
  std::string token;
  if (!f.token_file.empty()) {
    std::ifstream in(f.token_file);
    if (!in) throw OptionsError("drover remote: cannot read the token file " + f.token_file);
    std::getline(in, token);
    token = trim(token);
  } else {
    token = env_or("DROVER_TOKEN");
  }
  if (token.empty())
    throw OptionsError("drover remote: set DROVER_TOKEN (or --token-file FILE) to an API token of the server");
  return server::RemoteApi(url, token, "drover remote");
}

std::string job_path(int64_t id, const std::string& tail = "") { return "/api/v1/jobs/" + std::to_string(id) + tail; }

// A template's id from its id or its name.
int64_t template_id(const server::RemoteApi& api, const std::string& ref) {
  if (!ref.empty() && ref.find_first_not_of("0123456789") == std::string::npos) return std::stoll(ref);
  for (int64_t offset = 0;; offset += 500) {
    Value page = api.get("/api/v1/templates?limit=500&offset=" + std::to_string(offset));
    for (const auto& t : page["items"])
      if (t.value("name", std::string()) == ref) return t["id"].get<int64_t>();
    if (page["items"].size() < 500) break;
  }
  throw Error("drover remote: the server has no template named '" + ref + "'");
}

// A workflow's id from its id or its name.
int64_t workflow_id(const server::RemoteApi& api, const std::string& ref) {
  if (!ref.empty() && ref.find_first_not_of("0123456789") == std::string::npos) return std::stoll(ref);
  for (int64_t offset = 0;; offset += 500) {
    Value page = api.get("/api/v1/workflows?limit=500&offset=" + std::to_string(offset));
    for (const auto& w : page["items"])
      if (w.value("name", std::string()) == ref) return w["id"].get<int64_t>();
    if (page["items"].size() < 500) break;
  }
  throw Error("drover remote: the server has no workflow named '" + ref + "'");
}

// A finished job's exit code, as ansible-playbook's would have been.
int exit_code_of(const Value& job) {
  if (job.contains("exit_code") && job["exit_code"].is_number_integer()) return job["exit_code"].get<int>();
  std::string state = job.value("state", std::string());
  if (state == "successful") return 0;
  if (state == "failed") return 2;
  if (state == "canceled") return 99;
  return 1;
}

int follow(const server::RemoteApi& api, int64_t id) {
  Value job = api.get(job_path(id));
  DefaultCallbackOptions opt;
  opt.verbosity = job["spec"].value("verbosity", 0);
  opt.check = job["spec"].value("check", false);
  std::string state;
  {
    DefaultCallback text(opt, stdout, stderr);
    EventReplay replay(text);
    std::string last = "0";
    int failures = 0;
    for (;;) {
      bool ended = false;
      try {
        ended = api.stream(job_path(id, "/stream?after=" + last),
                           [&](const std::string& seq, const std::string& event, const std::string& data) {
                             if (event == "end") {
                               state = Value::parse(data).value("state", std::string());
                               return false;
                             }
                             replay.feed(Value::parse(data));
                             std::fflush(stdout);
                             last = seq;
                             failures = 0;
                             return true;
                           });
      } catch (const Error&) {
        // The server restarting: its jobs survive it, so wait for it a while.
        if (api.status() != 0 || ++failures > 30) throw;
        std::this_thread::sleep_for(std::chrono::seconds(2));
        continue;
      }
      if (ended) break;
    }
  }
  std::fflush(stdout);
  job = api.get(job_path(id));
  if (job.value("state", std::string()) == "error" && job["error"].is_string())
    std::cerr << "ERROR! " << job["error"].get<std::string>() << "\n";
  return exit_code_of(job);
}

int run_launch(const RemoteFlags& f) {
  server::RemoteApi api = connect(f);
  Value body = {{"template_id", template_id(api, f.template_ref)}};
  if (!f.extra_vars.empty()) body["extra_vars"] = parse_extra_vars(f.extra_vars);
  if (!f.limit.empty()) body["limit"] = f.limit;
  if (!f.tags.empty()) body["tags"] = split(f.tags, ',');
  if (!f.skip_tags.empty()) body["skip_tags"] = split(f.skip_tags, ',');
  if (f.check) body["check"] = true;
  if (f.diff) body["diff"] = true;
  if (f.verbosity > 0) body["verbosity"] = f.verbosity;
  if (f.credential > 0) body["credential_id"] = f.credential;
  Value job = api.post("/api/v1/jobs", body);
  int64_t id = job["id"].get<int64_t>();
  if (!f.follow) {
    std::cout << id << "\n";
    return 0;
  }
  std::cerr << "job " << id << " queued\n";
  return follow(api, id);
}

std::string workflow_job_path(int64_t id, const std::string& tail = "") {
  return "/api/v1/workflow_jobs/" + std::to_string(id) + tail;
}

// Prints each node's state as it changes until the workflow job ends.
int follow_workflow(const server::RemoteApi& api, int64_t id) {
  std::map<std::string, std::string> seen;
  int failures = 0;
  for (;;) {
    Value wj;
    try {
      wj = api.get(workflow_job_path(id));
      failures = 0;
    } catch (const Error&) {
      if (api.status() != 0 || ++failures > 30) throw;  // a restarting server: wait a while
      std::this_thread::sleep_for(std::chrono::seconds(2));
      continue;
    }
    for (const auto& n : wj["nodes"]) {
      std::string node = n.value("id", std::string()), state = n.value("state", std::string());
      std::string job = n["job_id"].is_number_integer() ? " (job " + std::to_string(n["job_id"].get<int64_t>()) + ")" : "";
      std::string line = state + job;
      if (seen[node] == line) continue;
      seen[node] = line;
      std::string message = n.value("message", std::string());
      std::printf("node %s: %s%s%s\n", node.c_str(), line.c_str(), message.empty() ? "" : ": ", message.c_str());
      if (state == "approval")
        std::printf("  decide with: drover remote approve %lld %s (or deny)\n", static_cast<long long>(id), node.c_str());
      std::fflush(stdout);
    }
    std::string state = wj.value("state", std::string());
    if (state != "running") {
      std::string message = wj.value("message", std::string());
      std::printf("workflow job %lld %s%s%s\n", static_cast<long long>(id), state.c_str(), message.empty() ? "" : ": ",
                  message.c_str());
      if (state == "successful") return 0;
      return state == "canceled" ? 99 : 2;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

int run_launch_workflow(const RemoteFlags& f) {
  server::RemoteApi api = connect(f);
  Value body = Value::object();
  if (!f.extra_vars.empty()) body["extra_vars"] = parse_extra_vars(f.extra_vars);
  int64_t wf = workflow_id(api, f.template_ref);
  Value wj = api.post("/api/v1/workflows/" + std::to_string(wf) + "/launch", body);
  int64_t id = wj["id"].get<int64_t>();
  if (!f.follow) {
    std::cout << id << "\n";
    return 0;
  }
  std::cerr << "workflow job " << id << " started\n";
  return follow_workflow(api, id);
}

int run_workflows(const RemoteFlags& f) {
  server::RemoteApi api = connect(f);
  Value page = api.get("/api/v1/workflows?limit=500");
  if (f.json) {
    std::cout << page["items"].dump(2) << "\n";
    return 0;
  }
  std::printf("%-8s %-6s %s\n", "ID", "NODES", "NAME");
  for (const auto& w : page["items"])
    std::printf("%-8lld %-6zu %s\n", static_cast<long long>(w["id"].get<int64_t>()), w["nodes"].size(),
                w.value("name", std::string()).c_str());
  return 0;
}

int run_decide(const RemoteFlags& f, bool approve) {
  server::RemoteApi api = connect(f);
  Value body = {{"node", f.node}};
  if (!f.comment.empty()) body["comment"] = f.comment;
  Value wj = api.post(workflow_job_path(f.job, approve ? "/approve" : "/deny"), body);
  std::cout << "workflow job " << f.job << ": node " << f.node << (approve ? " approved" : " denied") << " ("
            << wj.value("state", std::string()) << ")\n";
  return 0;
}

std::string cell(const Value& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

int run_jobs(const RemoteFlags& f) {
  server::RemoteApi api = connect(f);
  std::string query = "?limit=" + std::to_string(f.count);
  if (!f.state.empty()) query += "&state=" + f.state;
  if (!f.template_filter.empty()) query += "&template_id=" + std::to_string(template_id(api, f.template_filter));
  Value page = api.get("/api/v1/jobs" + query);
  if (f.json) {
    std::cout << page["items"].dump(2) << "\n";
    return 0;
  }
  std::printf("%-8s %-11s %-20s %-5s %s\n", "ID", "STATE", "CREATED", "EXIT", "NAME");
  for (const auto& j : page["items"])
    std::printf("%-8s %-11s %-20s %-5s %s\n", cell(j["id"]).c_str(), cell(j["state"]).c_str(),
                cell(j["created"]).substr(0, 19).c_str(), cell(j["exit_code"]).c_str(), cell(j["name"]).c_str());
  return 0;
}

int run_output(const RemoteFlags& f) {
  server::RemoteApi api = connect(f);
  if (f.follow) return follow(api, f.job);
  std::cout << api.get_text(job_path(f.job, "/stdout"));
  return 0;
}

int run_cancel(const RemoteFlags& f) {
  server::RemoteApi api = connect(f);
  Value job = api.post(job_path(f.job, "/cancel"), Value::object());
  std::cout << "job " << f.job << ": cancel requested (" << job.value("state", std::string()) << ")\n";
  return 0;
}

void add_follow(CLI::App* cmd, RemoteFlags& f) {
  cmd->add_flag("-f,--follow", f.follow, "print the output live and exit with the job's exit code");
}

}  // namespace

void add_remote_command(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<RemoteFlags>();
  CLI::App* remote = app.add_subcommand("remote", "a drover server's jobs and workflows: launch, follow, list, cancel, approve");
  remote->require_subcommand(1);
  remote->add_option("--server", f->server, "the server's URL (default DROVER_SERVER)");
  remote->add_option("--token-file", f->token_file, "read the API token from this file (default DROVER_TOKEN)");

  CLI::App* launch = remote->add_subcommand("launch", "launch a job template");
  launch->add_option("template", f->template_ref, "the template's id or name")->required();
  launch->add_option("-e,--extra-vars", f->extra_vars, "extra variables: k=v, JSON/YAML, or @file (repeatable)");
  launch->add_option("-l,--limit", f->limit, "limit to these hosts (a pattern)");
  launch->add_option("-t,--tags", f->tags, "only tasks with these tags (comma-separated)");
  launch->add_option("--skip-tags", f->skip_tags, "skip tasks with these tags (comma-separated)");
  launch->add_flag("-C,--check", f->check, "check mode");
  launch->add_flag("-D,--diff", f->diff, "show diffs");
  launch->add_flag("-v,--verbose", f->verbosity, "more output (repeatable)");
  launch->add_option("--credential", f->credential, "the credential's id");
  add_follow(launch, *f);
  launch->callback([f, &exit_code] { exit_code = run_launch(*f); });

  CLI::App* jobs = remote->add_subcommand("jobs", "list the newest jobs");
  jobs->add_option("--state", f->state, "only jobs in this state")
      ->check(CLI::IsMember({"pending", "running", "successful", "failed", "error", "canceled"}));
  jobs->add_option("--template", f->template_filter, "only jobs of this template (id or name)");
  jobs->add_option("-n,--count", f->count, "how many (default 20)")->check(CLI::Range(1, 500));
  jobs->add_flag("--json", f->json, "print JSON");
  jobs->callback([f, &exit_code] { exit_code = run_jobs(*f); });

  CLI::App* output = remote->add_subcommand("output", "print a job's output");
  output->add_option("job", f->job, "the job's id")->required()->check(CLI::PositiveNumber);
  add_follow(output, *f);
  output->callback([f, &exit_code] { exit_code = run_output(*f); });

  CLI::App* cancel = remote->add_subcommand("cancel", "cancel a job");
  cancel->add_option("job", f->job, "the job's id")->required()->check(CLI::PositiveNumber);
  cancel->callback([f, &exit_code] { exit_code = run_cancel(*f); });

  CLI::App* workflows = remote->add_subcommand("workflows", "list the workflows");
  workflows->add_flag("--json", f->json, "print JSON");
  workflows->callback([f, &exit_code] { exit_code = run_workflows(*f); });

  CLI::App* launch_wf = remote->add_subcommand("launch-workflow", "start a workflow job");
  launch_wf->add_option("workflow", f->template_ref, "the workflow's id or name")->required();
  launch_wf->add_option("-e,--extra-vars", f->extra_vars, "extra variables for every node: k=v, JSON/YAML, or @file");
  launch_wf->add_flag("-f,--follow", f->follow,
                      "print each node's state as it changes and exit with the workflow's result (0, 2, 99)");
  launch_wf->callback([f, &exit_code] { exit_code = run_launch_workflow(*f); });

  for (bool approve : {true, false}) {
    CLI::App* decide = remote->add_subcommand(approve ? "approve" : "deny",
                                              approve ? "approve a workflow job's approval node"
                                                      : "deny a workflow job's approval node (it fails)");
    decide->add_option("workflow_job", f->job, "the workflow job's id")->required()->check(CLI::PositiveNumber);
    decide->add_option("node", f->node, "the approval node's id")->required();
    decide->add_option("-m,--comment", f->comment, "a comment for the audit log");
    decide->callback([f, &exit_code, approve] { exit_code = run_decide(*f, approve); });
  }
}

}  // namespace drover::cli
