#include "sbom/purl.hpp"

#include <cctype>

namespace sbom {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string purl_escape(std::string_view s, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || keep.find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Purl::str() const {
  std::string out = "pkg:" + lower(type) + "/";
  if (!namespace_.empty()) {
    // Each namespace segment is encoded on its own; the separating '/' stays.
    size_t start = 0;
    while (start <= namespace_.size()) {
      size_t end = namespace_.find('/', start);
      if (end == std::string::npos) end = namespace_.size();
      if (end > start) out += purl_escape(std::string_view(namespace_).substr(start, end - start)) + "/";
      start = end + 1;
    }
  }
  out += purl_escape(name);
  if (!version.empty()) out += "@" + purl_escape(version, ":");
  std::map<std::string, std::string> canonical;  // keys are case-insensitive: lowercase, then sort
  for (const auto& [key, value] : qualifiers)
    if (!value.empty()) canonical[lower(key)] = value;
  char sep = '?';
  for (const auto& [key, value] : canonical) {
    out += sep;
    out += key + "=" + purl_escape(value, ":");
    sep = '&';
  }
  if (!subpath.empty()) {
    out += '#';
    size_t start = 0;
    bool first = true;
    while (start <= subpath.size()) {
      size_t end = subpath.find('/', start);
      if (end == std::string::npos) end = subpath.size();
      auto seg = std::string_view(subpath).substr(start, end - start);
      if (!seg.empty() && seg != "." && seg != "..") {
        if (!first) out += '/';
        out += purl_escape(seg);
        first = false;
      }
      start = end + 1;
    }
  }
  return out;
}

std::string purl_apk(std::string_view ns, std::string_view name, std::string_view version, std::string_view arch,
                     std::string_view distro, std::string_view origin) {
  Purl p{"apk", lower(ns), lower(name), std::string(version), {}, {}};
  p.qualifiers["arch"] = std::string(arch);
  p.qualifiers["distro"] = std::string(distro);
  if (origin != name) p.qualifiers["origin"] = std::string(origin);
  return p.str();
}

std::string purl_oci(std::string_view name, std::string_view digest, std::string_view arch, std::string_view os,
                     std::string_view media_type) {
  Purl p{"oci", "", lower(name), std::string(digest), {}, {}};
  p.qualifiers["arch"] = std::string(arch);
  p.qualifiers["os"] = std::string(os);
  p.qualifiers["mediaType"] = std::string(media_type);
  return p.str();
}

}  // namespace sbom
