// `melange license-check`: find the license files of a source tree, identify their licenses
// and compare them with the configuration's `package.copyright`.
//
// As melange (pkg/license):
//   - license files are found by name (licensee's rules: LICENSE, LICENCE, UNLICENSE,
//     COPYING, COPYRIGHT, OFL, PATENTS, with extensions and prefixes/suffixes such as
//     LICENSE-MIT or MIT-LICENSE; not *.xml, *.go, *.gemspec, *.spdx, *.header; never
//     under .virtualenv, env, node_modules, rust-src, rustc-src or venv, nor melange-out).
//     A shallow scan looks at the top directory and one level below, skipping vendor/;
//     a deep one at the whole tree. Top-level files rank first; copyright entries'
//     license-path files are added;
//   - each file gets the licenses found in it, with a confidence; none is "NOASSERTION";
//   - detected licenses with confidence >= 0.9 are compared with the copyright entries:
//     an entry with the same license-path must name it (or declare it as
//     detection-override), an entry without license-path must name it somewhere
//     ("A AND B" / "A OR B" count as both); otherwise it is a difference.
// Difference: melange identifies license texts with Google's licenseclassifier (a corpus of
// every SPDX license text); this one recognises the common licenses by their
// characteristic sentences (Apache-2.0, MIT, BSD-2/3-Clause, ISC, GPL-2.0/3.0,
// LGPL-2.0/2.1/3.0, AGPL-3.0, MPL-2.0, EPL-2.0, Unlicense, Zlib, BSL-1.0, CC0-1.0) and
// `SPDX-License-Identifier:` lines, and names them as licenseclassifier does ("GPL-3.0",
// not "GPL-3.0-or-later"). A text it does not know is NOASSERTION.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "config/build_config.hpp"

namespace melange {

struct LicenseFile {
  std::string path;  // relative to the scanned root, '/'-separated
  double weight = 0;
};

// The weight of a license file name (its directory parts only matter for the ignored
// paths), nullopt when the name is not a license file's.
std::optional<double> license_file_weight(std::string_view path);

// License files under `root`, most relevant first.
base::Result<std::vector<LicenseFile>> find_license_files(const std::filesystem::path& root, bool deep);

struct DetectedLicense {
  std::string name;        // SPDX-style identifier, or "NOASSERTION"
  std::string type;        // restricted, reciprocal, notice, unencumbered, forbidden, unknown ("" for NOASSERTION)
  double confidence = 0;   // 0..1
  std::string source;      // the file
};

// The licenses of one license text (at least one entry: NOASSERTION when none is known).
std::vector<DetectedLicense> identify_licenses(std::string_view text, const std::string& source);

bool confident(const DetectedLicense& l);  // confidence >= 0.9

struct LicenseDiff {
  std::string path;
  std::string is;         // what the configuration says ("" when it names nothing for it)
  std::string should;     // what was detected
  std::string override_;  // the entry's detection-override
  std::string new_type;   // the detected license's type
};

std::vector<LicenseDiff> license_differences(const std::vector<DetectedLicense>& detected, const config::BuildConfig& cfg);

// "COPYING: GPL-3.0 not found" and the other one-line descriptions melange logs, plus
// the restrictive-license note when the type is neither notice nor unencumbered.
std::vector<std::string> describe_difference(const LicenseDiff& d);

struct LicenseCheckResult {
  std::vector<LicenseFile> files;
  std::vector<DetectedLicense> detected;
  std::vector<LicenseDiff> diffs;  // empty without a configuration
};

// Scans `root` (license files, plus the configuration's license-path files).
base::Result<LicenseCheckResult> license_check(const std::filesystem::path& root, const config::BuildConfig* cfg, bool deep);

// `--fix`: the configuration's `package.copyright` replaced by the confident detected
// licenses: "flat" one `- license: X` + `license-path: F` entry per license, "simple" one
// entry with the sorted names joined by " AND ". The rest of the text is kept as written.
// Returns `yaml` unchanged when no license is confident.
base::Result<std::string> fix_copyright(std::string_view yaml, std::string_view filename,
                                        const std::vector<DetectedLicense>& detected, std::string_view format);

}  // namespace melange
