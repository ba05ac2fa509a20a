// /api/v1/projects: see catalog_routes.hpp. Git runs as the git CLI
// (clone --depth 1, then fetch + reset to the branch), without a shell,
// with a 5-minute limit; its output (first 2 KiB) becomes sync_message.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "server/api_error.hpp"
#include "server/catalog_routes.hpp"
#include "server/request.hpp"

extern char** environ;

namespace drover::server {
namespace {

constexpr const char* kColumns =
    "id, name, kind, path, url, branch, sync_state, sync_message, synced, created, updated";

Value read_project(store::Statement& s) {
  return {{"id", s.integer(0)},           {"name", s.text(1)},         {"kind", s.text(2)},
          {"path", s.text(3)},            {"url", s.text(4)},          {"branch", s.text(5)},
          {"sync_state", s.text(6)},      {"sync_message", s.text(7)}, {"synced", s.optional_text(8) ? Value(s.text(8)) : Value(nullptr)},
          {"created", s.text(9)},         {"updated", s.text(10)}};
}

std::optional<Value> find_project(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM projects WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_project(s);
}

// Runs git with `args`; returns {ok, output}.
std::pair<bool, std::string> run_git(const std::vector<std::string>& args) {
  static std::atomic<int> counter{0};
  std::string log_path = (std::filesystem::temp_directory_path() /
                          ("drover-git-" + std::to_string(getpid()) + "-" + std::to_string(++counter))).string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> argv_s = {"git"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return {false, "cannot run git: " + std::string(std::strerror(rc))};
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string out;
  if (FILE* f = std::fopen(log_path.c_str(), "r")) {
    char buf[2048];
    size_t n = std::fread(buf, 1, sizeof buf, f);
    out.assign(buf, n);
    std::fclose(f);
  }
  std::remove(log_path.c_str());
  return {WIFEXITED(status) && WEXITSTATUS(status) == 0, out};
}

// Clones or updates a git project into `dir`; returns {ok, message}.
std::pair<bool, std::string> sync_git(const std::string& url, const std::string& branch, const std::string& dir) {
  if (!std::filesystem::exists(std::filesystem::path(dir) / ".git")) {
    std::filesystem::remove_all(dir);
    std::vector<std::string> args = {"clone", "--depth", "1"};
    if (!branch.empty()) args.insert(args.end(), {"--branch", branch});
    args.insert(args.end(), {"--", url, dir});
    return run_git(args);
  }
  auto fetch = run_git({"-C", dir, "fetch", "--depth", "1", "origin", branch.empty() ? "HEAD" : branch});
  if (!fetch.first) return fetch;
  return run_git({"-C", dir, "reset", "--hard", "FETCH_HEAD"});
}

void sync_project(store::Database& db, ServerContext& ctx, int64_t id, const Call& call) {
  auto p = db.read([&](store::Connection& c) { return find_project(c, id); });
  if (!p) throw ApiError::not_found("no project " + std::to_string(id));
  std::string state = "ok", message;
  if ((*p)["kind"] == "git") {
    std::string dir = (std::filesystem::path(ctx.options.data_dir) / "projects" / std::to_string(id)).string();
    std::filesystem::create_directories(std::filesystem::path(dir).parent_path());
    auto [ok, out] = sync_git((*p)["url"], (*p)["branch"], dir);
    state = ok ? "ok" : "failed";
    message = out;
    db.write([&](store::Connection& c) {
      c.prepare("UPDATE projects SET path = ?, sync_state = ?, sync_message = ?, synced = ?, updated = ? WHERE id = ?")
          .bind(1, dir).bind(2, state).bind(3, message).bind(4, store::now_timestamp())
          .bind(5, store::now_timestamp()).bind(6, id).run();
      store::append_audit(c, audit_entry(call, "sync", "projects", std::to_string(id), {{"state", state}}));
    });
  } else {
    bool exists = std::filesystem::is_directory(std::string((*p)["path"]));
    state = exists ? "ok" : "failed";
    message = exists ? "" : "directory " + std::string((*p)["path"]) + " does not exist";
    db.write([&](store::Connection& c) {
      c.prepare("UPDATE projects SET sync_state = ?, sync_message = ?, synced = ? WHERE id = ?")
          .bind(1, state).bind(2, message).bind(3, store::now_timestamp()).bind(4, id).run();
    });
  }
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
              "Create a project: {name, kind: local, path} or {name, kind: git, url, branch} (cloned now)",
              [&db, &ctx](Call& call) {
                Value body = parse_json_body(call.req);
                BodyReader r(body, {"name", "kind", "path", "url", "branch"});
                std::string name = r.required_string("name");
                std::string kind = r.optional_choice("kind", {"local", "git"}).value_or("local");
                std::string path = r.optional_string("path").value_or("");
                std::string url = r.optional_string("url").value_or("");
                std::string branch = r.optional_string("branch").value_or("");
                if (kind == "local") {
                  if (path.empty() || path[0] != '/')
                    throw ApiError(400, "bad_value", "a local project needs an absolute 'path'", {{"field", "path"}});
                  if (!url.empty()) throw ApiError(400, "bad_value", "a local project has no 'url'", {{"field", "url"}});
                } else {
                  if (url.empty() || url[0] == '-')
                    throw ApiError(400, "bad_value", "a git project needs a 'url'", {{"field", "url"}});
                  if (!path.empty())
                    throw ApiError(400, "bad_value", "a git project's path is chosen by the server", {{"field", "path"}});
                  if (!branch.empty() && branch[0] == '-')
                    throw ApiError(400, "bad_value", "bad branch name", {{"field", "branch"}});
                }
                int64_t id = db.write([&](store::Connection& c) {
                  std::string now = store::now_timestamp();
                  try {
                    c.prepare("INSERT INTO projects (name, kind, path, url, branch, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)")
                        .bind(1, name).bind(2, kind).bind(3, path).bind(4, url).bind(5, branch).bind(6, now).bind(7, now).run();
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("project '" + name + "' exists", {{"field", "name"}});
                  }
                  int64_t id = c.last_insert_id();
                  store::append_audit(c, audit_entry(call, "create", "projects", std::to_string(id),
                                                     {{"name", name}, {"kind", kind}}));
                  return id;
                });
                sync_project(db, ctx, id, call);
                send_json(call.res, 201, *db.read([&](store::Connection& c) { return find_project(c, id); }));
              }});
  router.add({"GET", "/api/v1/projects/{id}", Role::Viewer, "Get a project", [&db](Call& call) {
                int64_t id = call.id_param();
                auto v = db.read([&](store::Connection& c) { return find_project(c, id); });
                if (!v) throw ApiError::not_found("no project " + std::to_string(id));
                send_json(call.res, 200, *v);
              }});
  router.add({"POST", "/api/v1/projects/{id}/sync", Role::Operator, "Check a local project, or git pull a git one",
              [&db, &ctx](Call& call) {
                int64_t id = call.id_param();
                sync_project(db, ctx, id, call);
                send_json(call.res, 200, *db.read([&](store::Connection& c) { return find_project(c, id); }));
              }});
  router.add({"DELETE", "/api/v1/projects/{id}", Role::Operator, "Delete a project without templates",
              [&db](Call& call) {
                int64_t id = call.id_param();
                db.write([&](store::Connection& c) {
                  if (!find_project(c, id)) throw ApiError::not_found("no project " + std::to_string(id));
                  auto n = c.prepare("SELECT COUNT(*) FROM job_templates WHERE project_id = ?");
                  n.bind(1, id);
                  n.step();
                  if (n.integer(0) > 0)
                    throw ApiError::conflict("project " + std::to_string(id) + " is used by " +
                                             std::to_string(n.integer(0)) + " templates");
                  c.prepare("DELETE FROM projects WHERE id = ?").bind(1, id).run();
                  store::append_audit(c, audit_entry(call, "delete", "projects", std::to_string(id)));
                });
                call.res.status = 204;
              }});
}

}  // namespace drover::server
