// Getting bytes from local paths, file:// and http(s):// URLs (libcurl).
//
// Policy: redirects are followed (http/https only); 5xx, 429 and connection-level
// failures are retried `retries` times with a short exponential backoff; 4xx is not
// retried. Credentials come from the URL's userinfo or from HTTP_AUTH
// ("basic:HOST:USER:PASS", read when the Client is built) and are sent only to the
// matching host. Errors are one line, "<redacted url>: HTTP 404" or
// "<redacted url>: <curl reason>", never containing credentials.
// A Client may be used from several threads at once (connections are shared).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "fetch/url.hpp"

namespace fetch {

namespace detail {
class Sink;
}

struct Options {
  std::string user_agent = "melange-cpp";
  int retries = 3;               // extra attempts after the first
  long connect_timeout_s = 20;
  long timeout_s = 0;            // whole transfer; 0 = no limit
  long stall_timeout_s = 60;     // abort when under 1 byte/s for this long; 0 = never
  long retry_backoff_ms = 250;   // first retry delay, doubled each time
  uint64_t max_bytes = UINT64_MAX;
};

// Watches a body while it arrives (e.g. a package checked against its index checksum
// after its first few KB). A failed feed() stops the transfer and is not retried;
// restart() is called before every attempt.
class BodyCheck {
 public:
  virtual ~BodyCheck() = default;
  virtual void restart() = 0;
  virtual base::Status feed(std::string_view chunk) = 0;
};

struct GetOptions {
  uint64_t max_bytes = UINT64_MAX;  // this call's limit (the smaller of it and Options::max_bytes applies)
  BodyCheck* check = nullptr;       // remote bodies only; local files are read whole
};

class Client {
 public:
  explicit Client(Options o = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // The whole body / file. HTTP 404 and missing files are kNotFound; other failures
  // kNetwork / kIo; more than max_bytes is kInvalidInput.
  base::Result<std::string> get(std::string_view url_or_path);
  base::Result<std::string> get(std::string_view url_or_path, const GetOptions& o);
  // Streams to `dest` through a temp file in dest's directory + rename (parents created);
  // on failure `dest` is untouched.
  base::Status download(std::string_view url_or_path, const std::filesystem::path& dest);
  // HEAD (falling back to a 1-byte GET when HEAD is refused) / stat. 404 and 410 are false.
  base::Result<bool> exists(std::string_view url_or_path);

  const Options& options() const { return opts_; }

 private:
  struct Shared;
  enum class Method { kGet, kHead, kProbe };
  base::Result<long> perform(std::string_view url, Method method, detail::Sink* sink, uint64_t max_bytes);

  Options opts_;
  std::optional<BasicAuth> env_auth_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace fetch
