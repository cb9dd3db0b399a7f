// melange bump CONFIG VERSION [--expected-commit C]: edits the YAML in place.
#include <spdlog/spdlog.h>

#include "fetch/client.hpp"
#include "melange/bump.hpp"
#include "melange/commands.hpp"

namespace melange_app {

cli::Command bump_command() {
  return {"bump", "Set a new version: epoch reset, fetch checksums and git commit updated, formatting kept",
          [](CLI::App& sub) {
            auto file = std::make_shared<std::string>();
            auto opts = std::make_shared<melange::BumpOptions>();
            sub.add_option("config", *file, "The melange YAML file")->required();
            sub.add_option("version", opts->version, "The new version")->required();
            sub.add_option("--expected-commit", opts->expected_commit, "New expected-commit for git-checkout steps");
            return [file, opts]() -> base::Status {
              fetch::Client client;
              TRY(melange::bump_config_file(*file, *opts, client));
              spdlog::info("{}: bumped to {}", *file, opts->version);
              return {};
            };
          }};
}

}  // namespace melange_app
