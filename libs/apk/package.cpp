#include "apk/package.hpp"

#include "apk/pkginfo.hpp"
#include "archive/gzip.hpp"
#include "archive/tar_reader.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"

namespace apk {

using base::ErrorCode;
using base::fail;

base::Result<std::string> verify_entry_checksum(const archive::TarEntry& e, std::string_view data) {
  std::string_view covered;
  if (e.type == archive::EntryType::kFile) covered = data;
  else if (e.type == archive::EntryType::kSymlink) covered = e.linkname;
  else return std::string();
  std::string raw = base::digest(base::HashAlgo::kSha1, covered);
  for (const auto& [key, value] : e.pax)
    if (key == "APK-TOOLS.checksum.SHA1" && base::to_hex(raw) != value)
      return fail(ErrorCode::kSignature, "content does not match its SHA1 checksum");
  return raw;
}

std::string q1_checksum(std::string_view control_member) {
  return "Q1" + base::base64_encode(base::digest(base::HashAlgo::kSha1, control_member));
}

// The signatures in an inflated signature member.
base::Result<std::vector<PackageSignature>> read_signature_tar(std::string_view tar, std::string_view origin) {
  std::vector<PackageSignature> out;
  archive::TarReader reader(tar);
  archive::TarEntry e;
  std::string_view data;
  while (reader.next(&e, &data)) {
    auto parsed = parse_signature_entry_name(e.name);
    if (!parsed) {
      if (is_signature_entry_name(e.name)) continue;  // DSA/RSA512: not verifiable, skipped
      return fail(ErrorCode::kFormat, std::string(origin) + ": unexpected entry '" + e.name + "' in signature");
    }
    out.push_back(PackageSignature{parsed->algo, parsed->key_name, std::string(data)});
  }
  if (reader.error()) return fail(ErrorCode::kFormat, std::string(origin) + ": signature: " + reader.error()->message);
  return out;
}

base::Result<std::vector<PackageSignature>> read_signature_member(std::string_view gz, std::string_view origin) {
  TRY_ASSIGN(std::string tar, archive::gunzip(gz, 1 << 20));
  return read_signature_tar(tar, origin);
}

base::Result<std::string> verify_signatures(const std::vector<PackageSignature>& sigs, std::string_view signed_bytes,
                                            const Keyring& keyring, std::string_view origin) {
  if (sigs.empty())
    return fail(ErrorCode::kSignature, std::string(origin) + ": not signed",
                "sign it with `melange sign`, or pass --ignore-signatures to skip the check");
  std::string tried;
  for (const auto& s : sigs) {
    if (!tried.empty()) tried += ", ";
    tried += s.key_name;
    const PublicKey* key = keyring.find(s.key_name);
    if (!key) continue;
    if (key->verify(s.algo, signed_bytes, s.signature)) return s.key_name;
    tried += " (bad signature)";
  }
  return fail(ErrorCode::kSignature, std::string(origin) + ": UNTRUSTED signature (signed by " + tried + ")",
              "add the signer's public key with --keyring-append, named exactly as in the signature");
}

base::Result<Package> Package::load(const std::filesystem::path& path, const PackageReadOptions& opts) {
  TRY_ASSIGN(std::string bytes, base::read_file(path));
  return parse(std::move(bytes), path.string(), opts);
}

namespace {

// Is this gzip member a signature member (a tar whose first entry is .SIGN.*)?
bool starts_with_signature(std::string_view tar) {
  archive::TarReader reader(tar);
  archive::TarEntry e;
  std::string_view data;
  return reader.next(&e, &data) && is_signature_entry_name(e.name);
}

}  // namespace

base::Result<Package> Package::parse(std::string bytes, std::string origin, const PackageReadOptions& opts) {
  Package p;
  p.bytes_ = std::move(bytes);
  p.origin_ = std::move(origin);
  const std::string& o = p.origin_;
  // [signature] control data: the first member is the signature when its tar starts with a
  // .SIGN.* entry. The data member is everything after the control member; it is not inflated
  // here (datahash binds its bytes, for_each_entry() and the installer inflate it as exactly
  // one member).
  const std::string_view all(p.bytes_);
  // Each of the first members is inflated once: that gives its end and its content.
  auto first = archive::inflate_first_member(all, std::max<size_t>(opts.max_control_size, 1u << 20));
  if (!first) return fail(ErrorCode::kFormat, o + ": not an apk: " + first.error().message);
  std::vector<archive::GzipMember> parts = {{0, first->length}};
  std::string control_tar_bytes;
  if (starts_with_signature(first->output)) {
    TRY_ASSIGN(p.signatures_, read_signature_tar(first->output, o));
    const size_t at = first->length;
    auto second = archive::inflate_first_member(all.substr(at), opts.max_control_size);
    if (!second) {
      if (second.error().message.find("exceeds the limit") != std::string::npos)
        return fail(ErrorCode::kFormat, o + ": control stream: " + second.error().message);
      return fail(ErrorCode::kFormat, o + ": not an apk: " + second.error().message);
    }
    parts.push_back({at, second->length});
    control_tar_bytes = std::move(second->output);
  } else {
    if (first->output.size() > opts.max_control_size)
      return fail(ErrorCode::kFormat, o + ": control stream: output exceeds the limit of " +
                                          std::to_string(opts.max_control_size) + " bytes");
    control_tar_bytes = std::move(first->output);
  }
  const size_t data_at = parts.back().offset + parts.back().length;
  if (data_at >= all.size())
    return fail(ErrorCode::kFormat,
                o + ": not an apk: expected 2 or 3 gzip streams, found " + std::to_string(parts.size()));
  size_t ci = parts.size() - 1;
  p.control_offset_ = parts[ci].offset;
  p.control_length_ = parts[ci].length;
  p.data_offset_ = data_at;
  p.data_length_ = all.size() - data_at;

  std::string_view control = p.control_member();
  std::string checksum = q1_checksum(control);
  if (!opts.expected_checksum.empty() && opts.expected_checksum != checksum)
    return fail(ErrorCode::kSignature,
                o + ": checksum " + checksum + " does not match the index (" + opts.expected_checksum + ")",
                "the package changed after the index was made; re-index or re-download it");
  if (opts.signature == SignaturePolicy::kRequire) {
    if (!opts.keyring) return fail(ErrorCode::kInternal, o + ": no keyring to verify the signature against");
    TRY_ASSIGN(p.trusted_by_, verify_signatures(p.signatures_, control, *opts.keyring, o));
  }

  archive::TarReader reader(control_tar_bytes);
  archive::TarEntry e;
  std::string_view data;
  bool have_pkginfo = false;
  while (reader.next(&e, &data)) {
    if (e.type != archive::EntryType::kFile) continue;
    if (e.name == ".PKGINFO") {
      p.pkginfo_text_ = std::string(data);
      auto info = parse_pkginfo(data);
      if (!info) return fail(ErrorCode::kFormat, o + ": " + info.error().message);
      p.info_ = std::move(*info);
      have_pkginfo = true;
    } else {
      p.control_files_.push_back(ControlFile{e.name, std::string(data), e.mode});
    }
  }
  if (reader.error()) return fail(ErrorCode::kFormat, o + ": control stream: " + reader.error()->message);
  if (!have_pkginfo) return fail(ErrorCode::kFormat, o + ": no .PKGINFO in the control stream");
  if (p.info_.name.empty() || p.info_.version.empty())
    return fail(ErrorCode::kFormat, o + ": .PKGINFO lacks pkgname or pkgver");

  if (opts.verify_datahash && !p.info_.datahash.empty()) {
    std::string actual = base::sha256_hex(p.data_member());
    if (actual != p.info_.datahash)
      return fail(ErrorCode::kSignature,
                  o + ": data stream sha256 " + actual + " does not match .PKGINFO datahash " + p.info_.datahash,
                  "the package was modified after it was built");
  }
  p.info_.checksum = std::move(checksum);
  p.info_.package_size = p.bytes_.size();
  return p;
}

std::string_view Package::control_member() const {
  return std::string_view(bytes_).substr(control_offset_, control_length_);
}
std::string_view Package::data_member() const { return std::string_view(bytes_).substr(data_offset_, data_length_); }

base::Status Package::for_each_entry(const EntryFn& fn, size_t max_data_size) const {
  auto tar = archive::gunzip_member(data_member(), max_data_size);
  if (!tar) return fail(ErrorCode::kFormat, origin_ + ": data stream: " + tar.error().message);
  archive::TarReader reader(*tar);
  archive::TarEntry e;
  std::string_view data;
  while (reader.next(&e, &data)) {
    auto sum = verify_entry_checksum(e, data);
    if (!sum) return fail(sum.error().code, origin_ + ": " + e.name + ": " + sum.error().message);
    TRY(fn(e, data));
  }
  if (reader.error()) return fail(ErrorCode::kFormat, origin_ + ": data stream: " + reader.error()->message);
  return {};
}

}  // namespace apk
