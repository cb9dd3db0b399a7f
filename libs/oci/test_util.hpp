// Test helpers for the oci tests: running commands, schema validation, a tiny layer.
#pragma once

#include <filesystem>
#include <string>

#include "archive/sink.hpp"
#include "archive/tar_writer.hpp"
#include "base/fs.hpp"
#include "oci/image.hpp"
#include "testutil/testutil.hpp"

namespace oci::testing {

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline RunResult run(const std::string& cmd) {
  RunResult r;
  r.output = testutil::run_capture(cmd + " 2>&1", &r.exit_code);
  return r;
}

inline bool have_tool(const std::string& name) { return run("command -v " + name).exit_code == 0; }

inline std::string quote(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// `sha256sum FILE` as "sha256:<hex>".
inline std::string sha256sum(const std::filesystem::path& p) {
  auto r = run("sha256sum " + quote(p));
  return r.exit_code == 0 ? "sha256:" + r.output.substr(0, 64) : "error: " + r.output;
}

// The OCI image-spec JSON schemas (Debian's golang-github-opencontainers-image-spec-dev).
inline std::string oci_schemas() { return testutil::oci_schema_dir().string(); }

using testutil::validate_json;

// A layer holding one directory and one file, built with the project's tar writer.
inline base::Result<Layer> tiny_layer(const std::filesystem::path& file, const std::string& content) {
  archive::StringSink sink;
  archive::TarWriter tar(sink, archive::TarWriterOptions{false});
  archive::TarEntry dir{"etc", archive::EntryType::kDir, 0755};
  TRY(tar.add(dir));
  archive::TarEntry f{"etc/hello.txt", archive::EntryType::kFile, 0644};
  f.size = content.size();
  f.mtime = 1700000000;
  TRY(tar.add(f, content));
  TRY(tar.finish());
  return layer_from_tar(sink.data, file);
}

inline base::Result<Image> tiny_image(const std::filesystem::path& dir, const std::string& arch,
                                      const std::string& variant = {}) {
  TRY_ASSIGN(Layer layer, tiny_layer(dir / ("layer-" + arch + variant + ".tar.gz"), "hello from " + arch + variant + "\n"));
  ImageConfigSpec spec;
  spec.platform = Platform{arch, "linux", variant};
  spec.created = "2023-11-14T22:13:20Z";
  spec.author = "test";
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.cmd = {"/bin/sh"};
  spec.history = {HistoryEntry{"2023-11-14T22:13:20Z", "test", "test", "single layer", false}};
  return make_image(spec, {layer}, {{"org.opencontainers.image.created", "2023-11-14T22:13:20Z"}});
}

}  // namespace oci::testing
