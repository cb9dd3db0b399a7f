// Docker Engine API client over libcurl (see docker_client.hpp).
#include "sandbox/docker_client.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/interrupt.hpp"
#include "curl/lazy_curl.hpp"

namespace sandbox {

namespace {

struct Transfer {
  const std::string* body = nullptr;  // request body from memory
  int in_fd = -1;                     // or from a file descriptor
  std::function<void(std::string_view)> sink;
  int sink_errno = 0;
};

size_t on_write(char* ptr, size_t size, size_t n, void* ud) {
  auto* t = static_cast<Transfer*>(ud);
  t->sink(std::string_view(ptr, size * n));
  return size * n;
}

size_t on_read(char* buf, size_t size, size_t n, void* ud) {
  auto* t = static_cast<Transfer*>(ud);
  for (;;) {
    ssize_t got = ::read(t->in_fd, buf, size * n);
    if (got >= 0) return size_t(got);
    if (errno == EINTR) continue;
    t->sink_errno = errno;
    return CURL_READFUNC_ABORT;
  }
}

// Aborts a transfer once SIGINT/SIGTERM arrived (base/interrupt.hpp).
int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return base::interrupted() ? 1 : 0; }

enum class BodyKind { kNone, kJson, kStream };

base::Result<long> perform(const DockerEndpoint& ep, std::string_view method, const std::string& path, Transfer& t,
                           BodyKind kind, const std::string& content_type, std::chrono::seconds timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  TRY(lazy_curl::ensure_loaded());
  std::unique_ptr<CURL, void (*)(CURL*)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return base::fail(base::ErrorCode::kInternal, "docker: curl_easy_init failed");
  CURL* c = h.get();
  std::string url = ep.base_url + path;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  if (!ep.unix_socket.empty()) curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, ep.unix_socket.c_str());
  if (ep.tls) {
    if (!ep.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, ep.cert_file.c_str());
    if (!ep.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, ep.key_file.c_str());
    if (!ep.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ep.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, ep.verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, ep.verify ? 2L : 0L);
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  if (timeout.count() > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT, long(timeout.count()));
  struct curl_slist* headers = nullptr;
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    if (kind == BodyKind::kStream) {
      curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(c, CURLOPT_READDATA, &t);
      headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
    } else {
      const std::string& body = kind == BodyKind::kJson ? *t.body : std::string();
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, long(body.size()));
      curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body.c_str());
    }
    if (kind != BodyKind::kNone) headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  } else if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, std::string(method).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  // Every call but the clean-up (DELETE of the container and image) stops on an interrupt.
  if (method != "DELETE") {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
  }
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc == CURLE_ABORTED_BY_CALLBACK && base::interrupted())
    return tl::unexpected(base::check_interrupted("docker " + std::string(method) + " " + path).error());
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return base::fail(base::ErrorCode::kSandbox, "docker " + std::string(method) + " " + path + ": timed out after " +
                                                     std::to_string(timeout.count()) + "s");
  if (rc != CURLE_OK) {
    std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
      return base::fail(base::ErrorCode::kSandbox, "docker: cannot reach the Docker API at " + ep.display + ": " + why,
                        "start dockerd (or 'podman system service'), or point DOCKER_HOST at a running engine");
    return base::fail(base::ErrorCode::kSandbox, "docker " + std::string(method) + " " + path + ": " + why);
  }
  return status;
}

}  // namespace

DockerTlsEnv DockerTlsEnv::from_environment() {
  auto get = [](const char* k) { const char* v = std::getenv(k); return std::string(v ? v : ""); };
  return {get("DOCKER_TLS_VERIFY"), get("DOCKER_CERT_PATH"), get("HOME")};
}

base::Result<DockerEndpoint> parse_docker_host(std::string_view host) {
  return parse_docker_host(host, DockerTlsEnv::from_environment());
}

