// melange source get|pop CONFIG: a package's git source as a checkout with its patches as
// commits, and back (libs/melange/source.hpp).
#include <spdlog/spdlog.h>

#include <cstdio>

#include "melange/commands.hpp"
#include "melange/source.hpp"

namespace melange_app {

cli::Command source_command() {
  return {"source", "Manage melange source code (get: git checkout with the patches as commits; pop: back to patches)",
          [](CLI::App& sub) {
            auto o = std::make_shared<melange::SourceOptions>();
            auto output = std::make_shared<std::string>("./source");
            auto source_dir = std::make_shared<std::string>();
            auto config = std::make_shared<std::string>();
            sub.require_subcommand(1);
            for (CLI::App* s : {sub.add_subcommand("get", "Clone the git-checkout source and apply the patches as commits"),
                                sub.add_subcommand("pop", "Write the commits after expected-commit as patches; patch steps become git-am")}) {
              s->add_option("config", *config, "The melange YAML file")->required();
              s->add_option("-o,--output", *output, "Output directory for the source (<output>/<package name>)")
                  ->capture_default_str();
              s->add_option("--source-dir", *source_dir,
                            "Directory of the patches (default: <config dir>/<package name>)");
            }
            CLI::App* self = &sub;
            return [o, output, source_dir, config, self]() -> base::Status {
              o->config_file = *config;
              o->output = *output;
              o->source_dir = *source_dir;
              if (self->got_subcommand("get")) {
                TRY_ASSIGN(auto dir, melange::source_get(*o));
                spdlog::info("successfully extracted source to {}", dir.string());
                return {};
              }
              TRY_ASSIGN(auto names, melange::source_pop(*o));
              for (const auto& n : names) std::printf("%s\n", n.c_str());
              return {};
            };
          }};
}

}  // namespace melange_app
