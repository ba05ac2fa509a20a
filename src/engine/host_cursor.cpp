#include "engine/host_cursor.hpp"

namespace drover {

HostCursor::HostCursor(const Block* section) {
  if (section) frames_.emplace_back(section);
}

const std::vector<BlockItem>& HostCursor::items(const Frame& f) const {
  switch (f.phase) {
    case Phase::block: return f.block->block;
    case Phase::rescue: return f.block->rescue;
    case Phase::always: return f.block->always;
  }
  return f.block->block;
}

void HostCursor::finish_frame() {
  // The current frame's list is exhausted: move to the next phase or pop.
  Frame& f = frames_.back();
  if (f.phase == Phase::block) {
    f.phase = Phase::always;
    f.index = 0;
    return;
  }
  if (f.phase == Phase::rescue) {
    if (f.failing) {
      // The rescue section completed: the failure is handled.
      f.failing = false;
      f.rescued = true;
    }
    f.phase = Phase::always;
    f.index = 0;
    return;
  }
  bool still_failing = f.failing;
  bool advance_parent = f.advance_parent;
  if (!still_failing && f.block->completes_role) completed_roles_.push_back(f.block->role);
  frames_.pop_back();
  if (still_failing) {
    // The included files after the failing one do not run.
    while (!frames_.empty() && frames_.back().waiting) frames_.pop_back();
    if (frames_.empty()) {
      failed_ = true;
      return;
    }
    // The failure propagates to the enclosing block.
    Frame& parent = frames_.back();
    ++parent.index;
    parent.failing = true;
    if (parent.phase == Phase::block && !parent.block->rescue.empty()) {
      parent.phase = Phase::rescue;
      parent.index = 0;
    } else if (parent.phase != Phase::always) {
      parent.phase = Phase::always;
      parent.index = 0;
    } else {
      parent.index = parent.block->always.size();
    }
    return;
  }
  if (!frames_.empty() && advance_parent) ++frames_.back().index;
}

std::optional<TaskPosition> HostCursor::peek() {
  while (!frames_.empty()) {
    Frame& f = frames_.back();
    f.waiting = false;
    const auto& list = items(f);
    if (f.index >= list.size()) {
      finish_frame();
      continue;
    }
    const BlockItem& item = list[f.index];
    if (item.block) {
      Frame child(item.block.get());
      child.key_prefix = f.key_prefix;
      frames_.push_back(std::move(child));
      continue;
    }
    TaskPosition pos;
    pos.task = item.task.get();
    pos.key = f.key_prefix;
    pos.key.push_back(item.task->id);
    for (const auto& fr : frames_) {
      if (fr.waiting) continue;
      if (fr.vars) pos.include_vars.push_back(fr.vars.get());
      if (fr.phase == Phase::rescue) pos.in_rescue = true;
    }
    return pos;
  }
  return std::nullopt;
}

void HostCursor::advance(bool failed) {
  if (frames_.empty()) {
    // A cursor without frames runs single tasks (handlers): a failure ends
    // the host.
    if (failed) failed_ = true;
    return;
  }
  Frame& f = frames_.back();
  if (!failed) {
    ++f.index;
    return;
  }
  // Leave the current section of the innermost block for rescue/always.
  f.failing = true;
  if (f.phase == Phase::block && !f.block->rescue.empty()) {
    f.phase = Phase::rescue;
    f.index = 0;
  } else if (f.phase == Phase::block || f.phase == Phase::rescue) {
    f.phase = Phase::always;
    f.index = 0;
  } else {
    f.index = f.block->always.size();  // a failure in always: finish the frame
  }
}

void HostCursor::enter_includes(const std::vector<Included>& included, const std::vector<int>& key) {
  // A cursor without frames (a handler that includes) runs the included
  // blocks alone.
  if (included.empty()) {
    if (frames_.empty()) return;
    ++frames_.back().index;
    return;
  }
  // Pushed last-first so that the first included file runs first; only the
  // last one to finish moves the including frame past the include task.
  for (size_t i = included.size(); i-- > 0;) {
    Frame f(included[i].block);
    f.advance_parent = i + 1 == included.size();
    f.waiting = i > 0;
    f.key_prefix = key;
    f.key_prefix.push_back(static_cast<int>(i));
    f.vars = included[i].vars;
    frames_.push_back(std::move(f));
  }
}

void HostCursor::clear_errors() {
  for (auto& f : frames_) f.failing = false;
  failed_ = false;
}

bool HostCursor::failure_is_rescued() const {
  for (const auto& f : frames_)
    if (f.phase == Phase::block && !f.block->rescue.empty()) return true;
  return false;
}

}  // namespace drover
