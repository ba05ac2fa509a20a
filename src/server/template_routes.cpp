// /api/v1/templates: see catalog_routes.hpp. The inventory is one of
//   {"sources": [paths relative to the project]}, {"file": "hosts.ini"},
//   {"text": "[web]\nh1\n"}, {"query": {"role": "cache", "tag": "edge", ...}}
// as jobs/job_template.hpp reads it. AWX's prompt-on-launch flags
// (ask_limit_on_launch, ...; jobs/job_template.hpp lists them) say what a
// launch may override; all false by default. Naming a credential the
// caller may not use is a 403, as at launch. `vault_credential_ids` lists
// vault credentials, one per vault id (jobs/launch_checks.hpp).
#include <algorithm>
#include <map>
#include <set>

#include "server/api_error.hpp"
#include "server/catalog_routes.hpp"
#include "server/jobs/job_template.hpp"
#include "server/credential_vault.hpp"
#include "server/jobs/launch_checks.hpp"
#include "server/jobs/launch_form.hpp"
#include "server/request.hpp"
#include "store/hosts.hpp"

namespace drover::server {
namespace {

constexpr const char* kBaseColumns =
    "id, name, project_id, playbook, inventory, credential_id, extra_vars, forks, host_limit, tags, check_mode, "
    "created, updated, vault_credential_ids, launch_form";
constexpr int kFirstFlagColumn = 15;

// The columns read: the base ones, then the prompt-on-launch flags.
const std::string& columns() {
  static const std::string text = [] {
    std::string out = kBaseColumns;
    for (const auto& f : launch_prompt_flags()) out += ", " + f;
    return out;
  }();
  return text;
}

Value read_template(store::Statement& s) {
  Value v = {{"id", s.integer(0)},
          {"name", s.text(1)},
          {"project_id", s.integer(2)},
          {"playbook", s.text(3)},
          {"inventory", Value::parse(s.text(4), nullptr, false)},
          {"credential_id", s.optional_integer(5) ? Value(s.integer(5)) : Value(nullptr)},
          {"extra_vars", Value::parse(s.text(6), nullptr, false)},
          {"forks", s.integer(7)},
          {"limit", s.text(8)},
          {"tags", s.text(9)},
          {"check_mode", s.integer(10) != 0},
          {"created", s.text(11)},
          {"updated", s.text(12)},
          {"vault_credential_ids", Value::parse(s.text(13), nullptr, false)},
          {"launch_form", shown_form(parse_stored_form(s.text(14)))}};
  for (size_t i = 0; i < launch_prompt_flags().size(); ++i)
    v[launch_prompt_flags()[i]] = s.integer(kFirstFlagColumn + static_cast<int>(i)) != 0;
  return v;
}

std::optional<Value> find_template(store::Connection& c, int64_t id) {
  auto s = c.prepare("SELECT " + columns() + " FROM job_templates WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_template(s);
}

bool exists(store::Connection& c, const char* table, int64_t id) {
  auto s = c.prepare(std::string("SELECT 1 FROM ") + table + " WHERE id = ?");
  s.bind(1, id);
  return s.step();
}

void check_relative_path(const std::string& field, const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find("..") != std::string::npos)
    throw ApiError(400, "bad_value", "'" + field + "' must be a path inside the project (no leading / or ..)",
                   {{"field", field}});
}

void check_inventory(const Value& inv) {
  auto bad = [](const std::string& why) {
    throw ApiError(400, "bad_value", "field 'inventory': " + why, {{"field", "inventory"}});
  };
  if (inv.size() != 1) bad("give exactly one of sources, file, text, query");
  if (inv.contains("sources")) {
    if (!inv["sources"].is_array() || inv["sources"].empty()) bad("'sources' must be a non-empty list of paths");
    for (const auto& s : inv["sources"]) {
      if (!s.is_string()) bad("'sources' must be a list of paths");
      check_relative_path("inventory", s.get<std::string>());
    }
  } else if (inv.contains("file")) {
    if (!inv["file"].is_string()) bad("'file' must be a path");
    check_relative_path("inventory", inv["file"].get<std::string>());
  } else if (inv.contains("text")) {
    if (!inv["text"].is_string()) bad("'text' must be a string");
  } else if (inv.contains("query")) {
    const Value& q = inv["query"];
    if (!q.is_object()) bad("'query' must be an object of host fields");
    for (auto it = q.begin(); it != q.end(); ++it) {
      const auto& fields = store::host_group_fields();
      if (it.key() != "tag" && std::find(fields.begin(), fields.end(), it.key()) == fields.end())
        bad("'query' field '" + it.key() + "' is not a host field (role line idc region platform machine_type status tag)");
      if (!it->is_string()) bad("'query' values must be strings");
    }
  } else {
    bad("give exactly one of sources, file, text, query");
  }
}

struct TemplateFields {
  std::optional<std::string> name, playbook, limit, tags;
  std::optional<int64_t> project_id, forks;
  std::optional<Value> inventory, extra_vars;
  std::optional<Value> credential_id;  // integer or null
  std::optional<std::vector<int64_t>> vault_credential_ids;
  std::optional<bool> check_mode;
  std::optional<Value> launch_form;     // as sent; sealed by sealed_form()
  std::map<std::string, bool> prompts;  // the flags the body sets
};

TemplateFields read_fields(const Value& body) {
  std::set<std::string> allowed = {"name",       "project_id", "playbook", "inventory", "credential_id",
                                   "extra_vars", "forks",      "limit",    "tags",      "check_mode",
                                   "vault_credential_ids", "launch_form"};
  allowed.insert(launch_prompt_flags().begin(), launch_prompt_flags().end());
  BodyReader r(body, allowed);
  TemplateFields f;
  for (const auto& flag : launch_prompt_flags())
    if (auto v = r.optional_bool(flag)) f.prompts[flag] = *v;
  f.name = r.optional_string("name");
  f.playbook = r.optional_string("playbook");
  f.limit = r.optional_string("limit");
  f.tags = r.optional_string("tags");
  f.project_id = r.optional_integer("project_id", 1);
  f.forks = r.optional_integer("forks", 1, 1000);
  f.inventory = r.optional_object("inventory");
  f.extra_vars = r.optional_object("extra_vars");
  f.check_mode = r.optional_bool("check_mode");
  f.launch_form = r.optional_value("launch_form");
  if (auto c = r.optional_value("credential_id")) {
    if (!c->is_null() && !(c->is_number_integer() && c->get<int64_t>() > 0))
      throw ApiError(400, "wrong_type", "field 'credential_id' must be a positive integer or null",
                     {{"field", "credential_id"}});
    f.credential_id = *c;
  }
  if (auto ids = r.optional_value("vault_credential_ids")) {
    f.vault_credential_ids.emplace();
    auto bad = [] {
      throw ApiError(400, "wrong_type", "field 'vault_credential_ids' must be a list of credential ids",
                     {{"field", "vault_credential_ids"}});
    };
    if (!ids->is_array() && !ids->is_null()) bad();
    if (ids->is_array())
      for (const auto& id : *ids) {
        if (!id.is_number_integer() || id.get<int64_t>() <= 0) bad();
        f.vault_credential_ids->push_back(id.get<int64_t>());
      }
  }
  if (f.name && f.name->empty()) throw ApiError(400, "bad_value", "field 'name' must not be empty", {{"field", "name"}});
  if (f.playbook) check_relative_path("playbook", *f.playbook);
  if (f.inventory) check_inventory(*f.inventory);
  return f;
}

// Writes the flags the body set on template `id`.
void write_prompts(store::Connection& c, int64_t id, const TemplateFields& f) {
  for (const auto& [flag, on] : f.prompts)
    c.prepare("UPDATE job_templates SET " + flag + " = ? WHERE id = ?").bind(1, on ? 1 : 0).bind(2, id).run();
}

std::optional<int64_t> credential_of(const TemplateFields& f) {
  if (!f.credential_id || f.credential_id->is_null()) return std::nullopt;
  return f.credential_id->get<int64_t>();
}

// 403 when the caller may not use a credential the body names; 400 when a
// credential is of the wrong kind for its field.
void check_credential_use(ServerContext& ctx, const TemplateFields& f, const Principal& who) {
  std::vector<int64_t> named = f.vault_credential_ids.value_or(std::vector<int64_t>{});
  if (auto id = credential_of(f)) named.insert(named.begin(), *id);
  for (int64_t id : named) {
    auto allowed = may_use_credential(ctx.store.db(), id, who);
    if (allowed && !*allowed)
      throw ApiError::forbidden("user '" + who.username + "' may not use credential " + std::to_string(id));
  }
  check_credential_kinds(ctx.store.db(), credential_of(f), f.vault_credential_ids.value_or(std::vector<int64_t>{}));
}

// The credentials template `current` runs with that the body keeps.
std::vector<int64_t> kept_credentials(const Value& current, const TemplateFields& f) {
  std::vector<int64_t> kept;
  if (!f.credential_id && !current["credential_id"].is_null()) kept.push_back(current["credential_id"].get<int64_t>());
  if (!f.vault_credential_ids && current["vault_credential_ids"].is_array())
    for (const auto& id : current["vault_credential_ids"])
      if (id.is_number_integer()) kept.push_back(id.get<int64_t>());
  return kept;
}

void check_references(store::Connection& c, const TemplateFields& f) {
  if (f.project_id && !exists(c, "projects", *f.project_id))
    throw ApiError(400, "bad_value", "no project " + std::to_string(*f.project_id), {{"field", "project_id"}});
  if (f.credential_id && !f.credential_id->is_null() && !exists(c, "credentials", f.credential_id->get<int64_t>()))
    throw ApiError(400, "bad_value", "no credential " + f.credential_id->dump(), {{"field", "credential_id"}});
  for (int64_t id : f.vault_credential_ids.value_or(std::vector<int64_t>{}))
    if (!exists(c, "credentials", id))
      throw ApiError(400, "bad_value", "no credential " + std::to_string(id), {{"field", "vault_credential_ids"}});
}

std::string ids_text(const std::vector<int64_t>& ids) { return Value(ids).dump(); }

// The stored text of the body's launch form (checked; passwords sealed;
// "$encrypted$" keeps the stored default of `previous_text`).
std::string sealed_form(ServerContext& ctx, const Value& form, const std::string& previous_text) {
  try {
    auto seal = [&ctx](const std::string& clear) { return ctx.vault.seal(clear); };
    return stored_form(parse_launch_form(form.is_null() ? Value::array() : form, seal,
                                         parse_stored_form(previous_text)))
        .dump();
  } catch (const LaunchFormError& e) {
    throw ApiError(400, "bad_value", e.what(), {{"field", e.field()}});
  }
}

std::string stored_form_text(store::Connection& c, int64_t id) {
  auto s = c.prepare("SELECT launch_form FROM job_templates WHERE id = ?");
  s.bind(1, id);
  return s.step() ? s.text(0) : std::string();
}

}  // namespace

void add_template_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  router.add({"GET", "/api/v1/templates", Role::Viewer, "List job templates", [&db](Call& call) {
                Page page = QueryReader(call.req, {"limit", "offset"}).page();
                auto [items, total] = db.read([&](store::Connection& c) {
                  Value items = Value::array();
                  auto s =
                      c.prepare("SELECT " + columns() + " FROM job_templates ORDER BY name LIMIT ? OFFSET ?");
                  s.bind(1, page.limit).bind(2, page.offset);
                  while (s.step()) items.push_back(read_template(s));
                  auto n = c.prepare("SELECT COUNT(*) FROM job_templates");
                  n.step();
                  return std::make_pair(items, n.integer(0));
                });
                send_json(call.res, 200, page_body(items, total, page));
              }});
  router.add({"POST", "/api/v1/templates", Role::Operator, "Create a job template", [&db, &ctx](Call& call) {
                Value body = parse_json_body(call.req);
                TemplateFields f = read_fields(body);
                check_credential_use(ctx, f, call.user);
                if (!f.name) throw ApiError(400, "missing_field", "field 'name' is required", {{"field", "name"}});
                if (!f.project_id)
                  throw ApiError(400, "missing_field", "field 'project_id' is required", {{"field", "project_id"}});
                if (!f.playbook)
                  throw ApiError(400, "missing_field", "field 'playbook' is required", {{"field", "playbook"}});
                if (!f.inventory)
                  throw ApiError(400, "missing_field", "field 'inventory' is required", {{"field", "inventory"}});
                Value out = db.write([&](store::Connection& c) {
                  check_references(c, f);
                  std::string now = store::now_timestamp();
                  try {
                    c.prepare("INSERT INTO job_templates (name, project_id, playbook, inventory, credential_id, "
                              "extra_vars, forks, host_limit, tags, check_mode, created, updated, vault_credential_ids) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .bind(1, *f.name).bind(2, *f.project_id).bind(3, *f.playbook).bind(4, f.inventory->dump())
                        .bind(5, credential_of(f)).bind(6, f.extra_vars.value_or(Value::object()).dump())
                        .bind(7, f.forks.value_or(5)).bind(8, f.limit.value_or("")).bind(9, f.tags.value_or(""))
                        .bind(10, f.check_mode.value_or(false) ? 1 : 0).bind(11, now).bind(12, now)
                        .bind(13, ids_text(f.vault_credential_ids.value_or(std::vector<int64_t>{}))).run();
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("template '" + *f.name + "' exists", {{"field", "name"}});
                  }
                  int64_t id = c.last_insert_id();
                  write_prompts(c, id, f);
                  if (f.launch_form)
                    c.prepare("UPDATE job_templates SET launch_form = ? WHERE id = ?")
                        .bind(1, sealed_form(ctx, *f.launch_form, "")).bind(2, id).run();
                  store::append_audit(c, audit_entry(call, "create", "templates", std::to_string(id), {{"name", *f.name}}));
                  return *find_template(c, id);
                });
                send_json(call.res, 201, out);
              }});
  router.add({"GET", "/api/v1/templates/{id}", Role::Viewer, "Get a job template", [&db](Call& call) {
                int64_t id = call.id_param();
                auto v = db.read([&](store::Connection& c) { return find_template(c, id); });
                if (!v) throw ApiError::not_found("no template " + std::to_string(id));
                send_json(call.res, 200, *v);
              }});
  router.add({"PATCH", "/api/v1/templates/{id}", Role::Operator, "Change some fields of a job template",
              [&db, &ctx](Call& call) {
                int64_t id = call.id_param();
                Value body = parse_json_body(call.req);
                TemplateFields f = read_fields(body);
                check_credential_use(ctx, f, call.user);
                // Changing what a template runs with a credential is using it
                // (whoever launches it next runs the change with it).
                auto current = db.read([&](store::Connection& c) { return find_template(c, id); });
                for (int64_t kept : current ? kept_credentials(*current, f) : std::vector<int64_t>{})
                  if (!may_use_credential(db, kept, call.user).value_or(true))
                    throw ApiError::forbidden("template " + std::to_string(id) + " uses credential " +
                                              std::to_string(kept) + ", which user '" + call.user.username +
                                              "' may not use");
                Value fields = Value::array();
                for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
                Value out = db.write([&](store::Connection& c) {
                  auto old = find_template(c, id);
                  if (!old) throw ApiError::not_found("no template " + std::to_string(id));
                  check_references(c, f);
                  std::optional<int64_t> credential =
                      f.credential_id ? credential_of(f)
                                      : ((*old)["credential_id"].is_null()
                                             ? std::nullopt
                                             : std::optional<int64_t>((*old)["credential_id"].get<int64_t>()));
                  try {
                    c.prepare("UPDATE job_templates SET name = ?, project_id = ?, playbook = ?, inventory = ?, "
                              "credential_id = ?, extra_vars = ?, forks = ?, host_limit = ?, tags = ?, check_mode = ?, "
                              "updated = ?, vault_credential_ids = COALESCE(?, vault_credential_ids) WHERE id = ?")
                        .bind(1, f.name.value_or((*old)["name"].get<std::string>()))
                        .bind(2, f.project_id.value_or((*old)["project_id"].get<int64_t>()))
                        .bind(3, f.playbook.value_or((*old)["playbook"].get<std::string>()))
                        .bind(4, f.inventory.value_or((*old)["inventory"]).dump())
                        .bind(5, credential)
                        .bind(6, f.extra_vars.value_or((*old)["extra_vars"]).dump())
                        .bind(7, f.forks.value_or((*old)["forks"].get<int64_t>()))
                        .bind(8, f.limit.value_or((*old)["limit"].get<std::string>()))
                        .bind(9, f.tags.value_or((*old)["tags"].get<std::string>()))
                        .bind(10, f.check_mode.value_or((*old)["check_mode"].get<bool>()) ? 1 : 0)
                        .bind(11, store::now_timestamp())
                        .bind(12, f.vault_credential_ids ? std::optional<std::string>(ids_text(*f.vault_credential_ids))
                                                         : std::nullopt)
                        .bind(13, id)
                        .run();
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("template '" + f.name.value_or("") + "' exists", {{"field", "name"}});
                  }
                  write_prompts(c, id, f);
                  if (f.launch_form)
                    c.prepare("UPDATE job_templates SET launch_form = ? WHERE id = ?")
                        .bind(1, sealed_form(ctx, *f.launch_form, stored_form_text(c, id))).bind(2, id).run();
                  store::append_audit(c, audit_entry(call, "update", "templates", std::to_string(id), {{"fields", fields}}));
                  return *find_template(c, id);
                });
                send_json(call.res, 200, out);
              }});
  router.add({"DELETE", "/api/v1/templates/{id}", Role::Operator, "Delete a job template", [&db](Call& call) {
                int64_t id = call.id_param();
                db.write([&](store::Connection& c) {
                  if (!find_template(c, id)) throw ApiError::not_found("no template " + std::to_string(id));
                  c.prepare("DELETE FROM job_templates WHERE id = ?").bind(1, id).run();
                  store::append_audit(c, audit_entry(call, "delete", "templates", std::to_string(id)));
                });
                call.res.status = 204;
              }});
}

}  // namespace drover::server
