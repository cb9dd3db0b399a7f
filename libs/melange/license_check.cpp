#include "melange/license_check.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <regex>
#include <set>
#include <system_error>

#include "base/fs.hpp"
#include "base/strings.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

// --- license file names (licensee's rules) ---------------------------------------------

struct NameRule {
  std::regex re;
  double weight;
};

const std::vector<NameRule>& name_rules() {
  static const std::vector<NameRule> rules = [] {
    const std::string lic = "(un)?licen[sc]e", copy = "copy(ing|right)", pref = "\\.(md|markdown|txt|html)",
                      any = "(\\.[^./]+)";
    auto r = [](const std::string& s) { return std::regex(s, std::regex::icase | std::regex::ECMAScript); };
    return std::vector<NameRule>{
        {r("^" + lic + "$"), 1.00},
        {r("^" + lic + pref + "$"), 0.95},
        {r("^" + copy + "$"), 0.90},
        {r("^" + copy + pref + "$"), 0.85},
        {r("^" + lic + any + "$"), 0.80},
        {r("^" + copy + any + "$"), 0.75},
        {r("^" + lic + "[-_][^.]*" + any + "?$"), 0.70},
        {r("^" + copy + "[-_][^.]*" + any + "?$"), 0.65},
        {r("^\\w+[-_]" + lic + "[^.]*" + any + "?$"), 0.60},
        {r("^\\w+[-_]" + copy + "[^.]*" + any + "?$"), 0.55},
        {r("^ofl" + pref), 0.50},
        {r("^ofl" + any), 0.45},
        {r("^ofl$"), 0.40},
        {r("^patents$"), 0.35},
        {r("^patents" + any + "$"), 0.30},
    };
  }();
  return rules;
}

// --- license texts -----------------------------------------------------------------------

struct KnownLicense {
  const char* name;
  const char* type;
  // Alternatives (full text, notice): the share of sentences found is the confidence.
  std::vector<std::vector<const char*>> texts;
  const char* supersedes = nullptr;  // a license whose sentences this one's include
};

const std::vector<KnownLicense>& known_licenses() {
  static const std::vector<KnownLicense> k = {
      {"Apache-2.0", "notice",
       {{"apache license version 2 0", "terms and conditions for use reproduction and distribution",
         "grant of copyright license", "redistribution you may reproduce and distribute copies of the work"},
        {"licensed under the apache license version 2 0",
         "you may not use this file except in compliance with the license"}}},
      {"MIT", "notice",
       {{"permission is hereby granted free of charge to any person obtaining a copy of this software",
         "the above copyright notice and this permission notice shall be included in all copies or substantial "
         "portions of the software",
         "the software is provided as is without warranty of any kind"}}},
      {"BSD-3-Clause", "notice",
       {{"redistribution and use in source and binary forms with or without modification are permitted provided that "
         "the following conditions are met",
         "redistributions of source code must retain the above copyright notice",
         "redistributions in binary form must reproduce the above copyright notice",
         "may be used to endorse or promote products derived from this software without specific prior written "
         "permission"}},
       "BSD-2-Clause"},
      {"BSD-2-Clause", "notice",
       {{"redistribution and use in source and binary forms with or without modification are permitted provided that "
         "the following conditions are met",
         "redistributions of source code must retain the above copyright notice",
         "redistributions in binary form must reproduce the above copyright notice"}}},
      {"ISC", "notice",
       {{"permission to use copy modify and or distribute this software for any purpose with or without fee is hereby "
         "granted",
         "provided that the above copyright notice and this permission notice appear in all copies",
         "the software is provided as is and the author disclaims all warranties with regard to this software"}}},
      {"GPL-2.0", "restricted",
       {{"gnu general public license version 2 june 1991",
         "the licenses for most software are designed to take away your freedom to share and change it",
         "terms and conditions for copying distribution and modification",
         "this general public license does not permit incorporating your program into proprietary programs"}}},
      {"GPL-3.0", "restricted",
       {{"gnu general public license version 3 29 june 2007",
         "the gnu general public license is a free copyleft license for software and other kinds of works",
         "this license refers to version 3 of the gnu general public license",
         "how to apply these terms to your new programs"}}},
      {"LGPL-2.0", "restricted",
       {{"gnu library general public license version 2 june 1991",
         "this license the library general public license applies to some specially designated free software packages"}}},
      {"LGPL-2.1", "restricted",
       {{"gnu lesser general public license version 2 1 february 1999",
         "this license the lesser general public license applies to some specially designated software packages"}}},
      {"LGPL-3.0", "restricted",
       {{"gnu lesser general public license version 3 29 june 2007",
         "this version of the gnu lesser general public license incorporates the terms and conditions of version 3 of "
         "the gnu general public license"}}},
      {"AGPL-3.0", "forbidden",
       {{"gnu affero general public license version 3 19 november 2007",
         "this license refers to version 3 of the gnu affero general public license"}}},
      {"MPL-2.0", "reciprocal",
       {{"mozilla public license version 2 0", "covered software", "larger work"},
        {"this source code form is subject to the terms of the mozilla public license v 2 0"}}},
      {"EPL-2.0", "reciprocal",
       {{"eclipse public license v 2 0",
         "the accompanying program is provided under the terms of this eclipse public license"}}},
      {"Unlicense", "unencumbered",
       {{"this is free and unencumbered software released into the public domain", "unlicense org"}}},
      {"Zlib", "notice",
       {{"this software is provided as is without any express or implied warranty",
         "the origin of this software must not be misrepresented",
         "altered source versions must be plainly marked as such"}}},
      {"BSL-1.0", "notice",
       {{"boost software license version 1 0",
         "permission is hereby granted free of charge to any person or organization obtaining a copy of the software "
         "and accompanying documentation covered by this license"}}},
      {"CC0-1.0", "unencumbered", {{"cc0 1 0 universal", "statement of purpose"}}},
  };
  return k;
}

