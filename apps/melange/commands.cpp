#include "melange/commands.hpp"

namespace melange_app {

std::vector<cli::Command> commands() {
  return {
      cli::version_command("melange"),
  };
}

}  // namespace melange_app
