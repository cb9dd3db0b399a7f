#include "apko/post_install.hpp"

#include "apko/accounts.hpp"
#include "apko/apko_json.hpp"
#include "apko/busybox.hpp"
#include "apko/path_mutations.hpp"

namespace apko {

using rootfs::Meta;

base::Status add_runtime_keys(rootfs::Tree& tree, const std::vector<config::NamedContent>& keys, int64_t mtime) {
  if (keys.empty()) return base::ok();
  TRY(tree.mkdir_p("etc/apk/keys", Meta{0755, 0, 0, 0, {}}));
  for (const auto& k : keys) {
    if (k.name.empty() || k.name.find('/') != std::string::npos || k.name == "." || k.name == "..")
      return base::fail(base::ErrorCode::kInvalidInput, "runtime_keyring: bad key name '" + k.name + "'");
    std::string path = "etc/apk/keys/" + k.name;
    if (tree.exists(path))
      return base::fail(base::ErrorCode::kConflict, "runtime_keyring: " + path + " already exists in the image");
    if (k.content.find("PUBLIC KEY-----") == std::string::npos)
      return base::fail(base::ErrorCode::kInvalidInput, "runtime_keyring " + k.name + ": content is not a PEM public key");
    TRY(tree.write_file(path, rootfs::Content::own(k.content), Meta{0644, 0, 0, mtime, {}}));
  }
  return base::ok();
}

base::Status write_service_bundle(rootfs::Tree& tree, const config::OrderedMap& services) {
  TRY(tree.mkdir_p("sv", Meta{0777, 0, 0, 0, {}}));
  for (const auto& [name, cmd] : services) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      return base::fail(base::ErrorCode::kInvalidInput, "entrypoint.services: bad service name '" + name + "'");
    TRY(tree.mkdir_p("sv/" + name, Meta{0777, 0, 0, 0, {}}));
    TRY(tree.write_file("sv/" + name + "/run", rootfs::Content::own("#!/bin/execlineb\n" + cmd + "\n"),
                        Meta{0755, 0, 0, 0, {}}));
  }
  return base::ok();
}

base::Result<PostInstallResult> post_install(rootfs::Tree& tree, const config::ImageConfig& cfg, int64_t mtime,
                                             const std::string& apko_json) {
  PostInstallResult r;
  TRY(write_accounts(tree, cfg.accounts));
  if (!apko_json.empty()) TRY(write_apko_json(tree, apko_json));
  TRY(apply_path_mutations(tree, cfg.paths));
  TRY(add_runtime_keys(tree, cfg.contents.runtime_keyring, mtime));
  if (cfg.entrypoint.type == "service-bundle") TRY(write_service_bundle(tree, cfg.entrypoint.services));
  TRY_ASSIGN(r.busybox_links, add_busybox_links(tree));
  for (const char* f : {"etc/os-release", "etc/passwd", "etc/group"})
    if (!tree.exists(f, rootfs::Follow::kFollow))
      r.warnings.push_back(std::string("image has no /") + f +
                           (std::string(f) == "etc/os-release" ? " (scanners will not identify its OS)" : ""));
  return r;
}

}  // namespace apko
