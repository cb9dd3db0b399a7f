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
cli::Command compile_command();
cli::Command query_command();
cli::Command package_version_command();
cli::Command bump_command();
cli::Command build_command();
cli::Command test_command();
cli::Command rebuild_command();
cli::Command update_cache_command();
cli::Command scan_command();
cli::Command license_check_command();
cli::Command source_command();
cli::Command initramfs_command();

}  // namespace melange_app
