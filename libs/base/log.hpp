// Logging setup shared by both CLIs: spdlog to stderr, level from --log-level.
// Progress lines go through progress(): a rewriting status line on a terminal,
// plain log lines when stderr is not a TTY or CI is set.
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"

namespace base {

// Accepts trace, debug, info, warn, error, off. Unknown names are a usage error.
Status setup_logging(std::string_view level);
bool interactive_terminal();
void progress(std::string_view message);
void progress_done();

}  // namespace base
