#include "melange/git_head.hpp"

#include <algorithm>
#include <cctype>

#include "base/fs.hpp"
#include "base/strings.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

bool is_commit_id(std::string_view s) {
  return (s.size() == 40 || s.size() == 64) &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'); });
}

std::optional<std::string> first_line(const fs::path& p) {
  auto text = base::read_file(p);
  if (!text) return std::nullopt;
  return std::string(base::trim(std::string_view(*text).substr(0, text->find('\n'))));
}

// The repository's own directory (HEAD lives there) for a work tree's `.git`.
std::optional<fs::path> git_dir_of(const fs::path& dot_git) {
  std::error_code ec;
  if (fs::is_directory(dot_git, ec)) return dot_git;
  auto line = first_line(dot_git);
  if (!line || line->rfind("gitdir:", 0) != 0) return std::nullopt;
  fs::path dir(std::string(base::trim(std::string_view(*line).substr(7))));
  return dir.is_absolute() ? dir : dot_git.parent_path() / dir;
}

std::optional<std::string> resolve_ref(const fs::path& git_dir, const std::string& ref) {
  if (ref.find("..") != std::string::npos || ref.rfind("refs/", 0) != 0) return std::nullopt;
  fs::path common = git_dir;
  if (auto c = first_line(git_dir / "commondir")) common = fs::path(*c).is_absolute() ? fs::path(*c) : git_dir / *c;
  for (const fs::path& dir : {git_dir, common})
    if (auto id = first_line(dir / ref); id && is_commit_id(*id)) return id;
  auto packed = base::read_file(common / "packed-refs");
  if (!packed) return std::nullopt;
  for (auto line : base::split(*packed, '\n')) {
    auto sp = line.find(' ');
    if (sp != std::string_view::npos && line.substr(sp + 1) == ref && is_commit_id(line.substr(0, sp)))
      return std::string(line.substr(0, sp));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> git_head_commit(const fs::path& start_dir) {
  std::error_code ec;
  fs::path dir = fs::absolute(start_dir, ec).lexically_normal();
  if (ec) return std::nullopt;
  for (;;) {
    if (fs::exists(dir / ".git", ec)) {
      auto git_dir = git_dir_of(dir / ".git");
      if (!git_dir) return std::nullopt;
      auto head = first_line(*git_dir / "HEAD");
      if (!head) return std::nullopt;
      if (is_commit_id(*head)) return head;
      if (head->rfind("ref:", 0) == 0) return resolve_ref(*git_dir, std::string(base::trim(std::string_view(*head).substr(4))));
      return std::nullopt;
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

}  // namespace melange
