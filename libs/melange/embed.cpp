#include "melange/embed.hpp"

#include <algorithm>
#include <vector>

namespace melange {

namespace detail {
extern const EmbeddedPipeline kEmbeddedPipelines[];
extern const size_t kEmbeddedPipelineCount;
}  // namespace detail

std::span<const EmbeddedPipeline> builtin_pipelines() {
  // The generator sorts file names ("make-install.yaml" < "make.yaml"); sort by pipeline name.
  static const std::vector<EmbeddedPipeline> sorted = [] {
    std::vector<EmbeddedPipeline> v(detail::kEmbeddedPipelines, detail::kEmbeddedPipelines + detail::kEmbeddedPipelineCount);
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return v;
  }();
  return sorted;
}

const EmbeddedPipeline* find_builtin_pipeline(std::string_view name) {
  auto all = builtin_pipelines();
  auto it = std::lower_bound(all.begin(), all.end(), name,
                             [](const EmbeddedPipeline& p, std::string_view n) { return p.name < n; });
  return it != all.end() && it->name == name ? &*it : nullptr;
}

}  // namespace melange
