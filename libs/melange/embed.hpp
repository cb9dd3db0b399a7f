// Built-in pipelines shipped inside the binary.
//
// Each libs/melange/pipelines/<name>.yaml (for example "fetch", "autoconf/configure") is turned
// into a raw string literal at build time by embed_pipelines.cmake; no external tool is needed.
// The files use melange's pipeline format (name, needs.packages, inputs, pipeline / runs) and
// are parsed with config::parse_pipeline_def when used.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace melange {

struct EmbeddedPipeline {
  std::string_view name;  // "autoconf/configure"
  std::string_view text;  // the YAML file contents
};

// Every built-in pipeline, sorted by name.
std::span<const EmbeddedPipeline> builtin_pipelines();
// nullptr when there is no built-in pipeline of that name.
const EmbeddedPipeline* find_builtin_pipeline(std::string_view name);

}  // namespace melange
