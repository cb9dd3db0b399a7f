// What both CLIs share: the command table, global flags, and the one place where
// an Error becomes a message on stderr and an exit status.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace cli {

// One subcommand: `setup` declares its flags on `sub` and returns the handler that
// runs after parsing.
struct Command {
  std::string name;
  std::string help;
  std::function<std::function<base::Status()>(CLI::App& sub)> setup;
};

// Tool-wide flags beyond --log-level.
struct RunOptions {
  bool workdir_flag = false;  // -C/--workdir DIR: change into DIR before the command (apko's)
};

// Parses argv, sets up logging from --log-level, runs the chosen command and
// returns the process exit status. Catches everything: no exception leaves.
int run(const std::string& tool, const std::string& description, const std::vector<Command>& commands, int argc,
        char** argv, const RunOptions& options = {});

// Makefiles written for the original tools pass boolean flags as two words
// (`--generate-index false`), which its flag parser reads as the flag alone plus a stray
// argument. Here a long flag of `app` or any of its subcommands followed by exactly "true" or
// "false" becomes one word (`--generate-index=false`): the value the writer meant. Other
// arguments are returned unchanged.
std::vector<std::string> join_bool_values(const CLI::App& app, const std::vector<std::string>& args);

// `<tool> version`: prints version and git commit.
Command version_command(const std::string& tool);

}  // namespace cli
