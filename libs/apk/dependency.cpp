#include "apk/dependency.hpp"

#include "base/strings.hpp"

namespace apk {
namespace {

constexpr std::string_view kSpace = " \t\r\n";
constexpr std::string_view kOpChars = "<>=~";

base::Result<Dependency> bad(std::string_view text, std::string_view problem) {
  return base::fail(base::ErrorCode::kInvalidInput,
                    "dependency '" + std::string(text) + "': " + std::string(problem));
}

// Calls fn(token) for each whitespace-separated token of `s`.
template <class Fn>
void for_each_token(std::string_view s, Fn&& fn) {
  size_t pos = 0;
  while (true) {
    pos = s.find_first_not_of(kSpace, pos);
    if (pos == std::string_view::npos) return;
    size_t end = s.find_first_of(kSpace, pos);
    if (end == std::string_view::npos) end = s.size();
    fn(s.substr(pos, end - pos));
    pos = end;
  }
}

}  // namespace

std::string Dependency::to_string() const {
  std::string out;
  out.reserve(name.size() + tag.size() + version.size() + 5);
  if (conflict) out += '!';
  out += name;
  if (!tag.empty()) {
    out += '@';
    out += tag;
  }
  if ((op & kOpAny) != kOpAny) {
    out += op_to_string(op);
    out += version;
  }
  return out;
}

bool Dependency::matches_version(std::string_view v) const {
  return version_match(v, op, version);
}

base::Result<Dependency> parse_dependency(std::string_view text) {
  const std::string_view s = base::trim(text);
  if (s.empty()) return bad(text, "empty");
  if (s.find_first_of(kSpace) != std::string_view::npos) return bad(s, "contains whitespace");

  Dependency dep;
  std::string_view rest = s;
  if (rest.front() == '!') {
    dep.conflict = true;
    rest.remove_prefix(1);
  }

  std::string_view name_part = rest, op_text, version;
  if (size_t op_pos = rest.find_first_of(kOpChars); op_pos != std::string_view::npos) {
    name_part = rest.substr(0, op_pos);
    size_t ver_pos = rest.find_first_not_of(kOpChars, op_pos);
    if (ver_pos == std::string_view::npos) ver_pos = rest.size();
    op_text = rest.substr(op_pos, ver_pos - op_pos);
    version = rest.substr(ver_pos);
  }

  std::string_view tag;
  if (size_t at = name_part.find('@'); at != std::string_view::npos) {
    tag = name_part.substr(at + 1);
    name_part = name_part.substr(0, at);
    if (tag.empty()) return bad(s, "empty repository tag after '@'");
  }
  if (name_part.empty()) return bad(s, "missing package name");
  if (name_part.find('!') != std::string_view::npos) return bad(s, "'!' inside the package name");

  if (!op_text.empty()) {
    dep.op = op_from_string(op_text);
    if (dep.op == 0) {
      return bad(s, "unsupported version operator '" + std::string(op_text) + "'");
    }
    // Some YAML spells a tagged pin "name=1.0@tag".
    if (size_t at = version.find('@'); at != std::string_view::npos) {
      if (!tag.empty()) return bad(s, "two repository tags");
      tag = version.substr(at + 1);
      version = version.substr(0, at);
      if (tag.empty()) return bad(s, "empty repository tag after '@'");
    }
    if (version.empty()) return bad(s, "missing version after '" + std::string(op_text) + "'");
    if (!version_is_valid(version)) return bad(s, "invalid version '" + std::string(version) + "'");
  }
  if (tag.find_first_of("@!") != std::string_view::npos) return bad(s, "invalid repository tag");

  dep.name = name_part;
  dep.tag = tag;
  dep.version = version;
  return dep;
}

base::Result<std::vector<Dependency>> parse_dependencies(std::string_view space_separated) {
  std::vector<Dependency> out;
  base::Status status = base::ok();
  for_each_token(space_separated, [&](std::string_view word) {
    if (!status) return;
    auto dep = parse_dependency(word);
    if (!dep) {
      status = tl::unexpected(std::move(dep).error());
      return;
    }
    out.push_back(std::move(*dep));
  });
  if (!status) return tl::unexpected(std::move(status).error());
  return out;
}

Provide parse_provide(std::string_view text) {
  const std::string_view s = base::trim(text);
  const size_t eq = s.find('=');
  if (eq == std::string_view::npos) return Provide{std::string(s), {}};
  return Provide{std::string(s.substr(0, eq)), std::string(s.substr(eq + 1))};
}

std::vector<Provide> parse_provides(std::string_view space_separated) {
  std::vector<Provide> out;
  for_each_token(space_separated, [&](std::string_view word) { out.push_back(parse_provide(word)); });
  return out;
}

}  // namespace apk
