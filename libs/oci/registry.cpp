#include "oci/registry.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "base/hash.hpp"
#include "oci/http.hpp"

namespace oci {

namespace {

// Parses `Bearer realm="..",service="..",scope=".."` into lower-cased keys.
std::map<std::string, std::string> parse_challenge(std::string_view header, std::string* scheme) {
  std::map<std::string, std::string> out;
  auto space = header.find(' ');
  *scheme = std::string(header.substr(0, space));
  for (char& c : *scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (space == std::string_view::npos) return out;
  std::string_view rest = header.substr(space + 1);
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) rest.remove_prefix(1);
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string key(rest.substr(0, eq));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest.remove_prefix(eq + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      rest.remove_prefix(1);
      while (!rest.empty() && rest.front() != '"') {
        if (rest.front() == '\\' && rest.size() > 1) rest.remove_prefix(1);
        value += rest.front();
        rest.remove_prefix(1);
      }
      if (!rest.empty()) rest.remove_prefix(1);
    } else {
      auto comma = rest.find(',');
      value = std::string(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma);
    }
    out[key] = value;
  }
  return out;
}

std::string url_escape(const std::string& s) {
  std::string out;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

base::Error http_error(const HttpRequest& req, const HttpResponse& resp) {
  std::string msg = req.method + " " + req.url + ": HTTP " + std::to_string(resp.status);
  std::string excerpt = body_excerpt(resp.body);
  if (!excerpt.empty()) msg += ": " + excerpt;
  base::Error e{base::ErrorCode::kNetwork, msg, {}};
  if (resp.status == 401 || resp.status == 403) e.hint = "check the credentials (apko login / ~/.docker/config.json)";
  return e;
}

}  // namespace

struct RegistryClient::Session {
  std::string base;        // "http://127.0.0.1:5000"
  std::string repository;
  std::string authorization;  // "Authorization: ..." or empty
  Credentials creds;

