// A play's vars_prompt: asks for each variable the user has not given with
// -e. On a terminal the prompt is shown through the callback and read from
// the terminal (without echo when private, the default); when not
// `interactive` (drover server, CI, no TTY) the default answers, or an
// empty string. confirm asks twice on
// a terminal; encrypt, salt and salt_size are not supported: the value stays
// plain text and the callback gets a warning.
#pragma once

#include "core/value.hpp"
#include "output/playbook_events.hpp"

namespace drover {

// The prompted variables, {name: value}. Throws Error for an entry without
// a name.
Value prompt_play_vars(const Value& vars_prompt, const Value& extra_vars, bool interactive, PlaybookCallback& callback);

}  // namespace drover
