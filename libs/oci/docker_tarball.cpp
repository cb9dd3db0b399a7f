#include "oci/docker_tarball.hpp"

#include <nlohmann/json.hpp>

#include "archive/sink.hpp"
#include "archive/tar_writer.hpp"
#include "base/fs.hpp"
#include "oci/layout.hpp"

namespace oci {

namespace {

using Json = nlohmann::ordered_json;

archive::TarEntry file_entry(std::string name, uint64_t size) {
  archive::TarEntry e;
  e.name = std::move(name);
  e.type = archive::EntryType::kFile;
  e.mode = 0644;
  e.size = size;
  return e;
}

archive::TarEntry dir_entry(std::string name) {
  archive::TarEntry e;
  e.name = std::move(name);
  e.type = archive::EntryType::kDir;
  e.mode = 0755;
  return e;
}

// Splits "host:5000/a/b:tag" into ("host:5000/a/b", "tag"); the tag defaults to "latest".
base::Result<std::pair<std::string, std::string>> split_tag(const std::string& ref) {
  if (ref.find('@') != std::string::npos)
    return base::fail(base::ErrorCode::kInvalidInput, "image tag " + ref + ": a digest reference cannot name a tarball image");
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    if (colon == 0 || colon + 1 == ref.size())
      return base::fail(base::ErrorCode::kInvalidInput, "image tag " + ref + ": empty repository or tag");
    return std::pair{ref.substr(0, colon), ref.substr(colon + 1)};
  }
  if (ref.empty()) return base::fail(base::ErrorCode::kInvalidInput, "image tag is empty");
  return std::pair{ref, std::string("latest")};
}

}  // namespace

base::Result<std::vector<std::string>> docker_tags(const std::string& tag, const std::vector<Image>& images) {
  TRY_ASSIGN(auto parts, split_tag(tag));
  auto& [repo, name] = parts;
  std::vector<std::string> out;
  for (const auto& img : images) {
    if (images.size() == 1)
      out.push_back(repo + ":" + name);
    else
      out.push_back(repo + ":" + name + "-" + img.platform.architecture + img.platform.variant);
  }
  return out;
}

base::Status write_docker_tarball(const std::filesystem::path& out, const std::string& tag,
                                  const std::vector<Image>& images, const Index& index) {
  if (images.empty()) return base::fail(base::ErrorCode::kInvalidInput, out.string() + ": no images to write");
  TRY_ASSIGN(auto tags, docker_tags(tag, images));

  // index.json: the index with each entry's tag, matched by manifest digest.
  Json idx = Json::parse(index.json, nullptr, false);
  if (idx.is_discarded() || !idx.contains("manifests"))
    return base::fail(base::ErrorCode::kInternal, out.string() + ": the image index is not valid JSON");
  for (auto& m : idx["manifests"]) {
    for (size_t i = 0; i < images.size(); ++i) {
      if (m.value("digest", "") != images[i].manifest_digest) continue;
      auto colon = tags[i].rfind(':');
      Json ann = m.contains("annotations") ? m["annotations"] : Json::object();
      ann["io.containerd.image.name"] = tags[i];
      ann[kAnnotationRefName] = tags[i].substr(colon + 1);
      m["annotations"] = ann;
    }
  }
  std::string index_json = idx.dump(-1, ' ', false, Json::error_handler_t::replace);

  Json manifest = Json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    Json layers = Json::array();
    for (const auto& l : images[i].layers) layers.push_back("blobs/sha256/" + l.digest.substr(7));
    manifest.push_back(Json{{"Config", "blobs/sha256/" + images[i].config_digest.substr(7)},
                            {"RepoTags", Json::array({tags[i]})},
                            {"Layers", layers}});
  }
  std::string manifest_json = manifest.dump(-1, ' ', false, Json::error_handler_t::replace);

  TRY_ASSIGN(auto file, base::AtomicFile::create(out));
  archive::FdSink sink(file.fd(), archive::FdOwnership::kBorrow, out.string());
  archive::TarWriter tar(sink);
  TRY(tar.add(dir_entry("blobs")));
  TRY(tar.add(dir_entry("blobs/sha256")));
  for (const auto& blob : collect_blobs(images, index)) {
    TRY(tar.add_header(file_entry("blobs/sha256/" + blob.digest.substr(7), static_cast<uint64_t>(blob.size))));
    TRY(read_blob(blob, [&](std::string_view piece) { return tar.add_data(piece); }));
  }
  std::string layout = oci_layout_file();
  TRY(tar.add(file_entry("oci-layout", layout.size()), layout));
  TRY(tar.add(file_entry("index.json", index_json.size()), index_json));
  TRY(tar.add(file_entry("manifest.json", manifest_json.size()), manifest_json));
  TRY(tar.finish());
  return file.commit();
}

}  // namespace oci
