#include "fetch/trace.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "base/strings.hpp"

namespace fetch {

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  const char* mark = type == CURLINFO_HEADER_OUT ? "> " : type == CURLINFO_HEADER_IN ? "< " : type == CURLINFO_TEXT ? "* " : nullptr;
  if (!mark) return 0;  // bodies (and TLS records) are not logged
  const auto* secrets = static_cast<const std::vector<std::string>*>(user);
  std::string_view text(data, size);
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    std::string shown = trace_line(line, type != CURLINFO_TEXT, *secrets);
    if (!shown.empty()) spdlog::trace("http: {}{}", mark, shown);
  }
  return 0;
}

}  // namespace

std::string trace_line(std::string_view line, bool is_header, const std::vector<std::string>& secrets) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.empty()) return {};
  std::string out(line);
  if (is_header) {
    for (std::string_view name : {"authorization:", "proxy-authorization:", "cookie:", "set-cookie:"}) {
      if (starts_with_nocase(line, name)) {
        out = std::string(line.substr(0, name.size())) + " <redacted>";
        break;
      }
    }
  }
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    for (size_t at = out.find(s); at != std::string::npos; at = out.find(s, at)) {
      out.replace(at, s.size(), "<redacted>");
      at += 10;
    }
  }
  return base::printable(out);
}

void enable_trace(CURL* c, const std::vector<std::string>* secrets) {
  if (!spdlog::should_log(spdlog::level::trace)) return;
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, &on_debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, const_cast<std::vector<std::string>*>(secrets));
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
}

}  // namespace fetch
