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

// Parses argv, sets up logging from --log-level, runs the chosen command and
// returns the process exit status. Catches everything: no exception leaves.
int run(const std::string& tool, const std::string& description, const std::vector<Command>& commands, int argc,
        char** argv);

// `<tool> version`: prints version and git commit.
Command version_command(const std::string& tool);

}  // namespace cli
