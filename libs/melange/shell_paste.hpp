// Whether an input value can be pasted into a pipeline script as melange pastes it, without
// leaving the syntactic place it is pasted into.
//
// melange substitutes ${{inputs.x}} as text, so recipes rely on the shell expanding what the
// value holds: `opts: --with-extra-cflags="$CFLAGS"`, `ldflags: -X main.Date=$(date ...)`.
// Pasting keeps that meaning as long as the value stays inside its place:
//
//   paste_words: the value as a list of words (after the command, outside quotes). Quotes,
//       backslashes, $VAR, ${...}, $(...), `...` and redirections are kept as written; `#`
//       comments are dropped, line continuations joined and other newlines become blanks. A
//       value with a control operator outside quotes and substitutions (; & | ( )), an
//       unterminated quote or substitution, or a trailing backslash is not a word list: nullopt.
//   paste_in_double_quotes: the value inside "...". A bare " in it closes the surrounding quotes:
//       then the value is pasted only when, with the surrounding quotes, it is a word list
//       (`-X "a=$(git rev-parse HEAD)"` in `-ldflags "-w ${{inputs.ldflags}}"`), with that
//       list's newlines outside quotes as blanks. nullopt otherwise, or when it leaves a
//       substitution open or ends in a lone backslash.
//   paste_in_here_document: the value in the body of a here-document with an unquoted
//       delimiter: as inside "...", but " is plain text there.
//
// Callers render a value that cannot be pasted as data instead (script_inputs.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace melange {

std::optional<std::string> paste_words(std::string_view value);
std::optional<std::string> paste_in_double_quotes(std::string_view value);
std::optional<std::string> paste_in_here_document(std::string_view value);

}  // namespace melange