base::Result<DockerEndpoint> parse_docker_host(std::string_view host, const DockerTlsEnv& tls) {
  DockerEndpoint ep;
  ep.display = host.empty() ? "unix:///var/run/docker.sock" : std::string(host);
  std::string_view h = ep.display;
  if (h.rfind("unix://", 0) == 0) {
    ep.unix_socket = std::string(h.substr(7));
    ep.base_url = "http://localhost";
    if (ep.unix_socket.empty() || ep.unix_socket[0] != '/')
      return base::fail(base::ErrorCode::kInvalidInput, "DOCKER_HOST '" + ep.display + "': socket path must be absolute");
    return ep;
  }
  if (h.rfind("tcp://", 0) == 0 || h.rfind("http://", 0) == 0) {
    std::string rest(h.substr(h.find("://") + 3));
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.empty()) return base::fail(base::ErrorCode::kInvalidInput, "DOCKER_HOST '" + ep.display + "': no host");
    ep.tls = h.rfind("tcp://", 0) == 0 && (!tls.tls_verify.empty() || !tls.cert_path.empty());
    ep.base_url = (ep.tls ? "https://" : "http://") + rest;
    if (ep.tls) {
      std::string dir = !tls.cert_path.empty() ? tls.cert_path : tls.home + "/.docker";
      ep.verify = !tls.tls_verify.empty();
      ep.cert_file = dir + "/cert.pem";
      ep.key_file = dir + "/key.pem";
      if (ep.verify) ep.ca_file = dir + "/ca.pem";
    }
    return ep;
  }
  return base::fail(base::ErrorCode::kUnsupported, "DOCKER_HOST '" + ep.display + "': unsupported scheme",
                    "use unix:///path/to/docker.sock or tcp://host:port");
}

void StreamDemuxer::feed(std::string_view data, const std::function<void(int, std::string_view)>& emit) {
  while (!data.empty()) {
    if (left_ == 0) {
      size_t need = 8 - header_.size();
      header_.append(data.substr(0, need));
      data.remove_prefix(std::min(need, data.size()));
      if (header_.size() < 8) return;
      const auto* b = reinterpret_cast<const unsigned char*>(header_.data());
      stream_ = b[0];
      left_ = uint32_t(b[4]) << 24 | uint32_t(b[5]) << 16 | uint32_t(b[6]) << 8 | uint32_t(b[7]);
      header_.clear();
      continue;
    }
    size_t take = std::min<size_t>(left_, data.size());
    emit(stream_, data.substr(0, take));
    left_ -= uint32_t(take);
    data.remove_prefix(take);
  }
}

base::Result<DockerClient::Response> DockerClient::request(std::string_view method, const std::string& path,
                                                           const std::string* json_body, std::chrono::seconds timeout) {
  Response r;
  Transfer t;
  t.body = json_body;
  t.sink = [&](std::string_view d) { r.body.append(d); };
  TRY_ASSIGN(r.status, perform(ep_, method, path, t, json_body ? BodyKind::kJson : BodyKind::kNone, "application/json",
                               timeout));
  return r;
}

base::Result<DockerClient::Response> DockerClient::upload(const std::string& path, int fd, const std::string& content_type,
                                                          const std::string& method) {
  Response r;
  Transfer t;
  t.in_fd = fd;
  t.sink = [&](std::string_view d) { r.body.append(d); };
  TRY_ASSIGN(r.status, perform(ep_, method, path, t, BodyKind::kStream, content_type, std::chrono::seconds{0}));
  return r;
}

base::Result<long> DockerClient::stream(const std::string& path, const std::string& json_body,
                                        const std::function<void(std::string_view)>& on_data, std::chrono::seconds timeout) {
  Transfer t;
  t.body = &json_body;
  t.sink = on_data;
  return perform(ep_, "POST", path, t, BodyKind::kJson, "application/json", timeout);
}

base::Result<long> DockerClient::download(const std::string& path, int fd) {
  Transfer t;
  t.sink = [&](std::string_view d) {
    while (!d.empty() && t.sink_errno == 0) {
      ssize_t w = ::write(fd, d.data(), d.size());
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) t.sink_errno = errno;
      else d.remove_prefix(size_t(w));
    }
  };
  TRY_ASSIGN(long status, perform(ep_, "GET", path, t, BodyKind::kNone, {}, std::chrono::seconds{0}));
  if (t.sink_errno != 0)
    return base::fail(base::ErrorCode::kIo, "docker GET " + path + ": cannot write: " + std::strerror(t.sink_errno));
  return status;
}

base::Error DockerClient::api_error(std::string_view what, const Response& r) const {
  std::string msg = r.body;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) msg = j["message"].get<std::string>();
  if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
  return base::Error{base::ErrorCode::kSandbox,
                     "docker " + std::string(what) + ": HTTP " + std::to_string(r.status) + ": " + msg, {}};
}

}  // namespace sandbox
