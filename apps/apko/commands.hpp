// The command table of apko; each entry is defined in its cmd_<name>.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apko/options.hpp"
#include "common/cli.hpp"

namespace apko_app {

std::vector<cli::Command> commands();

cli::Command build_command();
cli::Command publish_command();
cli::Command login_command();
cli::Command lock_command();
cli::Command show_config_command();
cli::Command show_packages_command();
cli::Command build_minirootfs_command();
cli::Command build_cpio_command();
cli::Command dot_command();
cli::Command install_keys_command();
cli::Command clean_command();

// Flags shared by the commands that resolve packages (cmd_common.cpp).
struct CommonFlags {
  apko::BuildOptions opts;
  std::string arch_flag;            // --arch a,b
  std::vector<std::string> annotations;  // --annotations k:v
  std::string build_date;           // --build-date
  bool vcs = true;                  // --vcs
  bool sbom = true;                 // --sbom
  std::string sbom_path;            // --sbom-path
  std::string lockfile;             // --lockfile
  std::string cache_dir;            // --cache-dir
  std::vector<std::string> sbom_formats{"spdx"};  // --sbom-formats
  std::string format;               // --format (layer payload): "" or "tar"
};
enum class FlagSet { kResolve, kBuild };
// Declares -k -r -b -p --arch --cache-dir --offline --ignore-signatures --mirror (kResolve)
// and also --annotations --build-date --lockfile --sbom --sbom-path --sbom-formats --format
// --vcs (kBuild).
void add_common_flags(CLI::App& sub, CommonFlags& f, FlagSet set);
// Checks and converts the flag values into f.opts (also reads SOURCE_DATE_EPOCH and probes
// git for --vcs); `config` is the config path (for the git probe).
base::Status finish_common_flags(CommonFlags& f, const std::string& config);
// The layer payload format of a build: --format, else the config's `format:`; only tar is
// written (erofs is refused with an error rather than ignored).
base::Status check_layer_format(const CommonFlags& f, const std::string& config_format);

}  // namespace apko_app
