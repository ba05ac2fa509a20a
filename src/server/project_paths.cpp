#include "server/project_paths.hpp"

#include <filesystem>
#include <system_error>

#include "core/error.hpp"

namespace drover::server {
namespace fs = std::filesystem;

std::string git_checkout_root(const ServerOptions& options) {
  fs::path root = fs::path(options.data_dir) / "projects";
  std::error_code ec;
  fs::create_directories(root, ec);
  fs::path real = fs::canonical(root, ec);
  return ec ? fs::absolute(root).lexically_normal().string() : real.string();
}

std::vector<std::string> allowed_project_roots(const ServerOptions& options) {
  if (options.project_roots.empty()) return {git_checkout_root(options)};
  std::vector<std::string> out;
  for (const auto& root : options.project_roots) {
    std::error_code ec;
    fs::path real = fs::canonical(root, ec);
    if (!ec && fs::is_directory(real, ec)) out.push_back(real.string());
  }
  return out;
}

bool is_inside(const std::string& path, const std::string& dir) {
  if (path == dir) return true;
  if (dir == "/") return !path.empty() && path[0] == '/';
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

std::optional<std::string> resolve_under(const std::string& path,
                                         const std::vector<std::string>& roots) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  if (ec || !fs::is_directory(real, ec)) return std::nullopt;
  for (const auto& root : roots)
    if (is_inside(real.string(), root)) return real.string();
  return std::nullopt;
}

bool exposes_data_dir(const std::string& path, const ServerOptions& options) {
  std::error_code ec;
  std::string data = fs::weakly_canonical(options.data_dir, ec).string();
  if (ec) return true;
  if (is_inside(data, path)) return true;  // the data directory or an ancestor of it
  if (!is_inside(path, data)) return false;
  std::string checkouts = git_checkout_root(options);
  return path == checkouts || !is_inside(path, checkouts) ||
         is_inside(path, checkouts + "/.git-home");
}

std::optional<std::string> resolve_project_dir(const std::string& path,
                                               const ServerOptions& options, bool git_checkouts) {
  auto roots = allowed_project_roots(options);
  if (git_checkouts) roots.push_back(git_checkout_root(options));
  auto real = resolve_under(path, roots);
  if (!real || exposes_data_dir(*real, options)) return std::nullopt;
  return real;
}

bool is_allowed_project_file(const std::string& path, const ServerOptions& options) {
  if (path.empty() || path[0] != '/') return false;
  std::error_code ec;
  std::string real = fs::weakly_canonical(path, ec).string();
  if (ec || exposes_data_dir(real, options)) return false;
  auto roots = allowed_project_roots(options);
  roots.push_back(git_checkout_root(options));
  for (const auto& root : roots)
    if (is_inside(real, root)) return true;
  return false;
}

std::string find_escaping_symlink(const std::string& project) {
  std::error_code ec;
  size_t seen = 0;
  fs::recursive_directory_iterator it(project, fs::directory_options::none, ec), end;
  if (ec) throw Error("cannot read project directory " + project + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error("cannot read project directory " + project + ": " + ec.message());
    if (++seen > kMaxProjectEntries)
      throw Error("project " + project + " has more than " + std::to_string(kMaxProjectEntries) +
                  " files: too many to check for symlinks");
    if (!it->is_symlink(ec)) continue;
    // Where the link leads, resolved as far as it exists (a dangling link
    // is judged by the path it names).
    fs::path target = fs::read_symlink(it->path(), ec);
    if (ec) continue;
    fs::path full = target.is_absolute() ? target : it->path().parent_path() / target;
    fs::path real = fs::weakly_canonical(full, ec);
    if (ec || !is_inside(real.string(), project))
      return it->path().string() + " -> " + target.string();
  }
  return "";
}

}  // namespace drover::server
