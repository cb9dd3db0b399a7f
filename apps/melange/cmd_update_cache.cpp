// melange update-cache CONFIG --cache-dir DIR: downloads the sources the configuration's
// fetch steps name into DIR as sha256:<hash> / sha512:<hash> (libs/melange/update_cache.hpp).
#include <spdlog/spdlog.h>

#include "config/build_config.hpp"
#include "fetch/client.hpp"
#include "melange/commands.hpp"
#include "melange/compile.hpp"
#include "melange/update_cache.hpp"

namespace melange_app {

cli::Command update_cache_command() {
  return {"update-cache", "Download the sources a configuration fetches into a source cache", [](CLI::App& sub) {
            struct Opts {
              std::string config;
              std::string cache_dir = "/var/cache/melange";
              std::vector<std::string> pipeline_dirs;
            };
            auto o = std::make_shared<Opts>();
            sub.add_option("config", o->config, "The melange YAML file")->required();
            sub.add_option("--cache-dir", o->cache_dir, "Directory the sources go to (melange build --cache-dir)")
                ->capture_default_str();
            sub.add_option("--pipeline-dir", o->pipeline_dirs, "Directory searched for uses: pipelines before the built-ins");
            return [o]() -> base::Status {
              TRY_ASSIGN(auto cfg, config::load_build_config(o->config));
              melange::CompileOptions co;
              for (const auto& d : o->pipeline_dirs) co.pipeline_dirs.emplace_back(d);
              TRY_ASSIGN(auto build, melange::compile(cfg, co));
              fetch::Options fo;
              fo.max_bytes = uint64_t(1) << 30;  // as melange: at most 1 GiB per source
              fetch::Client client(fo);
              TRY_ASSIGN(auto results, melange::update_cache(build, o->cache_dir, client));
              size_t downloaded = 0, entries = 0;
              for (const auto& r : results) {
                downloaded += r.downloaded ? 1 : 0;
                entries += r.entries.size();
              }
              spdlog::info("{}: {} fetch source(s), {} downloaded, {} cache entr{} in {}", o->config, results.size(), downloaded,
                           entries, entries == 1 ? "y" : "ies", o->cache_dir);
              return {};
            };
          }};
}

}  // namespace melange_app
