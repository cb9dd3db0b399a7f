// The command table of melange; each entry is defined in its cmd_<name>.cpp.
#pragma once

#include <vector>

#include "common/cli.hpp"

namespace melange_app {

std::vector<cli::Command> commands();

cli::Command keygen_command();
cli::Command sign_command();
cli::Command sign_index_command();
cli::Command index_command();
cli::Command lint_command();

}  // namespace melange_app
