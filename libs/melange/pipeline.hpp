// Resolving `uses: NAME` to a pipeline definition.
//
// NAME is a relative name such as "fetch" or "autoconf/configure": components of letters,
// digits and . _ + -, separated by "/", none empty, "." or "..". It is looked up as
// <dir>/NAME.yaml in each --pipeline-dir in order (the first existing file wins, and it must
// stay inside its directory after resolving symlinks), then among the built-in pipelines
// (melange/embed.hpp). Absolute paths, ".." and anything resolving outside a pipeline dir are
// refused, so a config cannot make melange read arbitrary files (CVE-2026-29050).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "config/build_config.hpp"

namespace melange {

base::Status validate_pipeline_name(std::string_view name);

struct PipelineSource {
  std::string name;    // as used: "autoconf/configure"
  std::string origin;  // file path, or "<builtin>/NAME.yaml"; used in error messages
  std::string text;    // YAML
};

// kNotFound names the pipeline and where it was searched.
base::Result<PipelineSource> find_pipeline(std::string_view name, const std::vector<std::filesystem::path>& dirs);
// find_pipeline + config::parse_pipeline_def.
base::Result<config::PipelineDef> load_pipeline(std::string_view name,
                                                const std::vector<std::filesystem::path>& dirs);

}  // namespace melange
