// Logging setup shared by both CLIs: spdlog to stderr, level from --log-level.
// Progress lines go through progress(): a rewriting status line on a terminal,
// plain log lines when stderr is not a TTY or CI is set. PhaseLine is the live line of
// one phase of long work (apko's packages and layer, melange index): on a terminal it is
// rewritten at most 10 times a second and its final state stays on screen; elsewhere, or
// when the log level hides info, it prints nothing, so logs keep their plain lines.
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
// Elapsed seconds since the first call (monotonic), for rates.
double elapsed_seconds();

class PhaseLine {
 public:
  PhaseLine();
  PhaseLine(const PhaseLine&) = delete;
  PhaseLine& operator=(const PhaseLine&) = delete;
  ~PhaseLine();  // clears a line left open (an error path)
  bool live() const { return live_; }
  void update(std::string_view text);  // throttled
  void done(std::string_view text);    // shown once more, then ends with a line break
  void clear();                        // removes an open line (before a log line)

 private:
  bool live_;
  bool open_ = false;
  double last_ = -1;
};

}  // namespace base
