#include "apko/commands.hpp"

namespace apko_app {

std::vector<cli::Command> commands() {
  return {
      cli::version_command("apko"),
  };
}

}  // namespace apko_app
