// For the job API tests: a libcurl reader of Server-Sent Events streams
// (GET /api/v1/jobs/{id}/stream), beside server_fixture.hpp's JSON client.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace drover::test {

struct SseEvent {
  std::string id, event, data;
};

// Reads the stream at `url` until the server closes it (or `timeout_s`
// passes), calling `on_event` for each event as it arrives; returns every
// event. Comment lines (keep-alives) are skipped.
std::vector<SseEvent> read_sse(const std::string& url, const std::string& token,
                               std::vector<std::string> headers = {}, int timeout_s = 120,
                               const std::function<void(const SseEvent&)>& on_event = {});

}  // namespace drover::test