  base::Result<HttpResponse> send(HttpRequest req) {
    if (!authorization.empty()) req.headers.push_back(authorization);
    TRY_ASSIGN(HttpResponse resp, http_request(req));
    return resp;
  }
};

base::Result<RegistryClient::Session> RegistryClient::open(const Reference& ref, bool push) {
  Session s;
  s.base = (is_local_registry(ref.registry) ? "http://" : "https://") + ref.registry;
  s.repository = ref.repository;
  if (have_creds_) {
    s.creds = creds_;
  } else {
    TRY_ASSIGN(s.creds, find_credentials(ref.registry));
  }
  HttpRequest ping{"GET", s.base + "/v2/", {}, {}, {}, {}, {}};
  TRY_ASSIGN(HttpResponse resp, http_request(ping));
  if (resp.status != 401) {
    if (resp.status >= 200 && resp.status < 300) return s;
    return tl::unexpected(http_error(ping, resp));
  }
  std::string scheme;
  auto params = parse_challenge(resp.header("www-authenticate"), &scheme);
  if (scheme == "basic") {
    if (s.creds.empty())
      return base::fail(base::ErrorCode::kNetwork, ref.registry + ": registry requires a login",
                        "run `apko login " + ref.registry + "` or set DOCKER_CONFIG");
    s.authorization = "Authorization: Basic " + base::base64_encode(s.creds.username + ":" + s.creds.password);
    return s;
  }
  if (scheme != "bearer" || params["realm"].empty())
    return base::fail(base::ErrorCode::kNetwork, ref.registry + ": unsupported authentication challenge \"" +
                                                     resp.header("www-authenticate") + "\"");
  std::string url = params["realm"];
  url += url.find('?') == std::string::npos ? "?" : "&";
  if (!params["service"].empty()) url += "service=" + url_escape(params["service"]) + "&";
  url += "scope=" + url_escape("repository:" + ref.repository + (push ? ":pull,push" : ":pull"));
  HttpRequest token_req{"GET", url, {}, {}, {}, s.creds.username, s.creds.password};
  TRY_ASSIGN(HttpResponse tok, http_request(token_req));
  if (tok.status != 200) return tl::unexpected(http_error(token_req, tok));
  auto j = nlohmann::json::parse(tok.body, nullptr, false);
  std::string token;
  if (j.is_object()) token = j.value("token", j.value("access_token", ""));
  if (token.empty()) return base::fail(base::ErrorCode::kNetwork, url + ": token response carries no token");
  s.authorization = "Authorization: Bearer " + token;
  return s;
}

base::Status RegistryClient::push_blob(Session& s, const std::string& digest, const std::string& data,
                                       const std::filesystem::path& file) {
  std::string blob_url = s.base + "/v2/" + s.repository + "/blobs/" + digest;
  HttpRequest head{"HEAD", blob_url, {}, {}, {}, {}, {}};
  TRY_ASSIGN(HttpResponse exists, s.send(head));
  if (exists.status == 200) return base::ok();

  HttpRequest start{"POST", s.base + "/v2/" + s.repository + "/blobs/uploads/", {"Content-Length: 0"}, {}, {}, {}, {}};
  TRY_ASSIGN(HttpResponse started, s.send(start));
  if (started.status != 202) return tl::unexpected(http_error(start, started));
  std::string location = started.header("location");
  if (location.empty())
    return base::fail(base::ErrorCode::kNetwork, start.url + ": upload started without a Location header");
  if (location.starts_with("/")) location = s.base + location;
  location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + url_escape(digest);

  HttpRequest put{"PUT", location, {"Content-Type: application/octet-stream"}, data, file, {}, {}};
  TRY_ASSIGN(HttpResponse done, s.send(put));
  if (done.status != 201) return tl::unexpected(http_error(put, done));
  return base::ok();
}

base::Status RegistryClient::put_manifest(Session& s, const std::string& identifier, const std::string& media_type,
                                          const std::string& body) {
  HttpRequest put{"PUT", s.base + "/v2/" + s.repository + "/manifests/" + identifier,
                  {"Content-Type: " + media_type}, body, {}, {}, {}};
  TRY_ASSIGN(HttpResponse resp, s.send(put));
  if (resp.status != 201 && resp.status != 200) return tl::unexpected(http_error(put, resp));
  return base::ok();
}

base::Status RegistryClient::push_image(const Reference& ref, const Image& image) {
  TRY_ASSIGN(Session s, open(ref, true));
  for (const auto& l : image.layers) TRY(push_blob(s, l.digest, {}, l.file));
  TRY(push_blob(s, image.config_digest, image.config_json, {}));
  TRY(put_manifest(s, image.manifest_digest, kMediaManifest, image.manifest_json));
  if (!ref.tag.empty()) TRY(put_manifest(s, ref.tag, kMediaManifest, image.manifest_json));
  return base::ok();
}

base::Status RegistryClient::push_index(const Reference& ref, const Index& index, const std::vector<Image>& images) {
  Reference by_digest = ref;
  by_digest.tag.clear();
  for (const auto& img : images) TRY(push_image(by_digest, img));
  TRY_ASSIGN(Session s, open(ref, true));
  TRY(put_manifest(s, index.digest, kMediaIndex, index.json));
  if (!ref.tag.empty()) TRY(put_manifest(s, ref.tag, kMediaIndex, index.json));
  return base::ok();
}

base::Result<std::string> RegistryClient::get_manifest(const Reference& ref) {
  TRY_ASSIGN(Session s, open(ref, false));
  HttpRequest get{"GET", s.base + "/v2/" + s.repository + "/manifests/" + ref.identifier(),
                  {std::string("Accept: ") + kMediaManifest + ", " + kMediaIndex +
                   ", application/vnd.docker.distribution.manifest.v2+json"
                   ", application/vnd.docker.distribution.manifest.list.v2+json"},
                  {}, {}, {}, {}};
  TRY_ASSIGN(HttpResponse resp, s.send(get));
  if (resp.status != 200) return tl::unexpected(http_error(get, resp));
  if (!ref.digest.empty() && sha256_digest(resp.body) != ref.digest && ref.digest.starts_with("sha256:"))
    return base::fail(base::ErrorCode::kSignature, ref.str() + ": manifest content does not match its digest");
  return resp.body;
}

}  // namespace oci
