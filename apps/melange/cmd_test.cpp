// melange test: run a configuration's test: sections against packages from repositories.
#include "apk/arch.hpp"
#include "sandbox/binfmt.hpp"
#include "base/strings.hpp"
#include "base/fs.hpp"
#include "config/build_config.hpp"
#include "melange/build.hpp"
#include "melange/commands.hpp"
#include "melange/compile.hpp"
#include "melange/original_flags.hpp"
#include "melange/test_run.hpp"
#include "melange/vars.hpp"

namespace melange_app {

cli::Command test_command() {
  return {"test", "Run the test: sections of a melange configuration", [](CLI::App& sub) {
            auto o = std::make_shared<melange::TestOptions>();
            auto cfg = std::make_shared<std::string>();
            auto pkg = std::make_shared<std::string>();
            auto arch = std::make_shared<std::string>();
            auto dirs = std::make_shared<std::vector<std::string>>();
            auto env_file = std::make_shared<std::string>();
            auto interactive = std::make_shared<bool>(false);
            auto debug = std::make_shared<bool>(false);
            auto orig = std::make_shared<OriginalFlags>();
            auto test_options = std::make_shared<std::vector<std::string>>();
            sub.add_option("config", *cfg, "The melange YAML file")->required();
            sub.add_option("package", *pkg, "Test only this package (default: every package with a test)");
            sub.add_option("--arch", *arch, "Architecture to test (default: the host; another one through qemu-user binfmt handlers)");
            sub.add_option("--runner", o->runner, "Where tests run: bubblewrap, docker or qemu")->capture_default_str();
            sub.add_option("-k,--keyring-append", o->keyring_append, "Extra keys trusted for the test environment")->delimiter(',');
            sub.add_option("-r,--repository-append", o->repository_append, "Repositories holding the packages to test")
                ->delimiter(',');
            sub.add_option("--mirror", o->mirrors, "Rewrite a repository/key/URL prefix: FROM=TO (over $APK_MIRRORS)");
            sub.add_option("--source-dir", o->source_dir, "Files copied into the test workspace (default: none)");
            sub.add_option("--cache-dir", o->cache_dir, "Mounted at /var/cache/melange when it exists");
            sub.add_option("--apk-cache-dir", o->apk_cache_dir, "Cache of downloaded APKINDEXes and packages");
            sub.add_option("--pipeline-dir", *dirs, "Directory searched for uses: pipelines before the built-ins");
            sub.add_option("--test-package-append", o->package_append, "Extra packages for every test environment")
                ->delimiter(',');
            sub.add_option("--workspace-dir", o->workspace_dir, "Workspace to use (default: a temporary directory per test)");
            sub.add_option("--test-option", *test_options, "Accepted for compatibility; unused (as in the original)");
            sub.add_option("--env-file", *env_file, "KEY=VALUE file under the test environment");
            sub.add_flag("--debug", *debug, "Run steps with set -x");
            sub.add_flag("-i,--interactive", *interactive, "Open a shell in the guest when a step fails (bubblewrap, qemu, lima; on a terminal)");
            sub.add_flag("--rm", o->remove, "Delete the guests afterwards (default true)");
            sub.add_flag("--network", o->network, "Let tests use the host's network (default: no network)");
            sub.add_flag("--ignore-signatures", o->ignore_signatures, "Do not verify repository signatures");
            orig->add_to(sub);
            return [=]() -> base::Status {
              TRY_ASSIGN(config::BuildConfig c, config::load_build_config(*cfg));
              melange::CompileOptions co;
              if (arch->empty() || *arch == "host") {
                co.arch = apk::host_arch();
              } else {
                TRY_ASSIGN(co.arch, apk::parse_arch(*arch));
              }
              TRY(sandbox::check_foreign_arch(co.arch.apk, apk::host_arch().apk, o->runner));
              co.pipeline_dirs.assign(dirs->begin(), dirs->end());
              co.pipeline_dirs.insert(co.pipeline_dirs.end(), orig->pipeline_dirs.begin(), orig->pipeline_dirs.end());
              co.debug = *debug ? melange::Debug::kOn : melange::Debug::kOff;
              if (!env_file->empty()) {
                TRY_ASSIGN(co.env_file, melange::load_env_file(*env_file));
              }
              TRY_ASSIGN(melange::CompiledBuild b, melange::compile(c, co));
              o->interactive = *interactive ? melange::Interactive::kOn : melange::Interactive::kOff;
              TRY_ASSIGN(o->timeout, orig->timeout_seconds());
              o->resources = orig->resources;
              if (orig->debug_runner) o->remove = false;
              return melange::run_tests(b, *o, *pkg);
            };
          }};
}

}  // namespace melange_app
