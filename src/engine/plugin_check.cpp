#include "engine/plugin_check.hpp"

#include <map>
#include <regex>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "engine/lookups.hpp"
#include "template/builtins.hpp"

namespace drover {
namespace {

class Checker {
 public:
  explicit Checker(const Playbook& pb) : index_(pb.collections.get()), python_(pb.python_lookups.get()) {}

  void play(const Play& p) {
    where_ = p.where;
    playbook_dir_ = p.playbook_dir;
    role_ = nullptr;
    value(p.hosts, false);
    for (const Block* b : {p.scope.get(), p.pre_tasks.get(), p.tasks.get(), p.post_tasks.get(), p.handlers.get()})
      if (b) block(*b);
  }

 private:
  void block(const Block& b) {
    keywords(b.kw);
    for (const auto* list : {&b.block, &b.rescue, &b.always})
      for (const auto& item : *list) {
        if (item.block) block(*item.block);
        if (item.task) task(*item.task);
      }
  }

  void keywords(const Keywords& kw) {
    for (const Value& w : kw.when) value(w, true);
    value(kw.vars, false);
    value(kw.environment, false);
  }

  void task(const Task& t) {
    where_ = t.where;
    role_ = t.role;
    keywords(t.kw);
    value(t.args, false);
    value(t.loop, false);
    value(t.loop_control, false);
    for (const Value* c : {&t.changed_when, &t.failed_when, &t.until}) value(*c, true);
    // with_<name> is a task attribute only when the lookup exists (Ansible's Task.preprocess_data).
    if (!t.loop_with.empty() && !check(PluginKind::lookup, t.loop_with))
      throw ParserError("'with_" + t.loop_with + "' is not a valid attribute for a Task", where_);
  }

  // The expressions in the strings of `v`: what {{ }} and {% %} hold, or
  // the whole of a condition.
  void value(const Value& v, bool condition) {
    if (v.is_string()) {
      const std::string& s = v.get_ref<const ValueString&>();
      if (condition) {
        scan(s);
        return;
      }
      for (size_t at = s.find('{'); at != std::string::npos && at + 1 < s.size(); at = s.find('{', at + 1)) {
        if (s[at + 1] != '{' && s[at + 1] != '%') continue;
        size_t end = s.find(s[at + 1] == '{' ? "}}" : "%}", at + 2);
        scan(s.substr(at + 2, end == std::string::npos ? std::string::npos : end - at - 2));
        if (end == std::string::npos) break;
        at = end;
      }
    } else if (v.is_array() || v.is_object()) {
      for (const auto& e : v) value(e, condition);
    }
  }

  void scan(const std::string& s) {
    static const std::regex filter(R"(\|\s*([A-Za-z_][\w.]*))");
    static const std::regex test(R"(\bis\s+(?:not\s+)?([A-Za-z_][\w.]*))");
    static const std::regex lookup(R"(\b(?:lookup|query|q)\(\s*['"]([A-Za-z_][\w.]*)['"])");
    const std::pair<const std::regex*, PluginKind> kinds[] = {
        {&filter, PluginKind::filter}, {&test, PluginKind::test}, {&lookup, PluginKind::lookup}};
    for (const auto& [re, kind] : kinds)
      for (std::sregex_iterator it(s.begin(), s.end(), *re), end; it != end; ++it) check(kind, (*it)[1].str());
  }

  bool native(PluginKind kind, const std::string& name) {
    switch (kind) {
      case PluginKind::filter: return tmpl::find_filter(name) != nullptr;
      case PluginKind::test: return tmpl::find_test(name) != nullptr;
      default: return is_native_lookup(name);
    }
  }

  // Whether `name` exists (natively or as a plugin file drover can run);
  // throws ParserError for a plugin drover cannot run.
  bool check(PluginKind kind, const std::string& name) {
    if (!index_ || native(kind, name)) return true;
    const char* dir = kind == PluginKind::filter ? "/filter_plugins" : kind == PluginKind::test ? "/test_plugins"
                                                                                                 : "/lookup_plugins";
    PluginQuery q;
    q.kind = kind;
    q.name = name;
    if (kind == PluginKind::lookup && python_) {
      std::vector<std::string> search;
      if (role_) search.push_back(role_->path);
      search.push_back(playbook_dir_);
      q.legacy_dirs = python_->legacy_dirs(search);
    } else {
      if (role_) q.legacy_dirs.push_back(role_->path + dir);
      q.legacy_dirs.push_back(playbook_dir_ + dir);
    }
    std::string key = std::to_string(static_cast<int>(kind)) + name + "\n" + join(q.legacy_dirs, ":");
    auto [it, fresh] = seen_.emplace(key, std::optional<ResolvedPlugin>());
    if (fresh) {
      try {
        it->second = index_->resolve(q);
      } catch (const Error& e) {
        throw ParserError(e.message(), where_);
      }
    }
    if (!it->second) return false;
    if (it->second->native || native(kind, it->second->fqcn)) return true;
    // Lookups drover lacks run in the controller's Python (engine/python_lookups.hpp).
    if (kind == PluginKind::lookup && python_ && python_->available()) return true;
    const ResolvedPlugin& r = *it->second;
    std::string what = kind == PluginKind::filter ? "filter" : kind == PluginKind::test ? "test" : "lookup plugin";
    std::string msg = what + " '" + r.fqcn + "'";
    if (!r.collection.empty()) msg += " from collection " + r.collection;
    msg += " is not implemented natively by drover (" + r.path + ")";
    if (name != r.fqcn) msg = "'" + name + "' is the " + msg;
    throw ParserError(msg, where_);
  }

  const CollectionIndex* index_;
  const PythonLookups* python_;
  Location where_;
  std::string playbook_dir_;
  const Role* role_ = nullptr;
  std::map<std::string, std::optional<ResolvedPlugin>> seen_;
};

}  // namespace

void check_template_plugins(const Playbook& playbook) {
  Checker c(playbook);
  for (const auto& p : playbook.plays) c.play(*p);
}

}  // namespace drover
