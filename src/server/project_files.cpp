#include "server/project_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "server/api_error.hpp"
#include "server/request.hpp"

namespace drover::server {
namespace fs = std::filesystem;

namespace {

bool is_yaml(const fs::path& p) {
  return p.extension() == ".yml" || p.extension() == ".yaml";
}

// Whether the file reads as a YAML list (a playbook is a list of plays):
// the first line that is not blank, a comment or "---" starts with "-".
bool looks_like_playbook(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  for (int n = 0; n < 200 && std::getline(in, line); ++n) {
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#' || line.compare(b, 3, "---") == 0) continue;
    return line[b] == '-';
  }
  return false;
}

}  // namespace

std::vector<std::string> list_playbooks(const std::string& dir) {
  static const std::set<std::string> reserved = {
      "roles", "group_vars", "host_vars", "vars",    "tasks",          "handlers",   "templates",
      "files", "defaults",   "meta",      "library", "filter_plugins", "collections"};
  std::vector<std::string> out;
  std::error_code ec;
  size_t seen = 0;  // entries looked at: a huge tree cannot stall the request
  auto scan = [&](const fs::path& where, const std::string& prefix, auto& self, int depth) -> void {
    for (fs::directory_iterator it(where, ec), end;
         !ec && it != end && out.size() < kMaxPlaybooks && ++seen <= kMaxScanned;
         it.increment(ec)) {
      const fs::directory_entry& e = *it;
      std::string name = e.path().filename().string();
      if (name.empty() || name[0] == '.' || e.is_symlink(ec)) continue;
      if (e.is_directory(ec)) {
        if (depth == 0 && !reserved.count(name))
          self(e.path(), prefix + name + "/", self, depth + 1);
      } else if (e.is_regular_file(ec) && is_yaml(e.path()) && looks_like_playbook(e.path())) {
        out.push_back(prefix + name);
      }
    }
  };
  scan(fs::path(dir), "", scan, 0);
  std::sort(out.begin(), out.end());
  return out;
}

void add_project_file_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  router.add({"GET", "/api/v1/projects/{id}/playbooks", Role::Viewer,
              "The playbooks of a project (for a template's playbook)", [&db](Call& call) {
                int64_t id = call.id_param();
                auto path = db.read([&](store::Connection& c) -> std::optional<std::string> {
                  auto s = c.prepare("SELECT path FROM projects WHERE id = ?");
                  s.bind(1, id);
                  if (!s.step()) return std::nullopt;
                  return s.text(0);
                });
                if (!path) throw ApiError::not_found("no project " + std::to_string(id));
                Value items = Value::array();
                for (const auto& p : list_playbooks(*path)) items.push_back(p);
                int64_t n = static_cast<int64_t>(items.size());
                send_json(call.res, 200, {{"items", items}, {"total", n}});
              }});
}

}  // namespace drover::server
