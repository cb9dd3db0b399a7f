// A minimal Docker Engine API client over libcurl, enough for the docker runner. It speaks to
// DOCKER_HOST: unix:///path/to.sock (default unix:///var/run/docker.sock) or tcp://host:port:
// plain HTTP, or HTTPS as the docker CLI does when DOCKER_TLS_VERIFY is set (non-empty: the
// server is verified against $DOCKER_CERT_PATH/ca.pem) or DOCKER_CERT_PATH is set (client
// certificate $DOCKER_CERT_PATH/cert.pem + key.pem; DOCKER_CERT_PATH defaults to ~/.docker). Paths are unversioned ("/containers/create"), which Docker and podman's
// compatible API both serve at their current version.
//
// Exec output arrives as Docker's multiplexed stream: frames of an 8-byte header
// [stream(1=stdout,2=stderr), 0, 0, 0, size as big-endian uint32] followed by `size` bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace sandbox {

struct DockerEndpoint {
  std::string unix_socket;  // set for unix:// hosts
  std::string base_url;     // "http://localhost" for sockets, "http://host:port" for tcp
  std::string display;      // the DOCKER_HOST value, for messages
  // tcp:// with TLS: https, the client certificate and key, and the CA the server is checked
  // against (verify = DOCKER_TLS_VERIFY).
  bool tls = false, verify = false;
  std::string ca_file, cert_file, key_file;
};

// TLS settings from the environment (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, HOME).
struct DockerTlsEnv {
  std::string tls_verify, cert_path, home;
  static DockerTlsEnv from_environment();
};

// Parses a DOCKER_HOST value; empty means the default socket. The one-argument form reads the
// TLS settings from the environment.
base::Result<DockerEndpoint> parse_docker_host(std::string_view docker_host, const DockerTlsEnv& tls);
base::Result<DockerEndpoint> parse_docker_host(std::string_view docker_host);

// Splits a multiplexed exec stream into (stream id, payload bytes); frames may arrive cut
// anywhere. Stream ids: 0 stdin, 1 stdout, 2 stderr.
class StreamDemuxer {
 public:
  void feed(std::string_view data, const std::function<void(int stream, std::string_view payload)>& emit);
  bool idle() const { return header_.empty() && left_ == 0; }  // at a frame boundary

 private:
  std::string header_;
  uint32_t left_ = 0;
  int stream_ = 0;
};

class DockerClient {
 public:
  explicit DockerClient(DockerEndpoint ep) : ep_(std::move(ep)) {}
  const DockerEndpoint& endpoint() const { return ep_; }

  struct Response {
    long status = 0;
    std::string body;
  };
  // A JSON (or empty) request; timeout 0 = none.
  base::Result<Response> request(std::string_view method, const std::string& path, const std::string* json_body = nullptr,
                                 std::chrono::seconds timeout = std::chrono::seconds{120});
  // POST whose body is read from `fd` until EOF.
  base::Result<Response> upload(const std::string& path, int fd, const std::string& content_type,
                                const std::string& method = "POST");
  // POST whose response body is handed to `on_data` as it arrives (until the server closes).
  // A timeout gives a kSandbox error whose message contains "timed out".
  base::Result<long> stream(const std::string& path, const std::string& json_body,
                            const std::function<void(std::string_view)>& on_data, std::chrono::seconds timeout);
  // GET whose response body is written to `fd`.
  base::Result<long> download(const std::string& path, int fd);

  // "docker <what>: HTTP <status>: <message from the JSON body>".
  base::Error api_error(std::string_view what, const Response& r) const;

 private:
  DockerEndpoint ep_;
};

}  // namespace sandbox
