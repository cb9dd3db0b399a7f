// Image references "[registry/]repository[:tag][@digest]" with Docker's defaults as
// go-containerregistry applies them: no registry (the first path component has no
// '.' or ':' and is not "localhost") means index.docker.io, a one-component Docker Hub
// repository gets "library/", and a reference without tag or digest gets tag "latest".
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"

namespace oci {

struct Reference {
  std::string registry, repository, tag, digest;
  // "registry/repository[:tag][@digest]".
  std::string str() const;
  // The repository with its registry: "index.docker.io/library/alpine".
  std::string name() const { return registry + "/" + repository; }
  // tag if set, else digest: what goes in /v2/<repo>/manifests/<here>.
  const std::string& identifier() const { return digest.empty() ? tag : digest; }
};

base::Result<Reference> parse_reference(std::string_view ref);

// True for registries spoken to over plain http: localhost, 127.0.0.1, [::1] (any port)
// and *.localhost.
bool is_local_registry(std::string_view registry);

}  // namespace oci
