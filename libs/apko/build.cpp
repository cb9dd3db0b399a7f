#include "apko/build.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "apk/dependency.hpp"
#include "apko/apko_json.hpp"
#include "apko/build_date.hpp"
#include "apko/image_spec.hpp"
#include "apko/layering.hpp"
#include "apko/post_install.hpp"
#include "archive/gzip_parallel.hpp"
#include "archive/sink.hpp"
#include "base/fs.hpp"
#include "base/interrupt.hpp"
#include "base/log.hpp"
#include "base/ordered_pool.hpp"
#include "base/hash.hpp"
#include "base/strings.hpp"
#include "oci/docker_tarball.hpp"
#include "oci/layout.hpp"
#include "oci/reference.hpp"
#include "rootfs/installer.hpp"
#include "sbom/image_sbom.hpp"

namespace apko {

namespace {

constexpr unsigned kRemoteFetchers = 6;

// Passes compressed layer bytes through and shows how far the layer is.
class LayerProgress : public archive::Sink {
 public:
  LayerProgress(archive::Sink& out, std::string name)
      : out_(out), name_(std::move(name)), start_(base::elapsed_seconds()) {}
  void watch(const archive::GzipSink* gz) { gz_ = gz; }
  base::Status write(std::string_view data) override {
    bytes_ += data.size();
    line_.update(text());
    return out_.write(data);
  }
  void done() { line_.done(text()); }

