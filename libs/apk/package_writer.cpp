#include "apk/package_writer.hpp"

#include <algorithm>

#include "apk/pkginfo.hpp"
#include "archive/gzip.hpp"
#include "archive/sink.hpp"
#include "archive/tar_writer.hpp"
#include "base/hash.hpp"

namespace apk {

using base::ErrorCode;
using base::fail;

namespace {

archive::TarEntry control_entry(std::string name, size_t size, uint32_t mode, int64_t mtime) {
  archive::TarEntry e;
  e.name = std::move(name);
  e.type = archive::EntryType::kFile;
  e.mode = mode;
  e.uname = "root";
  e.gname = "root";
  e.mtime = mtime;
  e.size = size;
  return e;
}

}  // namespace

base::Result<std::string> make_signature_member(const SigningKey& key, std::string_view signature, int64_t mtime) {
  archive::StringSink sink;
  archive::TarWriter w(sink);
  TRY(w.add(control_entry(signature_entry_name(key.algo, key.key_name), signature.size(), 0644, mtime), signature));
  TRY(w.finish(false));
  return archive::gzip_compress(sink.data, 9);
}

base::Result<PackageHead> assemble_package_head(PackageInfo info, const std::vector<ControlFile>& control_files,
                                                std::string_view data_gz, int64_t mtime, const SigningKey* key) {
  PackageHead out;
  info.datahash = base::sha256_hex(data_gz);

  std::vector<const ControlFile*> extras;
  for (const auto& f : control_files) {
    if (f.name == ".PKGINFO" || f.name.empty() || f.name[0] != '.' || f.name.find('/') != std::string::npos)
      return fail(ErrorCode::kInvalidInput, "control file name '" + f.name + "' is not allowed");
    extras.push_back(&f);
  }
  std::sort(extras.begin(), extras.end(), [](auto* a, auto* b) { return a->name < b->name; });

  archive::StringSink control;
  archive::TarWriter cw(control);
  std::string pkginfo = write_pkginfo(info);
  TRY(cw.add(control_entry(".PKGINFO", pkginfo.size(), 0644, mtime), pkginfo));
  for (const auto* f : extras) TRY(cw.add(control_entry(f->name, f->content.size(), f->mode, mtime), f->content));
  TRY(cw.finish(false));
  std::string control_gz = archive::gzip_compress(control.data, 9);

  if (key) {
    if (!key->key) return fail(ErrorCode::kInternal, "signing key not loaded");
    TRY_ASSIGN(std::string sig, key->key->sign(key->algo, control_gz));
    TRY_ASSIGN(out.head, make_signature_member(*key, sig, mtime));
  }
  out.head += control_gz;
  info.checksum = q1_checksum(control_gz);
  info.package_size = out.head.size() + data_gz.size();
  out.info = std::move(info);
  return out;
}

base::Result<AssembledPackage> assemble_package(PackageInfo info, const std::vector<ControlFile>& control_files,
                                                std::string_view data_tar, int64_t mtime, const SigningKey* key) {
  std::string data_gz = archive::gzip_compress(data_tar, 6);
  TRY_ASSIGN(PackageHead head, assemble_package_head(std::move(info), control_files, data_gz, mtime, key));
  AssembledPackage out;
  out.bytes = std::move(head.head);
  out.bytes += data_gz;
  out.info = std::move(head.info);
  return out;
}

base::Result<std::string> resign_package(std::string_view apk_bytes, std::string_view origin, const SigningKey& key) {
  PackageReadOptions opts;
  opts.signature = SignaturePolicy::kIgnore;
  TRY_ASSIGN(Package pkg, Package::parse(std::string(apk_bytes), std::string(origin), opts));
  TRY_ASSIGN(std::string sig, key.key->sign(key.algo, pkg.control_member()));
  TRY_ASSIGN(std::string out, make_signature_member(key, sig, pkg.info().build_time));
  out += pkg.control_member();
  out += pkg.data_member();
  return out;
}

base::Result<LoadedKey> load_signing_key(const std::filesystem::path& path) {
  TRY_ASSIGN(PrivateKey key, PrivateKey::load(path));
  return LoadedKey{std::move(key), public_key_name_for(path)};
}

}  // namespace apk
