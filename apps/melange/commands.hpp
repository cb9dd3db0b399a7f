// The command table of melange; each entry is defined in its cmd_<name>.cpp.
#pragma once

#include <vector>

#include "common/cli.hpp"

namespace melange_app {

std::vector<cli::Command> commands();

}  // namespace melange_app