// Lower case, every run of non-alphanumerics one space: the form the sentences are written in.
std::string normalize_license_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += ' ';
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (out.back() != ' ') {
      out += ' ';
    }
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

std::string license_type_of(const std::string& name) {
  for (const auto& k : known_licenses())
    if (name == k.name) return k.type;
  // SPDX variants of the known names ("GPL-2.0-only", "Apache-2.0 WITH ...") share their type.
  for (const auto& k : known_licenses())
    if (name.rfind(k.name, 0) == 0 && (name.size() == std::strlen(k.name) || name[std::strlen(k.name)] == '-' ||
                                       name[std::strlen(k.name)] == ' ' || name[std::strlen(k.name)] == '+'))
      return k.type;
  return "unknown";
}

bool in_ignored_path(std::string path) {
  static const std::regex semver("-\\d+\\.\\d+\\.\\d+-");
  path = std::regex_replace(path, semver, "-");
  static const std::set<std::string> ignored = {".virtualenv", "env", "node_modules", "rust-src", "rustc-src", "venv"};
  for (auto part : base::split(path, '/'))
    if (ignored.count(std::string(part))) return true;
  return false;
}

}  // namespace

std::optional<double> license_file_weight(std::string_view path) {
  if (in_ignored_path(std::string(path))) return std::nullopt;
  std::string name = fs::path(std::string(path)).filename().string();
  std::string ext = fs::path(name).extension().string();
  for (const char* bad : {".xml", ".go", ".gemspec", ".spdx", ".header"})
    if (ext == bad) return std::nullopt;
  std::optional<double> best;
  for (const auto& r : name_rules())
    if (std::regex_search(name, r.re) && (!best || r.weight > *best)) best = r.weight;
  return best;
}

base::Result<std::vector<LicenseFile>> find_license_files(const fs::path& root, bool deep) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return base::fail(base::ErrorCode::kNotFound, root.string() + ": not a directory");
  std::vector<std::string> paths;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return tl::unexpected(base::io_error(root, "read directory", ec.value()));
  for (; it != end; it.increment(ec)) {
    if (ec) return tl::unexpected(base::io_error(it->path(), "read directory", ec.value()));
    std::string rel = it->path().lexically_relative(root).generic_string();
    auto parts = base::split(rel, '/');
    if (!deep) {
      bool vendor = std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p == "vendor"; });
      if (vendor || parts.size() > 2) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) it.disable_recursion_pending();
        continue;
      }
    }
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    if (rel.find("melange-out") != std::string::npos) continue;
    paths.push_back(rel);
  }
  std::sort(paths.begin(), paths.end());  // WalkDir's lexical order
  std::vector<LicenseFile> out;
  for (const auto& p : paths) {
    auto w = license_file_weight(p);
    if (!w) continue;
    double weight = *w + (p.find('/') == std::string::npos ? 0.5 : 0.0);
    out.push_back({p, weight});
  }
  std::stable_sort(out.begin(), out.end(), [](const LicenseFile& a, const LicenseFile& b) { return a.weight > b.weight; });
  return out;
}

