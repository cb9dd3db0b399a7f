#include "repo/mirrors.hpp"

#include <algorithm>
#include <cstdlib>

#include "base/strings.hpp"
#include "fetch/url.hpp"

namespace repo {

namespace {

std::string_view strip_trailing_slashes(std::string_view s) {
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  return s;
}

// Whether `from` is a prefix of `url` ending at a boundary.
bool prefix_matches(std::string_view url, std::string_view from) {
  if (url.substr(0, from.size()) != from) return false;
  if (url.size() == from.size() || from.back() == '/') return true;
  char next = url[from.size()];
  return next == '/' || next == '?' || next == '#';
}

std::string join_rewrite(std::string_view to, std::string_view rest) {
  std::string out(to);
  if (!out.empty() && out.back() == '/' && !rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  out += rest;
  return out;
}

}  // namespace

void Mirrors::sort() {
  std::stable_sort(rules_.begin(), rules_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

base::Result<Mirrors> Mirrors::parse(const std::vector<std::string>& specs) {
  Mirrors m;
  for (const auto& spec : specs) {
    std::string_view s = base::trim(spec);
    size_t eq = s.find('=');
    if (eq == std::string_view::npos)
      return base::fail(base::ErrorCode::kInvalidInput, "mirror \"" + fetch::redact(s) + "\": expected FROM=TO",
                        "e.g. https://packages.wolfi.dev/os=/srv/mirror/wolfi");
    std::string_view from = strip_trailing_slashes(base::trim(s.substr(0, eq)));
    std::string_view to = strip_trailing_slashes(base::trim(s.substr(eq + 1)));
    if (from.empty() || to.empty())
      return base::fail(base::ErrorCode::kInvalidInput,
                        "mirror \"" + fetch::redact(s) + "\": " + (from.empty() ? "FROM" : "TO") + " is empty");
    for (const auto& r : m.rules_)
      if (r.first == from)
        return base::fail(base::ErrorCode::kInvalidInput,
                          "mirror \"" + fetch::redact(from) + "\": mapped twice (to \"" + fetch::redact(r.second) +
                              "\" and \"" + fetch::redact(to) + "\")");
    m.rules_.emplace_back(std::string(from), std::string(to));
  }
  m.sort();
  return m;
}

base::Result<Mirrors> Mirrors::parse_list(std::string_view text, std::string_view origin) {
  std::vector<std::string> specs;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ';' || text[i] == '\n') {
      std::string_view part = base::trim(text.substr(start, i - start));
      if (!part.empty()) specs.emplace_back(part);
      start = i + 1;
    }
  }
  return base::with_context(parse(specs), std::string(origin));
}

base::Result<Mirrors> Mirrors::from_env() {
  const char* v = std::getenv("APK_MIRRORS");
  if (!v || !*v) return Mirrors{};
  return parse_list(v, "APK_MIRRORS");
}

std::string Mirrors::rewrite(std::string_view url) const {
  // Longest FROM first; the first rule that matches (with or without credentials) wins.
  std::string bare = fetch::redact(url);
  for (const auto& [from, to] : rules_) {
    if (prefix_matches(url, from)) return join_rewrite(to, url.substr(from.size()));
    if (bare != url && prefix_matches(bare, from)) return join_rewrite(to, std::string_view(bare).substr(from.size()));
  }
  return std::string(url);
}

void Mirrors::merge(const Mirrors& other) {
  for (const auto& rule : other.rules_) {
    auto it = std::find_if(rules_.begin(), rules_.end(), [&](const auto& r) { return r.first == rule.first; });
    if (it != rules_.end())
      it->second = rule.second;
    else
      rules_.push_back(rule);
  }
  sort();
}

}  // namespace repo
