// Shell completion for both CLIs. CLI11 has no completion generator, so this walks the
// parsed command tree (subcommands, flags, options, positional choices) into a small model
// and prints a self-contained script for bash, zsh or fish from it:
//
//   source <(melange completion bash)
//   melange completion zsh > "${fpath[1]}/_melange"      (or: source <(melange completion zsh))
//   melange completion fish > ~/.config/fish/completions/melange.fish
//
// Every script does the same thing: it walks the words typed so far to find the command
// path (a word naming a subcommand of the current node descends into it; an option that
// takes a value skips the next word), then offers, for the word under the cursor:
//   - the value of an option: its choices (a CLI11 IsMember set), else file names;
//   - a word starting with '-': the flags of the current node;
//   - otherwise the subcommands of the current node, else its positional choices, else
//     file names.
// Root flags (--log-level) are offered only before the command, where the CLIs accept them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/error.hpp"
#include "common/cli.hpp"

namespace cli {

struct CompletionFlag {
  std::vector<std::string> names;  // "--arch", "-k", "--keyring-append" (long names first)
  bool takes_value = false;
  std::string help;
  std::vector<std::string> choices;  // from an IsMember validator; empty = any (files)
};

struct CompletionNode {
  std::string name;  // the subcommand (empty for the root)
  std::string help;
  std::vector<CompletionFlag> flags;
  std::vector<std::string> positional_choices;  // values of the first positional with an IsMember set
  std::vector<CompletionNode> children;         // in declaration order
};

// The model of `app` and its subcommands (disabled ones and flags in an empty group,
// CLI11's way of hiding, are left out).
CompletionNode completion_model(const CLI::App& app);

enum class Shell { kBash, kZsh, kFish };
// "bash", "zsh", "fish"; anything else is a kUsage error naming the shells.
base::Result<Shell> parse_shell(std::string_view name);

// The completion script of `tool` for `shell`.
std::string completion_script(const CompletionNode& root, const std::string& tool, Shell shell);

// `<tool> completion bash|zsh|fish`: prints the script for the whole command tree.
Command completion_command(const std::string& tool);

}  // namespace cli
