#include "rootfs/id_file.hpp"

#include "base/strings.hpp"

namespace rootfs {

namespace {

std::optional<uint32_t> id_of(std::string_view field) {
  long long v = 0;
  if (!base::parse_int64(field, &v) || v < 0 || v > 0xffffffffLL) return std::nullopt;
  return static_cast<uint32_t>(v);
}

}  // namespace

std::vector<IdEntry> read_id_file(const Tree& tree, std::string_view path) {
  std::vector<IdEntry> out;
  auto text = tree.read_file(path);
  if (!text) return out;
  for (auto line : base::split(*text, '\n')) {
    auto f = base::split(line, ':');
    if (f.size() < 3 || f[0].empty()) continue;
    auto id = id_of(f[2]);
    if (!id) continue;
    out.push_back(IdEntry{std::string(f[0]), *id, f.size() >= 4 ? id_of(f[3]) : std::nullopt});
  }
  return out;
}

std::map<uint32_t, std::string> id_names(const Tree& tree, std::string_view path) {
  std::map<uint32_t, std::string> out;
  for (auto& e : read_id_file(tree, path)) out.emplace(e.id, std::move(e.name));
  return out;
}

}  // namespace rootfs
