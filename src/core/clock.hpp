// Wall-clock time as drover prints it: ISO 8601 UTC with milliseconds
// ("2026-12-06T12:00:00.123Z"), the `time` of JSON events and server log lines.
#pragma once

#include <string>

namespace drover {

std::string iso8601_utc_now();

}  // namespace drover
