#include "melange/commands.hpp"

namespace melange_app {

std::vector<cli::Command> commands() {
  return {
      keygen_command(), sign_command(), sign_index_command(), index_command(), lint_command(), cli::version_command("melange"),
  };
}

}  // namespace melange_app
