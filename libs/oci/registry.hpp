// Pushing to and reading from OCI/Docker registries (distribution-spec v2 API).
//
// Blobs: HEAD /v2/<repo>/blobs/<digest> (skip when present), else POST
// /v2/<repo>/blobs/uploads/ and a monolithic PUT <Location>?digest=<digest>.
// Manifests: PUT /v2/<repo>/manifests/<digest or tag> with the manifest's media type.
// Auth: GET /v2/ first; a 401 with `WWW-Authenticate: Bearer realm=..,service=..`
// gets a token from the realm (scope repository:<repo>:pull,push, using the Docker
// config's credentials as basic auth if any); `Basic` uses those credentials directly.
// Registries on localhost/127.0.0.1/[::1] are spoken to over plain http, others https.
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"
#include "oci/docker_config.hpp"
#include "oci/image.hpp"
#include "oci/reference.hpp"

namespace oci {

class RegistryClient {
 public:
  RegistryClient() = default;
  // Explicit credentials instead of the Docker config's.
  explicit RegistryClient(Credentials creds) : creds_(std::move(creds)), have_creds_(true) {}

  // Uploads layers and config, then the manifest by digest and, if `ref` has a tag, by tag.
  base::Status push_image(const Reference& ref, const Image& image);
  // Pushes every image by digest, then the index by digest and by ref's tag.
  base::Status push_index(const Reference& ref, const Index& index, const std::vector<Image>& images);
  // The manifest (or index) `ref` names, as raw bytes.
  base::Result<std::string> get_manifest(const Reference& ref);

 private:
  struct Session;
  base::Result<Session> open(const Reference& ref, bool push);
  base::Status push_blob(Session& s, const std::string& digest, const std::string& data,
                         const std::filesystem::path& file);
  base::Status put_manifest(Session& s, const std::string& identifier, const std::string& media_type,
                            const std::string& body);

  Credentials creds_;
  bool have_creds_ = false;
};

}  // namespace oci
