// How a pipeline file's `runs` script receives the pipeline's inputs.
//
// melange pastes ${{inputs.x}} into the script as text, so recipes rely on the shell reading the
// value: `opts: --with-x="a b" CFLAGS="$CFLAGS -g"` passes two arguments with $CFLAGS expanded.
// Here a value is pasted the same way as long as it stays in the place it is pasted into
// (melange/shell_paste.hpp), so every such recipe means what it means under melange; a value
// that would leave its place (close the quotes around it, end the command, open a
// substitution it does not close) is passed as data instead, where melange would have run the
// rest as shell code. What a reference becomes depends on where it stands in the script:
//
//   outside quotes (also in $(...) and `...`): a list of words (quotes, $VAR, $(...) as
//       written, `#` comments dropped, newlines as blanks); otherwise the value split into
//       words as a shell would (quotes, backslashes and comments honoured, nothing expanded;
//       base/shlex.hpp), each word single-quoted: `$(reboot); x` passes two literal words;
//   inside "...": the value, unless it holds a bare " (or leaves a substitution open): then
//       ${INPUT_X}, the environment variable carrying the input, expanded as data;
//   inside '...': the value with each ' written as '\'' (literal text, as melange pastes it);
//   here-document bodies: as inside "..." after an unquoted delimiter, the value as is after a
//       quoted one (lines included); a value holding a line equal to the delimiter (it would end
//       the document early and run the rest as script) is an error.
//
// References to names that are not inputs (package.*, targets.*, ...) are left untouched for
// config::substitute. A `#` comment is copied as is. The lexer knows quotes, backslashes,
// $(...), (...), `...` and here-documents; `case` patterns inside $(...) can confuse it.
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"
#include "melange/vars.hpp"

namespace melange {

// `inputs` maps "inputs.<name>" to the value. Errors (kInvalidInput) name the input.
base::Result<std::string> render_script_inputs(std::string_view runs, const VarMap& inputs);

}  // namespace melange
