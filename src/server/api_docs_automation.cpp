// Documentation of server/automation: schedules, incoming webhooks and
// notifications (issue 19).
#include "server/api_docs.hpp"

namespace drover::server {

using namespace schema;

namespace {

void add_schedule_docs(ApiDocs& docs, Value& components) {
  Properties input = {
      {"name", str()},
      {"template_id", described(integer(1), "the template it launches; one of template_id and workflow_id")},
      {"workflow_id", described(integer(1), "the workflow it starts (target_kind workflow)")},
      {"cron", nullable(str("5 fields (minute hour day-of-month month day-of-week) or @daily, @hourly, ...; "
                            "exactly one of cron and run_at"))},
      {"run_at", nullable(str("run once at this ISO 8601 date-time (no offset: UTC)"))},
      {"time_zone", str("a tz database name (Europe/Berlin); UTC when absent")},
      {"overrides", described(any_object(), "launch overrides, as POST /api/v1/jobs takes them with a template_id; "
                                            "a workflow's: extra_vars only")},
      {"enabled", boolean()},
      {"missed_runs", described(enum_of({"skip", "run_once"}),
                                "a slot missed while the server was down: skipped (default) or launched once")}};
  components["ScheduleInput"] = obj(input, {"name"});
  components["SchedulePatch"] = obj(input);
  components["Schedule"] = open(
      {{"id", integer(1)},
       {"name", str()},
       {"target_kind", enum_of({"template", "workflow"})},
       {"template_id", nullable(integer(1))},
       {"workflow_id", nullable(integer(1))},
       {"cron", nullable(str())},
       {"run_at", nullable(timestamp())},
       {"time_zone", str()},
       {"overrides", any_object()},
       {"enabled", boolean()},
       {"missed_runs", enum_of({"skip", "run_once"})},
       {"owner_id", nullable(described(integer(1), "the user the schedule launches as: its last editor"))},
       {"next_run", nullable(timestamp())},
       {"next_runs", described(array_of(timestamp()), "the next five runs (none while disabled)")},
       {"last_run", nullable(timestamp())},
       {"last_job_id", nullable(integer(1))},
       {"last_workflow_job_id", nullable(integer(1))},
       {"last_error", str("why the last slot's launch was refused; empty otherwise")},
       {"created", timestamp()},
       {"updated", timestamp()}},
      {"id", "name", "template_id", "cron", "run_at", "time_zone", "enabled", "missed_runs", "next_run", "next_runs"});
  components["ScheduleRun"] = open({{"slot", timestamp()},
                                    {"fired", timestamp()},
                                    {"outcome", enum_of({"launched", "skipped", "refused"})},
                                    {"job_id", nullable(integer(1))},
                                    {"workflow_job_id", nullable(integer(1))},
                                    {"message", str()}},
                                   {"slot", "fired", "outcome", "job_id", "message"});
  components["SchedulePage"] = page_schema("Schedule");
  components["ScheduleRunPage"] = page_schema("ScheduleRun");
  std::vector<Value> list_query = {query("template_id", integer(1), "only this template's schedules")};
  for (auto& p : page_params()) list_query.push_back(p);
  docs["GET /api/v1/schedules"] = {.query = list_query, .responses = {ok(page_of("Schedule")), err(400)}};
  docs["POST /api/v1/schedules"] = {
      .body = ref("ScheduleInput"),
      .responses = {created(ref("Schedule")),
                    err(400, "a bad cron expression, time zone or run_at, no such template or workflow, or an "
                             "override the template does not prompt for"),
                    err(403, "the caller could not launch the template, or one of the workflow's (credentials)"),
                    err(409, "a schedule with this name exists")}};
  docs["GET /api/v1/schedules/{id}"] = {.responses = {ok(ref("Schedule")), err(404)}};
  docs["PATCH /api/v1/schedules/{id}"] = {
      .body = ref("SchedulePatch"),
      .responses = {ok(ref("Schedule"), "changed; the caller is now its owner"), err(400),
                    err(403, "the caller could not launch the template (its credential)"), err(404),
                    err(409, "a schedule with this name exists")}};
  docs["DELETE /api/v1/schedules/{id}"] = {.responses = {no_content(), err(404)}};
  docs["GET /api/v1/schedules/{id}/runs"] = {.query = page_params(),
                                             .responses = {ok(page_of("ScheduleRun")), err(400), err(404)}};
}


void add_webhook_docs(ApiDocs& docs, Value& components) {
  Value patterns = array_of(str());
  Properties input = {
      {"name", str()},
      {"template_id", described(integer(1), "the template a push launches; one of template_id and workflow_id")},
      {"workflow_id", described(integer(1), "the workflow a push starts (the payload's vars are its extra vars)")},
      {"service", enum_of({"github", "gitlab", "gitee", "generic"})},
      {"auth", described(enum_of({"hmac", "token"}), "generic only: a signature (default) or a token header")},
      {"secret", str("at least 16 characters; made (and answered once) when a new webhook has none")},
      {"filters", obj({{"branches", described(patterns, "glob patterns; empty: any branch")},
                       {"tags", described(patterns, "glob patterns; empty: any tag")},
                       {"paths", described(patterns, "at least one changed file must match; empty: any")}})},
      {"enabled", boolean()}};
  components["WebhookInput"] = obj(input, {"name", "service"});
  components["WebhookPatch"] = obj(input);
  components["Webhook"] = open({{"id", integer(1)},
                                {"name", str()},
                                {"target_kind", enum_of({"template", "workflow"})},
                                {"template_id", nullable(integer(1))},
                                {"workflow_id", nullable(integer(1))},
                                {"service", enum_of({"github", "gitlab", "gitee", "generic"})},
                                {"auth", enum_of({"hmac", "token"})},
                                {"filters", any_object()},
                                {"enabled", boolean()},
                                {"owner_id", nullable(described(integer(1), "deliveries launch as this user"))},
                                {"url", str("where the service sends its deliveries (POST)")},
                                {"has_secret", boolean()},
                                {"secret", str("only in the answer that made it")},
                                {"created", timestamp()},
                                {"updated", timestamp()}},
                               {"id", "name", "template_id", "service", "auth", "filters", "enabled", "url",
                                "has_secret"});
  components["WebhookDelivery"] =
      open({{"id", integer(1)},
            {"delivery_id", nullable(str("the service's id of the delivery (replay key)"))},
            {"received", timestamp()},
            {"address", str()},
            {"event", str()},
            {"ref", str()},
            {"commit", str()},
            {"status", integer()},
            {"outcome", enum_of({"launched", "filtered", "rejected", "duplicate", "refused"})},
            {"job_id", nullable(integer(1))},
            {"workflow_job_id", nullable(integer(1))},
            {"message", str()}},
           {"id", "received", "status", "outcome", "message"});
  components["WebhookPage"] = page_schema("Webhook");
  components["WebhookDeliveryPage"] = page_schema("WebhookDelivery");
  docs["GET /api/v1/webhooks"] = {.query = page_params(), .responses = {ok(page_of("Webhook")), err(400)}};
  docs["POST /api/v1/webhooks"] = {
      .body = ref("WebhookInput"),
      .responses = {created(ref("Webhook"), "created; `secret` is in this answer when the server made it"),
                    err(400, "a bad field, a short secret, no such template or workflow"),
                    err(403, "the caller could not launch the template (its credential)"),
                    err(409, "a webhook with this name exists")}};
  docs["GET /api/v1/webhooks/{id}"] = {.responses = {ok(ref("Webhook")), err(404)}};
  docs["PATCH /api/v1/webhooks/{id}"] = {
      .body = ref("WebhookPatch"),
      .responses = {ok(ref("Webhook"), "changed; the caller is now its owner"), err(400),
                    err(403, "the caller could not launch the template (its credential)"), err(404),
                    err(409, "a webhook with this name exists")}};
  docs["DELETE /api/v1/webhooks/{id}"] = {.responses = {no_content(), err(404)}};
  docs["GET /api/v1/webhooks/{id}/deliveries"] = {
      .query = page_params(), .responses = {ok(page_of("WebhookDelivery")), err(400), err(404)}};
  docs["POST /api/v1/hooks/{id}"] = {
      .body = any_object(),
      .responses = {
          ok(open({{"outcome", enum_of({"filtered", "ping"})}, {"reason", str()}}, {"outcome", "reason"}),
             "authentic, but not a push the filters let through: nothing launched"),
          accepted(open({{"outcome", enum_of({"launched"})},
                         {"job_id", integer(1)},
                         {"workflow_job_id", described(integer(1), "a workflow webhook: the workflow job started")}},
                        {"outcome"}),
                   "the template's job is queued, or the workflow job started"),
          err(400, "a payload value with template syntax, or a body that is not JSON"),
          err(401, "the signature or token does not match the secret, or the timestamp is stale"),
          err(403, "the webhook's owner may not launch the template any more"),
          err(404, "no enabled webhook with this id"),
          err(409, "a delivery id received before (a replay)")},
      .headers = {{{"name", "X-Hub-Signature-256"}, {"in", "header"}, {"required", false},
                   {"description", "GitHub: sha256=HMAC of the body"}, {"schema", str()}},
                  {{"name", "X-Gitlab-Token"}, {"in", "header"}, {"required", false},
                   {"description", "GitLab: the secret"}, {"schema", str()}},
                  {{"name", "X-Gitee-Token"}, {"in", "header"}, {"required", false},
                   {"description", "Gitee: the password or the timestamp's sign"}, {"schema", str()}},
                  {{"name", "X-Drover-Signature"}, {"in", "header"}, {"required", false},
                   {"description", "generic: sha256=HMAC of timestamp.delivery.body"}, {"schema", str()}}}};
}

void add_notification_docs(ApiDocs& docs, Value& components) {
  std::vector<std::string> kinds = {"dingtalk", "wecom", "feishu", "slack", "email", "webhook"};
  Value events = array_of(enum_of({"started", "succeeded", "failed", "needs_approval"}));
  Properties input = {
      {"name", str()},
      {"template_id", described(integer(1), "a template's jobs (or workflow_id)")},
      {"workflow_id", described(integer(1), "a workflow's jobs (started, succeeded, failed) and approval nodes (needs_approval)")},
      {"kind", enum_of(kinds)},
      {"url", str("the robot's or webhook's URL (http, https), or smtp:// / smtps:// for email")},
      {"secret", nullable(str("DingTalk/Feishu signing secret, webhook HMAC key or SMTP password; null removes it"))},
      {"config", obj({{"from", str("email")},
                      {"to", described(array_of(str()), "email")},
                      {"username", str("email: SMTP user")},
                      {"starttls", described(boolean(), "email: require STARTTLS")},
                      {"body", str("webhook: a Jinja2 template of the body (event, job, text)")},
                      {"content_type", str("webhook: the body's type (application/json)")}})},
      {"events", described(events, "when to send; failed includes error; needs_approval only for a workflow")},
      {"enabled", boolean()}};
  components["NotificationInput"] = obj(input, {"name", "kind", "url"});
  components["NotificationPatch"] = obj(input);
  components["Notification"] = open({{"id", integer(1)},
                                     {"name", str()},
                                     {"target_kind", enum_of({"template", "workflow"})},
                                     {"template_id", nullable(integer(1))},
                                     {"workflow_id", nullable(integer(1))},
                                     {"kind", enum_of(kinds)},
                                     {"url", str()},
                                     {"has_secret", boolean()},
                                     {"config", any_object()},
                                     {"events", events},
                                     {"enabled", boolean()},
                                     {"created", timestamp()},
                                     {"updated", timestamp()}},
                                    {"id", "name", "template_id", "kind", "url", "has_secret", "config", "events",
                                     "enabled"});
  components["NotificationDelivery"] =
      open({{"id", integer(1)},
            {"job_id", described(integer(1), "the job; a workflow's: the workflow job, for needs_approval the workflow node's row")},
            {"event", enum_of({"started", "succeeded", "failed", "needs_approval"})},
            {"state", enum_of({"pending", "sending", "sent", "failed"})},
            {"attempts", integer(0)},
            {"next_attempt", timestamp()},
            {"created", timestamp()},
            {"finished", nullable(timestamp())},
            {"last_error", str()}},
           {"id", "job_id", "event", "state", "attempts", "last_error"});
  components["NotificationPage"] = page_schema("Notification");
  components["NotificationDeliveryPage"] = page_schema("NotificationDelivery");
  docs["GET /api/v1/notifications"] = {.query = page_params(),
                                       .responses = {ok(page_of("Notification")), err(400)}};
  docs["POST /api/v1/notifications"] = {
      .body = ref("NotificationInput"),
      .responses = {created(ref("Notification")),
                    err(400, "a bad field: url scheme, e-mail addresses, a body template that does not render"),
                    err(409, "a notification with this name exists")}};
  docs["GET /api/v1/notifications/{id}"] = {.responses = {ok(ref("Notification")), err(404)}};
  docs["PATCH /api/v1/notifications/{id}"] = {
      .body = ref("NotificationPatch"),
      .responses = {ok(ref("Notification")), err(400), err(404), err(409, "a notification with this name exists")}};
  docs["DELETE /api/v1/notifications/{id}"] = {.responses = {no_content(), err(404)}};
  docs["GET /api/v1/notifications/{id}/deliveries"] = {
      .query = page_params(), .responses = {ok(page_of("NotificationDelivery")), err(400), err(404)}};
}

}  // namespace

void add_automation_docs(ApiDocs& docs, Value& components) {
  add_schedule_docs(docs, components);
  add_webhook_docs(docs, components);
  add_notification_docs(docs, components);
}

}  // namespace drover::server
