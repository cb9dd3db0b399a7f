#include "melange/commands.hpp"

#include "common/completion.hpp"

namespace melange_app {

std::vector<cli::Command> commands() {
  return {
      build_command(), test_command(), keygen_command(), sign_command(), sign_index_command(), index_command(), lint_command(),
      compile_command(), query_command(), package_version_command(), bump_command(),
      rebuild_command(), update_cache_command(), scan_command(), license_check_command(),
      source_command(), initramfs_command(), cli::completion_command("melange"), cli::version_command("melange"),
  };
}

}  // namespace melange_app
