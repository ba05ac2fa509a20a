// Where one host is in a play section: Ansible's PlayIterator for one host.
//
// Walks a section's blocks in order and follows block semantics: a failure
// inside `block` jumps to `rescue` (or `always`), a failure in `rescue` to
// `always`; after `always` an unhandled failure carries on to the enclosing
// block. Dynamic includes push the included tasks (shared between hosts that
// included the same file) with this host's include variables.
//
// Each task position has an order key (task ids along the include chain) so
// that the linear strategy can run hosts in lockstep: the task with the
// smallest key among all hosts' next tasks runs next.
#pragma once

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/value.hpp"
#include "engine/playbook.hpp"

namespace drover {

struct TaskPosition {
  const Task* task = nullptr;
  std::vector<int> key;  // compare lexicographically for program order
  // Variables of the include_tasks / include_role frames around the task,
  // innermost last.
  std::vector<const Value*> include_vars;
  bool in_rescue = false;  // inside a rescue section (ansible_failed_* are set)
};

class HostCursor {
 public:
  explicit HostCursor(const Block* section);

  // The task to run next, or nullopt when the host is done with the section.
  std::optional<TaskPosition> peek();
  // The task returned by peek() completed; `failed` means it failed and the
  // failure was not ignored.
  void advance(bool failed);
  // The task returned by peek() was an include: instead of advance(), the
  // included blocks run next, in order, each with its include variables and
  // an order key under `key` (the include task's key).
  struct Included {
    const Block* block;
    std::shared_ptr<const Value> vars;
  };
  void enter_includes(const std::vector<Included>& included, const std::vector<int>& key);
  // The host failed in a way no rescue catches (unreachable, end_host...).
  void stop() { frames_.clear(); }
  // Called before advance(true): whether a block around the current task
  // is still in its block section and has a rescue, so that the failure
  // counts as "rescued" rather than failed (Ansible's
  // is_any_block_rescuing on the state before the failure). A failure in a
  // rescue section is rescued by an outer block's rescue.
  bool failure_is_rescued() const;
  // True when the host ended with an unhandled failure.
  bool failed() const { return failed_; }
  // Whether the task peek() returned is in a rescue or always section (of
  // the innermost block): any_errors_fatal spares such a host.
  bool in_rescue_or_always() const { return !frames_.empty() && frames_.back().phase != Phase::block; }
  // meta: clear_host_errors -- the failures being handled are forgotten:
  // after the current rescue/always the host carries on with the tasks
  // after the block (Ansible's PlayIterator.clear_host_errors).
  void clear_errors();
  // The roles the host completed (left a role's block without an unhandled
  // failure) since the last call, innermost first.
  std::vector<const Role*> take_completed_roles() { return std::exchange(completed_roles_, {}); }

 private:
  enum class Phase { block, rescue, always };
  struct Frame {
    explicit Frame(const Block* b) : block(b) {}
    const Block* block;
    Phase phase = Phase::block;
    size_t index = 0;
    bool failing = false;   // a failure is being handled in this frame
    bool rescued = false;
    std::vector<int> key_prefix;
    std::shared_ptr<const Value> vars;  // include vars (include frames only)
    // Whether finishing this frame moves the parent past its current item
    // (false for all but the last of several included files).
    bool advance_parent = true;
    // An included file whose turn has not come (a sibling below the one
    // running): not around the current task.
    bool waiting = false;
  };
  const std::vector<BlockItem>& items(const Frame& f) const;
  void finish_frame();

  std::vector<Frame> frames_;
  bool failed_ = false;
  std::vector<const Role*> completed_roles_;
};

}  // namespace drover
