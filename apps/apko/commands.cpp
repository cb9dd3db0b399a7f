#include "apko/commands.hpp"

#include "common/completion.hpp"

namespace apko_app {

std::vector<cli::Command> commands() {
  return {
      build_command(),         publish_command(),       login_command(),          lock_command(),
      show_config_command(),   show_packages_command(), build_minirootfs_command(), build_cpio_command(),
      dot_command(),           install_keys_command(),  clean_command(),          cli::completion_command("apko"),
      cli::version_command("apko"),
  };
}

}  // namespace apko_app
