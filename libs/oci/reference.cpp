#include "oci/reference.hpp"

#include <cctype>

namespace oci {

namespace {

bool valid_repository(std::string_view r) {
  if (r.empty() || r.front() == '/' || r.back() == '/') return false;
  for (char c : r)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '_' || c == '-' || c == '/'))
      return false;
  return r.find("//") == std::string_view::npos;
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128 || t.front() == '.' || t.front() == '-') return false;
  for (char c : t)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

bool valid_digest(std::string_view d) {
  auto colon = d.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == d.size()) return false;
  for (char c : d.substr(colon + 1))
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return d.substr(0, colon) != "sha256" || d.size() == colon + 65;
}

}  // namespace

std::string Reference::str() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

bool is_local_registry(std::string_view registry) {
  std::string_view host = registry;
  if (host.starts_with("[")) {
    host = host.substr(0, host.find(']') + 1);
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host.ends_with(".localhost");
}

base::Result<Reference> parse_reference(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return base::fail(base::ErrorCode::kInvalidInput, "image reference \"" + std::string(text) + "\": " + why);
  };
  Reference r;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    r.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!valid_digest(r.digest)) return bad("invalid digest");
  }
  auto slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    r.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!valid_tag(r.tag)) return bad("invalid tag");
  }
  auto first_slash = rest.find('/');
  std::string_view first = rest.substr(0, first_slash);
  if (first_slash != std::string_view::npos &&
      (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos || first == "localhost")) {
    r.registry = std::string(first);
    r.repository = std::string(rest.substr(first_slash + 1));
  } else {
    r.registry = "index.docker.io";
    r.repository = std::string(rest);
  }
  if (r.registry == "docker.io" || r.registry == "registry-1.docker.io") r.registry = "index.docker.io";
  if (r.registry == "index.docker.io" && r.repository.find('/') == std::string::npos) r.repository = "library/" + r.repository;
  if (!valid_repository(r.repository)) return bad("invalid repository name (lowercase letters, digits, . _ - /)");
  if (r.tag.empty() && r.digest.empty()) r.tag = "latest";
  return r;
}

}  // namespace oci
