// melange rebuild PKG.apk...: builds each package again from its embedded configuration and
// compares the result with the original byte for byte (libs/melange/rebuild.hpp). With
// --diff (the default) any difference is printed and the command fails.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "melange/commands.hpp"
#include "melange/rebuild.hpp"

namespace melange_app {

cli::Command rebuild_command() {
  return {"rebuild", "Rebuild packages from their embedded configuration and compare the bytes", [](CLI::App& sub) {
            auto o = std::make_shared<melange::RebuildOptions>();
            auto pkgs = std::make_shared<std::vector<std::string>>();
            auto timeout = std::make_shared<long long>(0);
            melange::BuildOptions& b = o->build;
            b.out_dir = "./rebuilt-packages/";
            b.generate_index = false;  // as melange's rebuild: packages only
            b.run_tests = false;       // melange's build runs no tests; --test runs them
            sub.add_option("packages", *pkgs, "The .apk files to rebuild")->required();
            sub.add_option("--runner", b.runner, "Where steps run: bubblewrap, docker or qemu")->capture_default_str();
            sub.add_flag("--diff", o->diff, "Fail and show the differences between original and rebuilt packages (default true)");
            sub.add_option("--out-dir", b.out_dir, "Where the rebuilt packages go (<out-dir>/<arch>/)")->capture_default_str();
            sub.add_option("--source-dir", b.source_dir, "Files copied into the workspace (default: an empty workspace)");
            sub.add_option("--signing-key", b.signing_key, "Key to sign the rebuilt packages with (the original's, to match)");
            sub.add_option("-k,--keyring-append", b.keyring_append, "Extra keys trusted for the build environment");
            sub.add_option("-r,--repository-append", b.repository_append, "Extra repositories for the build environment");
            sub.add_option("--mirror", b.mirrors, "Rewrite a repository/key/URL prefix: FROM=TO (over $APK_MIRRORS)");
            sub.add_option("--cache-dir", b.cache_dir, "Source cache mounted at /var/cache/melange (when it exists)")
                ->capture_default_str();
            sub.add_option("--apk-cache-dir", b.apk_cache_dir, "Cache of downloaded APKINDEXes and packages");
            sub.add_flag("--ignore-signatures", b.ignore_signatures, "Do not verify repository signatures");
            sub.add_flag("--network", b.network, "Let steps use the host's network (default: no network)");
            sub.add_flag("--test", b.run_tests, "Also run the test: sections (default false)");
            sub.add_flag("--rm", b.remove, "Delete the workspace and guest afterwards (default true)");
            sub.add_option("--timeout", *timeout, "Per-step timeout in seconds (default: package.timeout, else none)");
            return [o, pkgs, timeout]() -> base::Status {
              o->packages.assign(pkgs->begin(), pkgs->end());
              o->build.timeout = std::chrono::seconds(*timeout);
              TRY_ASSIGN(auto results, melange::rebuild(*o));
              size_t differ = 0;
              for (const auto& r : results) {
                if (!r.compared) continue;
                if (r.diff.identical()) {
                  spdlog::info("{}: the rebuilt {} is identical (sha256 {})", r.original.string(), r.rebuilt.string(),
                               r.diff.new_sha256);
                  continue;
                }
                ++differ;
                std::printf("%s -> %s:\n", r.original.string().c_str(), r.rebuilt.string().c_str());
                for (const auto& line : r.diff.lines) std::printf("  %s\n", line.c_str());
              }
              std::fflush(stdout);
              if (differ > 0)
                return base::fail(base::ErrorCode::kSignature,
                                  std::to_string(differ) + " of " + std::to_string(results.size()) +
                                      " rebuilt package(s) differ from the original (differences on stdout)");
              return {};
            };
          }};
}

}  // namespace melange_app
