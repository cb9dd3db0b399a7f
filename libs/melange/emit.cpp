#include "melange/emit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <system_error>
#include <tuple>

#include "apk/repo_index.hpp"
#include "archive/gzip.hpp"
#include "archive/sink.hpp"
#include "base/fs.hpp"
#include "base/temp_file.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

// Removes what it created (the SBOM file and any directories made for it) unless kept.
class CreatedPaths {
 public:
  ~CreatedPaths() {
    if (keep_) return;
    std::error_code ec;
    for (auto it = paths_.rbegin(); it != paths_.rend(); ++it) fs::remove(*it, ec);
  }
  void add(fs::path p) { paths_.push_back(std::move(p)); }
  void keep() { keep_ = true; }

 private:
  std::vector<fs::path> paths_;
  bool keep_ = false;
};

// mkdir -p with mode 0755, recording each directory it creates.
base::Status make_dirs(const fs::path& root, const fs::path& rel, CreatedPaths& created) {
  fs::path cur = root;
  for (const auto& part : rel) {
    cur /= part;
    struct stat st {};
    if (::lstat(cur.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return base::fail(base::ErrorCode::kIo, cur.string() + ": exists and is not a directory");
      continue;
    }
    if (::mkdir(cur.c_str(), 0755) != 0) return tl::unexpected(base::io_error(cur, "create directory", errno));
    ::chmod(cur.c_str(), 0755);
    created.add(cur);
  }
  return base::ok();
}

void add_scriptlets(const config::Scriptlets& s, std::vector<apk::ControlFile>& control, apk::PackageInfo& info) {
  const std::pair<const char*, const std::string*> files[] = {
      {".pre-install", &s.pre_install},     {".post-install", &s.post_install}, {".pre-deinstall", &s.pre_deinstall},
      {".post-deinstall", &s.post_deinstall}, {".pre-upgrade", &s.pre_upgrade},   {".post-upgrade", &s.post_upgrade},
  };
  for (const auto& [name, text] : files)
    if (!text->empty()) control.push_back({name, *text, 0755});
  if (!s.trigger_script.empty()) {
    control.push_back({".trigger", s.trigger_script, 0755});
    info.triggers = s.trigger_paths;
  }
}

}  // namespace

std::pair<uint32_t, uint32_t> mapped_owner(const BuildOwners& o) {
  return {o.host_uid != 0 ? o.host_uid : o.build_uid, o.host_gid != 0 ? o.host_gid : o.build_gid};
}

fs::path package_output_path(const fs::path& out_dir, const apk::PackageInfo& info) {
  return out_dir / info.arch / (info.nevr() + ".apk");
}

base::Result<AnalyzedInfo> analyzed_package_info(const EmitInput& in) {
  const std::string what = "emit " + in.info.name;
  if (in.info.name.empty() || in.info.version.empty() || in.info.arch.empty())
    return base::fail(base::ErrorCode::kInvalidInput, what + ": package name, version and arch are required");
  if (in.info.name.find('/') != std::string::npos || in.info.version.find('/') != std::string::npos ||
      in.info.arch.find('/') != std::string::npos)
    return base::fail(base::ErrorCode::kInvalidInput, what + ": name, version and arch must not contain '/'");

  ScaOptions so;
  so.package_name = in.info.name;
  so.full_version = in.info.version;
  so.no_provides = in.no_provides, so.no_depends = in.no_depends, so.no_commands = in.no_commands;
  so.runtime = in.info.depends;
  so.provides = in.info.provides;
  so.related_dirs = in.related_dirs;
  TRY_ASSIGN(ScaResult sca, with_context(analyze(in.package_dir, so), what));

  AnalyzedInfo r;
  r.info = in.info;
  r.info.depends = sca.depends;
  r.info.provides = sca.provides;
  r.info.vendored = sca.vendored;
  r.info.triggers.clear();
  if (in.scriptlets && !in.scriptlets->trigger_script.empty()) r.info.triggers = in.scriptlets->trigger_paths;
  r.sca = std::move(sca);
  return r;
}

