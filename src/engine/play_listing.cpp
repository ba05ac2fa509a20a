#include "engine/play_listing.hpp"

#include <set>

#include "core/pyrepr.hpp"
#include "core/strings.hpp"
#include "engine/tags.hpp"
#include "engine/task_vars.hpp"
#include "inventory/inventory.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

std::string tag_list(const std::set<std::string>& tags) {
  return "[" + join(std::vector<std::string>(tags.begin(), tags.end()), ", ") + "]";
}

// Tasks of a block's main list, recursively (Ansible lists neither rescue
// nor always tasks).
void collect(const Block& b, std::vector<const Task*>& out) {
  for (const auto& item : b.block) {
    if (item.task) out.push_back(item.task.get());
    else collect(*item.block, out);
  }
}

}  // namespace

std::string list_playbook(const Playbook& pb, const std::string& shown_path, const inventory::Inventory& inv,
                          const RunOptions& opts, bool hosts, bool tasks, bool tags) {
  std::string out = "\nplaybook: " + shown_path + "\n";
  int n = 0;
  tmpl::Engine templar;
  for (const auto& play : pb.plays) {
    ++n;
    Value host_list = play->hosts.is_array() ? play->hosts : Value::array({play->hosts});
    std::vector<std::string> parts;
    for (auto& h : host_list) parts.push_back(to_display_string(h));
    std::string pattern = join(parts, ",");
    if (pattern.find("{{") != std::string::npos) {
      tmpl::ValueVariables vars(opts.extra_vars);
      try {
        pattern = templar.render_string(pattern, vars);
      } catch (const Error&) {
      }
    }
    std::set<std::string> play_tags(play->scope->kw.tags.begin(), play->scope->kw.tags.end());
    // The play's tags are a Python set joined with "," (no space; its order
    // is the set's, sorted here); the tasks' are sorted and joined with ", ".
    out += "\n  play #" + std::to_string(n) + " (" + pattern + "): " + play->name + "\tTAGS: [" +
           join(std::vector<std::string>(play_tags.begin(), play_tags.end()), ",") + "]\n";
    if (hosts) {
      Value shown = Value::array();
      for (auto& p : parts) shown.push_back(p);
      out += "    pattern: " + python_repr(shown) + "\n";
      auto selected = inv.select(pattern, opts.limit);
      out += "    hosts (" + std::to_string(selected.size()) + "):\n";
      for (const auto* h : selected) out += "      " + h->name + "\n";
    }
    // Templated tags render with the play's variables (no host's).
    TaskVars play_vars;
    play_vars.push_layer(&opts.extra_vars);
    play_vars.push_layer(&play->scope->kw.vars);
    tmpl::LazyVariables lazy(templar, play_vars);
    auto task_tags = [&](const Task& t) {
      std::set<std::string> tt = effective_tags(t);
      return has_templated_tag(tt) ? render_tags(tt, templar, lazy) : tt;
    };
    std::vector<const Task*> all;
    for (const Block* section : {play->pre_tasks.get(), play->tasks.get(), play->post_tasks.get()})
      if (section) collect(*section, all);
    if (tasks) {
      out += "    tasks:\n";
      for (const Task* t : all) {
        auto tt = task_tags(*t);
        if (!opts.tags.selects(tt)) continue;
        out += "      " + t->listing_name() + "\tTAGS: " + tag_list(tt) + "\n";
      }
    }
    if (tags) {
      // The play's own tags are listed even when no task is selected.
      std::set<std::string> all_tags = play_tags;
      for (const Task* t : all) {
        auto tt = task_tags(*t);
        if (!opts.tags.selects(tt)) continue;
        all_tags.insert(tt.begin(), tt.end());
      }
      out += "      TASK TAGS: " + tag_list(all_tags) + "\n";
    }
  }
  return out;
}

}  // namespace drover