 private:
  std::string text() const {
    const double secs = std::max(1e-3, base::elapsed_seconds() - start_);
    const uint64_t in = gz_ ? gz_->bytes_in() : 0;
    return name_ + ": " + base::human_bytes(in) + " of tar, " + base::human_bytes(bytes_) + " compressed, " +
           base::human_bytes(uint64_t(double(in) / secs)) + "/s";
  }
  archive::Sink& out_;
  const archive::GzipSink* gz_ = nullptr;
  std::string name_;
  double start_;
  uint64_t bytes_ = 0;
  base::PhaseLine line_;
};

}  // namespace

std::map<std::string, std::string> parse_os_release(std::string_view text) {
  std::map<std::string, std::string> out;
  for (auto line : base::split(text, '\n')) {
    line = base::trim(line);
    auto eq = line.find('=');
    if (line.empty() || line.front() == '#' || eq == std::string_view::npos) continue;
    std::string_view v = base::trim(line.substr(eq + 1));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
    out[std::string(base::trim(line.substr(0, eq)))] = std::string(v);
  }
  return out;
}

base::Result<AssembledRoot> assemble_rootfs(const Plan& plan, size_t arch_index, const BuildOptions& opts) {
  const ArchPlan& a = plan.archs[arch_index];
  AssembledRoot root;
  TRY(rootfs::add_base_skeleton(root.tree, 0));
  unsigned threads = opts.threads ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  // Remote packages: downloads wait on the network, not the CPU, so more of them run at once.
  const bool remote = std::any_of(a.packages.begin(), a.packages.end(), [&](size_t id) { return a.repos->is_remote(id); });
  const unsigned workers = remote ? std::max(threads, kRemoteFetchers) : threads;
  TRY(a.repos->prefetch(a.packages, workers));
  // File contents go to an anonymous temporary file, not memory: the tree holds metadata only.
  TRY_ASSIGN(root.spill, rootfs::SpillFile::create());
  // Workers fetch, verify and inflate packages ahead of the installer (a few at most, so memory
  // stays bounded by the largest packages); the installer places them in install order.
  struct Prepared {
    apk::Package pkg;
    rootfs::PreparedData data;
  };
  // Downloads may run `workers` at a time, but inflating (CPU and a buffer the size of the
  // package's data) only `threads` at a time, each with a buffer reused from package to package.
  std::atomic<uint64_t> fetched_bytes{0};
  std::mutex scratch_mu;
  std::condition_variable scratch_cv;
  std::vector<std::string> scratch(std::min<size_t>(threads, a.packages.size() + 1));
  std::vector<std::string*> free_scratch;
  for (auto& s : scratch) free_scratch.push_back(&s);
  base::OrderedPool<base::Result<Prepared>> pool(
      a.packages.size(), workers, workers + 2, [&](size_t i) -> base::Result<Prepared> {
        TRY(base::check_interrupted("fetching packages"));
        TRY_ASSIGN(apk::Package pkg, a.repos->fetch_package(a.packages[i]));
        fetched_bytes += pkg.bytes().size();
        std::string* buf;
        {
          std::unique_lock<std::mutex> lock(scratch_mu);
          scratch_cv.wait(lock, [&] { return !free_scratch.empty(); });
          buf = free_scratch.back();
          free_scratch.pop_back();
        }
        auto data = rootfs::prepare_data(pkg, root.spill, buf);
        {
          std::lock_guard<std::mutex> lock(scratch_mu);
          free_scratch.push_back(buf);
        }
        scratch_cv.notify_one();
        if (!data) return tl::unexpected(std::move(data).error());
        return Prepared{std::move(pkg), std::move(*data)};
      });
  rootfs::Installer inst(root.tree);
  const double started = base::elapsed_seconds();
  base::PhaseLine line;
  const size_t total = a.packages.size();
  uint64_t tar_bytes = 0;
  for (size_t i = 0; i < total; ++i) {
    TRY(base::check_interrupted("installing packages"));
    TRY_ASSIGN(Prepared p, pool.next());
    root.newest_builddate = std::max<int64_t>(root.newest_builddate, p.pkg.info().build_time);
    TRY(inst.install(p.pkg, p.data));
    tar_bytes += p.data.tar_bytes;
    line.update("packages: " + std::to_string(i + 1) + "/" + std::to_string(total) + " fetched and installed, " +
                base::human_bytes(fetched_bytes.load()) + " read, " + base::human_bytes(tar_bytes) + " unpacked");
  }
  line.done("packages: " + std::to_string(total) + " installed, " + base::human_bytes(fetched_bytes.load()) + " read, " +
            base::human_bytes(tar_bytes) + " unpacked");
  spdlog::debug("{}: {} packages fetched, verified, inflated ({} workers) and installed in {:.2f} s", a.arch.apk, total,
                workers, base::elapsed_seconds() - started);
  root.epoch = build_epoch({opts.source_date_epoch, opts.build_date, root.newest_builddate});
  rootfs::DbOptions db;
  db.arch = a.arch.apk;
  db.world = plan.world;
  db.repositories = without_credentials(plan.runtime_repositories);  // apko_json.hpp
  if (plan.keyring)
    for (const auto& name : plan.keyring->names()) db.keys.emplace_back(name, plan.keyring->find(name)->pem());
  TRY(inst.finish(db));
  root.installed = inst.installed();
  const std::string etc_apko_json = apko_json(locked_config(plan, arch_index, root.installed, opts, root.tree));
  TRY_ASSIGN(PostInstallResult pi, post_install(root.tree, plan.config, root.epoch, etc_apko_json));
  root.warnings = std::move(pi.warnings);
  return root;
}

base::Result<oci::Layer> write_layer_file(const rootfs::Tree& tree, const std::filesystem::path& file,
                                          unsigned threads, rootfs::LayerStats* stats,
                                          const rootfs::LayerFilter& filter, rootfs::ParentMtime parent_mtime) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return tl::unexpected(base::io_error(file, "cannot create", errno));
  archive::FdSink fsink(fd, archive::FdOwnership::kOwn, file.string());
  archive::HashSink compressed(base::HashAlgo::kSha256, &fsink);
  // One libdeflate member per 1 MiB block: ~2.7x faster than one zlib member (bench/gzip_bench.cpp).
  LayerProgress progress(compressed, "layer " + file.filename().string());
  archive::GzipSink gz(progress, 6, 1 << 20, threads, archive::GzipMembers::kPerBlock);
  progress.watch(&gz);
  archive::HashSink uncompressed(base::HashAlgo::kSha256, &gz);
  TRY(base::check_interrupted("writing " + file.string()));
  TRY_ASSIGN(rootfs::LayerStats st, rootfs::write_layer(tree, uncompressed, filter, parent_mtime));
  TRY(gz.finish());
  progress.done();
  TRY(base::check_interrupted("writing " + file.string()));
  oci::Layer l;
  l.diff_id = "sha256:" + base::to_hex(uncompressed.digest());
  l.digest = "sha256:" + base::to_hex(compressed.digest());
  l.size = static_cast<int64_t>(compressed.bytes());
  l.file = file;
  if (stats) *stats = st;
  return l;
}