std::vector<DetectedLicense> identify_licenses(std::string_view text, const std::string& source) {
  std::vector<DetectedLicense> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& name, double confidence) {
    if (!seen.insert(name).second) return;
    out.push_back({name, license_type_of(name), confidence, source});
  };
  // SPDX-License-Identifier: lines (REUSE-style license files) name their license exactly.
  static const std::regex spdx("SPDX-License-Identifier:[ \\t]*([^\\r\\n*]+)");
  std::string s(text);
  for (std::sregex_iterator m(s.begin(), s.end(), spdx), e; m != e; ++m) {
    std::string id(base::trim((*m)[1].str()));
    while (!id.empty() && (id.back() == '/' || id.back() == '-' || id.back() == ' ')) id.pop_back();  // "*/", "-->"
    if (!id.empty()) add(id, 1.0);
  }
  const std::string norm = normalize_license_text(text);
  std::set<std::string> superseded;
  std::vector<std::pair<const KnownLicense*, double>> found;
  for (const auto& k : known_licenses()) {
    double best = 0;
    for (const auto& alt : k.texts) {
      size_t hit = 0;
      for (const char* sentence : alt)
        if (norm.find(" " + std::string(sentence) + " ") != std::string::npos) ++hit;
      best = std::max(best, double(hit) / double(alt.size()));
    }
    if (best >= 0.5) {
      found.emplace_back(&k, best);
      if (best >= 0.9 && k.supersedes) superseded.insert(k.supersedes);
    }
  }
  for (const auto& [k, conf] : found)
    if (!superseded.count(k->name)) add(k->name, conf);
  if (out.empty()) out.push_back({"NOASSERTION", "", 0.0, source});
  return out;
}

bool confident(const DetectedLicense& l) { return l.confidence >= 0.9; }

std::vector<LicenseDiff> license_differences(const std::vector<DetectedLicense>& detected, const config::BuildConfig& cfg) {
  struct Declared {
    std::string name, source, override_;
  };
  std::vector<Declared> declared;
  static const std::regex andor("\\s+(AND|OR)\\s+");
  for (const auto& c : cfg.package.copyright) {
    if (std::regex_search(c.license, andor)) {
      for (std::sregex_token_iterator t(c.license.begin(), c.license.end(), andor, -1), e; t != e; ++t)
        declared.push_back({t->str(), c.license_path, c.detection_override});
    } else {
      declared.push_back({c.license, c.license_path, c.detection_override});
    }
  }
  std::vector<LicenseDiff> diffs;
  for (const auto& dl : detected) {
    if (!confident(dl)) continue;
    bool found = false;
    for (const auto& ml : declared) {
      if (dl.source == ml.source) {
        if (dl.name == ml.name) {
          found = true;
        } else {
          if (ml.override_.empty() || ml.override_ != dl.name)
            diffs.push_back({dl.source, ml.name, dl.name, ml.override_, dl.type});
          found = true;
          break;
        }
      } else if (ml.source.empty() && dl.name == ml.name) {
        found = true;
      }
    }
    if (!found) diffs.push_back({dl.source, "", dl.name, "", dl.type});
  }
  return diffs;
}

std::vector<std::string> describe_difference(const LicenseDiff& d) {
  std::vector<std::string> out;
  if (d.is.empty())
    out.push_back(d.path + ": " + d.should + " not found");
  else if (!d.override_.empty())
    out.push_back(d.path + ": requested override from " + d.override_ + " to " + d.is + ", but now detecting as " + d.should);
  else
    out.push_back(d.path + ": " + d.should + " != " + d.is);
  if (d.new_type != "unencumbered" && d.new_type != "notice")
    out.push_back("NOTE! " + d.path + ": " + d.should + " might be a restrictive license, please proceed with caution");
  return out;
}

base::Result<LicenseCheckResult> license_check(const fs::path& root, const config::BuildConfig* cfg, bool deep) {
  LicenseCheckResult r;
  TRY_ASSIGN(r.files, find_license_files(root, deep));
  if (cfg) {
    std::set<std::string> have;
    for (const auto& f : r.files) have.insert(f.path);
    for (const auto& c : cfg->package.copyright)
      if (!c.license_path.empty() && have.insert(c.license_path).second) r.files.push_back({c.license_path, 1.0});
  }
  std::error_code ec;
  const fs::path real_root = fs::weakly_canonical(root, ec);
  for (const auto& f : r.files) {
    fs::path p = root / f.path;
    // Through symlinks too, a license file stays inside the tree (GHSA-2w4f-9fgg-q2v9).
    const fs::path real = fs::weakly_canonical(p, ec);
    auto [end, _] = std::mismatch(real_root.begin(), real_root.end(), real.begin(), real.end());
    if (ec || end != real_root.end())
      return base::fail(base::ErrorCode::kInvalidInput, p.string() + ": license file leads outside " + root.string());
    auto text = base::read_file(p);
    if (!text) return tl::unexpected(text.error());
    auto found = identify_licenses(*text, f.path);
    r.detected.insert(r.detected.end(), found.begin(), found.end());
  }
  if (cfg) r.diffs = license_differences(r.detected, *cfg);
  return r;
}

