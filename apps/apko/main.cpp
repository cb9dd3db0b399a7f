// apko: assembles OCI images only from apk packages. Thin: every command lives in
// its own cmd_*.cpp and calls into libs/.
#include "apko/commands.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
  return cli::run("apko", "Build OCI images from apk packages", apko_app::commands(), argc, argv);
}
