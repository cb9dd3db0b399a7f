// The workspace of a melange build: the directory bound at /home/build in the guest.
//
// prepare_workspace() copies the regular files of the source directory (the config file's
// directory unless --source-dir) with their permission bits, recursively, skipping
// symlinks (as melange does), entries matched by .melangeignore (one pattern per line,
// fnmatch(3) against the relative path or the base name, '#' comments; a pattern ending in
// '/' matches directories), and the directories listed in `exclude` (the out, cache and
// workspace dirs when they lie inside the source dir), and any build's staging dir
// (`.<out>.staging-*`); entries removed while the copy runs are skipped. With --empty-workspace nothing is
// copied. Then melange-out/<pkg> is created (0755) for every package of the build.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace melange {

enum class WorkspaceSource { kCopy, kEmpty };

struct WorkspaceSpec {
  std::filesystem::path dir;         // the workspace (created if missing)
  std::filesystem::path source_dir;  // copied unless kEmpty
  WorkspaceSource source = WorkspaceSource::kCopy;
  std::vector<std::filesystem::path> exclude;
  std::vector<std::string> packages;  // melange-out/<name> for each
};

base::Status prepare_workspace(const WorkspaceSpec& spec);

// Parses .melangeignore text into patterns (comments and blank lines dropped).
std::vector<std::string> parse_ignore_file(std::string_view text);
// Whether the relative path `rel` (a directory when is_dir) matches any pattern.
bool ignored(const std::vector<std::string>& patterns, const std::string& rel, bool is_dir);

}  // namespace melange
