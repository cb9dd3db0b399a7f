// apko build-minirootfs CONFIG OUT.tar[.gz]: the image's root filesystem as one tar.
#include <spdlog/spdlog.h>

#include "apko/build.hpp"
#include "apko/commands.hpp"
#include "apko/plan.hpp"
#include "archive/gzip_parallel.hpp"
#include "archive/sink.hpp"
#include "base/fs.hpp"
#include "rootfs/layer.hpp"

namespace apko_app {

cli::Command build_minirootfs_command() {
  return {"build-minirootfs", "Build the root filesystem of a config as a tar (gzipped if OUT ends in .gz)",
          [](CLI::App& sub) {
            struct Args {
              CommonFlags f;
              std::string config, out, build_arch, sbom_path;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("config", a->config, "Image config (YAML)")->required();
            sub.add_option("output", a->out, "Output .tar or .tar.gz")->required();
            sub.add_option("--build-arch", a->build_arch, "Architecture (default: the host's)");
            add_common_flags(sub, a->f, FlagSet::kResolve);
            sub.add_option("--build-date", a->f.build_date, "Build date (RFC 3339)");
            sub.add_option("--sbom-path", a->sbom_path, "Accepted for compatibility; no SBOM is written for a root filesystem");
            return [a]() -> base::Status {
              if (!a->sbom_path.empty())
                spdlog::warn("build-minirootfs --sbom-path {}: not supported, no SBOM is written", a->sbom_path);
              a->f.vcs = false;
              if (!a->build_arch.empty()) a->f.arch_flag = a->build_arch;
              if (a->f.arch_flag.empty()) a->f.arch_flag = "host";
              TRY(finish_common_flags(a->f, a->config));
              TRY_ASSIGN(apko::Plan plan, apko::make_plan(a->config, a->f.opts));
              if (plan.archs.size() != 1)
                return base::fail(base::ErrorCode::kUsage, "build-minirootfs builds one architecture; got " +
                                                               std::to_string(plan.archs.size()));
              TRY_ASSIGN(apko::AssembledRoot root, apko::assemble_rootfs(plan, 0, a->f.opts));
              TRY_ASSIGN(base::AtomicFile file, base::AtomicFile::create(a->out));
              archive::FdSink fs(file.fd(), archive::FdOwnership::kBorrow, a->out);
              bool gz = a->out.size() > 3 && a->out.compare(a->out.size() - 3, 3, ".gz") == 0;
              if (gz) {
                archive::GzipSink z(fs, 6, 1 << 20, 0, archive::GzipMembers::kPerBlock);
                TRY(rootfs::write_layer(root.tree, z));
                TRY(z.finish());
              } else {
                TRY(rootfs::write_layer(root.tree, fs));
              }
              TRY(file.commit());
              spdlog::info("wrote {} ({} packages)", a->out, root.installed.size());
              return {};
            };
          }};
}

}  // namespace apko_app
