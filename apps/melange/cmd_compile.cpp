// melange compile / query / package-version: the resolved configuration without building.
#include <cstdio>
#include <cstdlib>

#include "base/strings.hpp"
#include "config/build_config.hpp"
#include "melange/commands.hpp"
#include "melange/build.hpp"
#include "melange/compile.hpp"
#include "melange/original_flags.hpp"
#include "melange/vars.hpp"

namespace melange_app {

using base::Status;

namespace {

struct CompileFlags {
  std::string config;
  std::string arch;
  std::vector<std::string> pipeline_dirs, build_options;
  std::vector<std::string> env_files;
  std::string vars_file, namespace_ = "unknown", libc = "gnu";
  bool debug = false;
  std::string build_date;
  // The build flags the original's compile accepts without using them for its output.
  std::vector<std::string> unused_lists;
  std::string unused_text, timeout;
  bool unused_flag = false;
};

base::Result<melange::CompileOptions> to_options(const CompileFlags& f) {
  melange::CompileOptions o;
  if (!f.arch.empty()) {
    TRY_ASSIGN(o.arch, apk::parse_arch(f.arch));
  } else {
    o.arch = apk::host_arch();
  }
  for (const auto& d : f.pipeline_dirs) o.pipeline_dirs.emplace_back(d);
  o.build_options = f.build_options;
  if (!f.vars_file.empty()) {
    TRY_ASSIGN(o.vars_file, melange::load_vars_file(f.vars_file));
  }
  if (!f.env_files.empty()) {
    TRY_ASSIGN(o.env_file, melange::load_env_files({f.env_files.begin(), f.env_files.end()}));
  }
  o.libc = f.libc;
  o.namespace_ = f.namespace_;
  o.debug = f.debug ? melange::Debug::kOn : melange::Debug::kOff;
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde && *sde) {
    long long v = 0;
    if (!base::parse_int64(sde, &v) || v < 0)
      return base::fail(base::ErrorCode::kUsage, "SOURCE_DATE_EPOCH must be a non-negative integer, got \"" +
                                                     std::string(sde) + "\"");
    o.source_date_epoch = v;
  } else if (!f.build_date.empty()) {
    TRY_ASSIGN(o.source_date_epoch, melange::parse_rfc3339(f.build_date));
  }
  if (!f.timeout.empty() && !base::parse_duration(f.timeout))
    return base::fail(base::ErrorCode::kUsage, "--timeout \"" + f.timeout + "\" is not a duration (e.g. 30m, 1h30m, 90s)");
  return o;
}

}  // namespace

cli::Command compile_command() {
  return {"compile", "Print the fully resolved build plan of a melange configuration as JSON", [](CLI::App& sub) {
            auto f = std::make_shared<CompileFlags>();
            sub.add_option("config", f->config, "The melange YAML file (default: .melange.yaml, melange.yaml, ...)");
            sub.add_option("--arch", f->arch, "Architecture to compile for (default: the host)");
            sub.add_option("--pipeline-dir", f->pipeline_dirs, "Directory searched for uses: pipelines before the built-ins");
            sub.add_option("--pipeline-dirs", f->pipeline_dirs, "The same, comma separated")->delimiter(',');
            sub.add_option("--build-option", f->build_options, "Enable an option from the configuration's options:")
                ->delimiter(',');
            sub.add_option("--vars-file", f->vars_file, "YAML file of vars overriding the configuration's vars:");
            sub.add_option("--env-file", f->env_files, "dotenv file of build environment variables (repeatable)");
            sub.add_option("--override-host-triplet-libc-substitution-flavor", f->libc,
                           "libc in ${{host.triplet.gnu}} and ${{host.triplet.rust}} (gnu, musl)")
                ->capture_default_str();
            sub.add_option("--namespace", f->namespace_, "Package namespace (distro name)")->capture_default_str();
            sub.add_flag("--debug", f->debug, "Add set -x to every step");
            sub.add_option("--build-date", f->build_date, "Build time (RFC 3339); $SOURCE_DATE_EPOCH wins");
            // `melange compile` takes the build's flags, as the original's does; those that do not
            // change the compiled configuration are accepted and unused there too.
            for (const char* name : {"-k,--keyring-append", "-r,--repository-append", "--package-append", "--log-policy"})
              sub.add_option(name, f->unused_lists, "Accepted as for build; not used by compile")->delimiter(',');
            for (const char* name : {"--workspace-dir", "--source-dir", "--cache-dir", "--cache-source", "--apk-cache-dir",
                                     "--signing-key", "--out-dir", "--dependency-log", "--runner", "--cpu", "--memory",
                                     "--git-commit", "--git-repo-url", "--license"})
              sub.add_option(name, f->unused_text, "Accepted as for build; not used by compile");
            sub.add_option("--timeout", f->timeout, "Accepted as for build (a duration); not used by compile");
            for (const char* name : {"--generate-index", "--empty-workspace", "--strip-origin-name", "--create-build-log",
                                     "--debug-runner", "-i,--interactive", "--rm", "--fail-on-lint-warning",
                                     "--generate-provenance"})
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
