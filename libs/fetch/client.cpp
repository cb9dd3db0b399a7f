#include "fetch/client.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

#include "base/fs.hpp"
#include "base/interrupt.hpp"
#include "fetch/trace.hpp"
#include "curl/lazy_curl.hpp"

namespace fetch {

using base::ErrorCode;
using base::fail;
namespace fs = std::filesystem;

// ---- shared libcurl state -----------------------------------------------------

struct Client::Shared {
  CURLSH* share = nullptr;
  std::mutex locks[CURL_LOCK_DATA_LAST];

  Shared() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    share = curl_share_init();
    if (!share) return;
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Shared::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Shared::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Shared() {
    if (share) curl_share_cleanup(share);
  }
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Shared*>(self)->locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) { static_cast<Shared*>(self)->locks[data].unlock(); }
};

// Where a response body goes. begin() is called before every attempt.
class detail::Sink {
 public:
  virtual ~Sink() = default;
  virtual base::Status begin() = 0;
  virtual base::Status write(std::string_view data) = 0;
};

namespace {

class StringSink : public detail::Sink {
 public:
  explicit StringSink(BodyCheck* check = nullptr) : check_(check) {}
  base::Status begin() override {
    body.clear();
    if (check_) check_->restart();
    return base::ok();
  }
  base::Status write(std::string_view data) override {
    body.append(data);
    return check_ ? check_->feed(data) : base::ok();
  }
  std::string body;

 private:
  BodyCheck* check_;
};

class FileSink : public detail::Sink {
 public:
  explicit FileSink(fs::path dest) : dest_(std::move(dest)) {}
  base::Status begin() override {
    file_.reset();
    TRY_ASSIGN(auto f, base::AtomicFile::create(dest_));
    file_.emplace(std::move(f));
    return base::ok();
  }
  base::Status write(std::string_view data) override { return file_->write(data); }
  base::Status commit() { return file_->commit(); }

 private:
  fs::path dest_;
  std::optional<base::AtomicFile> file_;
};

struct Transfer {
  CURL* curl = nullptr;
  detail::Sink* sink = nullptr;
  uint64_t max_bytes = UINT64_MAX;
  uint64_t received = 0;
  bool too_large = false;
  std::optional<base::Error> sink_error;
};

size_t on_data(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 300 || !t->sink) return n;  // error pages and probes are discarded
  if (t->received + n > t->max_bytes || t->received + n < t->received) {
    t->too_large = true;
    return 0;
  }
  t->received += n;
  auto st = t->sink->write(std::string_view(ptr, n));
  if (!st) {
    t->sink_error = std::move(st).error();
    return 0;
  }
  return n;
}

bool retryable(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool retryable_status(long status) { return status >= 500 || status == 429 || status == 408; }

base::Error http_error(std::string_view url, long status) {
  std::string msg = redact(url) + ": HTTP " + std::to_string(status);
  if (status == 404 || status == 410) return base::Error{ErrorCode::kNotFound, msg, {}};
  std::string hint;
  if (status == 401 || status == 403) hint = "check the credentials in the URL or HTTP_AUTH=basic:HOST:USER:PASS";
  return base::Error{ErrorCode::kNetwork, msg, hint};
}

base::Error too_large(std::string_view what, uint64_t max) {
  return base::Error{ErrorCode::kInvalidInput,
                     std::string(what) + ": larger than the limit of " + std::to_string(max) + " bytes", {}};
}

int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return base::interrupted() ? 1 : 0; }

}  // namespace

// ---- Client ---------------------------------------------------------------------

Client::Client(Options o) : opts_(std::move(o)), shared_(std::make_unique<Shared>()) {
  if (const char* env = std::getenv("HTTP_AUTH"); env && *env) {
    env_auth_ = parse_http_auth(env);
    if (!env_auth_) spdlog::warn("HTTP_AUTH ignored: expected basic:HOST:USER:PASS");
  }
}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

