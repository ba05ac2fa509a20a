#include "server/automation/notification_routes.hpp"

#include <algorithm>

#include "server/api_error.hpp"
#include "server/automation/automation_component.hpp"
#include "server/automation/notification_message.hpp"
#include "server/automation/notifier.hpp"
#include "server/automation/record_pages.hpp"
#include "server/credential_vault.hpp"
#include "server/request.hpp"
#include "store/audit.hpp"

namespace drover::server {
namespace {

constexpr const char* kColumns =
    "id, name, target_kind, template_id, kind, url, secret IS NOT NULL, config, events, enabled, created, updated, "
    "workflow_id";
const std::vector<std::string> kKinds = {"dingtalk", "wecom", "feishu", "slack", "email", "webhook"};
const std::vector<std::string> kEvents = {"started", "succeeded", "failed"};
// A workflow's notifications: its workflow jobs starting and ending, its
// approval nodes waiting for a decision.
const std::vector<std::string> kWorkflowEvents = {"started", "succeeded", "failed", "needs_approval"};

Value read_notification(store::Statement& s) {
  return {{"id", s.integer(0)},
          {"name", s.text(1)},
          {"target_kind", s.text(2)},
          {"template_id", or_null(s.optional_integer(3))},
          {"kind", s.text(4)},
          {"url", s.text(5)},
          {"has_secret", s.integer(6) != 0},
          {"config", Value::parse(s.text(7), nullptr, false)},
          {"events", Value::parse(s.text(8), nullptr, false)},
          {"enabled", s.integer(9) != 0},
          {"created", s.text(10)},
          {"updated", s.text(11)},
          {"workflow_id", or_null(s.optional_integer(12))}};
}

std::optional<Value> find_notification(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM notifications WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_notification(s);
}

[[noreturn]] void bad(const std::string& field, const std::string& why) {
  throw ApiError(400, "bad_value", "field '" + field + "' " + why, {{"field", field}});
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The whole notification, as it will be stored, checked.
void check_notification(const std::string& kind, const std::string& url, const Value& config, const Value& events,
                        bool for_workflow) {
  if (kind == "email") {
    if (!starts_with(url, "smtp://") && !starts_with(url, "smtps://")) bad("url", "must be smtp:// or smtps://");
    if (!config.contains("from") || !config["from"].is_string() || config["from"].get<std::string>().empty())
      bad("config", "needs 'from' (an address) for e-mail");
    bool to = config.contains("to") && config["to"].is_array() && !config["to"].empty();
    if (to)
      for (const auto& t : config["to"]) to = to && t.is_string() && !t.get<std::string>().empty();
    if (!to) bad("config", "needs 'to' (a list of addresses) for e-mail");
  } else if (!starts_with(url, "http://") && !starts_with(url, "https://")) {
    bad("url", "must be http:// or https://");
  }
  for (auto it = config.begin(); it != config.end(); ++it) {
    static const std::vector<std::string> keys = {"from", "to", "username", "starttls", "body", "content_type"};
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end())
      throw ApiError(400, "unknown_field", "config: unknown field '" + it.key() + "'", {{"field", "config." + it.key()}});
  }
  const auto& allowed = for_workflow ? kWorkflowEvents : kEvents;
  const char* list = for_workflow ? "must be a non-empty list of started, succeeded, failed, needs_approval"
                                  : "must be a non-empty list of started, succeeded, failed";
  if (!events.is_array() || events.empty()) bad("events", list);
  for (const auto& e : events)
    if (!e.is_string() || std::find(allowed.begin(), allowed.end(), e.get<std::string>()) == allowed.end())
      bad("events", list);
  if (kind == "webhook") {  // the body template renders (a sample job)
    JobNotice sample{"failed", {{"id", 1}, {"name", "site.yml"}, {"state", "failed"}, {"template", "deploy"}}};
    try {
      notification_request(kind, url, "", config, sample, SysSeconds{});
    } catch (const Error& e) {
      bad("config", std::string("body: ") + e.what());
    }
  }
}

class NotificationApi {
 public:
  NotificationApi(ServerContext& ctx, std::shared_ptr<const Clock> clock)
      : ctx_(ctx), clock_(std::move(clock)), notifier_(ctx, *clock_) {
    add_count_metric(ctx.metrics, ctx.store.db(), "drover_notification_deliveries",
                     "notification deliveries, by state (failed: gave up)", "notification_deliveries", "state");
  }

