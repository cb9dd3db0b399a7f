// Line splitting and the default output sink (see process.hpp).
#include <spdlog/spdlog.h>

#include "sandbox/process.hpp"

namespace sandbox {

OutputFn log_output(std::string prefix) {
  return [prefix = std::move(prefix)](std::string_view line, bool /*is_stderr*/) {
    spdlog::info("[{}] {}", prefix, line);
  };
}

void LineSplitter::feed(std::string_view data, const std::function<void(std::string_view)>& emit) {
  while (!data.empty()) {
    size_t nl = data.find('\n');
    if (nl == std::string_view::npos) {
      buf_.append(data);
      while (buf_.size() >= kMaxLine) {
        emit(std::string_view(buf_).substr(0, kMaxLine));
        buf_.erase(0, kMaxLine);
      }
      return;
    }
    if (buf_.empty()) {
      emit(data.substr(0, nl));
    } else {
      buf_.append(data.substr(0, nl));
      emit(buf_);
      buf_.clear();
    }
    data.remove_prefix(nl + 1);
  }
}

void LineSplitter::finish(const std::function<void(std::string_view)>& emit) {
  if (!buf_.empty()) emit(buf_);
  buf_.clear();
}

}  // namespace sandbox
