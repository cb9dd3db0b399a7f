// apko install-keys: the signing keys the configured repositories publish (Chainguard-style
// discovery, repo/key_discovery.hpp) into /etc/apk/keys.
#include <spdlog/spdlog.h>

#include "apko/commands.hpp"
#include "fetch/client.hpp"
#include "repo/key_discovery.hpp"

namespace apko_app {

cli::Command install_keys_command() {
  return {"install-keys", "Discover and install the keys of every repository in /etc/apk/repositories",
          [](CLI::App& sub) {
            auto root = std::make_shared<std::string>("/");
            sub.add_option("--root", *root, "Root whose etc/apk/repositories is read and etc/apk/keys written")
                ->capture_default_str();
            return [root]() -> base::Status {
              fetch::Options o;
              o.user_agent = "apko-cpp";
              fetch::Client client(o);
              TRY_ASSIGN(auto written, repo::install_discovered_keys(*root, client));
              for (const auto& p : written) spdlog::info("wrote {}", p.string());
              if (written.empty()) spdlog::info("no repository of {}etc/apk/repositories publishes keys", *root);
              return {};
            };
          }};
}

}  // namespace apko_app
