// Reads back drover's JSON event lines (docs/JSON_EVENTS.md) and sends
// them to a PlaybookCallback: how a stored run (the server's job log, a
// --json capture) becomes ansible-playbook's terminal output again.
// Unknown events are ignored, so newer streams replay on older readers.
#pragma once

#include <istream>
#include <map>
#include <memory>
#include <string>

#include "core/value.hpp"
#include "output/playbook_events.hpp"

namespace drover {

class EventReplay {
 public:
  explicit EventReplay(PlaybookCallback& sink) : sink_(sink) {}

  // One parsed event object.
  void feed(const Value& event);
  // Every non-empty line of `in`; throws nlohmann's parse_error on bad JSON.
  void feed_lines(std::istream& in);

 private:
  TaskEvent host_event(const Value& ev) const;

  PlaybookCallback& sink_;
  std::map<int, std::unique_ptr<TaskInfo>> tasks_;
};

}  // namespace drover
