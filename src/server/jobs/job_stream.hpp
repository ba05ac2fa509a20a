// GET /api/v1/jobs/{id}/stream: a job's events as Server-Sent Events.
//
// Each event is sent as
//     id: <seq>
//     event: <event name>
//     data: <the JSON line, as in `drover play --json`>
// from the client's cursor (Last-Event-ID header, or ?after=N) to the end
// of the job; then one `event: end` with {"state": ...} and the response
// ends. While nothing happens a comment line (": keep-alive") goes out
// every second so that proxies and dead clients are noticed. The stream is
// asynchronous (ResponseStream): a client waiting for events holds no
// thread; the hub wakes it (EventHub::notify_when). Events are
// read through a JobEventFollower: no event is lost or repeated, however
// late the client joins or resumes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/http/message.hpp"
#include "server/jobs/event_hub.hpp"
#include "store/job_store.hpp"

namespace drover::server {

// The SSE text of some events.
std::string sse_events(const std::vector<SharedEvent>& events);

// Sets `res` up to stream job `job_id` from `after` (chunked, text/event-stream).
void stream_job_events(HttpResponse& res, store::JobStore& jobs, const EventHub& hub, int64_t job_id,
                       int64_t after);

}  // namespace drover::server
