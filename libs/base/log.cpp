#include "base/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace base {

Status setup_logging(std::string_view level) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off")
    return fail(ErrorCode::kUsage, "--log-level: unknown level '" + std::string(level) + "'",
                "use trace, debug, info, warn, error or off");
  auto logger = spdlog::stderr_color_mt("ma");
  logger->set_pattern(interactive_terminal() ? "%^%l%$: %v" : "%Y-%m-%dT%H:%M:%S %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(lvl);
  return {};
}

bool interactive_terminal() {
  static const bool tty = isatty(STDERR_FILENO) && !std::getenv("CI");
  return tty;
}

static bool g_progress_open = false;

void progress(std::string_view message) {
  if (!interactive_terminal()) {
    spdlog::info("{}", message);
    return;
  }
  std::fprintf(stderr, "\r\033[K%.*s", int(message.size()), message.data());
  std::fflush(stderr);
  g_progress_open = true;
}

void progress_done() {
  if (g_progress_open) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    g_progress_open = false;
  }
}

double elapsed_seconds() {
  static const auto start = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

PhaseLine::PhaseLine() : live_(interactive_terminal() && spdlog::should_log(spdlog::level::info)) {}

PhaseLine::~PhaseLine() { clear(); }

void PhaseLine::clear() {
  if (open_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    open_ = false;
  }
}

void PhaseLine::update(std::string_view text) {
  if (!live_) return;
  const double now = elapsed_seconds();
  if (open_ && now - last_ < 0.1) return;
  last_ = now;
  std::fprintf(stderr, "\r\033[K%.*s", int(text.size()), text.data());
  std::fflush(stderr);
  open_ = true;
}

void PhaseLine::done(std::string_view text) {
  if (!live_) return;
  std::fprintf(stderr, "\r\033[K%.*s\n", int(text.size()), text.data());
  std::fflush(stderr);
  open_ = false;
}

}  // namespace base