namespace {
// What a trace line must never show: the URL's userinfo (and its password), HTTP_AUTH's password.
std::vector<std::string> secrets_of(std::string_view url, const std::string& shown, const std::optional<BasicAuth>& env) {
  std::vector<std::string> out;
  if (shown != url) {  // shown = url without "USERINFO@" right after the scheme
    size_t start = url.find("://") + 3;
    std::string_view userinfo = url.substr(start, url.size() - shown.size() - 1);
    out.emplace_back(userinfo);
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) out.emplace_back(userinfo.substr(colon + 1));
  }
  if (env) out.push_back(env->password);
  return out;
}
}  // namespace

base::Result<long> Client::perform(std::string_view url, Method method, detail::Sink* sink, uint64_t max_bytes) {
  std::string url_str(url);
  const std::string shown = redact(url);
  const std::vector<std::string> secrets = secrets_of(url, shown, env_auth_);
  const int attempts = 1 + std::max(0, opts_.retries);
  for (int attempt = 1;; ++attempt) {
    if (sink) TRY(sink->begin());
    if (auto loaded = lazy_curl::ensure_loaded(); !loaded) return fail(loaded.error().code, shown + ": " + loaded.error().message, loaded.error().hint);
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return fail(ErrorCode::kInternal, shown + ": cannot initialise libcurl");
    CURL* c = curl.get();
    Transfer t{c, sink, max_bytes};
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, url_str.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, opts_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, opts_.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, opts_.timeout_s);
    if (opts_.stall_timeout_s > 0) {
      curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, opts_.stall_timeout_s);
    }
    if (max_bytes != UINT64_MAX && max_bytes < uint64_t(INT64_MAX))
      curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(max_bytes));
    if (shared_->share) curl_easy_setopt(c, CURLOPT_SHARE, shared_->share);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    if (method == Method::kHead) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (method == Method::kProbe) curl_easy_setopt(c, CURLOPT_RANGE, "0-0");
    // URL userinfo wins; otherwise HTTP_AUTH for its host. libcurl does not forward
    // either to another host on redirect.
    bool url_has_creds = redact(url) != url;
    if (env_auth_ && !url_has_creds && auth_applies(*env_auth_, url)) {
      curl_easy_setopt(c, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
      curl_easy_setopt(c, CURLOPT_USERNAME, env_auth_->user.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, env_auth_->password.c_str());
    }

    // Checked by libcurl about once a second and on every chunk: a Ctrl-C aborts the transfer.
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
    enable_trace(c, &secrets);
    spdlog::trace("{} {}", method == Method::kHead ? "HEAD" : "GET", shown);
    CURLcode rc = curl_easy_perform(c);
    if (base::interrupted()) return tl::unexpected(base::check_interrupted(shown).error());
    if (t.sink_error) return tl::unexpected(*t.sink_error);
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) return tl::unexpected(too_large(shown, max_bytes));

    std::string problem;
    bool again = false;
    long status = 0;
    if (rc != CURLE_OK) {
      long os_errno = 0;
      curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
      if (rc == CURLE_COULDNT_CONNECT && os_errno != 0) {
        problem = std::string("cannot connect: ") + std::strerror(int(os_errno));
      } else if (rc == CURLE_COULDNT_RESOLVE_HOST) {
        problem = "cannot resolve host";
      } else {
        problem = errbuf[0] ? errbuf : curl_easy_strerror(rc);
      }
      while (!problem.empty() && (problem.back() == '\n' || problem.back() == '\r')) problem.pop_back();
      problem = scrub(problem, url);
      if (env_auth_) problem = scrub(problem, "http://" + env_auth_->user + ":" + env_auth_->password + "@x");
      again = retryable(rc);
    } else {
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
      if (!retryable_status(status)) return status;
      again = true;
    }
    if (again && attempt < attempts && !base::interrupted()) {
      long delay = opts_.retry_backoff_ms << std::min(attempt - 1, 10);
      spdlog::debug("{}: {}; retrying in {} ms ({}/{})", shown, rc == CURLE_OK ? "HTTP " + std::to_string(status) : problem,
                    delay, attempt, attempts - 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      continue;
    }
    std::string suffix = attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : "";
    if (rc == CURLE_OK) {
      base::Error e = http_error(url, status);
      e.message += suffix;
      return tl::unexpected(std::move(e));
    }
    return fail(ErrorCode::kNetwork, shown + ": " + problem + suffix);
  }
}