base::Result<std::string> fix_copyright(std::string_view yaml, std::string_view filename,
                                        const std::vector<DetectedLicense>& detected, std::string_view format) {
  if (format != "flat" && format != "simple")
    return base::fail(base::ErrorCode::kUsage, "--format \"" + std::string(format) + "\": must be flat or simple");
  TRY_ASSIGN(config::BuildConfig cfg, config::parse_build_config(yaml, filename));
  std::vector<const DetectedLicense*> sure;
  for (const auto& d : detected)
    if (confident(d)) sure.push_back(&d);
  if (sure.empty()) return std::string(yaml);

  std::vector<std::string> lines;
  for (auto l : base::split(yaml, '\n')) lines.emplace_back(l);
  bool trailing_newline = !lines.empty() && lines.back().empty();
  if (trailing_newline) lines.pop_back();
  auto indent = [](const std::string& l) {
    size_t i = 0;
    while (i < l.size() && l[i] == ' ') ++i;
    return i;
  };
  auto blank = [](const std::string& l) {
    auto t = base::trim(l);
    return t.empty() || t.front() == '#';
  };
  // package: block, then its copyright: key.
  size_t pkg = lines.size();
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].rfind("package:", 0) == 0) pkg = i;
  if (pkg == lines.size())
    return base::fail(base::ErrorCode::kInvalidInput, std::string(filename) + ": no top-level \"package:\" line");
  size_t pkg_end = pkg + 1, child = 0;
  for (; pkg_end < lines.size(); ++pkg_end) {
    if (blank(lines[pkg_end])) continue;
    if (indent(lines[pkg_end]) == 0) break;
    if (child == 0) child = indent(lines[pkg_end]);
  }
  if (child == 0) child = 2;
  std::string pad(child, ' ');
  std::vector<std::string> entries;
  if (format == "simple") {
    std::set<std::string> names;
    for (const auto* d : sure) names.insert(d->name);
    entries.push_back(pad + "  - license: " + base::join(std::vector<std::string>(names.begin(), names.end()), " AND "));
  } else {
    for (const auto* d : sure) {
      entries.push_back(pad + "  - license: " + d->name);
      entries.push_back(pad + "    license-path: " + d->source);
    }
  }
  size_t key = lines.size();
  for (size_t i = pkg + 1; i < pkg_end; ++i)
    if (indent(lines[i]) == child && lines[i].compare(child, 10, "copyright:") == 0) key = i;
  if (key == lines.size()) {
    // No copyright yet: add it at the end of package:.
    size_t at = pkg_end;
    while (at > pkg + 1 && blank(lines[at - 1])) --at;
    std::vector<std::string> block{pad + "copyright:"};
    block.insert(block.end(), entries.begin(), entries.end());
    lines.insert(lines.begin() + static_cast<long>(at), block.begin(), block.end());
  } else {
    size_t end = key + 1;
    for (; end < pkg_end; ++end) {
      if (blank(lines[end])) continue;
      // A block sequence may sit at the key's own indentation ("copyright:\n- license: x").
      if (indent(lines[end]) < child || (indent(lines[end]) == child && lines[end].compare(child, 1, "-") != 0)) break;
    }
    while (end > key + 1 && blank(lines[end - 1])) --end;
    lines[key] = pad + "copyright:";
    lines.erase(lines.begin() + static_cast<long>(key) + 1, lines.begin() + static_cast<long>(end));
    lines.insert(lines.begin() + static_cast<long>(key) + 1, entries.begin(), entries.end());
  }
  std::string out = base::join(lines, "\n");
  if (trailing_newline) out += '\n';
  if (auto check = config::parse_build_config(out, filename); !check)
    return tl::unexpected(std::move(check).error().context("after rewriting package.copyright"));
  (void)cfg;
  return out;
}

}  // namespace melange
