// A minimal blocking HTTP client over libcurl for the registry API: one request,
// the whole response body in memory, headers collected lower-cased. Request bodies
// come from memory or are streamed from a file (big layers).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace oci {

struct HttpRequest {
  std::string method = "GET";  // GET HEAD POST PUT
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent for POST/PUT unless body_file is set
  std::filesystem::path body_file;
  std::string user, password;        // HTTP basic auth when user is set
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Errors only on transport failures (DNS, connection, TLS); any HTTP status is a response.
base::Result<HttpResponse> http_request(const HttpRequest& req);

// First line of a response body, at most 200 bytes, for error messages.
std::string body_excerpt(std::string_view body);

}  // namespace oci
