// apko build-cpio CONFIG OUT.cpio[.gz]: the image's root filesystem as a newc cpio, what a
// kernel boots as its initramfs (qemu runners).
#include <spdlog/spdlog.h>

#include "apko/build.hpp"
#include "apko/commands.hpp"
#include "apko/plan.hpp"
#include "archive/gzip_parallel.hpp"
#include "archive/sink.hpp"
#include "base/fs.hpp"
#include "rootfs/cpio.hpp"

namespace apko_app {

cli::Command build_cpio_command() {
  return {"build-cpio", "Build the root filesystem of a config as a newc cpio (gzipped if OUT ends in .gz)",
          [](CLI::App& sub) {
            struct Args {
              CommonFlags f;
              std::string config, out, build_arch, sbom_path;
            };
            auto a = std::make_shared<Args>();
            sub.add_option("config", a->config, "Image config (YAML)")->required();
            sub.add_option("output", a->out, "Output .cpio or .cpio.gz")->required();
            sub.add_option("--build-arch", a->build_arch, "Architecture (default: the host's)");
            add_common_flags(sub, a->f, FlagSet::kResolve);
            sub.add_option("--build-date", a->f.build_date, "Build date (RFC 3339)");
            sub.add_option("--sbom-path", a->sbom_path, "Accepted as apko does; build-cpio writes no SBOM");
            return [a]() -> base::Status {
              a->f.vcs = false;
              if (!a->build_arch.empty()) a->f.arch_flag = a->build_arch;
              if (a->f.arch_flag.empty()) a->f.arch_flag = "host";
              if (!a->sbom_path.empty()) spdlog::warn("build-cpio writes no SBOM (as apko); --sbom-path is not used");
              TRY(finish_common_flags(a->f, a->config));
              TRY_ASSIGN(apko::Plan plan, apko::make_plan(a->config, a->f.opts));
              if (plan.archs.size() != 1)
                return base::fail(base::ErrorCode::kUsage,
                                  "build-cpio builds one architecture; got " + std::to_string(plan.archs.size()));
              TRY_ASSIGN(apko::AssembledRoot root, apko::assemble_rootfs(plan, 0, a->f.opts));
              TRY_ASSIGN(base::AtomicFile file, base::AtomicFile::create(a->out));
              archive::FdSink fs(file.fd(), archive::FdOwnership::kBorrow, a->out);
              const bool gz = a->out.size() > 3 && a->out.compare(a->out.size() - 3, 3, ".gz") == 0;
              rootfs::CpioStats stats;
              if (gz) {
                archive::GzipSink z(fs, 6, 1 << 20, 0, archive::GzipMembers::kPerBlock);
                TRY_ASSIGN(stats, rootfs::write_cpio(root.tree, z));
                TRY(z.finish());
              } else {
                TRY_ASSIGN(stats, rootfs::write_cpio(root.tree, fs));
              }
              TRY(file.commit());
              if (stats.xattrs_dropped)
                spdlog::warn("{}: extended attributes of {} files are not in the cpio (newc has no field for them)",
                             a->out, stats.xattrs_dropped);
              spdlog::info("wrote {} ({} packages, {} entries)", a->out, root.installed.size(), stats.entries);
              return {};
            };
          }};
}

}  // namespace apko_app
