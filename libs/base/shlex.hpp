// POSIX-shell-like word splitting without expansion: apko's `entrypoint.command` and `cmd`, and
// melange's word-list inputs (`opts`) pasted outside quotes in a pipeline script.
//
// Words are separated by unquoted blanks (space, tab, newline). Inside single quotes every
// character is literal; inside double quotes a backslash escapes only \ " $ ` and newline;
// outside quotes a backslash escapes the next character. No expansion of any kind. With
// `comments`, an unquoted `#` that starts a word begins a comment up to the end of the line, as
// in a shell script (melange pastes `opts` into one, so recipes write `--x  # why` in them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace base {

// Errors (kInvalidInput) for an unterminated quote or a trailing backslash, naming `what`.
base::Result<std::vector<std::string>> shlex_split(std::string_view text, std::string_view what = "command",
                                                   bool comments = false);

}  // namespace base
