#include "engine/playbook_loader.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"
#include "engine/config.hpp"
#include "engine/module_lookup.hpp"
#include "engine/plugin_check.hpp"
#include "engine/task_loader.hpp"

namespace drover {
namespace {

[[noreturn]] void fail_at(const YAML::Node& n, const std::string& file, const std::string& msg,
                          const std::string& hint = {}) {
  throw ParserError(msg, yaml_location(n, file), hint);
}

bool is_dir(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

std::string absolute(const std::string& p) {
  if (!p.empty() && p[0] == '/') return p;
  char buf[4096];
  std::string cwd = getcwd(buf, sizeof buf) ? buf : ".";
  return cwd + "/" + p;
}

const std::vector<std::string>& play_keywords() {
  static const std::vector<std::string> names = {
      "any_errors_fatal", "become", "become_exe", "become_flags", "become_method", "become_user", "check_mode",
      "collections", "connection", "debugger", "diff", "environment", "fact_path", "force_handlers",
      "gather_facts", "gather_subset", "gather_timeout", "handlers", "hosts", "ignore_errors",
      "ignore_unreachable", "max_fail_percentage", "module_defaults", "name", "no_log", "order", "port",
      "post_tasks", "pre_tasks", "remote_user", "roles", "run_once", "serial", "strategy", "tags", "tasks",
      "throttle", "timeout", "vars", "vars_files", "vars_prompt"};
  return names;
}

// A YAML file of variables (role defaults/vars): a mapping or nothing.
Value load_vars_file(const std::string& path) {
  Value v = load_yaml_value_file(path);
  if (v.is_null()) return Value::object();
  if (!v.is_object()) throw ParserError("a variables file must hold a mapping", {path, 1, 1});
  return v;
}

// The files of a role's `subdir` that `name` (main, or a *_from option)
// names: the first of name, name.yml, name.yaml, name.json; for vars and
// defaults (`allow_dir`) a directory of that name stands for all its files,
// sorted, recursing, hidden and backup files left out (Ansible's
// find_vars_files). A file outside the role's subdir (an absolute or ../
// *_from) is refused as Role._load_role_yaml does.
std::vector<std::string> role_files(const std::string& role_dir, const std::string& role_name,
                                    const std::string& subdir, const std::string& name, bool allow_dir) {
  namespace fs = std::filesystem;
  fs::path base_dir = fs::path(role_dir + "/" + subdir).lexically_normal();
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::is_directory(base_dir, ec)) return found;
  std::function<void(const fs::path&)> add_dir = [&](const fs::path& dir) {
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries) {
      std::string file = e.filename().string(), ext = e.extension().string();
      if (file.empty() || file[0] == '.' || file.back() == '~') continue;
      if (fs::is_directory(e, ec)) {
        if (ext.empty()) add_dir(e);
      } else if (ext.empty() || ext == ".yml" || ext == ".yaml" || ext == ".json") {
        found.push_back(e.string());
      }
    }
  };
  fs::path named = name.size() && name[0] == '/' ? fs::path(name) : base_dir / name;
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    fs::path p = named.string() + ext;
    if (!fs::exists(p, ec)) continue;
    if (fs::is_directory(p, ec)) {
      if (!allow_dir) continue;
      add_dir(p);
    } else {
      found.push_back(p.string());
    }
    break;
  }
  std::string inside = base_dir.string() + "/";
  for (const auto& f : found)
    if (fs::path(f).lexically_normal().string().rfind(inside, 0) != 0)
      throw ParserError("Failed loading '" + f + "' for role (" + role_name +
                            ") as it is not inside the expected role path: '" + base_dir.string() + "'",
                        {f, 0, 0});
  return found;
}

// A role's defaults or vars: its files merged in order, later keys winning.
Value load_role_vars(const std::vector<std::string>& files) {
  Value merged = Value::object();
  for (const auto& f : files) {
    Value v = load_vars_file(f);
    for (auto it = v.begin(); it != v.end(); ++it) merged[it.key()] = it.value();
  }
  return merged;
}

class Loader {
 public:
  Loader(Playbook& pb, const LoadOptions& opts) : pb_(pb), opts_(opts) {}

