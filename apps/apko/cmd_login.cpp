// apko login REGISTRY -u USER (-p PASS | --password-stdin): store credentials in the Docker config.
#include <spdlog/spdlog.h>

#include <iostream>

#include "apko/commands.hpp"
#include "oci/docker_config.hpp"

namespace apko_app {

cli::Command login_command() {
  return {"login", "Store registry credentials in the Docker config ($DOCKER_CONFIG/config.json)",
          [](CLI::App& sub) {
            struct Args {
              std::string registry, user, pass;
              bool stdin_pass = false;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("registry", a->registry, "Registry host[:port]")->required();
            sub.add_option("-u,--username", a->user, "User name")->required();
            sub.add_option("-p,--password", a->pass, "Password (prefer --password-stdin)");
            sub.add_flag("--password-stdin", a->stdin_pass, "Read the password from standard input");
            return [a]() -> base::Status {
              if (a->stdin_pass) {
                if (!a->pass.empty())
                  return base::fail(base::ErrorCode::kUsage, "login: --password and --password-stdin are exclusive");
                std::getline(std::cin, a->pass);
                while (!a->pass.empty() && (a->pass.back() == '\r' || a->pass.back() == '\n')) a->pass.pop_back();
              }
              if (a->pass.empty()) return base::fail(base::ErrorCode::kUsage, "login: no password given");
              TRY(oci::docker_login(a->registry, a->user, a->pass));
              spdlog::info("logged in to {} (credentials in {})", a->registry, oci::docker_config_path().string());
              return {};
            };
          }};
}

}  // namespace apko_app
