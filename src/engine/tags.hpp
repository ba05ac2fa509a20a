// --tags / --skip-tags: which tasks run, with Ansible 2.14's rules for the
// special tags `always`, `never`, `all`, `tagged` and `untagged`.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "engine/playbook.hpp"
#include "template/engine.hpp"

namespace drover {

struct TagFilter {
  std::set<std::string> only = {"all"};  // --tags (default: all)
  std::set<std::string> skip;            // --skip-tags

  // Whether a task (or block) with these effective tags runs.
  bool selects(const std::set<std::string>& tags) const;
};

// The task's own tags and those of every block, role and play around it.
std::set<std::string> effective_tags(const Task& t);
std::set<std::string> effective_tags(const Block& b);

// Tags written as templates ("{{ the_tags }}") rendered with `vars`, as
// Ansible's evaluate_tags does: a list adds each of its elements. A tag that
// does not render stays as written.
std::set<std::string> render_tags(const std::set<std::string>& tags, const tmpl::Engine& templar,
                                  tmpl::VariableSource& vars);
bool has_templated_tag(const std::set<std::string>& tags);

// "a,b" options (repeatable) into a set.
std::set<std::string> parse_tag_options(const std::vector<std::string>& options);

}  // namespace drover
