#include "repo/repo_spec.hpp"

#include "base/strings.hpp"
#include "fetch/url.hpp"

namespace repo {

namespace {

bool valid_tag(std::string_view tag) {
  if (tag.empty()) return false;
  for (char c : tag)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

}  // namespace

base::Result<RepoSpec> RepoSpec::parse(std::string_view line, const std::filesystem::path& base_dir) {
  std::string_view s = base::trim(line);
  RepoSpec spec;
  if (!s.empty() && s.front() == '@') {
    size_t sp = s.find_first_of(" \t");
    if (sp == std::string_view::npos)
      return base::fail(base::ErrorCode::kInvalidInput, "repository \"" + fetch::redact(s) + "\": tag without a URL",
                        "write \"@tag URL\", e.g. \"@local ./packages\"");
    std::string_view tag = s.substr(1, sp - 1);
    if (!valid_tag(tag))
      return base::fail(base::ErrorCode::kInvalidInput,
                        "repository \"" + fetch::redact(s) + "\": bad tag \"@" + std::string(tag) + "\"");
    spec.tag = std::string(tag);
    s = base::trim(s.substr(sp));
  }
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  if (s.empty()) return base::fail(base::ErrorCode::kInvalidInput, "repository: empty URL");
  if (s.find_first_of(" \t") != std::string_view::npos)
    return base::fail(base::ErrorCode::kInvalidInput, "repository \"" + fetch::redact(s) + "\": blank inside the URL");
  if (!fetch::has_scheme(s)) {
    std::filesystem::path p{std::string(s)};
    if (p.is_relative() && !base_dir.empty()) p = (base_dir / p).lexically_normal();
    std::string out = p.string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    spec.url = std::move(out);
  } else {
    spec.url = std::string(s);
  }
  return spec;
}

std::string RepoSpec::to_string() const { return tag.empty() ? url : "@" + tag + " " + url; }

}  // namespace repo
