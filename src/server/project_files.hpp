// GET /api/v1/projects/{id}/playbooks: the playbooks a template may name,
// for the UI's template form (the playbook is picked from the project's
// files instead of typed).
//
// A playbook is a .yml/.yaml file in the project's directory or one level
// below it whose first YAML line is a list item ("- "), outside the
// directories Ansible reserves for other files (roles, group_vars,
// host_vars, vars, tasks, handlers, templates, files, defaults, meta,
// library, filter_plugins, collections) and hidden ones. Symlinks are not
// followed; at most kMaxPlaybooks paths, sorted, from the first
// kMaxScanned directory entries.
#pragma once

#include <string>
#include <vector>

#include "server/context.hpp"
#include "server/router.hpp"

namespace drover::server {

inline constexpr size_t kMaxPlaybooks = 1000;
inline constexpr size_t kMaxScanned = 20000;

// The playbooks under `dir` (paths relative to it), as above; empty when
// `dir` is missing.
std::vector<std::string> list_playbooks(const std::string& dir);

void add_project_file_routes(Router& router, ServerContext& ctx);

}  // namespace drover::server
