#include "oci/image.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "archive/gzip.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"

namespace oci {

namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json string_map(const std::map<std::string, std::string>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = v;  // std::map iterates sorted, like Go's map encoding
  return j;
}

Json platform_json(const Platform& p) {
  Json j;
  j["architecture"] = p.architecture;
  j["os"] = p.os;
  if (!p.variant.empty()) j["variant"] = p.variant;
  return j;
}

Json descriptor(const Descriptor& d) {
  Json j;
  j["mediaType"] = d.media_type;
  j["digest"] = d.digest;
  j["size"] = d.size;
  if (!d.annotations.empty()) j["annotations"] = string_map(d.annotations);
  if (d.platform) j["platform"] = platform_json(*d.platform);
  if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
  return j;
}

Json string_list(const std::vector<std::string>& v) { return Json(v); }

}  // namespace

std::string sha256_digest(std::string_view data) { return "sha256:" + base::sha256_hex(data); }

bool valid_sha256_digest(std::string_view d) {
  if (d.size() != 71 || !d.starts_with("sha256:")) return false;
  return std::all_of(d.begin() + 7, d.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string descriptor_json(const Descriptor& d) { return dump(descriptor(d)); }

std::string config_json(const ImageConfigSpec& spec) {
  Json j;
  if (!spec.created.empty()) j["created"] = spec.created;
  if (!spec.author.empty()) j["author"] = spec.author;
  j["architecture"] = spec.platform.architecture;
  j["os"] = spec.platform.os;
  if (!spec.platform.variant.empty()) j["variant"] = spec.platform.variant;
  Json c = Json::object();
  if (!spec.user.empty()) c["User"] = spec.user;
  if (!spec.env.empty()) c["Env"] = string_list(spec.env);
  if (!spec.entrypoint.empty()) c["Entrypoint"] = string_list(spec.entrypoint);
  if (!spec.cmd.empty()) c["Cmd"] = string_list(spec.cmd);
  if (!spec.volumes.empty()) {
    std::vector<std::string> vols = spec.volumes;
    std::sort(vols.begin(), vols.end());
    Json v = Json::object();
    for (const auto& vol : vols) v[vol] = Json::object();
    c["Volumes"] = v;
  }
  if (!spec.working_dir.empty()) c["WorkingDir"] = spec.working_dir;
  if (!spec.labels.empty()) c["Labels"] = string_map(spec.labels);
  if (!spec.stop_signal.empty()) c["StopSignal"] = spec.stop_signal;
  j["config"] = c;
  j["rootfs"] = Json{{"type", "layers"}, {"diff_ids", string_list(spec.diff_ids)}};
  if (!spec.history.empty()) {
    Json h = Json::array();
    for (const auto& e : spec.history) {
      Json x = Json::object();
      if (!e.created.empty()) x["created"] = e.created;
      if (!e.created_by.empty()) x["created_by"] = e.created_by;
      if (!e.author.empty()) x["author"] = e.author;
      if (!e.comment.empty()) x["comment"] = e.comment;
      if (e.empty_layer) x["empty_layer"] = true;
      h.push_back(std::move(x));
    }
    j["history"] = h;
  }
  return dump(j);
}

base::Result<Image> make_image(const ImageConfigSpec& spec_in, std::vector<Layer> layers,
                               const std::map<std::string, std::string>& annotations) {
  ImageConfigSpec spec = spec_in;
  if (spec.platform.architecture.empty())
    return base::fail(base::ErrorCode::kInvalidInput, "image config: platform architecture is empty");
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    if (!valid_sha256_digest(l.digest) || !valid_sha256_digest(l.diff_id))
      return base::fail(base::ErrorCode::kInvalidInput,
                        "image layer " + std::to_string(i) + ": digest or diff_id is not sha256:<64 hex>");
    if (l.size < 0) return base::fail(base::ErrorCode::kInvalidInput, "image layer " + std::to_string(i) + ": negative size");
  }
  if (spec.diff_ids.empty()) {
    for (const auto& l : layers) spec.diff_ids.push_back(l.diff_id);
  } else {
    bool same = spec.diff_ids.size() == layers.size();
    for (size_t i = 0; same && i < layers.size(); ++i) same = spec.diff_ids[i] == layers[i].diff_id;
    if (!same) return base::fail(base::ErrorCode::kInvalidInput, "image config: rootfs diff_ids do not match the layers");
  }
  Image img;
  img.platform = spec.platform;
  img.config_json = config_json(spec);
  img.config_digest = sha256_digest(img.config_json);

  Json m;
  m["schemaVersion"] = 2;
  m["mediaType"] = kMediaManifest;
  m["config"] = descriptor(Descriptor{kMediaConfig, img.config_digest, static_cast<int64_t>(img.config_json.size()), {}, {}, {}});
  Json ls = Json::array();
  for (const auto& l : layers) ls.push_back(descriptor(Descriptor{l.media_type, l.digest, l.size, {}, {}, {}}));
  m["layers"] = ls;
  if (!annotations.empty()) m["annotations"] = string_map(annotations);
  img.manifest_json = dump(m);
  img.manifest_digest = sha256_digest(img.manifest_json);
  img.layers = std::move(layers);
  return img;
}

Index make_index(const std::vector<Image>& images, const std::map<std::string, std::string>& annotations,
                 const std::map<std::string, std::string>& ref_names) {
  std::vector<const Image*> sorted;
  for (const auto& i : images) sorted.push_back(&i);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Image* a, const Image* b) { return a->platform.str() < b->platform.str(); });
  Json j;
  j["schemaVersion"] = 2;
  j["mediaType"] = kMediaIndex;
  Json ms = Json::array();
  for (const Image* i : sorted) {
    Descriptor d{kMediaManifest, i->manifest_digest, static_cast<int64_t>(i->manifest_json.size()), {}, i->platform, {}};
    auto ref = ref_names.find(i->platform.str());
    if (ref != ref_names.end()) d.annotations[kAnnotationRefName] = ref->second;
    ms.push_back(descriptor(d));
  }
  j["manifests"] = ms;
  if (!annotations.empty()) j["annotations"] = string_map(annotations);
  Index idx;
  idx.json = dump(j);
  idx.digest = sha256_digest(idx.json);
  return idx;
}

base::Result<Layer> layer_from_tar(std::string_view tar, const std::filesystem::path& file, int level) {
  std::string gz = archive::gzip_compress(tar, level);
  TRY(base::write_file_atomic(file, gz));
  Layer l;
  l.digest = sha256_digest(gz);
  l.diff_id = sha256_digest(tar);
  l.size = static_cast<int64_t>(gz.size());
  l.file = file;
  return l;
}

}  // namespace oci
