// POSIX-shell-like word splitting for `entrypoint.command` and `cmd` (apko shlex-splits them).
//
// Words are separated by unquoted blanks (space, tab, newline). Inside single quotes every
// character is literal; inside double quotes a backslash escapes only \ " $ ` and newline;
// outside quotes a backslash escapes the next character. No expansion of any kind.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace apko {

// Errors (kInvalidInput) for an unterminated quote or a trailing backslash, naming `what`.
base::Result<std::vector<std::string>> shlex_split(std::string_view text, std::string_view what = "command");

}  // namespace apko