base::Result<EmitResult> emit_package(const EmitInput& in) {
  const std::string what = "emit " + in.info.name;
  TRY_ASSIGN(AnalyzedInfo analyzed, analyzed_package_info(in));
  apk::PackageInfo info = std::move(analyzed.info);
  ScaResult sca = std::move(analyzed.sca);
  std::vector<apk::ControlFile> control;
  if (!in.config_yaml.empty()) control.push_back({".melange.yaml", in.config_yaml, 0644});
  if (in.scriptlets) add_scriptlets(*in.scriptlets, control, info);

  CreatedPaths created;
  if (in.sbom) {
    sbom::PackageSbomInput s = *in.sbom;
    if (s.name.empty()) s.name = info.name;
    if (s.version.empty()) s.version = info.version;
    if (s.arch.empty()) s.arch = info.arch;
    if (s.license.empty()) s.license = info.license;
    if (s.created_epoch == 0) s.created_epoch = info.build_time;
    const fs::path rel_dir = "var/lib/db/sbom";
    TRY(with_context(make_dirs(in.package_dir, rel_dir, created), what));
    fs::path file = in.package_dir / rel_dir / (info.name + "-" + info.version + ".spdx.json");
    bool existed = fs::exists(fs::symlink_status(file));
    TRY(with_context(base::write_file_atomic(file, sbom::package_sbom_json(s), 0644), what));
    if (::chmod(file.c_str(), 0644) != 0) return tl::unexpected(base::io_error(file, "chmod", errno));
    if (!existed) created.add(file);
  }

  apk::DataTarOptions dto;
  dto.mtime = info.build_time;
  std::tie(dto.build_uid, dto.build_gid) = mapped_owner(in.owners);
  dto.user_names = in.user_names;
  dto.group_names = in.group_names;
  // The data tar goes to an anonymous temporary file beside the package's files, and is
  // compressed from a mapping of it into a mapping of a second one: a package of any size
  // is built without holding its files, tar or compressed data in the process's memory
  // (file-backed pages the kernel can write out), with the bytes assemble_package() gives.
  const fs::path scratch_dir = fs::absolute(in.package_dir).parent_path();
  TRY_ASSIGN(base::UniqueFd tar_fd, with_context(base::open_anonymous_file("the data tar", scratch_dir), what));
  uint64_t tar_size = 0;
  {
    archive::FdSink tar_sink(tar_fd.get(), archive::FdOwnership::kBorrow, scratch_dir.string() + " (the data tar)");
    TRY_ASSIGN(apk::DataTarStats data, with_context(apk::build_data_tar_to(in.package_dir, dto, tar_sink), what));
    info.installed_size = data.installed_size;
    struct stat st {};
    if (::fstat(tar_fd.get(), &st) != 0) return tl::unexpected(base::io_error(scratch_dir, "cannot stat the data tar", errno));
    tar_size = uint64_t(st.st_size);
  }
  const size_t bound = archive::gzip_compress_bound(tar_size);
  TRY_ASSIGN(base::UniqueFd gz_fd, with_context(base::open_anonymous_file("the compressed data", scratch_dir), what));
  // Reserved, not just sized: a write through the mapping into a sparse file on a full disk
  // would be a SIGBUS instead of this error.
  if (int err = ::posix_fallocate(gz_fd.get(), 0, off_t(bound)); err != 0)
    return tl::unexpected(base::io_error(scratch_dir, "cannot make room for the compressed data", err));
  TRY_ASSIGN(base::FileMapping gz_map,
             base::FileMapping::map(gz_fd.get(), bound, base::FileMapping::Access::kReadWrite, scratch_dir.string()));
  size_t gz_size = 0;
  {
    TRY_ASSIGN(base::FileMapping tar_map,
               base::FileMapping::map(tar_fd.get(), tar_size, base::FileMapping::Access::kRead, scratch_dir.string()));
    TRY_ASSIGN(gz_size, with_context(archive::gzip_compress_into(tar_map.view(), 6, gz_map.data(), bound), what));
  }
  tar_fd = base::UniqueFd();  // its space is freed now
  const std::string_view data_gz(gz_map.data(), gz_size);
  TRY_ASSIGN(apk::PackageHead pkg,
             with_context(apk::assemble_package_head(info, control, data_gz, info.build_time, in.key), what));

  fs::path out = package_output_path(in.out_dir, pkg.info);
  CreatedPaths out_dirs;
  TRY(with_context(make_dirs(fs::path("/"), fs::absolute(out.parent_path()).relative_path(), out_dirs), what));
  {
    TRY_ASSIGN(base::AtomicFile file, with_context(base::AtomicFile::create(out, 0644), what));
    TRY(with_context(file.write(pkg.head), what));
    TRY(with_context(file.write(data_gz), what));
    TRY(with_context(file.commit(), what));
  }
  out_dirs.keep();
  created.keep();

  EmitResult r;
  r.info = std::move(pkg.info);
  r.path = out;
  r.sca = std::move(sca);
  return r;
}

base::Status update_repository_index(const fs::path& out_dir, const std::string& arch,
                                     const std::vector<fs::path>& packages, const apk::SigningKey* key) {
  if (arch.empty() || arch.find('/') != std::string::npos)
    return base::fail(base::ErrorCode::kInvalidInput, "index of " + out_dir.string() + ": bad arch \"" + arch + "\"");
  fs::path index = out_dir / arch / "APKINDEX.tar.gz";
  std::error_code ec;
  fs::create_directories(index.parent_path(), ec);
  if (ec) return tl::unexpected(base::io_error(index.parent_path(), "create directory", ec.value()));
  apk::IndexUpdate u;
  u.packages = packages;
  u.output = index;
  if (fs::exists(index, ec)) u.source = index;
  u.merge = true;
  u.arch = arch;
  u.key = key;
  TRY(apk::update_index(u));
  return base::ok();
}

}  // namespace melange
