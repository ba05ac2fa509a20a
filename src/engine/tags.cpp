#include "engine/tags.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace drover {
namespace {

void add_block_tags(const Block* b, std::set<std::string>& out) {
  for (; b; b = b->parent) out.insert(b->kw.tags.begin(), b->kw.tags.end());
}

bool disjoint(const std::set<std::string>& a, const std::set<std::string>& b) {
  return std::none_of(a.begin(), a.end(), [&](const std::string& x) { return b.count(x) > 0; });
}

}  // namespace

std::set<std::string> effective_tags(const Task& t) {
  std::set<std::string> out(t.kw.tags.begin(), t.kw.tags.end());
  add_block_tags(t.parent, out);
  return out;
}

std::set<std::string> effective_tags(const Block& b) {
  std::set<std::string> out;
  add_block_tags(&b, out);
  return out;
}

bool has_templated_tag(const std::set<std::string>& tags) {
  return std::any_of(tags.begin(), tags.end(), [](const std::string& t) { return t.find("{{") != std::string::npos; });
}

std::set<std::string> render_tags(const std::set<std::string>& tags, const tmpl::Engine& templar,
                                  tmpl::VariableSource& vars) {
  std::set<std::string> out;
  for (const auto& t : tags) {
    if (t.find("{{") == std::string::npos) {
      out.insert(t);
      continue;
    }
    try {
      Value v = templar.render_value(Value(t), vars);
      if (v.is_array())
        for (const auto& e : v) out.insert(to_display_string(e));
      else
        out.insert(to_display_string(v));
    } catch (const Error&) {
      out.insert(t);
    }
  }
  return out;
}

bool TagFilter::selects(const std::set<std::string>& own) const {
  static const std::set<std::string> untagged = {"untagged"};
  const std::set<std::string>& tags = own.empty() ? untagged : own;
  bool run = true;
  if (!only.empty()) {
    if (tags.count("always")) run = true;
    else if (only.count("all") && !tags.count("never")) run = true;
    else if (!disjoint(tags, only)) run = true;
    else if (only.count("tagged") && tags != untagged && !tags.count("never")) run = true;
    else run = false;
  }
  if (run && !skip.empty()) {
    if (skip.count("all")) {
      if (!tags.count("always") || skip.count("always")) run = false;
    } else if (!disjoint(tags, skip)) {
      run = false;
    } else if (skip.count("tagged") && tags != untagged) {
      run = false;
    }
  }
  return run;
}

std::set<std::string> parse_tag_options(const std::vector<std::string>& options) {
  std::set<std::string> out;
  for (const auto& o : options)
    for (auto& t : split(o, ','))
      if (!trim(t).empty()) out.insert(trim(t));
  return out;
}

}  // namespace drover
