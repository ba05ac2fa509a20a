#include "server/automation/webhook_routes.hpp"

#include <sodium.h>

#include "server/api_error.hpp"
#include "server/automation/automation_component.hpp"
#include "server/automation/launch_owner.hpp"
#include "server/automation/record_pages.hpp"
#include "server/automation/signatures.hpp"
#include "server/automation/webhook_delivery.hpp"
#include "server/automation/workflow_runner.hpp"
#include "server/credential_vault.hpp"
#include "server/jobs/job_launch.hpp"
#include "server/jobs/launch_checks.hpp"
#include "server/request.hpp"
#include "store/audit.hpp"
#include "store/job_store.hpp"

namespace drover::server {
namespace {

constexpr const char* kColumns =
    "id, name, target_kind, template_id, service, auth, filters, enabled, owner_id, created, updated, workflow_id";
const std::vector<std::string> kServices = {"github", "gitlab", "gitee", "generic"};
constexpr int64_t kKeptUnkeyed = 200;  // delivery log rows without a replay key, per webhook

Value read_webhook(store::Statement& s) {
  int64_t id = s.integer(0);
  return {{"id", id},
          {"name", s.text(1)},
          {"target_kind", s.text(2)},
          {"template_id", or_null(s.optional_integer(3))},
          {"service", s.text(4)},
          {"auth", s.text(5)},
          {"filters", Value::parse(s.text(6), nullptr, false)},
          {"enabled", s.integer(7) != 0},
          {"owner_id", or_null(s.optional_integer(8))},
          {"url", "/api/v1/hooks/" + std::to_string(id)},
          {"has_secret", true},
          {"created", s.text(9)},
          {"updated", s.text(10)},
          {"workflow_id", or_null(s.optional_integer(11))}};
}

int64_t old_id(const Value& old, const char* key) {
  return old.contains(key) && old[key].is_number_integer() ? old[key].get<int64_t>() : 0;
}

std::optional<int64_t> id_or_null(int64_t id) { return id ? std::optional<int64_t>(id) : std::nullopt; }

std::optional<Value> find_webhook(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM webhooks WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_webhook(s);
}

Value read_filters(const Value& f) {
  if (!f.is_object()) throw ApiError(400, "wrong_type", "field 'filters' must be an object", {{"field", "filters"}});
  Value out = Value::object();
  for (auto it = f.begin(); it != f.end(); ++it) {
    if (it.key() != "branches" && it.key() != "tags" && it.key() != "paths")
      throw ApiError(400, "unknown_field", "filters: unknown field '" + it.key() + "' (branches, tags, paths)",
                     {{"field", "filters." + it.key()}});
    bool strings = it->is_array();
    for (const auto& p : *it) strings = strings && p.is_string() && !p.get<std::string>().empty();
    if (!strings)
      throw ApiError(400, "wrong_type", "filters." + it.key() + " must be a list of glob patterns",
                     {{"field", "filters." + it.key()}});
    out[it.key()] = *it;
  }
  return out;
}

WebhookFilters filters_of(const Value& v) {
  WebhookFilters f;
  auto list = [&](const char* key) {
    std::vector<std::string> out;
    if (v.contains(key))
      for (const auto& p : v[key]) out.push_back(p.get<std::string>());
    return out;
  };
  f.branches = list("branches");
  f.tags = list("tags");
  f.paths = list("paths");
  return f;
}

std::string random_secret() {
  unsigned char bytes[24];
  randombytes_buf(bytes, sizeof bytes);
  return to_hex(std::string(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

class WebhookApi {
 public:
  WebhookApi(ServerContext& ctx, std::shared_ptr<const Clock> clock)
      : ctx_(ctx), clock_(std::move(clock)), jobs_(ctx.store.db()) {
    add_count_metric(ctx.metrics, ctx.store.db(), "drover_webhook_deliveries",
                     "incoming webhook deliveries in the log, by outcome", "webhook_deliveries", "outcome");
  }

  void add_routes(Router& r) {
    r.add({"GET", "/api/v1/webhooks", Role::Viewer, "List incoming webhooks", [this](Call& c) { list(c); }});
    r.add({"POST", "/api/v1/webhooks", Role::Operator, "Create an incoming webhook for a template",
           [this](Call& c) { save(c, std::nullopt); }});
    r.add({"GET", "/api/v1/webhooks/{id}", Role::Viewer, "An incoming webhook",
           [this](Call& c) { send_json(c.res, 200, get(c.id_param())); }});
    r.add({"PATCH", "/api/v1/webhooks/{id}", Role::Operator,
           "Change an incoming webhook (the caller becomes its owner)", [this](Call& c) { save(c, c.id_param()); }});
    r.add({"DELETE", "/api/v1/webhooks/{id}", Role::Operator, "Delete an incoming webhook",
           [this](Call& c) { remove(c); }});
    r.add({"GET", "/api/v1/webhooks/{id}/deliveries", Role::Viewer, "A webhook's delivery log, newest first",
           [this](Call& c) { deliveries(c); }});
    r.add({"POST", "/api/v1/hooks/{id}", Role::Public,
           "Receive a delivery from GitHub, GitLab, Gitee or a generic sender (signed)",
           [this](Call& c) { receive(c); }});
    r.set_body_limit("POST", "/api/v1/hooks/{id}", kMaxWebhookPayload);
  }

  void start() {}  // no background work: deliveries arrive as requests
  void stop() {}

 private:
  Value get(int64_t id) {
    auto v = ctx_.store.db().read([&](store::Connection& c) { return find_webhook(c, id); });
    if (!v) throw ApiError::not_found("no webhook " + std::to_string(id));
    return *v;
  }

  void list(Call& call) {
    Page page = QueryReader(call.req, {"limit", "offset"}).page();
    send_json(call.res, 200,
              paged_rows(ctx_.store.db(), {"webhooks", kColumns, "", std::nullopt, "name"}, page, read_webhook));
  }

  // POST (id nullopt) and PATCH: the fields over the old ones, the launch
  // check for the caller, who becomes the owner.
  void save(Call& call, std::optional<int64_t> id) {
    Value body = parse_json_body(call.req);
    BodyReader r(body, {"name", "template_id", "workflow_id", "service", "auth", "secret", "filters", "enabled"});
    Value old = id ? get(*id) : Value::object();
    std::string name = r.optional_string("name").value_or(old.value("name", ""));
    auto new_template = r.optional_integer("template_id", 1);
    auto new_workflow = r.optional_integer("workflow_id", 1);
    if (new_template && new_workflow)
      throw ApiError(400, "bad_value", "give one of 'template_id' and 'workflow_id'", {{"field", "workflow_id"}});
    // A change naming one target drops the other.
    int64_t template_id = new_workflow ? 0 : new_template.value_or(old_id(old, "template_id"));
    int64_t workflow_id = new_template ? 0 : new_workflow.value_or(old_id(old, "workflow_id"));
    std::string target_kind = workflow_id ? "workflow" : "template";
    std::string service = r.optional_choice("service", kServices).value_or(old.value("service", ""));
    std::string auth = r.optional_choice("auth", {"hmac", "token"}).value_or(old.value("auth", "hmac"));
    auto secret = r.optional_string("secret");
    Value filters = r.has("filters") ? read_filters(body["filters"]) : old.value("filters", Value::object());
    bool enabled = r.optional_bool("enabled").value_or(old.value("enabled", true));
    if (name.empty()) throw ApiError(400, "missing_field", "field 'name' is required", {{"field", "name"}});
    if (template_id == 0 && workflow_id == 0)
      throw ApiError(400, "missing_field", "field 'template_id' (or 'workflow_id') is required",
                     {{"field", "template_id"}});
    if (service.empty()) throw ApiError(400, "missing_field", "field 'service' is required", {{"field", "service"}});
    if (secret && secret->size() < 16)
      throw ApiError(400, "bad_value", "field 'secret' must have at least 16 characters", {{"field", "secret"}});
    check_launchable(template_id, workflow_id, call.user);
    std::string made;
    if (!id && !secret) made = random_secret();
    std::optional<std::string> sealed;
    if (secret || !made.empty()) sealed = ctx_.vault.seal(secret ? *secret : made);
    Value fields = Value::array();
    for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
    Value out = ctx_.store.db().write([&](store::Connection& c) {
      std::string now = store::now_timestamp();
      int64_t row = id.value_or(0);
      try {
        if (!id) {
          c.prepare("INSERT INTO webhooks (name, template_id, service, auth, secret, filters, enabled, owner_id, "
                    "created, updated, target_kind, workflow_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
              .bind(1, name).bind(2, id_or_null(template_id)).bind(3, service).bind(4, auth).bind(5, *sealed)
              .bind(6, filters.dump()).bind(7, enabled ? 1 : 0).bind(8, call.user.user_id).bind(9, now).bind(10, now)
              .bind(11, target_kind).bind(12, id_or_null(workflow_id))
              .run();
          row = c.last_insert_id();
        } else {
          if (!find_webhook(c, row)) throw ApiError::not_found("no webhook " + std::to_string(row));
          c.prepare("UPDATE webhooks SET name = ?, template_id = ?, service = ?, auth = ?, filters = ?, enabled = ?, "
                    "owner_id = ?, updated = ?, target_kind = ?, workflow_id = ? WHERE id = ?")
              .bind(1, name).bind(2, id_or_null(template_id)).bind(3, service).bind(4, auth).bind(5, filters.dump())
              .bind(6, enabled ? 1 : 0).bind(7, call.user.user_id).bind(8, now).bind(9, target_kind)
              .bind(10, id_or_null(workflow_id)).bind(11, row).run();
          if (sealed) c.prepare("UPDATE webhooks SET secret = ? WHERE id = ?").bind(1, *sealed).bind(2, row).run();
        }
      } catch (const store::ConstraintError&) {
        throw ApiError::conflict("webhook '" + name + "' exists", {{"field", "name"}});
      }
      store::append_audit(c, audit_entry(call, id ? "update" : "create", "webhooks", std::to_string(row),
                                         {{"name", name}, {"fields", fields}}));
      return *find_webhook(c, row);
    });
    if (!made.empty()) out["secret"] = made;  // this answer only
    send_json(call.res, id ? 200 : 201, out);
  }

  void remove(Call& call) {
    delete_with_audit(ctx_.store.db(), call, "webhooks", "webhook", call.id_param());
    call.res.status = 204;
  }

  void deliveries(Call& call) {
    int64_t id = call.id_param();
    Page page = QueryReader(call.req, {"limit", "offset"}).page();
    get(id);
    RowQuery q{"webhook_deliveries",
               "id, delivery_id, received, address, event, ref, commit_id, status, outcome, job_id, message, "
               "workflow_job_id",
               "webhook_id", id, "id DESC"};
    send_json(call.res, 200, paged_rows(ctx_.store.db(), q, page, [](store::Statement& s) {
                return Value{{"id", s.integer(0)},
                             {"delivery_id", or_null(s.optional_text(1))},
                             {"received", s.text(2)},
                             {"address", s.text(3)},
                             {"event", s.text(4)},
                             {"ref", s.text(5)},
                             {"commit", s.text(6)},
                             {"status", s.integer(7)},
                             {"outcome", s.text(8)},
                             {"job_id", or_null(s.optional_integer(9))},
                             {"message", s.text(10)},
                             {"workflow_job_id", or_null(s.optional_integer(11))}};
              }));
  }

  // One row of the delivery log (with the launched job's transaction when
  // `c` is that one's). A delivery id already logged: ConstraintError.
  struct Logged {
    std::optional<std::string> delivery_id;
    std::string event, ref, commit;
    int status = 0;
    std::string outcome, message;
    std::optional<int64_t> job_id, workflow_job_id;
  };
  void log_delivery(store::Connection& c, int64_t webhook_id, const Call& call, const Logged& l) {
    c.prepare("INSERT INTO webhook_deliveries (webhook_id, delivery_id, received, address, event, ref, commit_id, "
              "status, outcome, job_id, message, workflow_job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, webhook_id).bind(2, l.delivery_id).bind(3, store::now_timestamp()).bind(4, call.address)
        .bind(5, l.event.substr(0, 100)).bind(6, l.ref.substr(0, 300)).bind(7, l.commit.substr(0, 100))
        .bind(8, static_cast<int64_t>(l.status)).bind(9, l.outcome).bind(10, l.job_id).bind(11, l.message.substr(0, 500))
        .bind(12, l.workflow_job_id).run();
    // Rows without a replay key (forged or keyless deliveries) are kept to
    // the newest kKeptUnkeyed, so that a flood of junk cannot fill the
    // database; keyed rows stay, they are the replay protection.
    if (!l.delivery_id)
      c.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND delivery_id IS NULL AND id <= "
                "(SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND delivery_id IS NULL "
                "ORDER BY id DESC LIMIT 1 OFFSET ?)")
          .bind(1, webhook_id).bind(2, webhook_id).bind(3, kKeptUnkeyed).run();
  }

  // Logs `l` on its own; a delivery id seen before turns it into a
  // duplicate. Returns the outcome logged.
  std::string log_alone(int64_t webhook_id, const Call& call, Logged l) {
    try {
      ctx_.store.db().write([&](store::Connection& c) { log_delivery(c, webhook_id, call, l); });
      return l.outcome;
    } catch (const store::ConstraintError&) {
      l.message = "delivery " + l.delivery_id.value_or("") + " was received before (a replay)";
      l.delivery_id.reset();
      l.outcome = "duplicate";
      l.status = 409;
      ctx_.store.db().write([&](store::Connection& c) { log_delivery(c, webhook_id, call, l); });
      return l.outcome;
    }
  }

  [[noreturn]] void answer_error(int64_t webhook_id, const Call& call, Logged l, const std::string& code) {
    std::string message = l.message;
    if (log_alone(webhook_id, call, l) == "duplicate")
      throw ApiError::conflict("delivery " + l.delivery_id.value_or("") + " was received before");
    throw ApiError(l.status, code, message);
  }

  void receive(Call& call) {
    int64_t id = call.id_param();
    struct Hook {
      std::string service, auth, sealed;
      std::optional<int64_t> template_id, owner_id;
      Value filters;
      std::optional<int64_t> workflow_id;
    };
    auto hook = ctx_.store.db().read([&](store::Connection& c) -> std::optional<Hook> {
      auto s = c.prepare("SELECT service, auth, secret, template_id, owner_id, filters, workflow_id FROM webhooks "
                         "WHERE id = ? AND enabled = 1");
      s.bind(1, id);
      if (!s.step()) return std::nullopt;
      return Hook{s.text(0), s.text(1), s.text(2), s.optional_integer(3), s.optional_integer(4),
                  Value::parse(s.text(5), nullptr, false), s.optional_integer(6)};
    });
    if (!hook) throw ApiError::not_found("no enabled webhook " + std::to_string(id));
    const std::string& body = call.req.body;
    if (body.size() > kMaxWebhookPayload)
      throw ApiError(413, "payload_too_large", "a delivery may have at most 2 MiB");
    HeaderLookup header = [&](const std::string& name) { return call.req.get_header_value(name); };
    auto check = check_delivery({hook->service, hook->auth, ctx_.vault.open(hook->sealed)}, header, body, clock_->now());
    Logged l;
    if (!check.authentic) {
      l.status = 401;
      l.outcome = "rejected";
      l.message = check.why;
      answer_error(id, call, l, "unauthorized");
    }
    if (!check.delivery_id.empty()) l.delivery_id = check.delivery_id;
    Value payload;
    try {
      payload = parse_json_body(call.req, kMaxWebhookPayload, false);
    } catch (const ApiError& e) {
      l.status = e.status();
      l.outcome = "rejected";
      l.message = e.what();
      answer_error(id, call, l, e.code());
    }
    if (!l.delivery_id && hook->service == "generic" && payload.is_object() && payload.contains("delivery") &&
        payload["delivery"].is_string() && !payload["delivery"].get<std::string>().empty())
      l.delivery_id = check.delivery_id = "generic:" + payload["delivery"].get<std::string>().substr(0, 200);
    PushEvent event = read_push(hook->service, header, payload);
    l.event = event.event;
    l.ref = event.ref;
    l.commit = event.commit;
    if (auto why = filtered_out(filters_of(hook->filters), event); !why.empty()) {
      l.status = 200;
      l.outcome = "filtered";
      l.message = why;
      if (log_alone(id, call, l) == "duplicate")
        throw ApiError::conflict("delivery " + l.delivery_id.value_or("") + " was received before");
      send_json(call.res, 200, {{"outcome", event.event == "ping" ? "ping" : "filtered"}, {"reason", why}});
      return;
    }
    Value vars;
    try {
      vars = webhook_vars(hook->service, check.delivery_id, event);
    } catch (const Error& e) {
      l.status = 400;
      l.outcome = "rejected";
      l.message = e.what();
      answer_error(id, call, l, "bad_value");
    }
    if (hook->workflow_id)
      launch_workflow(call, id, *hook->workflow_id, hook->owner_id, vars, l);
    else
      launch(call, id, hook->template_id.value_or(0), hook->owner_id, vars, l);
  }

  // The caller could launch the target now: the webhook launches it as them.
  void check_launchable(int64_t template_id, int64_t workflow_id, const Principal& who) {
    const char* field = workflow_id ? "workflow_id" : "template_id";
    try {
      if (workflow_id) {
        check_workflow_launch(ctx_, workflow_id, who);
        return;
      }
      check_job_launch(ctx_, template_launch_spec(ctx_, template_id, Value::object()), who);
    } catch (const ApiError& e) {
      if (e.status() != 404) throw;
      throw ApiError(400, "bad_value",
                     std::string("no ") + (workflow_id ? "workflow " : "template ") +
                         std::to_string(workflow_id ? workflow_id : template_id),
                     {{"field", field}});
    }
  }

  // A workflow target: the payload's vars are the workflow job's extra vars
  // (every node's), the delivery logged in its transaction.
  void launch_workflow(Call& call, int64_t id, int64_t workflow_id, std::optional<int64_t> owner_id,
                       const Value& vars, Logged l) {
    std::string why;
    auto owner = launching_owner(ctx_.store.db(), owner_id, "the webhook", why);
    try {
      if (!owner) throw ApiError::forbidden(why);
      l.status = 202;
      l.outcome = "launched";
      int64_t wj = queue_workflow_job(
          ctx_, {workflow_id, vars, *owner, call.address, "webhook", {{"webhook_id", id}, {"delivery", vars["webhook_delivery"]}}},
          clock_->now(), [&](store::Connection& c, int64_t workflow_job) {
            l.workflow_job_id = workflow_job;
            log_delivery(c, id, call, l);
          });
      send_json(call.res, 202, {{"outcome", "launched"}, {"workflow_job_id", wj}});
    } catch (const store::ConstraintError&) {
      l.workflow_job_id.reset();
      l.status = 409;
      answer_error(id, call, l, "conflict");
    } catch (const ApiError& e) {
      l.workflow_job_id.reset();
      l.status = e.status();
      l.outcome = "refused";
      l.message = std::string("the launch was refused: ") + e.what();
      answer_error(id, call, l, e.code());
    }
  }

  void launch(Call& call, int64_t id, int64_t template_id, std::optional<int64_t> owner_id, const Value& vars,
              Logged l) {
    std::string why;
    auto owner = launching_owner(ctx_.store.db(), owner_id, "the webhook", why);
    try {
      if (!owner) throw ApiError::forbidden(why);
      JobSpec spec = template_launch_spec(ctx_, template_id, Value::object());
      for (auto it = vars.begin(); it != vars.end(); ++it) spec.extra_vars[it.key()] = *it;
      l.status = 202;
      l.outcome = "launched";
      int64_t job = queue_job(ctx_, jobs_,
                              {spec, *owner, call.address, "webhook", {{"webhook_id", id}, {"delivery", vars["webhook_delivery"]}}},
                              [&](store::Connection& c, int64_t job_id) {
                                l.job_id = job_id;
                                log_delivery(c, id, call, l);
                              });
      send_json(call.res, 202, {{"outcome", "launched"}, {"job_id", job}});
    } catch (const store::ConstraintError&) {
      l.job_id.reset();
      l.status = 409;
      answer_error(id, call, l, "conflict");  // logged as the duplicate it is
    } catch (const ApiError& e) {
      l.job_id.reset();
      l.status = e.status();
      l.outcome = "refused";
      l.message = std::string("the launch was refused: ") + e.what();
      answer_error(id, call, l, e.code());
    }
  }

  ServerContext& ctx_;
  std::shared_ptr<const Clock> clock_;
  store::JobStore jobs_;
};

}  // namespace

Component webhooks_component(std::shared_ptr<const Clock> clock) {
  return automation_component<WebhookApi>("webhooks", std::move(clock));
}

}  // namespace drover::server
