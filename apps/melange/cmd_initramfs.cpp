// melange initramfs -o OUT [--arch A] [-r REPO]... [-k KEY]... [-p PKG]...: the initramfs the
// qemu runner boots, for a root of the given packages (busybox by default): the packages
// assembled as for a build environment, ma-guest-init as /.ma/init and the kernel's virtio
// channel modules (sandbox/qemu.hpp qemu_initramfs_spec). OUT ending in .gz is gzipped.
#include <spdlog/spdlog.h>

#include "apk/arch.hpp"
#include "melange/commands.hpp"
#include "melange/environment.hpp"
#include "sandbox/qemu.hpp"

namespace melange_app {

cli::Command initramfs_command() {
  return {"initramfs", "Build an initramfs for the qemu runner from packages", [](CLI::App& sub) {
            struct Opts {
              std::string out, arch = "host";
              std::vector<std::string> repos, keys, packages, mirrors;
              std::string init_package;
            };
            auto o = std::make_shared<Opts>();
            sub.add_option("-o,--output", o->out, "Output .cpio (or .cpio.gz)")->required();
            sub.add_option("--arch", o->arch, "Architecture (apk or OCI name, or host)")->capture_default_str();
            sub.add_option("-r,--repository", o->repos, "Repository (directory or URL); repeatable");
            sub.add_option("-k,--keyring", o->keys, "Public key to trust; repeatable");
            sub.add_option("-p,--package", o->packages, "Package to install (default: busybox); repeatable");
            sub.add_option("--mirror", o->mirrors, "Rewrite URL prefix FROM to TO (FROM=TO); repeatable");
            sub.add_option("--init-package", o->init_package, "Accepted for compatibility; our own init is always used");
            return [o]() -> base::Status {
              if (!o->init_package.empty())
                spdlog::warn("--init-package {}: not used, the initramfs boots this melange's own init", o->init_package);
              TRY_ASSIGN(apk::Arch arch, o->arch == "host" ? base::Result<apk::Arch>(apk::host_arch()) : apk::parse_arch(o->arch));
              if (arch != apk::host_arch())
                return base::fail(base::ErrorCode::kUnsupported,
                                  "initramfs for " + arch.apk + ": the qemu runner boots the host's architecture only");
              config::ImageConfig ic;
              ic.contents.repositories = o->repos;
              ic.contents.keyring = o->keys;
              ic.contents.packages = o->packages.empty() ? std::vector<std::string>{"busybox"} : o->packages;
              melange::EnvironmentOptions eo;
              eo.mirrors = o->mirrors;
              eo.what = "initramfs root";
              TRY_ASSIGN(auto env, melange::assemble_environment(ic, arch, eo));
              TRY_ASSIGN(base::TempDir root, melange::materialize_environment(env, {}, "melange-initramfs-"));
              sandbox::RunnerConfig rc;
              rc.rootfs = root.path();
              TRY_ASSIGN(auto kernel, sandbox::find_kernel(std::getenv("QEMU_KERNEL_IMAGE") ? std::getenv("QEMU_KERNEL_IMAGE") : "", "/boot"));
              TRY_ASSIGN(auto spec, sandbox::qemu_initramfs_spec(rc, kernel));
              TRY(sandbox::write_initramfs_file(spec, o->out));
              spdlog::info("wrote {} ({} packages, init ma-guest-init, {} channel)", o->out, env.installed.size(), spec.channel);
              return {};
            };
          }};
}

}  // namespace melange_app
