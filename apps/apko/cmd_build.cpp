// apko build CONFIG TAG OUT: images from apk packages into a docker tarball or an OCI layout.
#include <spdlog/spdlog.h>

#include "apko/build.hpp"
#include "apko/commands.hpp"
#include "apko/plan.hpp"
#include "base/fs.hpp"

namespace apko_app {

cli::Command build_command() {
  return {"build", "Build an image from a config: OUT is an existing directory (OCI layout) or a tarball",
          [](CLI::App& sub) {
            struct Args {
              CommonFlags f;
              std::string config, tag, out;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("config", a->config, "Image config (YAML)")->required();
            sub.add_option("tag", a->tag, "Image tag, e.g. example.com/app:latest")->required();
            sub.add_option("output", a->out, "Output tarball, or an existing directory for an OCI layout")->required();
            add_common_flags(sub, a->f, FlagSet::kBuild);
            return [a]() -> base::Status {
              TRY(finish_common_flags(a->f, a->config));
              TRY_ASSIGN(apko::Plan plan, apko::make_plan(a->config, a->f.opts));
              TRY(check_layer_format(a->f, plan.config.format));
              std::filesystem::path out(a->out);
              auto parent = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
              std::error_code ec;
              if (!std::filesystem::is_directory(out, ec) && !std::filesystem::is_directory(parent, ec))
                return base::fail(base::ErrorCode::kNotFound, a->out + ": directory " + parent.string() + " does not exist");
              TRY_ASSIGN(base::TempDir blobs, base::TempDir::create("apko-blobs-"));
              TRY_ASSIGN(apko::BuildResult r, apko::build_images(plan, a->f.opts, a->tag, blobs.path()));
              TRY(apko::write_output(r, out, a->tag));
              if (a->f.sbom) {
                std::filesystem::path dir = a->f.sbom_path.empty() ? std::string(".") : a->f.sbom_path;
                TRY(apko::write_sboms(r, dir));
              }
              spdlog::info("wrote {} (index {})", a->out, r.index.digest);
              return {};
            };
          }};
}

}  // namespace apko_app
