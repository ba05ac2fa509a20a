// The remote process groups that this process's commands run in, for a
// process that must be able to end them even after its own death: a server
// job records them in its directory, and a server restarted after a crash
// kills what is left (server/jobs/leftover_commands.hpp).
//
// The ssh transport reports a group as running once the remote shell's pid
// line arrived, before the command is sent (so a group is on record before
// anything runs in it), and as ended when its command or persistent shell
// is over. The listener is process-wide, set once before any command runs,
// and called from the connections' threads: it must be thread-safe.
#pragma once

#include <functional>
#include <string>

namespace drover {

using RemoteGroupListener = std::function<void(const std::string& host, long group, bool running)>;

void set_remote_group_listener(RemoteGroupListener listener);
// For the transports: tells the listener, if any.
void note_remote_group(const std::string& host, long group, bool running);

}  // namespace drover
