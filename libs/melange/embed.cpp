#include "melange/embed.hpp"

#include <algorithm>

namespace melange {

namespace detail {
extern const EmbeddedPipeline kEmbeddedPipelines[];
extern const size_t kEmbeddedPipelineCount;
}  // namespace detail

std::span<const EmbeddedPipeline> builtin_pipelines() {
  return {detail::kEmbeddedPipelines, detail::kEmbeddedPipelineCount};
}

const EmbeddedPipeline* find_builtin_pipeline(std::string_view name) {
  auto all = builtin_pipelines();
  auto it = std::lower_bound(all.begin(), all.end(), name,
                             [](const EmbeddedPipeline& p, std::string_view n) { return p.name < n; });
  return it != all.end() && it->name == name ? &*it : nullptr;
}

}  // namespace melange