base::Result<std::vector<oci::Layer>> write_image_layers(const config::ImageConfig& cfg, const AssembledRoot& root,
                                                         const std::filesystem::path& blob_dir,
                                                         const std::string& stem, unsigned threads,
                                                         rootfs::LayerStats* stats) {
  std::vector<oci::Layer> layers;
  rootfs::LayerStats total;
  const auto& lay = cfg.layering;
  if (!lay || (lay->strategy.empty() && lay->budget == 0)) {
    TRY_ASSIGN(auto l, write_layer_file(root.tree, blob_dir / (stem + ".tar.gz"), threads, &total));
    layers.push_back(std::move(l));
  } else {
    if (lay->strategy != "origin")
      return base::fail(base::ErrorCode::kInvalidInput, "layering: unrecognized strategy \"" + lay->strategy + "\"");
    auto groups = group_by_origin(root.installed, lay->budget);
    LayerAssignment a = assign_layers(root.tree, root.installed, groups);
    spdlog::info("building {} layers with budget {}", a.groups + 1, lay->budget);
    for (size_t i = 0; i <= a.groups; ++i) {
      rootfs::LayerStats st;
      auto file = blob_dir / (stem + "-" + std::to_string(i) + ".tar.gz");
      auto l = write_layer_file(root.tree, file, threads, &st, layer_filter(a, i), layer_parent_mtime(a, i));
      if (!l) return tl::unexpected(l.error().context("layer " + std::to_string(i)));
      spdlog::info("  layer[{}] {}: {}", i, l->digest, a.descriptions[i]);
      total.entries += st.entries;
      total.files += st.files;
      total.content_bytes += st.content_bytes;
      total.tar_bytes += st.tar_bytes;
      layers.push_back(std::move(*l));
    }
  }
  if (stats) *stats = total;
  return layers;
}

std::vector<oci::HistoryEntry> layer_history(const oci::HistoryEntry& single, size_t layers,
                                             const std::map<std::string, std::string>& annotations) {
  oci::HistoryEntry h = single;
  if (layers > 1 && !(annotations.count("org.opencontainers.image.title") &&
                      annotations.count("org.opencontainers.image.vendor")))
    h.comment.clear();
  return std::vector<oci::HistoryEntry>(layers, h);
}

