// melange build: YAML -> signed packages in --out-dir (libs/melange/build.hpp).
#include <cstdlib>

#include "melange/build.hpp"
#include "melange/commands.hpp"
#include "melange/graph_build.hpp"
#include "melange/original_flags.hpp"
#include "sandbox/engine_pool.hpp"

#include <unistd.h>

#include <filesystem>

namespace melange_app {

cli::Command build_command() {
  return {"build", "Build packages from a melange YAML configuration", [](CLI::App& sub) {
            auto o = std::make_shared<melange::BuildOptions>();
            auto cfgs = std::make_shared<std::vector<std::string>>();
            auto jobs = std::make_shared<unsigned>(0);
            auto dry_run = std::make_shared<bool>(false);
            auto hosts = std::make_shared<std::vector<std::string>>();
            auto archs = std::make_shared<std::vector<std::string>>();
            auto interactive = std::make_shared<bool>(false);
            auto strs = std::make_shared<std::vector<std::string>>();  // pipeline dirs as strings
            auto env_files = std::make_shared<std::vector<std::string>>();
            auto orig = std::make_shared<OriginalFlags>();
            auto lint_require = std::make_shared<std::vector<std::string>>();
            auto lint_warn = std::make_shared<std::vector<std::string>>();
            auto ignored = std::make_shared<IgnoredFlags>();
            sub.add_option("config", *cfgs,
                           "The melange YAML file (default: .melange.yaml, .melange.yml, melange.yaml or melange.yml); "
                           "several files or directories of them build "
                           "in dependency order");
            sub.add_option("-j,--jobs", *jobs, "Several recipes: builds at once (default: one per engine slot, else 1)");
            sub.add_flag("--dry-run", *dry_run, "Several recipes: print the build plan (order, what is skipped and why) only");
            sub.add_option("--docker-host", *hosts,
                           "Docker runner: engines (unix://, tcp://, ssh://user@host), repeated or comma separated, "
                           "over $DOCKER_HOST; builds are spread over them");
            sub.add_option("--arch", *archs, "Architectures to build (comma separated: x86_64|amd64, aarch64|arm64, ..., host, all; default: the host; another one runs through qemu-user binfmt handlers)")
                ->delimiter(',');
            sub.add_option("--runner", o->runner, "Where steps run: bubblewrap, docker, qemu or lima")
                ->capture_default_str();
            sub.add_option("--signing-key", o->signing_key, "Private key to sign packages and the index with");
            sub.add_option("-k,--keyring-append", o->keyring_append, "Extra keys trusted for the build environment")
                ->delimiter(',');
            sub.add_option("-r,--repository-append", o->repository_append, "Extra repositories for the build environment")
                ->delimiter(',');
            sub.add_option("--package-append", o->package_append, "Extra packages for the build environment (comma separated)")
                ->delimiter(',');
            sub.add_option("--mirror", o->mirrors, "Rewrite a repository/key/URL prefix: FROM=TO (over $APK_MIRRORS)");
            sub.add_option("--out-dir", o->out_dir, "Where packages and the index go")->capture_default_str();
            sub.add_option("--source-dir", o->source_dir, "Files copied into the workspace (default: the config's directory)");
            sub.add_option("--cache-dir", o->cache_dir, "Source cache mounted at /var/cache/melange (when it exists)")
                ->capture_default_str();
            sub.add_option("--apk-cache-dir", o->apk_cache_dir, "Cache of downloaded APKINDEXes and packages");
            sub.add_option("--workspace-dir", o->workspace_dir, "Workspace to use (default: a temporary directory)");
            sub.add_option("--pipeline-dir", *strs, "Directory searched for uses: pipelines before the built-ins");
            sub.add_option("--env-file", *env_files, "KEY=VALUE file under environment.environment (repeatable; later files win)");
            sub.add_option("--vars-file", o->vars_file, "YAML mapping overriding vars:");
            sub.add_flag("--generate-index", o->generate_index, "Update <out-dir>/<arch>/APKINDEX.tar.gz (default true)");
            sub.add_flag("--empty-workspace", o->empty_workspace, "Do not copy the source directory into the workspace");
            sub.add_option("--build-date", o->build_date, "Build time (RFC 3339); $SOURCE_DATE_EPOCH wins; default 0");
            sub.add_option("--namespace", o->namespace_, "Distribution namespace (maintainer, SBOM purls)")
                ->capture_default_str();
            sub.add_option("--build-option", o->build_options, "Enable a named options: entry of the config")->delimiter(',');
            sub.add_flag("--debug", o->debug, "Run steps with set -x");
            sub.add_flag("-i,--interactive", *interactive, "Open a shell in the guest when a step fails (bubblewrap, qemu, lima; on a terminal)");
            sub.add_flag("--rm", o->remove, "Delete the workspace and guest afterwards (default true)");
            sub.add_flag("--create-build-log", o->create_build_log, "Append arch|origin|name|version to <out-dir>/packages.log");
            sub.add_flag("--network", o->network, "Let steps use the host's network (default: no network)");
            sub.add_flag("--test", o->run_tests, "Run the test: sections before publishing (default true)");
            sub.add_flag("--ignore-signatures", o->ignore_signatures, "Do not verify repository signatures");
            orig->add_to(sub);
            sub.add_option("--license", o->config_license, "License of the configuration file itself (its SBOM entry)")
                ->capture_default_str();
            sub.add_option("--git-commit", o->config_commit, "Commit of the configuration file (default: its git repository's HEAD)");
            sub.add_option("--git-repo-url", o->config_repo_url, "URL of the git repository holding the configuration file (SBOM)");
            sub.add_flag("--strip-origin-name", o->strip_origin_name, "Each subpackage is its own origin (for bootstrap)");
            sub.add_option("--lint-require", *lint_require, "Linters whose findings fail the build (replaces the defaults)")
                ->delimiter(',');
            sub.add_option("--lint-warn", *lint_warn, "Linters whose findings are warnings (replaces the defaults)")->delimiter(',');
            sub.add_option("--override-host-triplet-libc-substitution-flavor", o->libc,
                           "libc in ${{host.triplet.gnu}} and ${{host.triplet.rust}} (gnu, musl)")
                ->capture_default_str();
            ignored->add_to(sub);
            auto* req_opt = sub.get_option("--lint-require");
            auto* warn_opt = sub.get_option("--lint-warn");
            return [=]() -> base::Status {
              if (cfgs->empty()) {
                TRY_ASSIGN(std::string found, default_config_file());
                cfgs->push_back(found);
              }
              o->archs = *archs;
              o->interactive = *interactive ? melange::Interactive::kOn : melange::Interactive::kOff;
              TRY_ASSIGN(o->timeout, orig->timeout_seconds());
              o->pipeline_dirs.assign(strs->begin(), strs->end());
              o->pipeline_dirs.insert(o->pipeline_dirs.end(), orig->pipeline_dirs.begin(), orig->pipeline_dirs.end());
              o->env_files.assign(env_files->begin(), env_files->end());
              o->default_resources = orig->resources;
              if (orig->debug_runner) o->remove = false;
              if (req_opt->count()) o->lint_require = *lint_require;
              if (warn_opt->count()) o->lint_warn = *lint_warn;
              ignored->warn();
              TRY_ASSIGN(o->source_date_epoch, source_date_epoch_from_env());
              std::error_code ec;
              bool graph = cfgs->size() > 1 || *dry_run || std::filesystem::is_directory(cfgs->front(), ec);
              if (graph) {
                melange::GraphBuildOptions go;
                go.build = *o;
                go.inputs.assign(cfgs->begin(), cfgs->end());
                go.jobs = *jobs;
                go.dry_run = *dry_run;
                go.docker_hosts = *hosts;
                std::error_code ec2;
                go.self = std::filesystem::read_symlink("/proc/self/exe", ec2);
                if (ec2) return base::fail(base::ErrorCode::kInternal, "cannot find the melange executable (/proc/self/exe)");
                return melange::build_graph(go);
              }
              o->config_file = cfgs->front();
              std::unique_ptr<sandbox::EnginePool> pool;
              if (o->runner == "docker" && !hosts->empty()) {
                // One recipe: the first engine that answers.
                const char* env = std::getenv("DOCKER_HOST");
                TRY_ASSIGN(auto list, sandbox::engine_hosts(env ? env : "", *hosts));
                TRY_ASSIGN(pool, sandbox::EnginePool::open(list, 1));
                auto lease = pool->acquire();
                if (!lease) return base::fail(base::ErrorCode::kSandbox, "no Docker engine answers");
                ::setenv("DOCKER_HOST", lease->docker_host.c_str(), 1);
                if (lease->remote) ::setenv("MELANGE_DOCKER_COPY", "1", 1);
              }
              return melange::build(*o);
            };
          }};
}

}  // namespace melange_app