base::Result<std::string> Client::get(std::string_view url) { return get(url, GetOptions{}); }

base::Result<std::string> Client::get(std::string_view url, const GetOptions& o) {
  const uint64_t max_bytes = std::min(o.max_bytes, opts_.max_bytes);
  if (is_remote(url)) {
    StringSink sink(o.check);
    TRY_ASSIGN(long status, perform(url, Method::kGet, &sink, max_bytes));
    if (status >= 300) return tl::unexpected(http_error(url, status));
    return std::move(sink.body);
  }
  auto path = local_path(url);
  if (!path) return fail(ErrorCode::kUnsupported, redact(url) + ": unsupported URL scheme (only http, https, file)");
  std::error_code ec;
  auto size = fs::file_size(*path, ec);
  if (!ec && size > max_bytes) return tl::unexpected(too_large(*path, max_bytes));
  TRY_ASSIGN(std::string data, base::read_file(*path));
  if (data.size() > max_bytes) return tl::unexpected(too_large(*path, max_bytes));
  return data;
}

namespace {

// Streams a local file into `dest` atomically.
base::Status copy_local(const fs::path& src, const fs::path& dest, uint64_t max_bytes) {
  int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return fail(ErrorCode::kNotFound, src.string() + ": no such file");
    return tl::unexpected(base::io_error(src, "cannot open", e));
  }
  std::unique_ptr<int, void (*)(int*)> guard(&fd, [](int* p) { ::close(*p); });
  TRY_ASSIGN(auto out, base::AtomicFile::create(dest));
  char buf[1 << 16];
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(base::io_error(src, "cannot read", errno));
    }
    if (n == 0) break;
    total += uint64_t(n);
    if (total > max_bytes) return tl::unexpected(too_large(src.string(), max_bytes));
    TRY(out.write(std::string_view(buf, size_t(n))));
  }
  return out.commit();
}

}  // namespace

base::Status Client::download(std::string_view url, const fs::path& dest) {
  std::error_code ec;
  if (dest.has_parent_path()) {
    fs::create_directories(dest.parent_path(), ec);
    if (ec) return fail(ErrorCode::kIo, dest.parent_path().string() + ": cannot create directory: " + ec.message());
  }
  if (is_remote(url)) {
    FileSink sink(dest);
    TRY_ASSIGN(long status, perform(url, Method::kGet, &sink, opts_.max_bytes));
    if (status >= 300) return tl::unexpected(http_error(url, status));
    return sink.commit();
  }
  auto path = local_path(url);
  if (!path) return fail(ErrorCode::kUnsupported, redact(url) + ": unsupported URL scheme (only http, https, file)");
  if (fs::equivalent(*path, dest, ec)) return base::ok();
  return copy_local(*path, dest, opts_.max_bytes);
}

base::Result<bool> Client::exists(std::string_view url) {
  if (is_remote(url)) {
    TRY_ASSIGN(long status, perform(url, Method::kHead, nullptr, opts_.max_bytes));
    if (status == 405 || status == 501) {  // HEAD not allowed: ask for one byte instead
      TRY_ASSIGN(status, perform(url, Method::kProbe, nullptr, opts_.max_bytes));
    }
    if (status < 300) return true;
    if (status == 404 || status == 410) return false;
    return tl::unexpected(http_error(url, status));
  }
  auto path = local_path(url);
  if (!path) return fail(ErrorCode::kUnsupported, redact(url) + ": unsupported URL scheme (only http, https, file)");
  std::error_code ec;
  bool found = fs::exists(*path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return fail(ErrorCode::kIo, *path + ": cannot stat: " + ec.message());
  return found;
}

}  // namespace fetch