  void load_file(const std::string& path, const Value& import_vars, const std::vector<Value>& import_when,
                 const std::vector<std::string>& import_tags, int depth) {
    if (depth > 20) throw ParserError("import_playbook nests too deeply (a loop?)", {path, 0, 0});
    struct stat st{};
    if (stat(path.c_str(), &st) != 0)
      throw ParserError("the playbook: " + path + " could not be found", {path, 0, 0});
    // Modules in library/ beside the playbook (Ansible adds it for the run).
    if (pb_.fallback) pb_.fallback->add_directory(dir_of(absolute(path)));
    auto docs = load_yaml_file(path);
    if (docs.empty() || docs[0].IsNull()) throw ParserError("Empty playbook, nothing to do", {path, 1, 1});
    const YAML::Node& root = docs[0];
    if (!root.IsSequence())
      fail_at(root, path, "A playbook must be a list of plays, got a " + std::string(root.IsMap() ? "mapping" : "scalar"),
              "start each play with '- hosts: ...'");
    for (const auto& entry : root) {
      if (!entry.IsMap()) fail_at(entry, path, "expected a play (a mapping with 'hosts') or an import_playbook");
      // Assigning to a yaml-cpp Node writes through it, so find the key first.
      YAML::Node import;
      bool is_import = false;
      for (const char* key : {"import_playbook", "ansible.builtin.import_playbook"}) {
        if (entry[key]) {
          import.reset(entry[key]);
          is_import = true;
          break;
        }
      }
      if (is_import) {
        std::string rel = to_display_string(yaml_to_value(import));
        std::string target = rel.size() && rel[0] == '/' ? rel : dir_of(path) + "/" + rel;
        if (!std::ifstream(target).good())
          if (std::string in_collection = collection_playbook(rel); !in_collection.empty()) target = in_collection;
        Value vars = import_vars;
        std::vector<Value> when = import_when;
        std::vector<std::string> tags = import_tags;
        for (auto it = entry.begin(); it != entry.end(); ++it) {
          std::string k = it->first.as<std::string>();
          if (k == "vars") {
            Value v = yaml_to_value(it->second);
            if (v.is_object())
              for (auto e = v.begin(); e != v.end(); ++e) vars[e.key()] = e.value();
          } else if (k == "when") {
            Value v = yaml_to_value(it->second);
            if (v.is_array()) for (auto& c : v) when.push_back(c);
            else when.push_back(v);
          } else if (k == "tags") {
            Keywords kw;
            parse_keyword("tags", it->second, kw, path);
            tags.insert(tags.end(), kw.tags.begin(), kw.tags.end());
          } else if (k != "import_playbook" && k != "ansible.builtin.import_playbook" && k != "name") {
            fail_at(it->first, path, "'" + k + "' is not a valid option for import_playbook");
          }
        }
        if (!is_dir(dir_of(target)) || !std::ifstream(target).good())
          fail_at(import, path, "Could not find or access '" + rel + "' for import_playbook");
        load_file(target, vars, when, tags, depth + 1);
        continue;
      }
      // An attribute no play has is the error before a missing hosts
      // (Ansible 2.14: the playbook-level include is one).
      for (auto it = entry.begin(); it != entry.end(); ++it) {
        std::string k = it->first.as<std::string>();
        const auto& valid = play_keywords();
        if (!entry["hosts"] && std::find(valid.begin(), valid.end(), k) == valid.end())
          fail_at(it->first, path, "'" + k + "' is not a valid attribute for a Play");
      }
      if (!entry["hosts"])
        fail_at(entry, path, "the field 'hosts' is required but was not set",
                "a play needs 'hosts:'; a task list belongs under 'tasks:'");
      pb_.plays.push_back(load_play(entry, path, import_vars, import_when, import_tags));
    }
  }

 public:
  // The file of a collection's playbook ("ns.coll.site"), empty when `name`
  // names none (ansible-playbook's _get_collection_playbook_path).
  std::string collection_playbook(const std::string& name) const {
    struct stat st{};
    if (!pb_.collections || stat(name.c_str(), &st) == 0) return "";
    PluginQuery q;
    q.kind = PluginKind::playbook;
    q.name = name;
    auto r = pb_.collections->resolve(q);
    return r ? r->path : "";
  }

