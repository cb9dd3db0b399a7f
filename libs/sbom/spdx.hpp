// Building blocks of SPDX 2.3 JSON documents (spdx.github.io/spdx-spec/v2.3):
// element IDs restricted to `SPDXRef-[A-Za-z0-9.-]+`, license expressions, RFC 3339
// times, and a document writer whose output is deterministic: keys in a fixed order,
// 2-space indent, and a documentNamespace derived from the SHA-256 of the content
// instead of a random UUID, so the same input always gives the same bytes.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sbom {

using Json = nlohmann::ordered_json;

// "1970-01-01T00:00:00Z" for epoch 0; negative epochs clamp to 0.
std::string rfc3339_utc(int64_t epoch);

// Replaces every character outside [A-Za-z0-9.-] by '-'.
std::string spdx_id_part(std::string_view s);

// Returns `license` if it is a syntactically valid SPDX license expression
// (ids, LicenseRef-..., AND/OR/WITH, parentheses), "NOASSERTION" if empty;
// otherwise "" (the caller then declares a LicenseRef-).
std::string license_expression(std::string_view license);

class SpdxDocument {
 public:
  // Allocates a unique element ID "SPDXRef-<prefix>-<sanitized name>" (suffix -2, -3... on clashes).
  std::string new_id(std::string_view prefix, std::string_view name);

  // A package element with the fields every package carries; callers add more keys.
  // `purl` may be empty. Returns a reference into the document, valid until the next add_package.
  Json& add_package(const std::string& id, std::string_view name, std::string_view version, std::string_view supplier,
                    std::string_view purl, std::string_view download_location = "NOASSERTION");
  // Sets licenseConcluded/licenseDeclared: the expression, or a LicenseRef- with the raw text
  // recorded in hasExtractedLicensingInfos when `license` is not a valid expression.
  void set_license(Json& package, std::string_view license);

  void relate(std::string_view from, std::string_view type, std::string_view to);
  void describe(std::string_view id) { describes_.push_back(std::string(id)); relate("SPDXRef-DOCUMENT", "DESCRIBES", id); }

  // Serializes the document. `namespace_prefix` ends with '/'; the namespace is the prefix,
  // the document name and the hex SHA-256 of the document serialized without a namespace.
  std::string finish(std::string_view name, std::string_view namespace_prefix, int64_t created_epoch,
                     const std::vector<std::string>& creators) const;

 private:
  std::set<std::string> ids_;
  std::vector<std::string> describes_;
  Json packages_ = Json::array();
  Json relationships_ = Json::array();
  Json extracted_ = Json::array();
  std::map<std::string, std::string> extracted_text_;  // LicenseRef id -> raw license text
};

}  // namespace sbom
