// Registry credentials in Docker's client config: $DOCKER_CONFIG/config.json, else
// ~/.docker/config.json, section "auths": { "<registry>": {"auth": base64("user:pass")} }
// (or "username"/"password"). Keys may carry a scheme and path
// ("https://index.docker.io/v1/"); Docker Hub is found under any of its names.
// Credential helpers ("credsStore", "credHelpers") are not supported.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace oci {

struct Credentials {
  std::string username, password;
  bool empty() const { return username.empty() && password.empty(); }
};

std::filesystem::path docker_config_path();

// Credentials for `registry` (host[:port]); empty when the config or entry is missing.
// A config that does not parse is an error.
base::Result<Credentials> find_credentials(std::string_view registry);

// Stores credentials for `registry`, keeping the rest of the config, written atomically
// with mode 0600 (the directory is created 0700 if missing).
base::Status docker_login(std::string_view registry, std::string_view user, std::string_view password);

}  // namespace oci
