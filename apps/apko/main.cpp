// apko: assembles OCI images only from apk packages. Thin: every command lives in
// its own cmd_*.cpp and calls into libs/.
#include "apko/commands.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
  cli::RunOptions options;
  options.workdir_flag = true;  // apko -C DIR, as the original
  return cli::run("apko", "Build OCI images from apk packages", apko_app::commands(), argc, argv, options);
}
