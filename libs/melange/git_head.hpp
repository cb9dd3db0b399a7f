// The commit checked out in the git repository holding a file (melange build's default for
// --git-commit, named in each package's SBOM as the configuration's version).
//
// Read from the repository's files, not by running git: .git found by walking up from the
// directory (a `.git` file with `gitdir:` for worktrees and submodules), HEAD either a commit
// id or `ref: <name>` resolved through the loose ref or packed-refs (in the common directory
// for worktrees). Best effort: anything unusual is nullopt, never an error, and nothing in
// the repository runs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace melange {

std::optional<std::string> git_head_commit(const std::filesystem::path& start_dir);

}  // namespace melange
