// apko lock CONFIG [--output F]: resolve and record the exact packages.
#include <spdlog/spdlog.h>

#include "apko/commands.hpp"
#include "apko/lock.hpp"
#include "apko/plan.hpp"
#include "base/fs.hpp"

namespace apko_app {

cli::Command lock_command() {
  return {"lock", "Resolve the packages of a config and write a lock file", [](CLI::App& sub) {
            struct Args {
              CommonFlags f;
              std::string config, output;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("config", a->config, "Image config (YAML)")->required();
            sub.add_option("--output", a->output, "Lock file (default: <config without extension>.lock.json)");
            add_common_flags(sub, a->f, FlagSet::kResolve);
            return [a]() -> base::Status {
              a->f.vcs = false;
              TRY(finish_common_flags(a->f, a->config));
              TRY_ASSIGN(apko::Plan plan, apko::make_plan(a->config, a->f.opts));
              TRY_ASSIGN(apko::LockFile lock, apko::make_lock(plan, a->config));
              std::filesystem::path out = a->output;
              if (out.empty()) out = std::filesystem::path(a->config).replace_extension("").string() + ".lock.json";
              TRY(base::write_file_atomic(out, apko::lock_to_json(lock)));
              spdlog::info("wrote {} ({} packages)", out.string(), lock.packages.size());
              return {};
            };
          }};
}

}  // namespace apko_app