 private:
  std::unique_ptr<Play> load_play(const YAML::Node& node, const std::string& file, const Value& import_vars,
                                  const std::vector<Value>& import_when, const std::vector<std::string>& import_tags) {
    auto play = std::make_unique<Play>();
    Play& p = *play;
    current_play_ = &p;
    // A playbook inside a collection searches that collection first.
    std::string home = pb_.collections ? pb_.collections->collection_of_path(file) : "";
    play_collections_ = with_default_collection(home.empty() ? std::vector<std::string>{} : std::vector{home},
                                                "ansible.legacy");
    p.where = yaml_location(node, file);
    p.playbook_dir = dir_of(absolute(file));
    p.scope = std::make_unique<Block>();
    p.scope->implicit = true;
    p.scope->where = p.where;
    Keywords& kw = p.scope->kw;
    for (auto e = import_vars.begin(); e != import_vars.end(); ++e) kw.vars[e.key()] = e.value();
    kw.when = import_when;
    kw.tags = import_tags;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string k = it->first.as<std::string>();
      const YAML::Node& v = it->second;
      if (k == "name") p.name = to_display_string(yaml_to_value(v));
      else if (k == "hosts") p.hosts = yaml_to_value(v);
      else if (k == "gather_facts") p.gather_facts = yaml_to_value(v);
      else if (k == "gather_subset") p.gather_subset = yaml_to_value(v);
      else if (k == "gather_timeout") p.gather_timeout = yaml_to_value(v);
      else if (k == "fact_path") p.fact_path = yaml_to_value(v);
      else if (k == "serial") p.serial = yaml_to_value(v);
      else if (k == "max_fail_percentage") p.max_fail_percentage = yaml_to_value(v);
      else if (k == "strategy") p.strategy = yaml_to_value(v);
      else if (k == "order") p.order = yaml_to_value(v);
      else if (k == "force_handlers") p.force_handlers = yaml_to_value(v);
      else if (k == "vars_prompt") p.vars_prompt = yaml_to_value(v);
      else if (k == "vars_files") {
        Value files = yaml_to_value(v);
        if (files.is_string()) files = Value::array({files});
        if (!files.is_array()) fail_at(v, file, "vars_files must be a list of file names");
        for (auto& f : files) p.vars_files_raw.push_back(f);
      } else if (k == "when") {
        fail_at(it->first, file, "'when' is not a valid attribute for a Play",
                "put conditions on tasks or blocks, or use a group in 'hosts'");
      } else if (k == "tasks" || k == "pre_tasks" || k == "post_tasks" || k == "handlers" || k == "roles") {
        if (!v.IsNull() && !v.IsSequence()) fail_at(v, file, "'" + k + "' must be a list");
      } else if (k == "collections") {
        play_collections_ = parse_collections(v, file);
        if (!home.empty() && std::find(play_collections_.begin(), play_collections_.end(), home) == play_collections_.end())
          play_collections_.insert(play_collections_.begin(), home);
      } else if (!parse_keyword(k, v, kw, file)) {
        std::string close = closest_match(k, play_keywords());
        fail_at(it->first, file, "'" + k + "' is not a valid attribute for a Play",
                close.empty() ? "" : "did you mean '" + close + "'?");
      }
    }
    if (p.hosts.is_null() || (p.hosts.is_string() && p.hosts.get<std::string>().empty()))
      fail_at(node, file, "Hosts list cannot be empty. Please check your playbook");
    if (p.name.empty())
      p.name = p.hosts.is_array() ? join([&] {
        std::vector<std::string> h;
        for (auto& e : p.hosts) h.push_back(to_display_string(e));
        return h;
      }(), ",") : to_display_string(p.hosts);

