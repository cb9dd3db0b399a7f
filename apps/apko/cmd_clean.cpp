// apko clean: empty the package and index cache.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstdio>

#include "apko/commands.hpp"
#include "fetch/cache.hpp"

namespace apko_app {

namespace {

// The original's default: os.UserCacheDir()/dev.chainguard.go-apk.
std::string default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/dev.chainguard.go-apk";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/dev.chainguard.go-apk";
  return {};
}

std::string human(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  const char* units = "KMGTPE";
  int i = -1;
  while (v >= 1024 && i < 5) {
    v /= 1024;
    ++i;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %ciB", v, units[i]);
  return buf;
}

}  // namespace

cli::Command clean_command() {
  return {"clean", "Remove the package and index cache directory", [](CLI::App& sub) {
            struct Args {
              std::string cache_dir;
              bool dry_run = false;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("--cache-dir", a->cache_dir,
                           "Cache directory (default: $XDG_CACHE_HOME or ~/.cache, /dev.chainguard.go-apk, as apko)");
            sub.add_flag("--dry-run", a->dry_run, "Show what the cache holds without removing it");
            return [a]() -> base::Status {
              std::string dir = a->cache_dir.empty() ? default_cache_dir() : a->cache_dir;
              if (dir.empty()) return base::fail(base::ErrorCode::kUsage, "no --cache-dir and no $HOME to find the default");
              dir = std::filesystem::absolute(dir).lexically_normal().string();
              spdlog::info("cache directory: {}", dir);
              TRY(fetch::Cache::check_removable(dir));
              TRY_ASSIGN(fetch::CacheUsage u, fetch::Cache::usage(dir));
              if (!std::filesystem::exists(dir)) {
                spdlog::info("the cache directory does not exist, nothing to clean");
                return {};
              }
              std::printf("%s: %llu files, %s\n", dir.c_str(), static_cast<unsigned long long>(u.files),
                          human(u.bytes).c_str());
              if (a->dry_run) {
                spdlog::info("dry run: nothing removed");
                return {};
              }
              TRY(fetch::Cache::remove(dir));
              spdlog::info("removed {}", dir);
              return {};
            };
          }};
}

}  // namespace apko_app
