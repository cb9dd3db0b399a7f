// The sandbox one `melange build` architecture or one `test:` section runs in, set up the same
// way for both:
//
//   Guest::create  1. the runner (sandbox::make_runner) and its host check, before anything
//                     is downloaded;
//                  2. the environment assembled (melange/environment.hpp) and materialized
//                     into "<prefix>XXXXXX" under temp_parent ($TMPDIR when empty);
//   Guest::start   3. the workspace (and everything in it) handed to the run-as user when
//                     that is not root;
//                  4. the runner started on the materialized root with the workspace at
//                     /home/build, the cache dir at /var/cache/melange (only when it is a
//                     directory), the host's /etc/resolv.conf read-only with --network, the
//                     environment (PATH defaulted, melange/runner_glue.hpp env_map), run-as
//                     uid:gid, capabilities and the per-step timeout.
//
// The materialized root is deleted with the Guest unless keep() was called (--rm=false); a
// started runner is stopped when the Guest goes away (errors then ignored; stop() reports them).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apk/arch.hpp"
#include "base/error.hpp"
#include "base/fs.hpp"
#include "config/build_config.hpp"
#include "config/image_config.hpp"
#include "config/yaml_util.hpp"
#include "melange/compile.hpp"
#include "melange/environment.hpp"
#include "sandbox/runner.hpp"

namespace melange {

struct GuestSpec {
  std::string what;                   // names the guest in logs and errors ("hello (x86_64)")
  std::string runner = "bubblewrap";
  EnvironmentOptions env;             // repositories, keys, mirrors; env.what names the root
  std::filesystem::path temp_parent;  // where the root is materialized ($TMPDIR when empty)
  std::string prefix = "melange-guest-";
};

struct StartSpec {
  std::filesystem::path workspace;  // mounted at /home/build
  std::filesystem::path cache_dir;  // mounted at /var/cache/melange when it is a directory
  config::OrderedMap environment;   // environment.environment (PATH defaulted)
  std::vector<std::string> cap_add, cap_drop;
  bool network = false;
  std::chrono::seconds timeout{0};  // per step; 0 = none
  unsigned cpus = 0;                // VM runners: package.resources (0 = the runner's default)
  uint64_t memory_mb = 0;
  std::string cpu_model;            // qemu's -cpu (empty: host with KVM, else max)
  std::string disk;                 // resources.disk as written (not used: see docs/melange.md)
};

// The recipe's resources with the command line's (--cpu, --memory, --disk, --cpumodel) for
// the fields it leaves empty.
config::Resources with_defaults(const std::optional<config::Resources>& recipe, const config::Resources& flags);

// package.resources / test-resources for VM runners: cpu "4" -> 4 (capped at this host's
// cores), memory "8Gi", "512Mi", "2G", "1073741824" -> MiB, cpumodel as given. Empty fields
// stay 0 / empty.
base::Status apply_resources(const config::Resources& r, StartSpec& spec);

class Guest {
 public:
  static base::Result<Guest> create(const config::ImageConfig& cfg, const apk::Arch& arch, const GuestSpec& spec);
  Guest(Guest&&) noexcept = default;
  Guest& operator=(Guest&&) = delete;
  ~Guest();

  const Environment& environment() const { return env_; }
  const std::filesystem::path& root() const { return root_path_; }
  sandbox::Runner& runner() { return *runner_; }

  // A new empty directory "<prefix>XXXXXX" under temp_parent, deleted with the Guest (after
  // the runner stopped) unless kept.
  base::Result<std::filesystem::path> temp_workspace(std::string_view prefix);
  // --rm=false: the root and the temp_workspace() stay on disk; logs where they and
  // `workspace` are.
  void keep(const std::filesystem::path& workspace);
  base::Status start(const StartSpec& spec);
  base::Status stop();

 private:
  Guest(const GuestSpec& spec, std::unique_ptr<sandbox::Runner> runner, Environment env, base::TempDir root);

  std::string what_;
  std::filesystem::path temp_parent_;
  std::unique_ptr<sandbox::Runner> runner_;
  Environment env_;
  base::TempDir root_;
  std::optional<base::TempDir> workspace_;
  std::filesystem::path root_path_;
  bool started_ = false;
};

// GuestSpec and StartSpec from the flags `melange build` and `melange test` share (the same
// member names in BuildOptions and TestOptions): the runner, -r, -k, --mirror, the apk cache,
// --ignore-signatures; the cache dir, --network, the timeout. `env_what` names the root.
template <class Flags>
GuestSpec guest_spec(const Flags& o, const std::string& what, const std::string& env_what) {
  GuestSpec gs;
  gs.what = what;
  gs.runner = o.runner;
  gs.env.repository_append = o.repository_append;
  gs.env.keyring_append = o.keyring_append;
  gs.env.mirrors = o.mirrors;
  gs.env.apk_cache_dir = o.apk_cache_dir;
  gs.env.ignore_signatures = o.ignore_signatures;
  gs.env.what = env_what;
  return gs;
}
// The capabilities come from the compiled build; `environment` is the guest's
// environment.environment.
template <class Flags>
StartSpec start_spec(const Flags& o, const std::filesystem::path& workspace, const config::OrderedMap& environment,
                     const CompiledBuild& build) {
  StartSpec ss;
  ss.workspace = workspace;
  ss.cache_dir = o.cache_dir;
  ss.environment = environment;
  ss.cap_add = build.capabilities_add;
  ss.cap_drop = build.capabilities_drop;
  ss.network = o.network;
  ss.timeout = o.timeout;
  return ss;
}

// The runner's mounts and settings for a guest root (step 4 above, without starting anything).
sandbox::RunnerConfig runner_config(const std::filesystem::path& root, const Environment& env, const StartSpec& spec);

// chown -R (not following links) of `dir` to uid:gid; a no-op for root.
void give_to_user(const std::filesystem::path& dir, uint32_t uid, uint32_t gid);

}  // namespace melange