    auto section = [&](const char* key, bool handlers) {
      auto block = std::make_unique<Block>();
      block->implicit = true;
      block->parent = p.scope.get();
      block->where = p.where;
      TaskLoadContext ctx = context(file, p, handlers);
      load_task_list(node[key], ctx, *block);
      return block;
    };
    p.pre_tasks = section("pre_tasks", false);
    p.handlers = section("handlers", true);
    // roles: run before tasks, as blocks at the head of the tasks section.
    p.tasks = std::make_unique<Block>();
    p.tasks->implicit = true;
    p.tasks->parent = p.scope.get();
    p.tasks->where = p.where;
    if (node["roles"]) {
      size_t own = p.handlers->block.size();
      for (const auto& r : node["roles"]) add_play_role(r, file, p);
      // The roles' handlers come before the play's own (Ansible's
      // play.handlers: _compile_roles_handlers, then handlers:).
      std::rotate(p.handlers->block.begin(), p.handlers->block.begin() + static_cast<long>(own),
                  p.handlers->block.end());
    }
    {
      TaskLoadContext ctx = context(file, p, false);
      load_task_list(node["tasks"], ctx, *p.tasks);
    }
    p.post_tasks = section("post_tasks", false);
    return play;
  }

  TaskLoadContext context(const std::string& file, Play& p, bool handlers) {
    TaskLoadContext ctx;
    ctx.file = file;
    ctx.dir = dir_of(absolute(file));
    ctx.playbook_dir = p.playbook_dir;
    ctx.handlers = handlers;
    ctx.playbook = &pb_;
    ctx.roles_path = &opts_.roles_path;
    ctx.import_role = import_role_fn(&p, nullptr);
    ctx.collections = play_collections_;
    return ctx;
  }

  // import_role in a play's tasks or a role's: the role's block, its
  // handlers to the play's (to `handlers` in a role included at run time).
  std::function<std::unique_ptr<Block>(const std::string&, const Value&, const Location&, const TaskLoadContext&)>
  import_role_fn(Play* play, Block* handlers) {
    return [this, play, handlers](const std::string& name, const Value& args, const Location& where,
                        const TaskLoadContext& c) {
      std::string tasks_from = args.contains("tasks_from") ? to_display_string(args["tasks_from"]) : "main";
      std::string handlers_from = args.contains("handlers_from") ? to_display_string(args["handlers_from"]) : "main";
      std::string vars_from = args.contains("vars_from") ? to_display_string(args["vars_from"]) : "main";
      std::string defaults_from = args.contains("defaults_from") ? to_display_string(args["defaults_from"]) : "main";
      Role* role = load_role(name, Value::object(), where, c.collections, c.playbook_dir, tasks_from, handlers_from,
                             vars_from, defaults_from);
      named_by_include(*role, name, args);
      // The import task's vars (passed as "vars") are the role's vars too,
      // below vars/main, and so play-wide (Ansible's IncludeRole puts them
      // on the RoleInclude).
      if (args.contains("vars") && args["vars"].is_object()) {
        Value role_vars = args["vars"];
        for (auto it = role->vars.begin(); it != role->vars.end(); ++it) role_vars[it.key()] = it.value();
        role->vars = std::move(role_vars);
      }
      return play ? role_block(*role, *play, nullptr) : role_block(*role, *handlers, nullptr);
    };
  }

  // Where a role reference points: a collection's role first (an FQCN, or
  // a short name through the `collections:` list), then the roles path.
  struct RoleSpot {
    std::string dir, fqcn, collection;
  };
  RoleSpot find_role(const std::string& name, const std::vector<std::string>& search, const std::string& playbook_dir,
                     const Location& where) {
    if (pb_.collections && (!search.empty() || is_fqcn(name))) {
      PluginQuery q;
      q.kind = PluginKind::role;
      q.name = name;
      q.collections = search;
      if (auto r = pb_.collections->resolve(q)) return {r->path, r->fqcn, r->collection};
      if (!search.empty() && std::find(search.begin(), search.end(), "ansible.legacy") == search.end())
        throw RoleNotFound("the role '" + name + "' was not found in " + join(search, ":"), where);
    }
    std::string dir = find_role_dir(name, playbook_dir);
    if (dir.empty()) {
      std::string searched = search.empty() ? "" : join(search, ":") + ":";
      searched += playbook_dir + "/roles";
      for (const auto& rp : opts_.roles_path) searched += ":" + rp;
      searched += ":" + playbook_dir;
      throw RoleNotFound("the role '" + name + "' was not found in " + searched, where);
    }
    return {dir, name, ""};
  }

  std::string find_role_dir(const std::string& name, const std::string& playbook_dir) {
    std::vector<std::string> candidates;
    if (name.find('/') != std::string::npos) {
      candidates.push_back(name[0] == '/' ? name : playbook_dir + "/" + name);
    } else {
      candidates.push_back(playbook_dir + "/roles/" + name);
      for (const auto& rp : opts_.roles_path) candidates.push_back(expand_user(rp) + "/" + name);
      candidates.push_back(playbook_dir + "/" + name);
    }
    for (const auto& c : candidates)
      if (is_dir(c)) return c;
    return "";
  }

  // Each reference loads its own Role instance: its task blocks are moved
  // into the play that references it.
  // `search`: the `collections:` list the reference is resolved with.
  Role* load_role(const std::string& name, const Value& params, const Location& where,
                  const std::vector<std::string>& search, const std::string& playbook_dir,
                  const std::string& tasks_from = "main", const std::string& handlers_from = "main",
                  const std::string& vars_from = "main", const std::string& defaults_from = "main", int depth = 0) {
    if (depth > 50) throw ParserError("role dependencies nest too deeply (a cycle?) at role '" + name + "'", where);
    RoleSpot spot = find_role(name, search, playbook_dir, where);
    std::string dir = spot.dir;
    auto role = std::make_unique<Role>();
    role->name = spot.fqcn;
    role->path = dir;
    role->collection = spot.collection;
    if (!spot.collection.empty()) role->collections.push_back(spot.collection);
    // The role's library/ and module_utils/ serve every later task too, as
    // in Ansible.
    if (pb_.fallback) pb_.fallback->add_directory(dir);
    role->params = params;
    role->defaults = load_role_vars(role_files(dir, name, "defaults", defaults_from, true));
    role->vars = load_role_vars(role_files(dir, name, "vars", vars_from, true));
    if (auto f = find_yaml_file(dir + "/meta", "main"); !f.empty()) {
      auto meta_docs = load_yaml_file(f);
      Value meta = meta_docs.empty() ? Value() : yaml_to_value(meta_docs.front());
      if (meta.is_object()) {
        role->allow_duplicates = meta.contains("allow_duplicates") && truthy(meta["allow_duplicates"]);
        if (meta.contains("collections"))
          for (auto& c : collections_from_value(meta["collections"], {f, 0, 0}, ""))
            if (std::find(role->collections.begin(), role->collections.end(), c) == role->collections.end())
              role->collections.push_back(c);
        if (meta.contains("dependencies") && meta["dependencies"].is_array()) {
          for (const auto& dep : meta_docs.front()["dependencies"]) {
            // Keywords on a dependency (tags, when, become...) apply to its
            // tasks; its vars: are its role vars (below vars/main).
            Keywords dep_kw;
            std::string dep_name;
            Value dep_params = Value::object();
            if (dep.IsMap()) {
              for (auto it = dep.begin(); it != dep.end(); ++it) {
                std::string k = it->first.as<std::string>();
                if (k == "role" || k == "name") dep_name = to_display_string(yaml_to_value(it->second));
                else if (!parse_keyword(k, it->second, dep_kw, f)) dep_params[k] = yaml_to_value(it->second);
              }
              if (dep_name.empty()) throw ParserError("role definitions must contain a role name", yaml_location(dep, f));
            } else {
              std::tie(dep_name, dep_params) = role_reference(yaml_to_value(dep), yaml_location(dep, f));
            }
            Value dep_vars = std::move(dep_kw.vars);
            dep_kw.vars = Value::object();
            Role* d = load_role(dep_name, dep_params, {f, 0, 0}, role_search(*role), playbook_dir, "main", "main",
                                "main", "main", depth + 1);
            identity_[d] = role_identity(dep_name, dep_params, dep_vars, dep_kw.tags, dep_kw.when);
            d->cache_key = identity_[d];
            for (auto it = d->vars.begin(); it != d->vars.end(); ++it) dep_vars[it.key()] = it.value();
            d->vars = std::move(dep_vars);
            d->dependency_keywords = std::move(dep_kw);
            role->dependencies.push_back(d);
          }
        }
      }
    }
    role->collections = role_search(*role);
    Role* raw = role.get();
    TaskLoadContext ctx;
    ctx.collections = raw->collections;
    ctx.dir = dir + "/tasks";
    ctx.playbook_dir = playbook_dir;
    ctx.role = raw;
    ctx.playbook = &pb_;
    ctx.roles_path = &opts_.roles_path;
    if (current_play_ || included_handlers_) ctx.import_role = import_role_fn(current_play_, included_handlers_);
    if (auto f = role_files(dir, name, "tasks", tasks_from, false); !f.empty()) {
      ctx.file = f.front();
      raw->tasks = load_task_file(f.front(), ctx, nullptr);
    } else if (tasks_from != "main") {
      throw ParserError("Could not find specified file in role: tasks/" + tasks_from, where);
    } else {
      raw->tasks = std::make_unique<Block>();
      raw->tasks->implicit = true;
    }
    if (auto f = role_files(dir, name, "handlers", handlers_from, false); !f.empty()) {
      ctx.file = f.front();
      ctx.handlers = true;
      raw->handlers = load_task_file(f.front(), ctx, nullptr);
    }
    pb_.roles.push_back(std::move(role));
    return raw;
  }

  // A role's search list: its collection and meta's, then ansible.builtin
  // for a collection's role, ansible.legacy for others (Role._load_role_data).
  static std::vector<std::string> role_search(const Role& role) {
    return with_default_collection(role.collections, role.collection.empty() ? "ansible.legacy" : "ansible.builtin");
  }

  // (name, params) of a role reference: "name" or {role: name, ...params}.
  std::pair<std::string, Value> role_reference(const Value& ref, const Location& where) {
    if (ref.is_string()) return {ref.get<std::string>(), Value::object()};
    if (!ref.is_object()) throw ParserError("a role must be a name or a mapping with 'role:'", where);
    std::string name;
    Value params = Value::object();
    for (auto it = ref.begin(); it != ref.end(); ++it) {
      if (it.key() == "role" || it.key() == "name") name = to_display_string(it.value());
      else params[it.key()] = it.value();
    }
    if (name.empty()) throw ParserError("role definitions must contain a role name", where);
    return {name, params};
  }

  // A role's tasks (after its dependencies) as one implicit block; its
  // handlers go to the play's.
  std::unique_ptr<Block> role_block(Role& role, Play& play, const Block* parent) {
    auto block = role_block(role, *play.handlers, parent, &play_role_keys_[&play]);
    std::vector<const Role*> roles;
    add_roles(role, roles);
    for (const Role* r : roles) play.roles.push_back(r);
    return block;
  }

  // The role and its dependencies, dependencies first.
  static void add_roles(const Role& role, std::vector<const Role*>& out) {
    for (const Role* dep : role.dependencies) add_roles(*dep, out);
    out.push_back(&role);
  }

  // The same with the handlers moved into `handlers` instead.
  // `seen`: the play's roles so far by identity; a dependency already there
  // runs only once (Ansible's role cache and has_run), unless it allows
  // duplicates.
  std::unique_ptr<Block> role_block(Role& role, Block& handlers, const Block* parent,
                                    std::map<std::string, const Role*>* seen = nullptr) {
    auto block = std::make_unique<Block>();
    block->implicit = true;
    block->parent = parent;
    block->role = &role;
    block->completes_role = true;
    for (Role* dep : role.dependencies) {
      if (auto id = identity_.find(dep); seen && id != identity_.end()) {
        if (seen->count(id->second) && !dep->allow_duplicates) continue;
        seen->emplace(id->second, dep);
      }
      auto dep_block = role_block(*dep, handlers, block.get(), seen);
      dep_block->kw = dep->dependency_keywords;
      block->block.push_back({nullptr, std::move(dep_block)});
    }
    if (role.tasks) {
      // Re-parent the role's task file block under this role block.
      auto tasks = std::make_unique<Block>();
      tasks->implicit = true;
      tasks->parent = block.get();
      tasks->role = &role;
      for (auto& item : role.tasks->block) {
        if (item.task) item.task->parent = tasks.get();
        if (item.block) item.block->parent = tasks.get();
        tasks->block.push_back(std::move(item));
      }
      role.tasks->block.clear();
      block->block.push_back({nullptr, std::move(tasks)});
    }
    if (role.handlers) {
      for (auto& item : role.handlers->block) {
        if (item.task) item.task->parent = &handlers;
        if (item.block) item.block->parent = &handlers;
        handlers.block.push_back(std::move(item));
      }
      role.handlers->block.clear();
    }
    return block;
  }

 public:
  IncludedRole include_role(const std::string& name, const Value& args, const Value& params, const Location& where,
                            const std::string& playbook_dir, const Block* parent) {
    auto from = [&](const char* key) {
      return args.contains(key) && !args[key].is_null() ? to_display_string(args[key]) : std::string("main");
    };
    IncludedRole out;
    out.handlers = std::make_unique<Block>();
    out.handlers->implicit = true;
    included_handlers_ = out.handlers.get();
    Role* role = load_role(name, params, where, opts_.collections, playbook_dir, from("tasks_from"),
                           from("handlers_from"), from("vars_from"), from("defaults_from"));
    named_by_include(*role, name, args);
    out.tasks = role_block(*role, *out.handlers, parent);
    out.role = role;
    return out;
  }

  // include_tasks at run time: the file's tasks; roles they import put
  // their handlers in `handlers`.
  std::unique_ptr<Block> include_tasks(const std::string& path, TaskLoadContext ctx, const Block* parent,
                                       Block& handlers) {
    included_handlers_ = &handlers;
    ctx.import_role = import_role_fn(nullptr, &handlers);
    return load_task_file(path, ctx, parent);
  }

 private:

  void add_play_role(const YAML::Node& node, const std::string& file, Play& p) {
    Location where = yaml_location(node, file);
    Value ref = yaml_to_value(node);
    // Keywords on a role entry (when, tags, become, vars...) apply to its tasks.
    Keywords kw;
    Value params = Value::object();
    std::string name;
    if (ref.is_string()) {
      name = ref.get<std::string>();
    } else if (ref.is_object()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        std::string k = it->first.as<std::string>();
        if (k == "role" || k == "name") name = to_display_string(yaml_to_value(it->second));
        else if (!parse_keyword(k, it->second, kw, file)) params[k] = yaml_to_value(it->second);
      }
    } else {
      throw ParserError("a role must be a name or a mapping with 'role:'", where);
    }
    if (name.empty()) throw ParserError("role definitions must contain a role name", where);
    // A role listed again with the same name, parameters, when, tags and
    // vars is the same role to Ansible (its role cache), and a role that has
    // run for a host does not run again unless meta allows duplicates.
    std::string key = role_identity(name, params, kw.vars, kw.tags, kw.when);
    auto& seen = play_role_keys_[&p];
    if (seen.count(key)) {
      if (!seen[key]->allow_duplicates) return;
    }
    size_t at = p.roles.size();
    Role* role = load_role(name, params, where, play_collections_, p.playbook_dir);
    size_t imported_end = p.roles.size();  // roles its tasks import come after it in play.roles
    identity_[role] = key;
    role->cache_key = key;
    seen.emplace(key, role);
    // The entry's vars: are the role's vars (below vars/main), which
    // Ansible merges play-wide, not block vars.
    Value role_vars = kw.vars;
    for (auto it = role->vars.begin(); it != role->vars.end(); ++it) role_vars[it.key()] = it.value();
    role->vars = std::move(role_vars);
    kw.vars = Value::object();
    auto block = role_block(*role, p, p.tasks.get());
    std::rotate(p.roles.begin() + static_cast<long>(at), p.roles.begin() + static_cast<long>(imported_end),
                p.roles.end());
    block->kw = kw;
    block->where = where;
    p.tasks->block.push_back({nullptr, std::move(block)});
  }

  Playbook& pb_;
  const LoadOptions& opts_;
  // What makes two role references the same role in a play: name,
  // parameters, vars, tags and when (Ansible's role cache key).
  static std::string role_identity(const std::string& name, const Value& params, const Value& vars,
                                   const std::vector<std::string>& tags, const std::vector<Value>& when,
                                   const Value& from_files = Value::object(), bool from_include = false) {
    Value identity = Value{{"name", name}, {"params", params}, {"vars", vars}, {"tags", tags}};
    identity["when"] = Value::array();
    for (const auto& w : when) identity["when"].push_back(w);
    identity["from_files"] = from_files;
    identity["from_include"] = from_include;
    return identity.dump();
  }

  // A role that include_role or import_role names is another role than the
  // same one in `roles:` or as a dependency, and runs again unless the
  // task says allow_duplicates: false (Ansible's IncludeRole, whose option
  // overrides the role's meta).
  static void named_by_include(Role& role, const std::string& name, const Value& args) {
    Value from_files = Value::object();
    for (const char* k : {"tasks_from", "vars_from", "defaults_from", "handlers_from"})
      if (args.contains(k) && !args[k].is_null()) from_files[k] = to_display_string(args[k]);
    role.cache_key = role_identity(name, role.params, Value::object(), {}, {}, from_files, true);
    role.allow_duplicates = args.contains("allow_duplicates") ? truthy(args["allow_duplicates"]) : true;
  }

  std::map<const Play*, std::map<std::string, const Role*>> play_role_keys_;  // roles seen per play
  std::map<const Role*, std::string> identity_;  // role_identity of play roles and dependencies
  Play* current_play_ = nullptr;  // the play being loaded (import_role in its roles' tasks)
  std::vector<std::string> play_collections_;  // its `collections:` search list
  Block* included_handlers_ = nullptr;  // include_role at run time: where imported roles' handlers go
};

}  // namespace

