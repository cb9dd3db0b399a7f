// apko publish CONFIG REF...: build and push the per-arch images and the index.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "apko/build.hpp"
#include "apko/commands.hpp"
#include "apko/plan.hpp"
#include "base/fs.hpp"
#include "oci/reference.hpp"
#include "oci/registry.hpp"

namespace apko_app {

cli::Command publish_command() {
  return {"publish", "Build an image and push it (per-arch images and the index) to registries", [](CLI::App& sub) {
            struct Args {
              CommonFlags f;
              std::string config;
              std::vector<std::string> refs;
              std::string image_refs;
              bool local = false;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("config", a->config, "Image config (YAML)")->required();
            sub.add_option("refs", a->refs, "References to push to, e.g. registry.example/app:latest")->required();
            add_common_flags(sub, a->f, FlagSet::kBuild);
            sub.add_option("--image-refs", a->image_refs, "File to write the pushed references to (per-arch images, then the index)");
            sub.add_flag("--local", a->local, "Load into the local Docker daemon instead (not supported: see the error)");
            return [a]() -> base::Status {
              if (a->local)
                return base::fail(base::ErrorCode::kUnsupported, "publish --local: loading into a Docker daemon is not supported",
                                  "apko build CONFIG TAG image.tar, then docker load < image.tar (or podman load)");
              TRY(finish_common_flags(a->f, a->config));
              std::vector<oci::Reference> refs;
              for (const auto& r : a->refs) {
                TRY_ASSIGN(oci::Reference ref, oci::parse_reference(r));
                refs.push_back(std::move(ref));
              }
              TRY_ASSIGN(apko::Plan plan, apko::make_plan(a->config, a->f.opts));
              TRY(check_layer_format(a->f, plan.config.format));
              TRY_ASSIGN(base::TempDir blobs, base::TempDir::create("apko-blobs-"));
              TRY_ASSIGN(apko::BuildResult r, apko::build_images(plan, a->f.opts, a->refs.front(), blobs.path()));
              std::vector<oci::Image> images;
              for (const auto& ai : r.images) images.push_back(ai.image);
              oci::RegistryClient client;
              for (const auto& ref : refs) {
                auto st = client.push_index(ref, r.index, images);
                if (!st) return tl::unexpected(st.error().context("push " + ref.str()));
              }
              if (a->f.sbom && !a->f.sbom_path.empty()) TRY(apko::write_sboms(r, a->f.sbom_path));
              if (!a->image_refs.empty()) {
                // As apko writes them: each architecture's image, then the index, by digest.
                std::string lines;
                for (const auto& img : images) lines += refs.front().name() + "@" + img.manifest_digest + "\n";
                lines += refs.front().name() + "@" + r.index.digest + "\n";
                TRY(base::write_file_atomic(a->image_refs, lines, 0644));
              }
              for (const auto& ref : refs) std::printf("%s@%s\n", ref.name().c_str(), r.index.digest.c_str());
              return {};
            };
          }};
}

}  // namespace apko_app