namespace {

std::string image_basename(const std::string& image_name) {
  if (auto ref = oci::parse_reference(image_name)) {
    auto slash = ref->repository.find_last_of('/');
    return slash == std::string::npos ? ref->repository : ref->repository.substr(slash + 1);
  }
  return image_name;
}

std::vector<sbom::PackageRef> sbom_packages(const std::vector<apk::InstalledPackage>& installed) {
  std::map<std::string, std::string> provider;  // name or provided name -> package name
  for (const auto& p : installed) {
    provider.emplace(p.info.name, p.info.name);
    for (const auto& pv : p.info.provides) provider.emplace(apk::parse_provide(pv).name, p.info.name);
  }
  std::vector<sbom::PackageRef> out;
  for (const auto& p : installed) {
    sbom::PackageRef r;
    r.name = p.info.name;
    r.version = p.info.version;
    r.arch = p.info.arch;
    r.license = p.info.license;
    r.origin = p.info.origin;
    r.description = p.info.description;
    r.url = p.info.url;
    std::string raw;
    if (p.info.checksum.size() > 2 && p.info.checksum.compare(0, 2, "Q1") == 0 &&
        base::base64_decode(p.info.checksum.substr(2), &raw))
      r.checksum_sha1_hex = base::to_hex(raw);
    for (const auto& d : p.info.depends) {
      auto dep = apk::parse_dependency(d);
      if (!dep || dep->conflict) continue;
      auto it = provider.find(dep->name);
      if (it != provider.end() && it->second != p.info.name &&
          std::find(r.depends_on_names.begin(), r.depends_on_names.end(), it->second) == r.depends_on_names.end())
        r.depends_on_names.push_back(it->second);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

base::Result<BuildResult> build_images(const Plan& plan, const BuildOptions& opts, const std::string& image_name,
                                       const std::filesystem::path& blob_dir) {
  BuildResult r;
  unsigned threads = opts.threads ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<oci::Image> images;
  for (size_t i = 0; i < plan.archs.size(); ++i) {
    const apk::Arch& arch = plan.archs[i].arch;
    auto root = assemble_rootfs(plan, i, opts);
    if (!root) return tl::unexpected(root.error().context(arch.apk));
    for (const auto& w : root->warnings) spdlog::warn("{}: {}", arch.apk, w);
    ArchImage ai;
    ai.arch = arch;
    ai.epoch = root->epoch;
    if (auto osr = root->tree.read_file("etc/os-release")) {
      auto kv = parse_os_release(*osr);
      ai.os_id = kv["ID"];
      ai.os_name = kv["NAME"];
      ai.os_version = kv["VERSION_ID"];
    }
    TRY_ASSIGN(auto annotations, image_annotations(plan.config, opts.annotations, opts.vcs_url, ai.epoch));
    std::string fname = arch.oci_name();
    std::replace(fname.begin(), fname.end(), '/', '-');
    const double layer_start = base::elapsed_seconds();
    auto layers = write_image_layers(plan.config, *root, blob_dir, "layer-" + fname, threads, &ai.layer_stats);
    spdlog::debug("{}: layer tar, gzip and digests in {:.2f} s", arch.apk, base::elapsed_seconds() - layer_start);
    if (!layers) return tl::unexpected(layers.error().context(arch.apk));
    TRY_ASSIGN(oci::ImageConfigSpec spec, image_config_spec(plan.config, root->tree, arch, ai.epoch, annotations));
    if (!spec.history.empty()) spec.history = layer_history(spec.history.front(), layers->size(), annotations);
    int64_t compressed = 0;
    for (const auto& l : *layers) compressed += l.size;
    TRY_ASSIGN(ai.image, oci::make_image(spec, *layers, annotations));
    ai.installed = std::move(root->installed);
    spdlog::info("{}: {} packages, {} layer(s), first {} ({} bytes in all, {} entries)", arch.apk,
                 ai.installed.size(), layers->size(), layers->front().digest, compressed, ai.layer_stats.entries);
    r.epoch = std::max(r.epoch, ai.epoch);
    images.push_back(ai.image);
    r.images.push_back(std::move(ai));
  }
  TRY_ASSIGN(r.annotations, image_annotations(plan.config, opts.annotations, opts.vcs_url, r.epoch));
  r.index = oci::make_index(images, r.annotations);

  std::string base = image_basename(image_name);
  sbom::IndexSbomInput idx;
  idx.index_digest = r.index.digest;
  idx.image_name = base;
  idx.created_epoch = r.epoch;
  idx.tool_version = opts.tool_version;
  for (const auto& ai : r.images) {
    sbom::ImageSbomInput in;
    in.image_digest = ai.image.manifest_digest;
    in.image_name = base;
    in.arch = ai.arch.oci;
    in.os_id = ai.os_id;
    in.os_name = ai.os_name;
    in.os_version = ai.os_version;
    in.layer_digest = ai.image.layers.empty() ? "" : ai.image.layers[0].digest;
    in.created_epoch = ai.epoch;
    in.packages = sbom_packages(ai.installed);
    in.tool_version = opts.tool_version;
    r.sboms.emplace_back("sbom-" + ai.arch.apk + ".spdx.json", sbom::image_sbom_json(in));
    idx.images.emplace_back(ai.arch.oci_name(), ai.image.manifest_digest);
  }
  r.sboms.emplace_back("sbom-index.spdx.json", sbom::index_sbom_json(idx));
  return r;
}

base::Status write_output(const BuildResult& r, const std::filesystem::path& out, const std::string& tag) {
  std::vector<oci::Image> images;
  for (const auto& ai : r.images) images.push_back(ai.image);
  std::error_code ec;
  if (std::filesystem::is_directory(out, ec)) return oci::write_oci_layout(out, images, r.index);
  return oci::write_docker_tarball(out, tag, images, r.index);
}

base::Status write_sboms(const BuildResult& r, const std::filesystem::path& dir) {
  // --sbom-path names a directory that may not exist yet (as `mkdir -p`).
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return tl::unexpected(base::io_error(dir, "cannot create the SBOM directory", ec.value()));
  for (const auto& [name, json] : r.sboms) TRY(base::write_file_atomic(dir / name, json));
  return base::ok();
}

}  // namespace apko