IncludedRole load_included_role(Playbook& playbook, const LoadOptions& opts, const std::string& name,
                                const Value& args, const Value& params, const Location& where,
                                const std::string& playbook_dir, const Block* parent) {
  Loader loader(playbook, opts);
  return loader.include_role(name, args, params, where, playbook_dir, parent);
}

std::unique_ptr<Block> load_included_tasks(Playbook& playbook, const LoadOptions& opts, const std::string& path,
                                           const TaskLoadContext& ctx, const Block* parent, Block& handlers) {
  Loader loader(playbook, opts);
  return loader.include_tasks(path, ctx, parent, handlers);
}

LoadOptions load_options(const Config& config) {
  LoadOptions lo;
  lo.roles_path = config.list("DEFAULT_ROLES_PATH");
  lo.collections_paths = config.list("COLLECTIONS_PATHS");
  lo.collections_scan_sys_path = config.boolean("COLLECTIONS_SCAN_SYS_PATH");
  // One controller Python for the run's Python lookups and action plugins.
  auto worker = std::make_shared<PythonWorker>(controller_python());
  FallbackOptions fo = fallback_options(config);
  fo.worker = worker;
  lo.fallback = std::make_shared<FallbackModules>(fo);
  lo.python_lookups = std::make_shared<PythonLookups>(configured_lookup_dirs(config), worker);
  return lo;
}

Playbook load_playbook(const std::string& path, const LoadOptions& opts) {
  Playbook pb;
  pb.path = path;
  pb.collections = opts.index ? opts.index
                              : std::make_shared<CollectionIndex>(
                                    collection_roots(dir_of(absolute(path)), opts.collections_paths,
                                                     opts.collections_scan_sys_path),
                                    find_ansible_core_dir());
  pb.fallback = opts.fallback ? opts.fallback : std::make_shared<FallbackModules>();
  pb.fallback->add_index(*pb.collections);
  pb.python_lookups = opts.python_lookups ? opts.python_lookups
                                          : std::make_shared<PythonLookups>(
                                                std::vector<std::string>{},
                                                std::make_shared<PythonWorker>(controller_python()));
  Loader loader(pb, opts);
  std::string in_collection = loader.collection_playbook(path);
  if (!in_collection.empty())
    pb.warnings.push_back("running playbook inside collection " + pb.collections->collection_of_path(in_collection));
  loader.load_file(in_collection.empty() ? path : in_collection, Value::object(), {}, {}, 0);
  check_template_plugins(pb);
  return pb;
}

}  // namespace drover