  void add_routes(Router& r) {
    r.add({"GET", "/api/v1/notifications", Role::Viewer, "List notifications", [this](Call& c) { list(c); }});
    r.add({"POST", "/api/v1/notifications", Role::Operator, "Create a notification for a template's jobs",
           [this](Call& c) { save(c, std::nullopt); }});
    r.add({"GET", "/api/v1/notifications/{id}", Role::Viewer, "A notification",
           [this](Call& c) { send_json(c.res, 200, get(c.id_param())); }});
    r.add({"PATCH", "/api/v1/notifications/{id}", Role::Operator, "Change a notification",
           [this](Call& c) { save(c, c.id_param()); }});
    r.add({"DELETE", "/api/v1/notifications/{id}", Role::Operator, "Delete a notification",
           [this](Call& c) { remove(c); }});
    r.add({"GET", "/api/v1/notifications/{id}/deliveries", Role::Viewer,
           "A notification's delivery log, newest first", [this](Call& c) { deliveries(c); }});
  }

  void start() { notifier_.start(); }
  void stop() { notifier_.stop(); }

 private:
  Value get(int64_t id) {
    auto v = ctx_.store.db().read([&](store::Connection& c) { return find_notification(c, id); });
    if (!v) throw ApiError::not_found("no notification " + std::to_string(id));
    return *v;
  }

  void list(Call& call) {
    Page page = QueryReader(call.req, {"limit", "offset"}).page();
    send_json(call.res, 200,
              paged_rows(ctx_.store.db(), {"notifications", kColumns, "", std::nullopt, "name"}, page,
                         read_notification));
  }

