// The variables a melange configuration can reference as ${{name}} at compile time, and the
// shell-safety helpers used when inputs reach scripts.
//
// Paths follow melange's build layout: the workspace is /home/build, each package's files are
// collected in /home/build/melange-out/<name>.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "apk/arch.hpp"
#include "config/build_config.hpp"

namespace melange {

using VarMap = std::map<std::string, std::string>;

inline constexpr std::string_view kWorkspaceDir = "/home/build";
inline constexpr std::string_view kOutDir = "/home/build/melange-out";
inline constexpr std::string_view kCacheDir = "/var/cache/melange";

// package.*, targets.outdir/destdir/contextdir, context.name, host.*, cross.*, build.*,
// options.<o>.enabled ("true"/"false"). `vars` are added by the caller.
VarMap package_variables(const config::Package& package, const apk::Arch& arch,
                         const std::vector<std::string>& all_options, const std::vector<std::string>& enabled_options);

// Adds targets.subpkgdir, targets.contextdir, subpkg.name and context.name for a subpackage.
void set_subpackage_variables(VarMap& vars, std::string_view subpackage);

// "expected-sha256" -> "INPUT_EXPECTED_SHA256": the environment variable carrying an input.
std::string input_env_name(std::string_view input);

// A single-quoted shell word that the shell reads back as exactly `value`.
std::string shell_quote(std::string_view value);

// Joins backslash-newline continuations ("a \\\n  b" -> "a   b"), as the shell would have
// done had the value been pasted into a script.
std::string join_continuations(std::string_view value);

// --vars-file: a YAML mapping of names to scalar values.
base::Result<config::OrderedMap> load_vars_file(const std::filesystem::path& file);
// --env-file: dotenv lines "KEY=VALUE" ("export " prefix, '#' comments, blank lines and
// single/double-quoted values allowed). Malformed lines are errors naming file:line.
base::Result<config::OrderedMap> parse_env_file(std::string_view text, std::string_view filename);
base::Result<config::OrderedMap> load_env_file(const std::filesystem::path& file);
// Several --env-file files merged in order: a later file's value for a key wins.
base::Result<config::OrderedMap> load_env_files(const std::vector<std::filesystem::path>& files);

}  // namespace melange
