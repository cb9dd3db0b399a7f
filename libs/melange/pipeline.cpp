#include "melange/pipeline.hpp"

#include <algorithm>
#include <system_error>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "melange/embed.hpp"

namespace melange {

namespace fs = std::filesystem;

base::Status validate_pipeline_name(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return base::fail(base::ErrorCode::kInvalidInput, "pipeline name \"" + std::string(name) + "\" " + std::string(why),
                      "use a built-in pipeline name or a path relative to --pipeline-dir, without the .yaml suffix");
  };
  if (name.empty()) return bad("is empty");
  if (name.front() == '/') return bad("is an absolute path");
  for (std::string_view part : base::split(name, '/')) {
    if (part.empty()) return bad("has an empty path component");
    if (part == "." || part == "..") return bad("has a \".\" or \"..\" component");
    for (char c : part) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '-' || c == '+';
      if (!ok) return bad("has a character outside [A-Za-z0-9._+-/]");
    }
  }
  return base::ok();
}

namespace {

// True when `path` (resolved) lies strictly inside `dir` (resolved).
bool inside(const fs::path& dir, const fs::path& path) {
  std::error_code ec;
  fs::path d = fs::canonical(dir, ec);
  if (ec) return false;
  fs::path p = fs::canonical(path, ec);
  if (ec) return false;
  auto [dend, pit] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return dend == d.end() && pit != p.end();
}

}  // namespace

base::Result<PipelineSource> find_pipeline(std::string_view name, const std::vector<fs::path>& dirs) {
  TRY(validate_pipeline_name(name));
  std::string file = std::string(name) + ".yaml";
  for (const auto& dir : dirs) {
    fs::path candidate = dir / file;
    std::error_code ec;
    if (!fs::exists(candidate, ec)) continue;
    if (!inside(dir, candidate))
      return base::fail(base::ErrorCode::kInvalidInput,
                        candidate.string() + ": pipeline file resolves outside its pipeline dir " + dir.string());
    if (!fs::is_regular_file(candidate, ec))
      return base::fail(base::ErrorCode::kInvalidInput, candidate.string() + ": pipeline is not a regular file");
    TRY_ASSIGN(std::string text, base::read_file(candidate));
    return PipelineSource{std::string(name), candidate.string(), std::move(text)};
  }
  if (const EmbeddedPipeline* p = find_builtin_pipeline(name))
    return PipelineSource{std::string(name), "<builtin>/" + file, std::string(p->text)};
  std::string where = "the built-in pipelines";
  for (const auto& dir : dirs) where += ", " + dir.string();
  return base::fail(base::ErrorCode::kNotFound, "unknown pipeline \"" + std::string(name) + "\" (searched " + where + ")",
                    "add a --pipeline-dir holding " + file);
}

base::Result<config::PipelineDef> load_pipeline(std::string_view name, const std::vector<fs::path>& dirs) {
  TRY_ASSIGN(PipelineSource src, find_pipeline(name, dirs));
  return config::parse_pipeline_def(src.text, src.origin);
}

}  // namespace melange