  void save(Call& call, std::optional<int64_t> id) {
    Value body = parse_json_body(call.req);
    BodyReader r(body, {"name", "template_id", "workflow_id", "kind", "url", "secret", "config", "events", "enabled"});
    Value old = id ? get(*id) : Value::object();
    std::string name = r.optional_string("name").value_or(old.value("name", ""));
    int64_t template_id = r.optional_integer("template_id", 1).value_or(
        old.contains("template_id") && old["template_id"].is_number_integer() ? old["template_id"].get<int64_t>() : 0);
    int64_t workflow_id = r.optional_integer("workflow_id", 1).value_or(
        old.contains("workflow_id") && old["workflow_id"].is_number_integer() ? old["workflow_id"].get<int64_t>() : 0);
    if (r.has("workflow_id") && !r.has("template_id")) template_id = 0;
    if (r.has("template_id") && !r.has("workflow_id")) workflow_id = 0;
    if (template_id && workflow_id)
      throw ApiError(400, "bad_value", "give one of template_id and workflow_id", {{"field", "workflow_id"}});
    std::string kind = r.optional_choice("kind", kKinds).value_or(old.value("kind", ""));
    std::string url = r.optional_string("url").value_or(old.value("url", ""));
    auto secret = r.optional_value("secret");  // a string, or null to remove it
    Value config = r.optional_object("config").value_or(old.value("config", Value::object()));
    Value events = r.has("events") ? body["events"] : old.value("events", Value::array({"failed"}));
    bool enabled = r.optional_bool("enabled").value_or(old.value("enabled", true));
    if (name.empty()) throw ApiError(400, "missing_field", "field 'name' is required", {{"field", "name"}});
    if (template_id == 0 && workflow_id == 0)
      throw ApiError(400, "missing_field", "field 'template_id' (or 'workflow_id') is required", {{"field", "template_id"}});
    if (kind.empty()) throw ApiError(400, "missing_field", "field 'kind' is required", {{"field", "kind"}});
    if (secret && !secret->is_null() && !secret->is_string())
      throw ApiError(400, "wrong_type", "field 'secret' must be a string or null", {{"field", "secret"}});
    check_notification(kind, url, config, events, workflow_id != 0);
    std::optional<std::string> sealed;
    if (secret && secret->is_string() && !secret->get<std::string>().empty())
      sealed = ctx_.vault.seal(secret->get<std::string>());
    bool clear_secret = secret && (secret->is_null() || secret->get<std::string>().empty());
    Value fields = Value::array();
    for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
    Value out = ctx_.store.db().write([&](store::Connection& c) {
      auto t = c.prepare(workflow_id ? "SELECT 1 FROM workflows WHERE id = ?" : "SELECT 1 FROM job_templates WHERE id = ?");
      t.bind(1, workflow_id ? workflow_id : template_id);
      if (!t.step()) workflow_id ? bad("workflow_id", "names no workflow") : bad("template_id", "names no template");
      std::optional<int64_t> tid, wid;
      if (workflow_id) wid = workflow_id; else tid = template_id;
      std::string target = workflow_id ? "workflow" : "template";
      std::string now = store::now_timestamp();
      int64_t row = id.value_or(0);
      try {
        if (!id) {
          c.prepare("INSERT INTO notifications (name, template_id, kind, url, secret, config, events, enabled, created, "
                    "updated, workflow_id, target_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
              .bind(11, wid).bind(12, target)
              .bind(1, name).bind(2, tid).bind(3, kind).bind(4, url).bind(5, sealed).bind(6, config.dump())
              .bind(7, events.dump()).bind(8, enabled ? 1 : 0).bind(9, now).bind(10, now).run();
          row = c.last_insert_id();
        } else {
          if (!find_notification(c, row)) throw ApiError::not_found("no notification " + std::to_string(row));
          c.prepare("UPDATE notifications SET name = ?, template_id = ?, kind = ?, url = ?, config = ?, events = ?, "
                    "enabled = ?, updated = ?, workflow_id = ?, target_kind = ? WHERE id = ?")
              .bind(9, wid).bind(10, target).bind(11, row)
              .bind(1, name).bind(2, tid).bind(3, kind).bind(4, url).bind(5, config.dump())
              .bind(6, events.dump()).bind(7, enabled ? 1 : 0).bind(8, now).run();
          if (sealed || clear_secret)
            c.prepare("UPDATE notifications SET secret = ? WHERE id = ?").bind(1, sealed).bind(2, row).run();
        }
      } catch (const store::ConstraintError&) {
        throw ApiError::conflict("notification '" + name + "' exists", {{"field", "name"}});
      }
      store::append_audit(c, audit_entry(call, id ? "update" : "create", "notifications", std::to_string(row),
                                         {{"name", name}, {"fields", fields}}));
      return *find_notification(c, row);
    });
    send_json(call.res, id ? 200 : 201, out);
  }

  void remove(Call& call) {
    delete_with_audit(ctx_.store.db(), call, "notifications", "notification", call.id_param());
    call.res.status = 204;
  }

  void deliveries(Call& call) {
    int64_t id = call.id_param();
    Page page = QueryReader(call.req, {"limit", "offset"}).page();
    get(id);
    RowQuery q{"notification_deliveries",
               "id, job_id, event, state, attempts, next_attempt, created, finished, last_error", "notification_id",
               id, "id DESC"};
    send_json(call.res, 200, paged_rows(ctx_.store.db(), q, page, [](store::Statement& s) {
                return Value{{"id", s.integer(0)},
                             {"job_id", s.integer(1)},
                             {"event", s.text(2)},
                             {"state", s.text(3)},
                             {"attempts", s.integer(4)},
                             {"next_attempt", s.text(5)},
                             {"created", s.text(6)},
                             {"finished", or_null(s.optional_text(7))},
                             {"last_error", s.text(8)}};
              }));
  }

  ServerContext& ctx_;
  std::shared_ptr<const Clock> clock_;
  Notifier notifier_;
};

}  // namespace

Component notifications_component(std::shared_ptr<const Clock> clock) {
  return automation_component<NotificationApi>("notifications", std::move(clock));
}

}  // namespace drover::server
