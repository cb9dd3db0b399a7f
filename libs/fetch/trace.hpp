// libcurl's conversation at trace level (`--log-level trace`), with every secret taken out.
//
// What a user debugging a private repository needs is the request and response headers and
// libcurl's own notes (connecting, redirects). What must never reach a log is a credential:
// Authorization, Proxy-Authorization and Cookie header values are replaced by "<redacted>",
// and every line is scrubbed of the URL's userinfo and the HTTP_AUTH password (fetch/url.hpp).
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>
#include <vector>

namespace fetch {

// One line of libcurl's debug output as the log shows it: header values that carry
// credentials redacted, then each of `secrets` (non-empty ones) replaced by "<redacted>",
// control bytes escaped. Empty when there is nothing to show.
std::string trace_line(std::string_view line, bool is_header, const std::vector<std::string>& secrets);

// Installs the trace callback on `c` when trace logging is on. `secrets` must outlive the
// transfer.
void enable_trace(CURL* c, const std::vector<std::string>* secrets);

}  // namespace fetch
