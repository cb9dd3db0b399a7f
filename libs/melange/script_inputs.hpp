// How a pipeline file's `runs` script receives the pipeline's inputs.
//
// melange pastes ${{inputs.x}} into the script as text, so an input is shell code there and
// `opts: --with-x="a b"` works because the shell re-reads the quotes. Here an input is never
// code, yet quoting still means what the user wrote. What a reference becomes depends on where
// it stands in the script:
//
//   outside quotes (also in $(...) and `...`): the value split into words as a shell would
//       (quotes, backslashes and `#` comments honoured, nothing expanded; base/shlex.hpp), each word
//       single-quoted: `--a "b c"` passes two arguments, `$(reboot); x` passes two literal words;
//   inside "...":  ${INPUT_X} (the environment variable carrying the input), expanded as data;
//   inside '...':  the value with each ' written as '\'' (literal text, as melange pastes it);
//   here-document bodies: ${INPUT_X} after an unquoted delimiter; after a quoted one the
//       value as is, lines included, unless one of its lines is the delimiter (it would end the
//       document early and run the rest as script: an error).
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
