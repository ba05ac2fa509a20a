// Documentation of jobs/job_service.cpp: submit, follow, cancel, relaunch,
// delete jobs.
#include "server/api_docs.hpp"

namespace drover::server {

using namespace schema;

namespace {

const std::vector<std::string> kStates = {"pending", "running",  "successful",
                                          "failed",  "canceled", "error"};

// parse_job_spec's fields (null means absent for each). A list of strings
// may also be one comma-list string, as on the command line.
Properties job_spec_fields() {
  Value strings = {{"oneOf", Value::array({array_of(str()), str()})}, {"nullable", true}};
  return {
      {"kind", nullable(described(enum_of({"playbook", "adhoc", "sync"}),
                                  "adhoc when module is given, else playbook; sync: only with "
                                  "project_id (a project sync)"))},
      {"project_dir", nullable(str("playbook: the directory the playbook path is relative to"))},
      {"playbook", nullable(str("playbook: the file"))},
      {"module", nullable(str("adhoc: the module"))},
      {"args", nullable(str("adhoc: module arguments, k=v text or a JSON object as text"))},
      {"pattern", nullable(str("adhoc: host pattern (all when absent)"))},
      {"inventory", described(strings, "inventory sources (files, directories, h1,h2 lists)")},
      {"inventory_text", nullable(str("inventory text (INI or YAML)"))},
      {"limit", nullable(str())},
      {"tags", strings},
      {"skip_tags", strings},
      {"extra_vars", nullable(any_object())},
      {"forks", nullable(integer(1, 10000))},
      {"check", nullable(boolean())},
      {"diff", nullable(boolean())},
      {"verbosity", nullable(integer(0, 4))},
      {"remote_user", nullable(str())},
      {"credential_id", nullable(integer(1))},
      {"vault_credential_ids",
       nullable(described(array_of(integer(1)), "vault credentials, at most one per vault id"))},
      {"project_id", nullable(described(integer(1), "sync: the project to sync"))},
      {"template_id", described(nullable(integer(1)),
                                "run this template; the other fields override its values "
                                "(not kind, project_dir, playbook, module)")}};
}

}  // namespace

void add_job_docs(ApiDocs& docs, Value& components) {
  components["JobSubmit"] = obj(job_spec_fields());
  components["Job"] =
      open({{"id", integer(1)},
            {"kind", described(enum_of({"playbook", "adhoc", "sync"}), "sync: a project sync job")},
            {"name", str("the playbook, or module: args")},
            {"state", enum_of(kStates)},
            {"template_id", nullable(integer(1))},
            {"created_by", nullable(integer(1))},
            {"created", timestamp()},
            {"started", nullable(timestamp())},
            {"finished", nullable(timestamp())},
            {"exit_code", nullable(integer())},
            {"error", nullable(str("why it ended in error (or was canceled early)"))},
            {"cancel_requested", boolean()},
            {"last_event", described(integer(0), "the number of its last stored event")},
            {"spec", described(any_object(), "what it runs, as stored (JobSubmit's fields)")},
            {"recap", nullable(described(any_object(), "per-host counts, when finished"))}},
           {"id", "kind", "name", "state", "template_id", "created_by", "created", "started",
            "finished", "exit_code", "error", "cancel_requested", "last_event", "spec", "recap"});
  // The other fields depend on the event (docs/JSON_EVENTS.md): said by an
  // explicit additionalProperties.
  Value event =
      open({{"seq", integer(1)},
            {"time", timestamp()},
            {"event",
             str("playbook_start, task_start, runner_result, stats, ... (docs/JSON_EVENTS.md)")}},
           {"seq", "time", "event"});
  event["additionalProperties"] = true;
  event["description"] =
      "a drover play --json event; its other fields depend on the event (docs/JSON_EVENTS.md)";
  components["JobEvent"] = event;
  components["JobEvents"] =
      open({{"items", array_of(ref("JobEvent"))},
            {"after", integer(0)},
            {"limit", integer(1)},
            {"next_after", described(integer(0), "`after` for the next call")},
            {"last_event", integer(0)},
            {"state", enum_of(kStates)}},
           {"items", "after", "limit", "next_after", "last_event", "state"});
  components["JobPage"] = page_schema("Job");

  docs["GET /api/v1/hosts/{id}/jobs"] = {
      .query = page_params(),
      .responses = {ok(page_of("Job"), "the jobs whose events name the host, newest first"), err(400),
                    err(404, "no host with this id")}};
  docs["POST /api/v1/jobs"] = {
      .body = ref("JobSubmit"),
      .responses = {
          accepted(ref("Job"), "queued (state pending)"),
          err(400, "a bad field, an ad-hoc module's bad arguments, a playbook that does not exist"),
          err(403,
              "the caller may not use the credential or project paths it names, or a template does "
              "not prompt for an override"),
          err(404, "no template with template_id")}};
  std::vector<Value> list_query = {
      query("state", enum_of(kStates), "only jobs in this state"),
      query("kind", enum_of({"playbook", "adhoc", "sync"}), "only jobs of this kind"),
      query("template_id", integer(1), "only jobs of this template"),
      query("created_by", str(), "a user id or a username"),
      query("created_after", str(),
            "ISO 8601 date or date-time (2026-11-25, 2026-11-25T07:30:00Z)"),
      query("created_before", str(), "ISO 8601 date or date-time"),
  };
  for (auto& p : page_params()) list_query.push_back(p);
  docs["GET /api/v1/jobs"] = {.query = list_query, .responses = {ok(page_of("Job")), err(400)}};
  docs["GET /api/v1/jobs/{id}"] = {.responses = {ok(ref("Job")), err(404)}};
  Value event_limit = integer(1, 10000);
  event_limit["default"] = 1000;
  docs["GET /api/v1/jobs/{id}/events"] = {
      .query = {query("after", integer(0), "events after this sequence number (0 when absent)"),
                query("limit", event_limit, "events per answer")},
      .responses = {ok(ref("JobEvents")), err(400), err(404)}};
  docs["GET /api/v1/jobs/{id}/stream"] = {
      .query = {query("after", integer(0), "events after this sequence number")},
      .responses = {text("text/event-stream",
                         "Server-Sent Events: id <seq>, event <name>, data <the JSON line>; "
                         "ends with event: end, data {\"state\": ...}"),
                    err(400, "a bad after or Last-Event-ID"), err(404)},
      .headers = {{{"name", "Last-Event-ID"},
                   {"in", "header"},
                   {"required", false},
                   {"description", "resume after this event (instead of after)"},
                   {"schema", integer(0)}}}};
  docs["GET /api/v1/jobs/{id}/stdout"] = {
      .responses = {text("text/plain", "the run's output as the CLI prints it"), err(404)}};
  docs["POST /api/v1/jobs/{id}/cancel"] = {
      .responses = {accepted(ref("Job"), "cancel requested (cancel_requested true)"), err(404),
                    err(409, "the job already ended")}};
  docs["POST /api/v1/jobs/{id}/relaunch"] = {
      .responses = {
          accepted(ref("Job"), "the same spec queued as a new job of the caller"),
          err(400, "the stored spec no longer passes the checks (a playbook that is gone)"),
          err(403, "the caller may not use the job's credential or paths"), err(404)}};
  docs["DELETE /api/v1/jobs/{id}"] = {
      .responses = {no_content("deleted with its events"),
                    err(403, "neither an admin nor the job's creator"), err(404),
                    err(409, "the job is pending or running (cancel it first)")}};
}

}  // namespace drover::server
