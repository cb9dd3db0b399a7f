// The command table of apko; each entry is defined in its cmd_<name>.cpp.
#pragma once

#include <vector>

#include "common/cli.hpp"

namespace apko_app {

std::vector<cli::Command> commands();

}  // namespace apko_app
