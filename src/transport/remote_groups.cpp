#include "transport/remote_groups.hpp"

namespace drover {
namespace {
RemoteGroupListener& listener() {
  static RemoteGroupListener l;
  return l;
}
}  // namespace

void set_remote_group_listener(RemoteGroupListener l) {
  listener() = std::move(l);
}

void note_remote_group(const std::string& host, long group, bool running) {
  if (group > 1 && listener()) listener()(host, group, running);
}

}  // namespace drover
