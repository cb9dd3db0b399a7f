#include "sbom/spdx.hpp"

#include <cctype>
#include <ctime>

#include "base/hash.hpp"

namespace sbom {

std::string rfc3339_utc(int64_t epoch) {
  std::time_t t = epoch < 0 ? 0 : static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string spdx_id_part(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '-';
  return out;
}

namespace {

// Recursive-descent check of the SPDX license expression grammar (annex D):
//   expr := term (("AND"|"OR") term)* ; term := atom ("WITH" id)? ; atom := id "+"? | "(" expr ")"
class LicenseParser {
 public:
  explicit LicenseParser(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == ' ' || c == '\t') { ++i; continue; }
      if (c == '(' || c == ')') { tokens_.emplace_back(1, c); ++i; continue; }
      size_t j = i;
      while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '(' && s[j] != ')') ++j;
      tokens_.emplace_back(s.substr(i, j - i));
      i = j;
    }
  }
  bool valid() { return !tokens_.empty() && expr() && pos_ == tokens_.size(); }

 private:
  bool is_id(const std::string& t) const {
    if (t == "AND" || t == "OR" || t == "WITH" || t.empty()) return false;
    std::string_view v = t;
    if (v.back() == '+') v.remove_suffix(1);
    if (v.empty()) return false;
    if (v.starts_with("DocumentRef-") || v.find(':') != std::string_view::npos) return false;
    for (char c : v)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
    return true;
  }
  bool atom() {
    if (pos_ >= tokens_.size()) return false;
    if (tokens_[pos_] == "(") {
      ++pos_;
      if (!expr() || pos_ >= tokens_.size() || tokens_[pos_] != ")") return false;
      ++pos_;
      return true;
    }
    return is_id(tokens_[pos_++]);
  }
  bool term() {
    if (!atom()) return false;
    if (pos_ < tokens_.size() && tokens_[pos_] == "WITH") {
      ++pos_;
      return pos_ < tokens_.size() && is_id(tokens_[pos_++]);
    }
    return true;
  }
  bool expr() {
    if (!term()) return false;
    while (pos_ < tokens_.size() && (tokens_[pos_] == "AND" || tokens_[pos_] == "OR")) {
      ++pos_;
      if (!term()) return false;
    }
    return true;
  }
  std::vector<std::string> tokens_;
  size_t pos_ = 0;
};

std::string dump(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace); }

}  // namespace

std::string license_expression(std::string_view license) {
  while (!license.empty() && std::isspace(static_cast<unsigned char>(license.front()))) license.remove_prefix(1);
  while (!license.empty() && std::isspace(static_cast<unsigned char>(license.back()))) license.remove_suffix(1);
  if (license.empty()) return "NOASSERTION";
  if (license == "NOASSERTION" || license == "NONE") return std::string(license);
  return LicenseParser(license).valid() ? std::string(license) : std::string();
}

std::string SpdxDocument::new_id(std::string_view prefix, std::string_view name) {
  std::string base = "SPDXRef-" + spdx_id_part(prefix) + (name.empty() ? "" : "-" + spdx_id_part(name));
  std::string id = base;
  for (int n = 2; ids_.count(id); ++n) id = base + "-" + std::to_string(n);
  ids_.insert(id);
  return id;
}

Json& SpdxDocument::add_package(const std::string& id, std::string_view name, std::string_view version,
                                std::string_view supplier, std::string_view purl, std::string_view download_location) {
  Json p;
  p["SPDXID"] = id;
  p["name"] = std::string(name);
  if (!version.empty()) p["versionInfo"] = std::string(version);
  p["supplier"] = supplier.empty() ? std::string("NOASSERTION") : std::string(supplier);
  p["downloadLocation"] = download_location.empty() ? std::string("NOASSERTION") : std::string(download_location);
  p["filesAnalyzed"] = false;
  p["licenseConcluded"] = "NOASSERTION";
  p["licenseDeclared"] = "NOASSERTION";
  p["copyrightText"] = "NOASSERTION";
  if (!purl.empty()) {
    p["externalRefs"] = Json::array(
        {Json{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceLocator", std::string(purl)}, {"referenceType", "purl"}}});
  }
  packages_.push_back(std::move(p));
  return packages_.back();
}

void SpdxDocument::set_license(Json& package, std::string_view license) {
  std::string expr = license_expression(license);
  if (expr.empty()) {
    // Not an SPDX expression: declare it as extracted licensing info with the raw text.
    expr = "LicenseRef-" + spdx_id_part(license);
    auto it = extracted_text_.find(expr);
    if (it != extracted_text_.end() && it->second != license)  // "a b" and "a_b" sanitize alike
      expr += "-" + base::sha256_hex(license).substr(0, 12);
    if (extracted_text_.emplace(expr, std::string(license)).second)
      extracted_.push_back(Json{{"licenseId", expr}, {"extractedText", std::string(license)}, {"name", std::string(license)}});
  }
  package["licenseConcluded"] = expr;
  package["licenseDeclared"] = expr;
}

void SpdxDocument::relate(std::string_view from, std::string_view type, std::string_view to) {
  relationships_.push_back(Json{{"spdxElementId", std::string(from)},
                                {"relationshipType", std::string(type)},
                                {"relatedSpdxElement", std::string(to)}});
}

std::string SpdxDocument::finish(std::string_view name, std::string_view namespace_prefix, int64_t created_epoch,
                                 const std::vector<std::string>& creators) const {
  Json doc;
  doc["SPDXID"] = "SPDXRef-DOCUMENT";
  doc["name"] = std::string(name);
  doc["spdxVersion"] = "SPDX-2.3";
  doc["creationInfo"] = Json{{"created", rfc3339_utc(created_epoch)}, {"creators", creators}, {"licenseListVersion", "3.27"}};
  doc["dataLicense"] = "CC0-1.0";
  doc["documentNamespace"] = "";
  doc["documentDescribes"] = describes_;
  if (!extracted_.empty()) doc["hasExtractedLicensingInfos"] = extracted_;
  doc["packages"] = packages_;
  doc["relationships"] = relationships_;
  std::string ns = std::string(namespace_prefix) + spdx_id_part(name) + "-" + base::sha256_hex(dump(doc));
  doc["documentNamespace"] = ns;
  return dump(doc) + "\n";
}

}  // namespace sbom
