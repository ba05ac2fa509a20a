#include "inventory/inventory.hpp"

#include <algorithm>
#include <unistd.h>

#include "core/error.hpp"

namespace drover::inventory {
namespace {

constexpr const char* kLocalhostNames[] = {"localhost", "127.0.0.1", "::1"};

bool is_localhost_name(std::string_view n) {
  for (const char* l : kLocalhostNames)
    if (n == l) return true;
  return false;
}

bool is_word_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// constants.INVALID_VARIABLE_NAMES: ^[\d\W]|[^\w]
bool invalid_group_name(std::string_view n) {
  if (n.empty()) return false;
  if (n[0] >= '0' && n[0] <= '9') return true;
  for (char c : n)
    if (!is_word_char(c)) return true;
  return false;
}

std::string dirname_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::string unmatched_pattern_warning(std::string_view pattern) {
  return "Could not match supplied host pattern, ignoring: " + std::string(pattern);
}

Inventory::Inventory() {
  add_group("all");
  add_group("ungrouped");
  add_child("all", "ungrouped");
  for (const char* name : kLocalhostNames) {
    Host& h = implicit_hosts_.emplace_back();
    h.id = static_cast<HostId>(implicit_hosts_.size() - 1);
    h.name = name;
    h.implicit = true;
    // ansible-core records the controller's python; drover's targets need
    // none, but the variable is what ansible-inventory --host shows.
    h.vars["ansible_python_interpreter"] = "/usr/bin/python3";
    h.vars["ansible_connection"] = "local";
  }
}

Inventory::Inventory(Inventory&&) noexcept = default;
Inventory& Inventory::operator=(Inventory&&) noexcept = default;
Inventory::~Inventory() = default;

void Inventory::set_current_source(std::string path) {
  current_source_ = std::move(path);
  // ansible.utils.path.basedir: the directory of a file source, None for a
  // host list (which is not a path).
  if (!current_source_.empty() && access(current_source_.c_str(), F_OK) == 0)
    current_source_dir_ = dirname_of(current_source_);
  else
    current_source_dir_ = nullptr;
}

std::vector<std::string> Inventory::take_warnings() {
  std::vector<std::string> out;
  out.swap(warnings_);
  return out;
}

void Inventory::warn(std::string text) {
  if (std::find(warnings_.begin(), warnings_.end(), text) == warnings_.end()) warnings_.push_back(std::move(text));
}

const Host* Inventory::find_host(std::string_view name) const {
  auto it = host_index_.find(std::string(name));
  return it == host_index_.end() ? nullptr : &hosts_[it->second];
}

const Group* Inventory::find_group(std::string_view name) const {
  auto it = group_index_.find(std::string(name));
  return it == group_index_.end() ? nullptr : &groups_[it->second];
}

const Host* Inventory::get_host(std::string_view name) const {
  if (const Host* h = find_host(name)) return h;
  for (const Host& h : implicit_hosts_)
    if (h.name == name) {
      // Ansible uses the first localhost-like inventory host, if any.
      for (const char* l : kLocalhostNames)
        if (const Host* real = find_host(l)) return real;
      return &h;
    }
  return nullptr;
}

Group& Inventory::add_group(std::string_view name) {
  if (name.empty()) throw Error("Invalid empty/false group name provided: " + std::string(name));
  auto it = group_index_.find(std::string(name));
  if (it != group_index_.end()) return groups_[it->second];
  if (invalid_group_name(name))
    warn("Invalid characters were found in group names but not replaced, use -vvvv to see details");
  Group& g = groups_.emplace_back();
  g.id = static_cast<GroupId>(groups_.size() - 1);
  g.name = std::string(name);
  group_index_.emplace(g.name, g.id);
  return g;
}

Host& Inventory::add_host(std::string_view name, std::string_view group, std::optional<int> port) {
  if (name.empty()) throw Error("Invalid empty host name provided: " + std::string(name));
  Group* g = nullptr;
  if (!group.empty()) {
    auto git = group_index_.find(std::string(group));
    if (git == group_index_.end()) throw Error("Could not find group " + std::string(group) + " in inventory");
    g = &groups_[git->second];
  }
  Host* h;
  auto it = host_index_.find(std::string(name));
  if (it == host_index_.end()) {
    h = &hosts_.emplace_back();
    h->id = static_cast<HostId>(hosts_.size() - 1);
    h->name = std::string(name);
    host_index_.emplace(h->name, h->id);
    if (port) h->vars["ansible_port"] = *port;
    if (!current_source_.empty()) {
      h->vars["inventory_file"] = current_source_;
      h->vars["inventory_dir"] = current_source_dir_;
    } else {
      h->vars["inventory_file"] = nullptr;
      h->vars["inventory_dir"] = nullptr;
    }
    if (is_localhost_name(name)) {
      for (const Host& other : hosts_)
        if (&other != h && is_localhost_name(other.name)) {
          warn("A duplicate localhost-like entry was found (" + h->name + "). First found localhost was " +
               other.name);
          break;
        }
    }
  } else {
    h = &hosts_[it->second];
  }
  if (g) add_host_to_group(*g, *h);
  return *h;
}

void Inventory::add_host_to_group(Group& g, Host& h) {
  if (std::find(h.groups.begin(), h.groups.end(), g.id) != h.groups.end()) return;
  g.hosts.push_back(h.id);
  h.groups.push_back(g.id);
}

void Inventory::remove_host_from_group(Group& g, Host& h) {
  auto gi = std::find(h.groups.begin(), h.groups.end(), g.id);
  if (gi == h.groups.end()) return;
  h.groups.erase(gi);
  g.hosts.erase(std::find(g.hosts.begin(), g.hosts.end(), h.id));
}

bool Inventory::is_ancestor(GroupId maybe_ancestor, GroupId g) const {
  std::vector<GroupId> stack(groups_[g].parents);
  std::vector<bool> seen(groups_.size());
  while (!stack.empty()) {
    GroupId p = stack.back();
    stack.pop_back();
    if (p == maybe_ancestor) return true;
    if (seen[p]) continue;
    seen[p] = true;
    stack.insert(stack.end(), groups_[p].parents.begin(), groups_[p].parents.end());
  }
  return false;
}

void Inventory::add_child_group(Group& parent, Group& child) {
  if (parent.id == child.id) throw Error("can't add group to itself");
  if (std::find(parent.children.begin(), parent.children.end(), child.id) != parent.children.end()) return;
  if (is_ancestor(child.id, parent.id))
    throw Error("Adding group '" + child.name + "' as child to '" + parent.name +
                "' creates a recursive dependency loop.");
  parent.children.push_back(child.id);
  // Depth is the longest path from a root; push it down the subtree.
  std::vector<std::pair<GroupId, int>> stack{{child.id, parent.depth + 1}};
  while (!stack.empty()) {
    auto [id, depth] = stack.back();
    stack.pop_back();
    Group& g = groups_[id];
    if (g.depth >= depth) continue;
    g.depth = depth;
    for (GroupId c : g.children) stack.emplace_back(c, depth + 1);
  }
  if (std::find(child.parents.begin(), child.parents.end(), parent.id) == child.parents.end())
    child.parents.push_back(parent.id);
}

void Inventory::add_child(std::string_view parent, std::string_view child) {
  auto pit = group_index_.find(std::string(parent));
  if (pit == group_index_.end()) throw Error(std::string(parent) + " is not a known group");
  Group& p = groups_[pit->second];
  auto cit = group_index_.find(std::string(child));
  if (cit != group_index_.end()) {
    add_child_group(p, groups_[cit->second]);
    return;
  }
  auto hit = host_index_.find(std::string(child));
  if (hit == host_index_.end()) throw Error(std::string(child) + " is not a known host nor group");
  add_host_to_group(p, hosts_[hit->second]);
}

void Inventory::set_variable(std::string_view entity, const std::string& key, Value value) {
  auto git = group_index_.find(std::string(entity));
  if (git != group_index_.end()) {
    Group& g = groups_[git->second];
    if (key == "ansible_group_priority") {
      if (value.is_number_integer()) {
        g.priority = value.get<int>();
      } else if (value.is_number_float()) {
        g.priority = static_cast<int>(value.get<double>());
      } else if (value.is_boolean()) {
        g.priority = value.get<bool>() ? 1 : 0;
      } else {
        std::string s = value.is_string() ? value.get<std::string>() : value.dump();
        try {
          size_t used = 0;
          int p = std::stoi(s, &used);
          if (used != s.size()) throw std::invalid_argument(s);
          g.priority = p;
        } catch (const std::exception&) {
          throw Error("invalid literal for int() with base 10: '" + s + "'");
        }
      }
      return;
    }
    g.vars[key] = std::move(value);
    return;
  }
  auto hit = host_index_.find(std::string(entity));
  if (hit == host_index_.end()) throw Error("Could not identify group or host named " + std::string(entity));
  hosts_[hit->second].vars[key] = std::move(value);
}

std::vector<GroupId> Inventory::ancestry(const Host& h) const {
  std::vector<GroupId> out;
  std::vector<bool> seen(groups_.size());
  std::vector<GroupId> stack(h.groups.rbegin(), h.groups.rend());
  while (!stack.empty()) {
    GroupId g = stack.back();
    stack.pop_back();
    if (seen[g]) continue;
    seen[g] = true;
    out.push_back(g);
    for (auto it = groups_[g].parents.rbegin(); it != groups_[g].parents.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

void Inventory::reconcile() {
  current_source_.clear();
  Group& all = groups_[0];
  for (Group& g : groups_)
    if (g.id != all.id && g.parents.empty()) add_child_group(all, g);
  const GroupId ungrouped = group_index_.at("ungrouped");
  for (Host& h : hosts_) {
    auto anc = ancestry(h);
    bool in_ungrouped = std::find(anc.begin(), anc.end(), ungrouped) != anc.end();
    if (in_ungrouped) {
      bool other = std::any_of(anc.begin(), anc.end(), [&](GroupId g) { return g != 0 && g != ungrouped; });
      if (other) remove_host_from_group(groups_[ungrouped], h);
    } else if (!h.implicit) {
      if (anc.empty() || (anc.size() == 1 && anc[0] == 0)) add_host_to_group(groups_[ungrouped], h);
    }
  }
  for (const Host& h : hosts_)
    if (group_index_.count(h.name)) warn("Found both group and host with same name: " + h.name);
}

std::vector<GroupId> Inventory::descendants(GroupId root) const {
  // Group._walk_relationship(preserve_ordering=True): self, its children,
  // then each further level in turn.
  std::vector<GroupId> ordered{root};
  std::vector<bool> seen(groups_.size());
  seen[root] = true;
  std::vector<GroupId> level{root};
  while (!level.empty()) {
    std::vector<GroupId> next;
    for (GroupId g : level)
      for (GroupId c : groups_[g].children)
        if (!seen[c]) {
          seen[c] = true;
          ordered.push_back(c);
          next.push_back(c);
        }
    level.swap(next);
  }
  return ordered;
}

std::vector<const Host*> Inventory::hosts_of(const Group& g) const {
  std::vector<const Host*> out;
  std::vector<bool> seen(hosts_.size());
  for (GroupId kid : descendants(g.id))
    for (HostId h : groups_[kid].hosts) {
      if (seen[h]) continue;
      seen[h] = true;
      if (g.id == 0 && hosts_[h].implicit) continue;
      out.push_back(&hosts_[h]);
    }
  return out;
}

std::vector<std::string> Inventory::group_names(const Host& h) const {
  std::vector<std::string> out;
  for (GroupId g : ancestry(h))
    if (g != 0) out.push_back(groups_[g].name);
  std::sort(out.begin(), out.end());
  return out;
}

Value Inventory::groups_value() const {
  Value out = Value::object();
  for (const Group& g : groups_) {
    Value names = Value::array();
    for (const Host* h : hosts_of(g)) names.push_back(h->name);
    out[g.name] = std::move(names);
  }
  return out;
}

std::vector<GroupId> Inventory::sorted_groups_for_vars(const Host& h) const {
  std::vector<GroupId> gs;
  for (GroupId g : ancestry(h))
    if (g != 0) gs.push_back(g);
  // vars/manager.py sort_groups: (depth, priority, name).
  std::sort(gs.begin(), gs.end(), [&](GroupId a, GroupId b) {
    const Group& ga = groups_[a];
    const Group& gb = groups_[b];
    if (ga.depth != gb.depth) return ga.depth < gb.depth;
    if (ga.priority != gb.priority) return ga.priority < gb.priority;
    return ga.name < gb.name;
  });
  return gs;
}

namespace {
void merge_into(Value& into, const Value& from) {
  for (auto it = from.begin(); it != from.end(); ++it) into[it.key()] = it.value();
}
}  // namespace

Value Inventory::vars_for(const Host& h, const std::vector<const VarsDirectory*>& playbook_dirs) const {
  Value out = Value::object();
  const Group& all = groups_[0];
  auto groups = sorted_groups_for_vars(h);
  merge_into(out, all.vars);
  for (GroupId g : groups) merge_into(out, groups_[g].vars);
  for (const auto& d : vars_dirs_) merge_into(out, d->group_vars("all"));
  for (const VarsDirectory* d : playbook_dirs) merge_into(out, d->group_vars("all"));
  for (const auto& d : vars_dirs_)
    for (GroupId g : groups) merge_into(out, d->group_vars(groups_[g].name));
  for (const VarsDirectory* d : playbook_dirs)
    for (GroupId g : groups) merge_into(out, d->group_vars(groups_[g].name));
  merge_into(out, h.vars);
  for (const auto& d : vars_dirs_) merge_into(out, d->host_vars(h.name));
  for (const VarsDirectory* d : playbook_dirs) merge_into(out, d->host_vars(h.name));
  return out;
}

Value Inventory::group_vars_for(const Group& g) const {
  Value out = g.vars;
  for (const auto& d : vars_dirs_) merge_into(out, d->group_vars(g.name));
  if (g.priority != 1) out["ansible_group_priority"] = g.priority;
  return out;
}

void Inventory::add_vars_directory(const std::string& base_dir) {
  // Ansible reads a directory once per -i naming it; reading it twice gives
  // the same merge, so drover keeps one.
  if (vars_dir_index_.count(base_dir)) return;
  vars_dir_index_.emplace(base_dir, vars_dirs_.size());
  vars_dirs_.push_back(std::make_unique<VarsDirectory>(base_dir));
}

void Inventory::preload_vars_files() const {
  for (const auto& d : vars_dirs_) {
    for (const Group& g : groups_) d->group_vars(g.name);
    for (const Host& h : hosts_) d->host_vars(h.name);
  }
}

bool Inventory::add_dynamic_host(std::string_view name, const std::vector<std::string>& groups, const Value& vars) {
  bool changed = false;
  if (!find_host(name)) {
    add_host(name, "all");
    changed = true;
  }
  Host& h = hosts_[host_index_.at(std::string(name))];
  if (vars.is_object())
    for (auto it = vars.begin(); it != vars.end(); ++it) {
      auto cur = h.vars.find(it.key());
      if (cur == h.vars.end() || *cur != it.value()) {
        h.vars[it.key()] = it.value();
        changed = true;
      }
    }
  for (const auto& gname : groups) {
    if (!find_group(gname)) changed = true;
    Group& g = add_group(gname);
    if (std::find(h.groups.begin(), h.groups.end(), g.id) == h.groups.end()) {
      add_host_to_group(g, h);
      changed = true;
    }
  }
  if (changed) reconcile();
  for (const auto& d : vars_dirs_) d->host_vars(h.name);
  return changed;
}

bool Inventory::add_dynamic_group(const Host& host, std::string_view name, const std::vector<std::string>& parents) {
  bool changed = false;
  Host* real = nullptr;
  if (auto it = host_index_.find(host.name); it != host_index_.end()) real = &hosts_[it->second];
  if (!real) throw Error(host.name + " cannot be matched in inventory");
  Group& g = add_group(name);
  for (const auto& p : parents) {
    if (!find_group(p)) {
      add_group(p);
      changed = true;
    }
    Group& pg = groups_[group_index_.at(p)];
    if (std::find(pg.children.begin(), pg.children.end(), g.id) == pg.children.end()) {
      add_child_group(pg, groups_[group_index_.at(std::string(name))]);
      changed = true;
    }
  }
  Group& gg = groups_[group_index_.at(std::string(name))];
  if (std::find(real->groups.begin(), real->groups.end(), gg.id) == real->groups.end()) {
    add_host_to_group(gg, *real);
    changed = true;
  }
  if (changed) reconcile();
  for (const auto& d : vars_dirs_) d->group_vars(gg.name);
  (void)g;
  return changed;
}

}  // namespace drover::inventory
