// The OCI image configuration of an apko image, from the YAML config and the built tree:
//   Entrypoint  entrypoint.shell-fragment -> ["/bin/sh", "-c", fragment]; type service-bundle ->
//               ["/bin/s6-svscan", "/sv"]; else entrypoint.command shell-split
//   Cmd         cmd shell-split;  WorkingDir work-dir;  StopSignal stop-signal;  Volumes volumes
//   User        accounts.run-as, a user name replaced by its uid from the image's etc/passwd
//   Env         environment plus the defaults PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin
//               and SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt (unless set), sorted "K=V"
//   Labels      the annotations;  created = the build-date epoch (RFC 3339)
//   history     one entry for the single layer (created_by "apko")
// And the annotations of manifests and the index: config annotations, then --annotations
// (winning), always org.opencontainers.image.created, and org.opencontainers.image.source /
// .revision when vcs-url is "url@commit".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "apk/arch.hpp"
#include "base/error.hpp"
#include "config/image_config.hpp"
#include "oci/image.hpp"
#include "rootfs/tree.hpp"

namespace apko {

inline constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin";
inline constexpr const char* kDefaultSslCertFile = "/etc/ssl/certs/ca-certificates.crt";
inline constexpr const char* kAuthor = "apko (C++ reimplementation, melange-apko)";

base::Result<std::map<std::string, std::string>> image_annotations(
    const config::ImageConfig& cfg, const std::vector<std::pair<std::string, std::string>>& cli_annotations,
    const std::string& vcs_url, int64_t epoch);

base::Result<oci::ImageConfigSpec> image_config_spec(const config::ImageConfig& cfg, const rootfs::Tree& tree,
                                                     const apk::Arch& arch, int64_t epoch,
                                                     const std::map<std::string, std::string>& annotations);

}  // namespace apko
