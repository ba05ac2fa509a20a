// Where a project's files may be, and that they stay there.
//
// A local project's path must lie, after realpath (so no `..` and no
// symlink in the path itself can lead elsewhere), under one of the allowed
// roots: `--project-root DIR` (repeatable) / `project_roots:` in the config
// file, by default only <data>/projects. Git checkouts live in
// <data>/projects/<id>, which is always allowed for them.
//
// Inside a project, a symlink whose target resolves outside the project
// (`secrets -> /var/lib/drover`, `x -> ../../other-project`) is refused:
// when the project is created or synced, and when a job is launched from
// it; a job's playbook must resolve to a file inside its project. Links
// that stay inside (roles/common -> ../shared/common) are fine. A dangling
// link is judged by where it would point. The walk stops after
// kMaxProjectEntries entries (the project is then refused as too large to
// check) so that a huge tree cannot stall a request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/context.hpp"

namespace drover::server {

inline constexpr size_t kMaxProjectEntries = 200000;

// The allowed roots of `options`, realpath'ed (roots that do not exist are
// left out). <data>/projects is created when it is the default.
std::vector<std::string> allowed_project_roots(const ServerOptions& options);

// The directory that holds git checkouts: <data>/projects, realpath'ed
// (created).
std::string git_checkout_root(const ServerOptions& options);

// The realpath of `path` when it is a directory at or under one of
// `roots`; nullopt otherwise (missing, not a directory, outside).
std::optional<std::string> resolve_under(const std::string& path,
                                         const std::vector<std::string>& roots);

// Whether the realpath'ed `path` is `dir` or inside it (both realpath'ed).
bool is_inside(const std::string& path, const std::string& dir);

// Whether the realpath'ed `path` would show the server's own files: it is
// or contains the data directory, or lies in it anywhere but inside one
// git checkout (<data>/projects/<id>). So a project root that contains the
// data directory (--project-root /srv with --data /srv/drover) never makes
// drover.db, secret.key, other jobs' directories or git's HOME a project.
bool exposes_data_dir(const std::string& path, const ServerOptions& options);

// The realpath of directory `path` when it may be a project: under an
// allowed root (or, with `git_checkouts`, inside a git checkout) and not
// exposing the data directory; nullopt otherwise.
std::optional<std::string> resolve_project_dir(const std::string& path,
                                               const ServerOptions& options, bool git_checkouts);

// Whether the file `path` (absolute; resolved as far as it exists) lies
// where a project may, as resolve_project_dir(..., true) says.
bool is_allowed_project_file(const std::string& path, const ServerOptions& options);

// The first symlink under the directory `project` (realpath'ed) whose
// target leaves it, as "link -> target"; "" when there is none. Throws
// drover::Error when the tree is too large to check or unreadable.
std::string find_escaping_symlink(const std::string& project);

}  // namespace drover::server
