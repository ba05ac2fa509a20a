// /api/v1/projects: see catalog_routes.hpp. A local project's path is
// checked here (project_paths.hpp: under an allowed root, no symlink
// leaving it); git runs only in a job of kind sync (jobs/project_sync.hpp),
// queued when a git project is created and by POST .../sync.
#include <filesystem>
#include <optional>

#include "server/api_error.hpp"
#include "server/catalog_routes.hpp"
#include "server/jobs/job_spec.hpp"
#include "server/jobs/job_template.hpp"
#include "server/jobs/job_view.hpp"
#include "server/jobs/project_sync.hpp"
#include "server/project_paths.hpp"
#include "server/request.hpp"
#include "store/job_store.hpp"

namespace drover::server {
namespace {

constexpr const char* kColumns =
    "id, name, kind, path, url, branch, sync_state, sync_message, synced, created, updated, credential_id";

Value read_project(store::Statement& s) {
  return {{"id", s.integer(0)},           {"name", s.text(1)},         {"kind", s.text(2)},
          {"path", s.text(3)},            {"url", s.text(4)},          {"branch", s.text(5)},
          {"sync_state", s.text(6)},      {"sync_message", s.text(7)}, {"synced", s.optional_text(8) ? Value(s.text(8)) : Value(nullptr)},
          {"created", s.text(9)},         {"updated", s.text(10)},
          {"credential_id", s.optional_integer(11) ? Value(s.integer(11)) : Value(nullptr)}};
}

// A git project's credential: it exists, is a password or an SSH key, and
// the caller may use it (403 otherwise).
void check_git_credential(ServerContext& ctx, int64_t id, const Principal& who) {
  auto kind = ctx.store.db().read([&](store::Connection& c) -> std::optional<std::string> {
    auto s = c.prepare("SELECT kind FROM credentials WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  });
  if (!kind) throw ApiError(400, "bad_value", "no credential " + std::to_string(id), {{"field", "credential_id"}});
  if (*kind != "password" && *kind != "ssh_key")
    throw ApiError(400, "bad_value", "a git project's credential is a password or an ssh_key, not " + *kind,
                   {{"field", "credential_id"}});
  if (!may_use_credential(ctx.store.db(), id, who).value_or(false))
    throw ApiError::forbidden("user '" + who.username + "' may not use credential " + std::to_string(id));
}

std::optional<Value> find_project(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM projects WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_project(s);
}

// Queues the sync job of project `id` (kind sync: jobs/project_sync.hpp)
// and marks the project pending; returns the job. A worker claims it
// within a second.
store::JobRecord queue_sync(store::Database& db, int64_t id, const Call& call) {
  store::JobStore jobs(db);
  JobSpec spec;
  spec.kind = JobSpec::Kind::sync;
  spec.project_id = id;
  std::optional<int64_t> user;
  if (call.user.user_id > 0) user = call.user.user_id;
  int64_t job_id = jobs.submit("sync", std::nullopt, spec.to_json().dump(), user, [&](store::Connection& c, int64_t job) {
    c.prepare("UPDATE projects SET sync_state = 'pending', updated = ? WHERE id = ?")
        .bind(1, store::now_timestamp())
        .bind(2, id)
        .run();
    store::append_audit(c, audit_entry(call, "sync", "projects", std::to_string(id), {{"job_id", job}}));
  });
  return *jobs.get(job_id);
}

// The realpath of a local project's directory: under an allowed root, with
// no symlink leaving it; 400 naming `path` otherwise.
std::string checked_local_path(const ServerContext& ctx, const std::string& path) {
  auto refuse = [](const std::string& why) { throw ApiError(400, "bad_value", why, {{"field", "path"}}); };
  if (path.empty() || path[0] != '/') refuse("a local project needs an absolute 'path'");
  auto real = resolve_project_dir(path, ctx.options, false);
  if (!real) {
    std::string list;
    for (const auto& r : allowed_project_roots(ctx.options)) list += (list.empty() ? "" : ", ") + r;
    refuse("'path' must be an existing directory under an allowed project root (" + list +
           "; see --project-root), after resolving symlinks and '..', and not the server's data directory");
  }
  std::string link;
  try {
    link = find_escaping_symlink(*real);
  } catch (const Error& e) {
    refuse(e.what());
  }
  if (!link.empty()) refuse("the project has a symlink that leaves it (" + link + ")");
  return *real;
}

// PATCH: the fields given over the old ones, checked as at creation; the
// kind never changes. A git project whose url, branch or credential changes
// is synced again (sync_job_id); a new url starts from a fresh clone (the
// old checkout's origin is the old url), so it waits for a sync under way.
void update_project(ServerContext& ctx, store::Database& db, const Call& call) {
  int64_t id = call.id_param();
  Value body = parse_json_body(call.req);
  BodyReader r(body, {"name", "path", "url", "branch", "credential_id"});
  auto old = db.read([&](store::Connection& c) { return find_project(c, id); });
  if (!old) throw ApiError::not_found("no project " + std::to_string(id));
  const bool git = (*old)["kind"] == "git";
  auto refuse = [](const std::string& field, const std::string& why) {
    throw ApiError(400, "bad_value", why, {{"field", field}});
  };
  std::string name = r.optional_string("name").value_or((*old)["name"].get<std::string>());
  if (name.empty()) refuse("name", "field 'name' must not be empty");
  std::string path = (*old)["path"];
  std::string url = (*old)["url"];
  std::string branch = (*old)["branch"];
  Value credential = (*old)["credential_id"];
  if (!git) {
    for (const char* f : {"url", "branch", "credential_id"})
      if (r.has(f)) refuse(f, std::string("a local project has no '") + f + "'");
    if (auto p = r.optional_string("path")) path = checked_local_path(ctx, *p);
  } else {
    if (r.has("path")) refuse("path", "a git project's path is chosen by the server");
    if (auto u = r.optional_string("url")) {
      if (auto why = git_url_problem(*u, ctx.options)) refuse("url", *why);
      url = *u;
    }
    if (auto b = r.optional_string("branch")) {
      if (!b->empty() && ((*b)[0] == '-' || b->find_first_of(" \t\r\n") != std::string::npos))
        refuse("branch", "bad branch name");
      branch = *b;
    }
    if (auto c = r.optional_value("credential_id")) {
      if (!c->is_null() && !(c->is_number_integer() && c->get<int64_t>() > 0))
        throw ApiError(400, "wrong_type", "field 'credential_id' must be a positive integer or null",
                       {{"field", "credential_id"}});
      if (!c->is_null() && *c != credential) check_git_credential(ctx, c->get<int64_t>(), call.user);
      credential = *c;
    }
  }
  const bool new_url = url != (*old)["url"];
  const bool resync = git && (new_url || branch != (*old)["branch"] || credential != (*old)["credential_id"]);
  const std::string state = (*old)["sync_state"];
  if (new_url && (state == "pending" || state == "running"))
    throw ApiError::conflict("project " + std::to_string(id) + " is being synced; change its url afterwards");
  Value fields = Value::array();
  for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
  db.write([&](store::Connection& c) {
    if (!find_project(c, id)) throw ApiError::not_found("no project " + std::to_string(id));
    std::optional<int64_t> cred;
    if (credential.is_number_integer()) cred = credential.get<int64_t>();
    try {
      c.prepare("UPDATE projects SET name = ?, path = ?, url = ?, branch = ?, credential_id = ?, updated = ? "
                "WHERE id = ?")
          .bind(1, name).bind(2, path).bind(3, url).bind(4, branch).bind(5, cred)
          .bind(6, store::now_timestamp()).bind(7, id).run();
    } catch (const store::ConstraintError&) {
      throw ApiError::conflict("project '" + name + "' exists", {{"field", "name"}});
    }
    store::append_audit(c, audit_entry(call, "update", "projects", std::to_string(id), {{"fields", fields}}));
  });
  if (new_url) {
    std::error_code ec;
    std::filesystem::remove_all(git_checkout_root(ctx.options) + "/" + std::to_string(id), ec);
  }
  std::optional<int64_t> job_id;
  if (resync) job_id = queue_sync(db, id, call).id;
  Value out = *db.read([&](store::Connection& c) { return find_project(c, id); });
  out["sync_job_id"] = job_id ? Value(*job_id) : Value(nullptr);
  send_json(call.res, 200, out);
}

}  // namespace

void add_project_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  router.add({"GET", "/api/v1/projects", Role::Viewer, "List projects", [&db](Call& call) {
                Page page = QueryReader(call.req, {"limit", "offset"}).page();
                auto [items, total] = db.read([&](store::Connection& c) {
                  Value items = Value::array();
                  auto s =
                      c.prepare(std::string("SELECT ") + kColumns + " FROM projects ORDER BY name LIMIT ? OFFSET ?");
                  s.bind(1, page.limit).bind(2, page.offset);
                  while (s.step()) items.push_back(read_project(s));
                  auto n = c.prepare("SELECT COUNT(*) FROM projects");
                  n.step();
                  return std::make_pair(items, n.integer(0));
                });
                send_json(call.res, 200, page_body(items, total, page));
              }});
  router.add({"POST", "/api/v1/projects", Role::Operator,
              "Create a project: {name, kind: local, path} or {name, kind: git, url, branch} (a sync job clones it)",
              [&db, &ctx](Call& call) {
                Value body = parse_json_body(call.req);
                BodyReader r(body, {"name", "kind", "path", "url", "branch", "credential_id"});
                auto credential = r.optional_integer("credential_id", 1);
                std::string name = r.required_string("name");
                std::string kind = r.optional_choice("kind", {"local", "git"}).value_or("local");
                std::string path = r.optional_string("path").value_or("");
                std::string url = r.optional_string("url").value_or("");
                std::string branch = r.optional_string("branch").value_or("");
                if (kind == "local") {
                  if (!url.empty()) throw ApiError(400, "bad_value", "a local project has no 'url'", {{"field", "url"}});
                  if (credential)
                    throw ApiError(400, "bad_value", "a local project has no credential", {{"field", "credential_id"}});
                  path = checked_local_path(ctx, path);
                } else {
                  if (auto why = git_url_problem(url, ctx.options)) throw ApiError(400, "bad_value", *why, {{"field", "url"}});
                  if (!path.empty())
                    throw ApiError(400, "bad_value", "a git project's path is chosen by the server", {{"field", "path"}});
                  if (!branch.empty() && (branch[0] == '-' || branch.find_first_of(" \t\r\n") != std::string::npos))
                    throw ApiError(400, "bad_value", "bad branch name", {{"field", "branch"}});
                  if (credential) check_git_credential(ctx, *credential, call.user);
                }
                std::string state = kind == "local" ? "ok" : "pending";
                int64_t id = db.write([&](store::Connection& c) {
                  std::string now = store::now_timestamp();
                  try {
                    c.prepare("INSERT INTO projects (name, kind, path, url, branch, sync_state, synced, created, updated, "
                              "credential_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .bind(1, name).bind(2, kind).bind(3, path).bind(4, url).bind(5, branch).bind(6, state)
                        .bind(7, kind == "local" ? std::optional<std::string>(now) : std::nullopt)
                        .bind(8, now).bind(9, now).bind(10, credential).run();
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("project '" + name + "' exists", {{"field", "name"}});
                  }
                  int64_t id = c.last_insert_id();
                  store::append_audit(c, audit_entry(call, "create", "projects", std::to_string(id),
                                                     {{"name", name}, {"kind", kind}}));
                  return id;
                });
                std::optional<int64_t> job_id;
                if (kind == "git") job_id = queue_sync(db, id, call).id;
                Value out = *db.read([&](store::Connection& c) { return find_project(c, id); });
                out["sync_job_id"] = job_id ? Value(*job_id) : Value(nullptr);
                send_json(call.res, 201, out);
              }});
  router.add({"GET", "/api/v1/projects/{id}", Role::Viewer, "Get a project", [&db](Call& call) {
                int64_t id = call.id_param();
                auto v = db.read([&](store::Connection& c) { return find_project(c, id); });
                if (!v) throw ApiError::not_found("no project " + std::to_string(id));
                send_json(call.res, 200, *v);
              }});
  router.add({"PATCH", "/api/v1/projects/{id}", Role::Operator,
              "Change a project: its name; a local one's path; a git one's url, branch and credential_id "
              "(a sync job fetches the change)",
              [&db, &ctx](Call& call) { update_project(ctx, db, call); }});
  router.add({"POST", "/api/v1/projects/{id}/sync", Role::Operator,
              "Queue a sync job: git pull a git project, check a local one (202 with the job; no body)",
              [&db](Call& call) {
                int64_t id = call.id_param();
                if (!db.read([&](store::Connection& c) { return find_project(c, id); }))
                  throw ApiError::not_found("no project " + std::to_string(id));
                send_json(call.res, 202, job_json(queue_sync(db, id, call)));
              }});
  router.add({"DELETE", "/api/v1/projects/{id}", Role::Operator,
              "Delete a project without templates (and a git project's checkout)", [&db, &ctx](Call& call) {
                int64_t id = call.id_param();
                bool git = false;
                db.write([&](store::Connection& c) {
                  auto p = find_project(c, id);
                  if (!p) throw ApiError::not_found("no project " + std::to_string(id));
                  git = (*p)["kind"] == "git";
                  auto n = c.prepare("SELECT COUNT(*) FROM job_templates WHERE project_id = ?");
                  n.bind(1, id);
                  n.step();
                  if (n.integer(0) > 0)
                    throw ApiError::conflict("project " + std::to_string(id) + " is used by " +
                                             std::to_string(n.integer(0)) + " templates");
                  c.prepare("DELETE FROM projects WHERE id = ?").bind(1, id).run();
                  store::append_audit(c, audit_entry(call, "delete", "projects", std::to_string(id)));
                });
                if (git) {
                  std::error_code ec;
                  std::filesystem::remove_all(git_checkout_root(ctx.options) + "/" + std::to_string(id), ec);
                }
                call.res.status = 204;
              }});
}

}  // namespace drover::server
