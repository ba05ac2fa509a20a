#include "engine/python_lookups.hpp"


#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "engine/collections.hpp"
#include "engine/config.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

bool is_dir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

void add_once(std::vector<std::string>& out, const std::string& d) {
  if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
}

// glob("path/*") and glob("path/*/*") as Python sorts neither: name order here.
void subdirs(const std::string& path, int depth, std::vector<std::string>& out) {
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.is_directory(ec)) found.push_back(e.path().string());
  std::sort(found.begin(), found.end());
  for (const auto& f : found) {
    add_once(out, f);
    if (depth > 1) subdirs(f, depth - 1, out);
  }
}

}  // namespace

std::vector<std::string> configured_plugin_dirs(const Config& config, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& p : config.list(key)) {
    std::string path = fs::absolute(expand_user(p)).lexically_normal().string();
    if (!path.empty() && path.back() == '/' && path.size() > 1) path.pop_back();
    if (!is_dir(path)) continue;
    subdirs(path, 2, out);
    add_once(out, path);
  }
  return out;
}

PythonLookups::PythonLookups(std::vector<std::string> configured_dirs, std::shared_ptr<const PythonWorker> worker)
    : configured_dirs_(std::move(configured_dirs)), worker_(std::move(worker)) {}

std::vector<std::string> PythonLookups::legacy_dirs(const std::vector<std::string>& search_path) const {
  std::vector<std::string> out;
  for (const auto& d : search_path)
    if (is_dir(d + "/lookup_plugins")) add_once(out, d + "/lookup_plugins");
  for (const auto& d : configured_dirs_) add_once(out, d);
  return out;
}

PythonLookups::Outcome PythonLookups::run(const std::string& name, const Value& terms, const Value& kwargs,
                                          const Value& variables, const std::vector<std::string>& search_path) const {
  Outcome o;
  std::string basedir = search_path.empty() ? fs::current_path().string() : search_path.back();
  Value req = {{"kind", "lookup"}, {"name", name},     {"terms", terms},     {"kwargs", kwargs.is_object() ? kwargs : Value::object()},
               {"variables", variables}, {"basedir", basedir}, {"playbook_paths", Value::array({basedir})}};
  Value dirs = Value::array();
  for (const auto& d : legacy_dirs(search_path)) dirs.push_back(d);
  req["dirs"] = dirs;
  std::string why;
  Value answer = worker_->ask(req, why).value_or(Value());
  if (answer.is_object() && answer.contains("ran")) {
    o.ran = answer["ran"];
  } else if (answer.is_object() && answer.contains("error")) {
    const Value& e = answer["error"];
    std::string kind = e.value("kind", "other");
    o.error = PythonLookupError{kind == "undefined" ? PythonLookupError::undefined
                                : kind == "lookup_error" ? PythonLookupError::lookup_error
                                                         : PythonLookupError::other,
                                e.value("type", ""), e.value("message", "")};
  } else {
    o.error = PythonLookupError{PythonLookupError::other, "<class 'RuntimeError'>",
                                "the Python running lookup plugins (" + worker_->python() + ") failed: " + why};
  }
  return o;
}

}  // namespace drover
