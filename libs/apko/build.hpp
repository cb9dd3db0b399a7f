// The whole `apko build` for one config: a resolved Plan -> per architecture an installed
// rootfs::Tree, one deterministic gzip layer, an OCI image; then the index and the SBOMs.
//
// Per architecture (in order, each using every core for fetching and gzip):
//   1. rootfs::add_base_skeleton, then the packages in the solver's install order
//      (rootfs::Installer: owners, setgid bits and xattrs kept; nothing outside the root);
//   2. Installer::finish: usr/lib/apk/db/{installed,scripts.tar,triggers}, lib/apk
//      reachability, etc/apk/{world,arch,repositories,keys};
//   3. post_install.hpp steps;
//   4. rootfs::write_layer -> sha256 (diff_id) -> parallel gzip -> sha256 (digest) -> file;
//      with `layering: {strategy: origin}` one such file per layer (layering.hpp), in order;
//   5. OCI config (image_spec.hpp; one history entry per layer), manifest.
// Same inputs, same bytes: nothing depends on the time, the directory or the thread count.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "apk/installed_db.hpp"
#include "apko/options.hpp"
#include "apko/plan.hpp"
#include "base/error.hpp"
#include "oci/image.hpp"
#include "rootfs/layer.hpp"
#include "rootfs/tree.hpp"

namespace apko {

struct AssembledRoot {
  std::shared_ptr<rootfs::SpillFile> spill;  // the packages' file contents (the tree refers to it)
  rootfs::Tree tree;
  std::vector<apk::InstalledPackage> installed;  // install order
  int64_t newest_builddate = 0;
  int64_t epoch = 0;  // build_date.hpp rule
  std::vector<std::string> warnings;
};

// Steps 1-3 for plan.archs[arch_index].
base::Result<AssembledRoot> assemble_rootfs(const Plan& plan, size_t arch_index, const BuildOptions& opts);

struct ArchImage {
  apk::Arch arch;
  oci::Image image;
  std::vector<apk::InstalledPackage> installed;
  rootfs::LayerStats layer_stats;
  std::string os_id, os_name, os_version;  // etc/os-release ID, NAME, VERSION_ID
  int64_t epoch = 0;
};

struct BuildResult {
  std::vector<ArchImage> images;  // sorted by OCI name
  oci::Index index;
  int64_t epoch = 0;  // newest of the images'
  std::map<std::string, std::string> annotations;
  std::vector<std::pair<std::string, std::string>> sboms;  // file name -> SPDX JSON
};

// Builds every architecture of the plan. Compressed layers are written into `blob_dir`
// (which must exist and outlive the result). `image_name` (the tag or reference) names the
// image in SBOM purls.
base::Result<BuildResult> build_images(const Plan& plan, const BuildOptions& opts, const std::string& image_name,
                                       const std::filesystem::path& blob_dir);

// Writes the layer of `tree` (or the part `filter` picks) gzip-compressed to `file` and describes it.
base::Result<oci::Layer> write_layer_file(const rootfs::Tree& tree, const std::filesystem::path& file,
                                          unsigned threads, rootfs::LayerStats* stats,
                                          const rootfs::LayerFilter& filter = nullptr,
                                          rootfs::ParentMtime parent_mtime = rootfs::ParentMtime::kTree);

// The image's layers, written into `blob_dir` as <stem>.tar.gz (one layer: no `layering`, or
// `layering: {}`) or <stem>-<i>.tar.gz (origin layering, layering.hpp). `stats` sums all layers.
// Error: a layering budget without strategy (apko: unrecognized layering strategy "").
base::Result<std::vector<oci::Layer>> write_image_layers(const config::ImageConfig& cfg, const AssembledRoot& root,
                                                         const std::filesystem::path& blob_dir,
                                                         const std::string& stem, unsigned threads,
                                                         rootfs::LayerStats* stats);

// One history entry per layer, copies of `single`; apko drops its default comment ("This is an
// apko single-layer image") when there are several layers (a title+vendor comment stays).
std::vector<oci::HistoryEntry> layer_history(const oci::HistoryEntry& single, size_t layers,
                                             const std::map<std::string, std::string>& annotations);

// OUT an existing directory: OCI layout there; anything else: docker tarball (atomic).
base::Status write_output(const BuildResult& r, const std::filesystem::path& out, const std::string& tag);
// sbom-<apkarch>.spdx.json per arch and sbom-index.spdx.json into `dir` (atomic each), creating
// `dir` and its missing parents first (as mkdir -p).
base::Status write_sboms(const BuildResult& r, const std::filesystem::path& dir);

// ID, NAME, VERSION_ID of an os-release text ("" when missing).
std::map<std::string, std::string> parse_os_release(std::string_view text);

}  // namespace apko
