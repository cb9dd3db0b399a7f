#include "apk/pkginfo.hpp"

#include <charconv>

namespace apk {
namespace {

constexpr std::string_view kVendored = "# vendored = ";
constexpr std::string_view kRecipe = "# recipe = ";
// No real .PKGINFO line comes near this; a megabyte field is an attack on every index and
// installed database the package would be copied into.
constexpr size_t kMaxLine = 64 * 1024;

base::Error line_error(size_t line, const std::string& what) {
  return base::Error{base::ErrorCode::kFormat, ".PKGINFO line " + std::to_string(line) + ": " + what, {}};
}

template <class Int>
bool parse_number(std::string_view s, Int* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

void add_words(std::vector<std::string>& list, std::string_view value) {
  for (auto& w : split_words(value)) list.push_back(std::move(w));
}

// Applies one `key = value` line. Returns false when the value does not parse.
bool apply(PackageInfo& info, std::string_view key, std::string_view value) {
  if (key == "pkgname") info.name = value;
  else if (key == "pkgver") info.version = value;
  else if (key == "arch") info.arch = value;
  else if (key == "size") return parse_number(value, &info.installed_size);
  else if (key == "origin") info.origin = value;
  else if (key == "pkgdesc") info.description = value;
  else if (key == "url") info.url = value;
  else if (key == "commit") info.commit = value;
  else if (key == "maintainer") info.maintainer = value;
  else if (key == "builddate") return parse_number(value, &info.build_time);
  else if (key == "license") info.license_lines.emplace_back(value);
  else if (key == "depend") add_words(info.depends, value);
  else if (key == "provides") add_words(info.provides, value);
  else if (key == "replaces") add_words(info.replaces, value);
  else if (key == "install_if") add_words(info.install_if, value);
  else if (key == "triggers") add_words(info.triggers, value);
  else if (key == "provider_priority" || key == "replaces_priority") {
    int64_t v = 0;
    if (!parse_number(value, &v)) return false;
    (key == "provider_priority" ? info.provider_priority : info.replaces_priority) = v;
  } else if (key == "datahash") info.datahash = value;
  return true;  // unknown keys are ignored
}

// A value with a line break (a folded YAML description) would start a new `key = value` line
// of its own choosing: trailing breaks go, inner ones become spaces. Other values are
// written as they are, so real packages round-trip byte for byte.
void put(std::string& out, std::string_view key, std::string_view value) {
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.remove_suffix(1);
  out.append(key).append(" = ");
  for (char c : value) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  out.push_back('\n');
}

}  // namespace

base::Result<PackageInfo> parse_pkginfo(std::string_view text) {
  PackageInfo info;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.size() > kMaxLine)
      return tl::unexpected(line_error(line_no, "longer than " + std::to_string(kMaxLine) + " bytes"));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Index and installed-database text is line-oriented; no field may carry a control byte.
    for (unsigned char c : line)
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return tl::unexpected(line_error(line_no, "control character in the line"));
    if (line.starts_with(kVendored)) {
      info.vendored.emplace_back(line.substr(kVendored.size()));
      continue;
    }
    if (line.starts_with(kRecipe)) {
      info.recipe_hash = std::string(line.substr(kRecipe.size()));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::string_view key, value;
    size_t eq = line.find(" = ");
    if (eq != std::string_view::npos) {
      key = line.substr(0, eq);
      value = line.substr(eq + 3);
    } else if (line.size() > 2 && line.ends_with(" =")) {
      key = line.substr(0, line.size() - 2);  // "url =" with the trailing space trimmed
    } else {
      return tl::unexpected(line_error(line_no, "expected 'key = value'"));
    }
    if (key.empty() || key.find_first_of(" \t") != std::string_view::npos)
      return tl::unexpected(line_error(line_no, "bad key '" + std::string(key) + "'"));
    if (!apply(info, key, value))
      return tl::unexpected(line_error(line_no, "bad number for " + std::string(key) + ": '" + std::string(value) + "'"));
  }
  set_licenses(info, std::move(info.license_lines));
  if (info.name.empty()) return base::fail(base::ErrorCode::kFormat, ".PKGINFO: no pkgname");
  if (info.version.empty()) return base::fail(base::ErrorCode::kFormat, ".PKGINFO: no pkgver for " + info.name);
  return info;
}

void set_licenses(PackageInfo& info, std::vector<std::string> lines) {
  info.license.clear();
  for (const auto& l : lines)
    if (!l.empty()) info.license += (info.license.empty() ? "" : " AND ") + l;
  if (lines.size() == 1 && !lines[0].empty()) lines.clear();  // `license` alone writes it back
  info.license_lines = std::move(lines);
}

std::string write_pkginfo(const PackageInfo& info) {
  std::string out;
  out.reserve(512);
  out += "# Generated by melange\n";
  put(out, "pkgname", info.name);
  put(out, "pkgver", info.version);
  put(out, "arch", info.arch);
  put(out, "size", std::to_string(info.installed_size));
  put(out, "origin", info.origin);
  put(out, "pkgdesc", info.description);
  put(out, "url", info.url);
  put(out, "commit", info.commit);
  if (!info.maintainer.empty()) put(out, "maintainer", info.maintainer);
  if (info.build_time != 0) put(out, "builddate", std::to_string(info.build_time));
  if (!info.license_lines.empty()) {
    for (const auto& l : info.license_lines) put(out, "license", l);
  } else if (!info.license.empty()) {
    put(out, "license", info.license);
  }
  for (const auto& d : info.depends) put(out, "depend", d);
  for (const auto& p : info.provides) put(out, "provides", p);
  for (const auto& r : info.replaces) put(out, "replaces", r);
  for (const auto& v : info.vendored) out.append(kVendored).append(v).push_back('\n');
  if (info.provider_priority.value_or(0) != 0) put(out, "provider_priority", std::to_string(*info.provider_priority));
  if (info.replaces_priority.value_or(0) != 0) put(out, "replaces_priority", std::to_string(*info.replaces_priority));
  if (!info.install_if.empty()) {
    out += "install_if = ";
    append_words(out, info.install_if);
    out += '\n';
  }
  if (!info.triggers.empty()) {
    out += "triggers = ";
    for (const auto& t : info.triggers) out.append(t).push_back(' ');
    out += '\n';
  }
  if (!info.recipe_hash.empty()) out.append(kRecipe).append(info.recipe_hash).push_back('\n');
  put(out, "datahash", info.datahash);
  return out;
}

}  // namespace apk
