// melange: builds signed apk packages from declarative YAML. Thin: every command
// lives in its own cmd_*.cpp and calls into libs/.
#include "common/cli.hpp"
#include "melange/commands.hpp"

int main(int argc, char** argv) {
  return cli::run("melange", "Build apk packages from declarative YAML", melange_app::commands(), argc, argv);
}
