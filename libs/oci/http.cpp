#include "oci/http.hpp"
#include "curl/lazy_curl.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace oci {

namespace {

struct Upload {
  std::string_view data;
  size_t pos = 0;
  FILE* file = nullptr;
};

size_t read_cb(char* buf, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t want = size * n;
  if (up->file) return std::fread(buf, 1, want, up->file);
  size_t take = std::min(want, up->data.size() - up->pos);
  std::copy_n(up->data.data() + up->pos, take, buf);
  up->pos += take;
  return take;
}

size_t write_cb(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t header_cb(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) headers->clear();  // a new response (after 100 Continue or redirect)
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    (*headers)[name] = std::string(value);
  }
  return size * n;
}

}  // namespace

std::string body_excerpt(std::string_view body) {
  body = body.substr(0, body.find('\n'));
  if (body.size() > 200) body = body.substr(0, 200);
  return std::string(body);
}

base::Result<HttpResponse> http_request(const HttpRequest& req) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  TRY(lazy_curl::ensure_loaded());
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return base::fail(base::ErrorCode::kInternal, "curl_easy_init failed");
  CURL* c = curl.get();
  HttpResponse resp;
  Upload upload{req.body};
  std::unique_ptr<FILE, decltype(&std::fclose)> file(nullptr, std::fclose);
  curl_off_t body_size = static_cast<curl_off_t>(req.body.size());
  if (!req.body_file.empty()) {
    file.reset(std::fopen(req.body_file.c_str(), "rb"));
    if (!file) return base::fail(base::ErrorCode::kIo, req.body_file.string() + ": cannot open for upload");
    upload.file = file.get();
    std::error_code ec;
    body_size = static_cast<curl_off_t>(std::filesystem::file_size(req.body_file, ec));
  }
  struct curl_slist* headers = nullptr;
  for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, curl_slist_free_all);

  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "melange-apko-cpp");
  if (!req.user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, req.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, req.password.c_str());
  }
  if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (req.method == "PUT" || req.method == "POST") {
    if (req.method == "PUT") {
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, body_size);
    } else {
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, body_size);
    }
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  } else if (req.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return base::fail(base::ErrorCode::kNetwork, req.method + " " + req.url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

}  // namespace oci
