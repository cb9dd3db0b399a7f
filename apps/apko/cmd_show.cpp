// apko show-config / show-packages / dot.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "apko/commands.hpp"
#include "apko/dot.hpp"
#include "apko/plan.hpp"
#include "config/image_config.hpp"

namespace apko_app {

cli::Command show_config_command() {
  return {"show-config", "Print the config after include: merging and flags, as YAML", [](CLI::App& sub) {
            struct Args {
              CommonFlags f;
              std::string config;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("config", a->config, "Image config (YAML)")->required();
            add_common_flags(sub, a->f, FlagSet::kResolve);
            return [a]() -> base::Status {
              a->f.vcs = false;
              TRY(finish_common_flags(a->f, a->config));
              TRY_ASSIGN(apko::Plan plan, apko::prepare_plan(a->config, a->f.opts));
              auto& c = plan.config.contents;
              for (const auto& k : a->f.opts.keyring_append) c.keyring.push_back(k);
              for (const auto& r : a->f.opts.repository_append) c.repositories.push_back(r);
              for (const auto& r : a->f.opts.build_repository_append) c.build_repositories.push_back(r);
              for (const auto& p : a->f.opts.package_append) c.packages.push_back(p);
              std::fputs(config::to_yaml(plan.config).c_str(), stdout);
              return {};
            };
          }};
}

cli::Command show_packages_command() {
  return {"show-packages", "Print the packages a config resolves to, per architecture", [](CLI::App& sub) {
            struct Args {
              CommonFlags f;
              std::string config, format = "name-version";
            };
            auto a = std::make_shared<Args>();
            sub.add_option("config", a->config, "Image config (YAML)")->required();
            sub.add_option("--format", a->format, "name-version, name=version, packagelock (- name=version)")
                ->capture_default_str();
            add_common_flags(sub, a->f, FlagSet::kResolve);
            return [a]() -> base::Status {
              if (a->format != "name-version" && a->format != "name=version" && a->format != "packagelock")
                return base::fail(base::ErrorCode::kUsage, "--format '" + a->format +
                                                               "': want name-version, name=version or packagelock");
              a->f.vcs = false;
              TRY(finish_common_flags(a->f, a->config));
              TRY_ASSIGN(apko::Plan plan, apko::make_plan(a->config, a->f.opts));
              for (const auto& arch : plan.archs) {
                if (plan.archs.size() > 1) std::printf("# %s\n", arch.arch.apk.c_str());
                for (size_t id : arch.packages) {
                  const auto& info = arch.repos->universe().package(id);
                  if (a->format == "name-version")
                    std::printf("%s-%s\n", info.name.c_str(), info.version.c_str());
                  else if (a->format == "name=version")
                    std::printf("%s=%s\n", info.name.c_str(), info.version.c_str());
                  else
                    std::printf("- %s=%s\n", info.name.c_str(), info.version.c_str());
                }
              }
              return {};
            };
          }};
}

cli::Command dot_command() {
  return {"dot", "Print the resolution of the first architecture as a Graphviz graph", [](CLI::App& sub) {
            struct Args {
              CommonFlags f;
              std::string config, registry_explorer;
              bool spanning_tree = false, web = false;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("config", a->config, "Image config (YAML)")->required();
            add_common_flags(sub, a->f, FlagSet::kResolve);
            sub.add_flag("--spanning-tree", a->spanning_tree, "Accepted for compatibility; the whole graph is printed");
            sub.add_option("--registry-explorer", a->registry_explorer, "Accepted for compatibility; no links are added");
            sub.add_flag("--web", a->web, "Serve the graph over HTTP (not supported: see the error)");
            return [a]() -> base::Status {
              if (a->web)
                return base::fail(base::ErrorCode::kUnsupported, "dot --web: serving the graph is not supported",
                                  "apko dot CONFIG | dot -Tsvg > graph.svg");
              if (a->spanning_tree || !a->registry_explorer.empty())
                spdlog::warn("dot: --spanning-tree and --registry-explorer are not supported; printing the whole graph");
              a->f.vcs = false;
              TRY(finish_common_flags(a->f, a->config));
              TRY_ASSIGN(apko::Plan plan, apko::make_plan(a->config, a->f.opts));
              std::fputs(apko::resolution_dot(plan, 0, a->config).c_str(), stdout);
              return {};
            };
          }};
}

}  // namespace apko_app
