// melange compile / query / package-version: the resolved configuration without building.
#include <cstdio>

#include "apk/arch.hpp"
#include "config/build_config.hpp"
#include "melange/build.hpp"
#include "melange/commands.hpp"
#include "melange/compile.hpp"
#include "melange/original_flags.hpp"

namespace melange_app {

using base::Status;

namespace {

struct CompileFlags {
  std::string config;
  std::string arch;
  // What compile uses of the build's options: pipeline dirs, build options, vars and env
  // files, namespace, --debug, --build-date and the libc flavour (melange::compile_options).
  melange::BuildOptions build;
  std::vector<std::string> pipeline_dirs, env_files;
  OriginalFlags orig;
  // The build flags the original's compile accepts without using them for its output.
  std::vector<std::string> unused_lists;
  std::string unused_text;
  bool unused_flag = false;
};

base::Result<melange::CompileOptions> to_options(CompileFlags& f) {
  TRY(f.orig.timeout_seconds());  // unused, but checked as build checks it
  melange::BuildOptions& b = f.build;
  b.pipeline_dirs.assign(f.pipeline_dirs.begin(), f.pipeline_dirs.end());
  b.pipeline_dirs.insert(b.pipeline_dirs.end(), f.orig.pipeline_dirs.begin(), f.orig.pipeline_dirs.end());
  b.env_files.assign(f.env_files.begin(), f.env_files.end());
  TRY_ASSIGN(b.source_date_epoch, source_date_epoch_from_env());
  TRY_ASSIGN(melange::CompileOptions o, melange::compile_options(b));
  if (!f.arch.empty()) {
    TRY_ASSIGN(o.arch, apk::parse_arch(f.arch));
  } else {
    o.arch = apk::host_arch();
  }
  return o;
}

}  // namespace

cli::Command compile_command() {
  return {"compile", "Print the fully resolved build plan of a melange configuration as JSON", [](CLI::App& sub) {
            auto f = std::make_shared<CompileFlags>();
            sub.add_option("config", f->config, "The melange YAML file (default: .melange.yaml, melange.yaml, ...)");
            sub.add_option("--arch", f->arch, "Architecture to compile for (default: the host)");
            sub.add_option("--pipeline-dir", f->pipeline_dirs, "Directory searched for uses: pipelines before the built-ins");
            sub.add_option("--build-option", f->build.build_options, "Enable an option from the configuration's options:")
                ->delimiter(',');
            sub.add_option("--vars-file", f->build.vars_file, "YAML file of vars overriding the configuration's vars:");
            sub.add_option("--env-file", f->env_files, "dotenv file of build environment variables (repeatable)");
            sub.add_option("--override-host-triplet-libc-substitution-flavor", f->build.libc,
                           "libc in ${{host.triplet.gnu}} and ${{host.triplet.rust}} (gnu, musl)")
                ->capture_default_str();
            sub.add_option("--namespace", f->build.namespace_, "Package namespace (distro name)")->capture_default_str();
            sub.add_flag("--debug", f->build.debug, "Add set -x to every step");
            sub.add_option("--build-date", f->build.build_date, "Build time (RFC 3339); $SOURCE_DATE_EPOCH wins");
            // `melange compile` takes the build's flags, as the original's does; those that do not
            // change the compiled configuration are accepted and unused there too.
            f->orig.add_to(sub);  // --pipeline-dirs is used; the resources, --timeout and the rest are not
            for (const char* name : {"-k,--keyring-append", "-r,--repository-append", "--package-append", "--log-policy"})
              sub.add_option(name, f->unused_lists, "Accepted as for build; not used by compile")->delimiter(',');
            for (const char* name : {"--workspace-dir", "--source-dir", "--cache-dir", "--apk-cache-dir", "--signing-key",
                                     "--out-dir", "--dependency-log", "--runner", "--git-commit", "--git-repo-url",
                                     "--license"})
              sub.add_option(name, f->unused_text, "Accepted as for build; not used by compile");
            for (const char* name : {"--generate-index", "--empty-workspace", "--strip-origin-name", "--create-build-log",
                                     "-i,--interactive", "--rm", "--fail-on-lint-warning", "--generate-provenance"})
              sub.add_flag(name, f->unused_flag, "Accepted as for build; not used by compile");
            return [f]() -> Status {
              if (f->config.empty()) {
                TRY_ASSIGN(f->config, default_config_file());
              }
              TRY_ASSIGN(auto cfg, config::load_build_config(f->config));
              TRY_ASSIGN(auto opts, to_options(*f));
              TRY_ASSIGN(auto build, melange::compile(cfg, opts));
              std::printf("%s\n", melange::to_json(build).dump(2).c_str());
              return {};
            };
          }};
}

cli::Command package_version_command() {
  return {"package-version", "Print the package's name-version-rEPOCH", [](CLI::App& sub) {
            auto file = std::make_shared<std::string>();
            sub.add_option("config", *file, "The melange YAML file")->required();
            return [file]() -> Status {
              TRY_ASSIGN(auto cfg, config::load_build_config(*file));
              std::printf("%s-%s-r%llu\n", cfg.package.name.c_str(), cfg.package.version.c_str(), cfg.package.epoch);
              return {};
            };
          }};
}

}  // namespace melange_app
