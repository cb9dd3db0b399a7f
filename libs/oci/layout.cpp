#include "oci/layout.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <map>
#include <system_error>

#include "base/fs.hpp"
#include "base/hash.hpp"

namespace oci {

namespace fs = std::filesystem;

std::vector<BlobRef> collect_blobs(const std::vector<Image>& images, const Index& index) {
  std::map<std::string, BlobRef> blobs;
  auto add_data = [&](const std::string& digest, const std::string& data) {
    blobs.emplace(digest, BlobRef{digest, static_cast<int64_t>(data.size()), data, {}});
  };
  for (const auto& img : images) {
    add_data(img.config_digest, img.config_json);
    add_data(img.manifest_digest, img.manifest_json);
    for (const auto& l : img.layers) blobs.emplace(l.digest, BlobRef{l.digest, l.size, {}, l.file});
  }
  if (!index.digest.empty()) add_data(index.digest, index.json);
  std::vector<BlobRef> out;
  for (auto& [digest, blob] : blobs) out.push_back(std::move(blob));
  return out;
}

base::Status read_blob(const BlobRef& blob, const std::function<base::Status(std::string_view)>& chunk) {
  if (blob.file.empty()) return chunk(blob.data);
  std::ifstream in(blob.file, std::ios::binary);
  if (!in) return tl::unexpected(base::io_error(blob.file, "cannot open layer", errno));
  base::Hasher hasher(base::HashAlgo::kSha256);
  std::string buf(1 << 20, '\0');
  int64_t total = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto n = in.gcount();
    if (n <= 0) break;
    std::string_view piece(buf.data(), static_cast<size_t>(n));
    hasher.update(piece);
    total += n;
    if (total > blob.size) break;
    TRY(chunk(piece));
  }
  if (in.bad()) return base::fail(base::ErrorCode::kIo, blob.file.string() + ": read error");
  if (total != blob.size || "sha256:" + base::to_hex(hasher.finish()) != blob.digest)
    return base::fail(base::ErrorCode::kIo, blob.file.string() + ": layer file does not match its digest " + blob.digest,
                      "the file changed after the layer was built");
  return base::ok();
}

std::string oci_layout_file() { return "{\n    \"imageLayoutVersion\": \"1.0.0\"\n}"; }

base::Status write_oci_layout(const fs::path& dir, const std::vector<Image>& images, const Index& index) {
  fs::path blob_dir = dir / "blobs" / "sha256";
  std::error_code ec;
  fs::create_directories(blob_dir, ec);
  if (ec) return base::fail(base::ErrorCode::kIo, blob_dir.string() + ": cannot create directory: " + ec.message());
  for (const auto& blob : collect_blobs(images, index)) {
    fs::path path = blob_dir / blob.digest.substr(7);
    if (fs::is_regular_file(path, ec) && static_cast<int64_t>(fs::file_size(path, ec)) == blob.size && !ec) continue;
    TRY_ASSIGN(auto file, base::AtomicFile::create(path));
    TRY(read_blob(blob, [&](std::string_view piece) { return file.write(piece); }));
    TRY(file.commit());
  }
  TRY(base::write_file_atomic(dir / "oci-layout", oci_layout_file()));
  TRY(base::write_file_atomic(dir / "index.json", index.json));
  return base::ok();
}

}  // namespace oci
