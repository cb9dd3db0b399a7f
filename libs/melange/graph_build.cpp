// Graph builds (see graph_build.hpp).
#include "melange/graph_build.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "apk/arch.hpp"
#include "apk/index_archive.hpp"
#include "apk/package.hpp"
#include "apk/package_writer.hpp"
#include "base/fs.hpp"
#include "base/interrupt.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "config/build_config.hpp"
#include "melange/compile.hpp"
#include "melange/graph.hpp"
#include "sandbox/engine_pool.hpp"
#include "sandbox/process.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

bool is_recipe_name(const fs::path& p) {
  return (p.extension() == ".yaml" || p.extension() == ".yml") && p.filename().string().front() != '.';
}

std::string short_hash(const std::string& h) {
  auto colon = h.find(':');
  return h.substr(0, std::min(h.size(), (colon == std::string::npos ? 0 : colon + 1) + 12));
}

std::string seconds_text(double s) {
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  else
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
  return buf;
}

// One recipe as compiled for each architecture it builds.
struct Loaded {
  fs::path file;
  std::vector<CompiledBuild> builds;  // one per architecture (empty: no requested arch targeted)
};

std::vector<std::string> package_names(const CompiledBuild& b) {
  std::vector<std::string> names{b.main.name};
  for (const auto& sp : b.subpackages) names.push_back(sp.name);
  return names;
}

fs::path package_file(const fs::path& out, const CompiledBuild& b, const std::string& name) {
  return out / b.arch.apk / (name + "-" + b.full_version + ".apk");
}

base::Result<apk::PackageInfo> read_info(const fs::path& apk_path) {
  apk::PackageReadOptions ro;
  ro.signature = apk::SignaturePolicy::kIgnore;
  TRY_ASSIGN(apk::Package p, apk::Package::load(apk_path, ro));
  return p.info();
}

// Why a recipe must be built, or empty when every package of every architecture is in the
// out dir from the same recipe.
std::string build_reason(const fs::path& out, const Loaded& l) {
  for (const auto& b : l.builds)
    for (const auto& name : package_names(b)) {
      fs::path f = package_file(out, b, name);
      std::error_code ec;
      if (!fs::exists(f, ec)) return "not built yet (no " + b.arch.apk + "/" + f.filename().string() + ")";
      auto info = read_info(f);
      if (!info) return f.filename().string() + " is unreadable (" + info.error().message + ")";
      if (info->recipe_hash.empty()) return f.filename().string() + " records no recipe hash";
      if (info->recipe_hash != b.recipe_hash)
        return "recipe changed since " + f.filename().string() + " was built (" + short_hash(info->recipe_hash) +
               " -> " + short_hash(b.recipe_hash) + ")";
    }
  return {};
}

// The provides (names) of the out dir's packages, by origin: from each architecture's index.
std::map<std::string, std::set<std::string>> built_provides(const fs::path& out, const std::vector<apk::Arch>& archs) {
  std::map<std::string, std::set<std::string>> by_origin;
  for (const auto& a : archs) {
    fs::path idx = out / a.apk / "APKINDEX.tar.gz";
    std::error_code ec;
    if (!fs::exists(idx, ec)) continue;
    auto bytes = base::read_file(idx);
    if (!bytes) continue;
    apk::IndexReadOptions ro;
    ro.signature = apk::SignaturePolicy::kIgnore;
    auto index = apk::read_index_archive(*bytes, idx.string(), ro);
    if (!index) {
      spdlog::warn("{}", index.error().to_string());
      continue;
    }
    for (const auto& e : index->index.entries()) {
      apk::PackageInfo info = e.to_info();
      auto& set = by_origin[info.origin.empty() ? info.name : info.origin];
      for (const auto& p : info.provides) set.insert(graph::dependency_name(p));
    }
  }
  return by_origin;
}

// Live progress: a line per finished package; on a terminal also a status line of what is
// building (with elapsed times), queued, done and failed, redrawn every second.
class Progress {
 public:
  Progress(const graph::Graph& g, size_t total) : g_(g), total_(total), states_(g.nodes.size()) {
    if (base::interactive_terminal()) ticker_ = std::thread([this] { tick(); });
  }
  ~Progress() {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (ticker_.joinable()) ticker_.join();
    base::progress_done();
  }
  void update(size_t n, const graph::NodeResult& r) {
    std::lock_guard lk(mu_);
    states_[n] = r;
    const std::string& name = g_.nodes[n].name;
    const std::string label = name + "-" + g_.nodes[n].version;
    switch (r.state) {
      case graph::State::kRunning: say("building " + label); break;
      case graph::State::kHeld: say(label + " " + r.detail); break;
      case graph::State::kBuilt:
        ++done_;
        say("[" + std::to_string(done_ + failed_ + skipped_) + "/" + std::to_string(total_) + "] built " + label +
            " in " + seconds_text(r.seconds()) + (r.where.empty() ? "" : " on " + r.where));
        break;
      case graph::State::kFailed:
        ++failed_;
        say("[" + std::to_string(done_ + failed_ + skipped_) + "/" + std::to_string(total_) + "] FAILED " + label +
            ": " + r.detail);
        break;
      case graph::State::kSkipped:
        ++skipped_;
        say("[" + std::to_string(done_ + failed_ + skipped_) + "/" + std::to_string(total_) + "] skipped " + label +
            ": " + r.detail);
        break;
      default: break;
    }
  }

 private:
  void say(const std::string& line) {
    base::progress_done();
    spdlog::info("{}", line);
    draw();
  }
  void draw() {
    if (!base::interactive_terminal()) return;
    auto now = std::chrono::steady_clock::now();
    std::string building;
    size_t queued = 0;
    for (size_t i = 0; i < states_.size(); ++i) {
      if (states_[i].state == graph::State::kRunning) {
        if (!building.empty()) building += ", ";
        building += g_.nodes[i].name + " " +
                    seconds_text(std::chrono::duration<double>(now - states_[i].start).count());
      } else if (states_[i].state == graph::State::kQueued || states_[i].state == graph::State::kHeld) {
        ++queued;
      }
    }
    base::progress("building: " + (building.empty() ? std::string("-") : building) + " | queued " +
                   std::to_string(queued) + " | done " + std::to_string(done_) + " | failed " +
                   std::to_string(failed_) + " | skipped " + std::to_string(skipped_));
  }
  void tick() {
    std::unique_lock lk(mu_);
    while (!stop_) {
      cv_.wait_for(lk, std::chrono::seconds(1));
      if (!stop_) draw();
    }
  }
  const graph::Graph& g_;
  size_t total_;
  std::vector<graph::NodeResult> states_;
  size_t done_ = 0, failed_ = 0, skipped_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread ticker_;
};

// The last "error:" line of a child's log (else its last line), without the level prefix.
std::string last_error(const std::vector<std::string>& tail) {
  for (auto it = tail.rbegin(); it != tail.rend(); ++it) {
    auto pos = it->find("error: ");
    if (pos != std::string::npos) return it->substr(pos + 7);
  }
  return tail.empty() ? std::string("failed") : tail.back();
}

// The plan on stdout: `header`, then each recipe in order with what it comes after (and
// through which need), what it waits for, and whether it is built (why) or skipped (why).
void print_plan(const graph::Graph& g, const std::map<size_t, std::string>& up_to_date,
                const std::vector<std::string>& reasons, const std::string& header) {
  std::printf("%s\n", header.c_str());
  size_t k = 0;
  for (size_t i : graph::topo_order(g)) {
    std::string after;
    for (const auto& [need, dep] : g.why[i]) {
      after += after.empty() ? " after " : ", ";
      after += g.nodes[dep].name + (need == g.nodes[dep].name ? "" : " (" + need + ")");
    }
    std::string held;
    for (const auto& h : g.held[i]) held += (held.empty() ? " waits for a provider of " : ", ") + h;
    auto skip = up_to_date.find(i);
    std::string what = skip != up_to_date.end() ? "skip: " + skip->second : "build: " + reasons[i];
    std::printf("%3zu. %s-%s (%s)%s%s\n     %s\n", ++k, g.nodes[i].name.c_str(), g.nodes[i].version.c_str(),
                g.nodes[i].file.string().c_str(), after.c_str(), held.c_str(), what.c_str());
  }
  std::fflush(stdout);
}

// The summary on stdout (a row per recipe, the critical path, the totals); an error when a
// recipe failed or the run was interrupted.
base::Status report(const graph::Graph& sg, const std::vector<graph::NodeResult>& results, size_t up_to_date) {
  const size_t n = sg.nodes.size();
  size_t built = 0, failed = 0, skipped = 0;
  std::vector<std::string> failed_names;
  std::string table = "\n" + std::string("package") + std::string(30 - 7, ' ') + "result      time    where/why\n";
  for (size_t i : graph::topo_order(sg)) {
    const auto& r = results[i];
    std::string label = sg.nodes[i].name + "-" + sg.nodes[i].version;
    if (label.size() < 29) label += std::string(29 - label.size(), ' ');
    std::string state = graph::state_name(r.state);
    if (state.size() < 11) state += std::string(11 - state.size(), ' ');
    std::string t = (r.state == graph::State::kBuilt || r.state == graph::State::kFailed) ? seconds_text(r.seconds()) : "-";
    if (t.size() < 7) t += std::string(7 - t.size(), ' ');
    std::string why = r.state == graph::State::kBuilt ? r.where : r.detail;
    table += label + " " + state + " " + t + " " + why + "\n";
    if (r.state == graph::State::kBuilt) ++built;
    if (r.state == graph::State::kFailed) {
      ++failed;
      failed_names.push_back(sg.nodes[i].name);
    }
    if (r.state == graph::State::kSkipped) ++skipped;
  }
  auto [path, secs] = graph::critical_path(sg, results);
  std::string cp;
  for (size_t v : path) cp += (cp.empty() ? "" : " -> ") + sg.nodes[v].name;
  double wall = 0;
  {
    std::chrono::steady_clock::time_point first{}, last{};
    bool any = false;
    for (const auto& r : results)
      if (r.state == graph::State::kBuilt || r.state == graph::State::kFailed) {
        if (!any || r.start < first) first = r.start;
        if (!any || r.end > last) last = r.end;
        any = true;
      }
    if (any) wall = std::chrono::duration<double>(last - first).count();
  }
  std::printf("%s\ncritical path: %s (%s)\n%zu built, %zu up to date, %zu failed, %zu skipped in %s\n", table.c_str(),
              cp.empty() ? "-" : cp.c_str(), seconds_text(secs).c_str(), built, up_to_date, failed, skipped,
              seconds_text(wall).c_str());
  std::fflush(stdout);
  if (base::interrupted()) return base::check_interrupted("melange build");
  if (failed > 0)
    return base::fail(base::ErrorCode::kSandbox, std::to_string(failed) + " of " + std::to_string(n) +
                                                   " recipes failed (" + base::join(failed_names, ", ") + "); " +
                                                   std::to_string(skipped) + " skipped because they depend on " +
                                                   (failed == 1 ? "it" : "them"));
  return base::ok();
}

}  // namespace

base::Result<std::vector<fs::path>> recipe_files(const std::vector<fs::path>& inputs) {
  std::vector<fs::path> out;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::directory_iterator(in, ec))
        if (e.is_regular_file() && is_recipe_name(e.path())) found.push_back(e.path());
      if (ec) return tl::unexpected(base::io_error(in, "cannot list", ec.value()));
      if (found.empty())
        return base::fail(base::ErrorCode::kInvalidInput, in.string() + ": no *.yaml recipes in the directory");
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(in, ec)) {
      out.push_back(in);
    } else {
      return base::fail(base::ErrorCode::kNotFound, in.string() + ": no such file or directory");
    }
  }
  return out;
}

std::vector<std::string> build_arguments(const BuildOptions& o) {
  std::vector<std::string> a{o.config_file.string()};
  auto opt = [&](const char* flag, const std::string& v) {
    if (!v.empty()) a.insert(a.end(), {flag, v});
  };
  auto many = [&](const char* flag, const auto& vs) {
    for (const auto& v : vs) a.insert(a.end(), {flag, std::string(v)});
  };
  many("--arch", o.archs);
  opt("--runner", o.runner);
  opt("--signing-key", o.signing_key.string());
  many("--keyring-append", o.keyring_append);
  many("--repository-append", o.repository_append);
  many("--mirror", o.mirrors);
  opt("--out-dir", o.out_dir.string());
  opt("--source-dir", o.source_dir.string());
  opt("--cache-dir", o.cache_dir.string());
  opt("--apk-cache-dir", o.apk_cache_dir.string());
  opt("--workspace-dir", o.workspace_dir.string());
  for (const auto& p : o.pipeline_dirs) opt("--pipeline-dir", p.string());
  for (const auto& f : o.env_files) opt("--env-file", f.string());
  opt("--vars-file", o.vars_file.string());
  many("--build-option", o.build_options);
  opt("--namespace", o.namespace_);
  opt("--build-date", o.build_date);
  if (o.timeout.count() > 0) opt("--timeout", std::to_string(o.timeout.count()));
  if (!o.generate_index) a.push_back("--generate-index=false");
  if (o.empty_workspace) a.push_back("--empty-workspace");
  if (o.debug) a.push_back("--debug");
  if (!o.remove) a.push_back("--rm=false");
  if (o.create_build_log) a.push_back("--create-build-log");
  if (o.network) a.push_back("--network");
  if (!o.run_tests) a.push_back("--test=false");
  if (o.ignore_signatures) a.push_back("--ignore-signatures");
  many("--package-append", o.package_append);
  if (o.config_license != "NOASSERTION") opt("--license", o.config_license);
  opt("--git-commit", o.config_commit);
  opt("--git-repo-url", o.config_repo_url);
  if (o.strip_origin_name) a.push_back("--strip-origin-name");
  opt("--cpu", o.default_resources.cpu);
  opt("--cpumodel", o.default_resources.cpumodel);
  opt("--memory", o.default_resources.memory);
  opt("--disk", o.default_resources.disk);
  if (o.lint_require) opt("--lint-require", base::join(*o.lint_require, ","));
  if (o.lint_warn) opt("--lint-warn", base::join(*o.lint_warn, ","));
  if (o.libc != "gnu") opt("--override-host-triplet-libc-substitution-flavor", o.libc);
  return a;
}

base::Status build_graph(const GraphBuildOptions& go) {
  const BuildOptions& o = go.build;
  TRY_ASSIGN(std::vector<fs::path> files, recipe_files(go.inputs));
  TRY_ASSIGN(CompileOptions copts, compile_options(o));
  std::vector<apk::Arch> archs;
  if (o.archs.empty()) {
    archs.push_back(apk::host_arch());
  } else {
    TRY_ASSIGN(archs, apk::parse_arch_list(base::join(o.archs, ",")));
  }
  fs::path out = fs::absolute(o.out_dir).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();

  // 1. Load and compile every recipe.
  std::vector<Loaded> loaded;
  std::vector<graph::Recipe> recipes;
  auto provided = built_provides(out, archs);
  for (const auto& f : files) {
    TRY_ASSIGN(config::BuildConfig cfg, config::load_build_config(f));
    Loaded l;
    l.file = fs::absolute(f).lexically_normal();
    const auto& targets = cfg.package.target_architecture;
    for (const auto& a : archs) {
      bool listed = targets.empty() || std::find(targets.begin(), targets.end(), "all") != targets.end() ||
                    std::any_of(targets.begin(), targets.end(), [&](const std::string& t) {
                      auto pa = apk::parse_arch(t);
                      return pa && pa->apk == a.apk;
                    });
      if (!listed) continue;
      CompileOptions co = copts;
      co.arch = a;
      TRY_ASSIGN(CompiledBuild b, base::with_context(compile(cfg, co), f.string()));
      b.recipe_hash = recipe_hash(b);
      l.builds.push_back(std::move(b));
    }
    if (l.builds.empty()) {
      spdlog::info("{}: no requested architecture is in package.target-architecture; not building it", f.string());
      continue;
    }
    const CompiledBuild& b = l.builds.front();
    graph::Recipe r;
    r.name = b.main.name;
    r.file = f;
    r.version = b.full_version;
    auto add_pkg = [&](const CompiledPackage& p) {
      r.provides.push_back(p.name);
      for (const auto& pv : p.dependencies.provides) r.provides.push_back(pv);
      for (const auto& d : p.dependencies.runtime) r.needs.push_back(d);
    };
    add_pkg(b.main);
    for (const auto& sp : b.subpackages) add_pkg(sp);
    for (const auto& p : b.environment.contents.packages) r.needs.push_back(p);
    if (auto it = provided.find(r.name); it != provided.end())
      for (const auto& p : it->second) r.provides.push_back(p);
    recipes.push_back(std::move(r));
    loaded.push_back(std::move(l));
  }
  if (recipes.empty()) {
    spdlog::warn("nothing to build");
    return base::ok();
  }
  std::map<std::string, size_t> loaded_by_name;
  for (size_t i = 0; i < recipes.size(); ++i) loaded_by_name[recipes[i].name] = i;
  TRY_ASSIGN(graph::Graph g, graph::make_graph(std::move(recipes)));
  const size_t n = g.nodes.size();
  std::vector<const Loaded*> node_loaded(n);
  for (size_t i = 0; i < n; ++i) node_loaded[i] = &loaded[loaded_by_name[g.nodes[i].name]];

  // 2. What is up to date.
  std::map<size_t, std::string> up_to_date;
  std::vector<std::string> reasons(n);
  for (size_t i = 0; i < n; ++i) {
    reasons[i] = build_reason(out, *node_loaded[i]);
    if (reasons[i].empty())
      up_to_date[i] = "up to date: " + g.nodes[i].name + "-" + g.nodes[i].version + " is in " + out.string() +
                      ", built from the same recipe (" + short_hash(node_loaded[i]->builds.front().recipe_hash) + ")";
  }

  // 3. The plan.
  const bool docker = o.runner == "docker";
  std::vector<std::string> hosts;
  if (docker) {
    const char* env = std::getenv("DOCKER_HOST");
    TRY_ASSIGN(hosts, sandbox::engine_hosts(env ? env : "", go.docker_hosts));
    if (hosts.empty()) hosts.push_back("unix:///var/run/docker.sock");
  }
  unsigned jobs = go.jobs ? go.jobs : (docker ? unsigned(hosts.size()) : 1u);
  print_plan(g, up_to_date, reasons,
             "plan: " + std::to_string(n) + " recipes, " + std::to_string(n - up_to_date.size()) + " to build, " +
                 std::to_string(up_to_date.size()) + " up to date; " + std::to_string(jobs) +
                 (jobs == 1 ? " job" : " jobs") + " on the " + o.runner + " runner" +
                 (docker ? " (engines: " + base::join(hosts, ", ") + ")" : ""));
  if (go.dry_run) return base::ok();
  if (up_to_date.size() == n) {
    spdlog::info("nothing to build: all {} recipes are up to date in {}", n, out.string());
    return base::ok();
  }

  // 4. Run.
  std::unique_ptr<sandbox::EnginePool> pool;
  if (docker) {
    unsigned per_engine = (jobs + unsigned(hosts.size()) - 1) / unsigned(hosts.size());
    TRY_ASSIGN(pool, sandbox::EnginePool::open(hosts, per_engine));
  }
  std::error_code ec;
  fs::create_directories(out, ec);
  for (const auto& a : archs) fs::create_directories(out / a.apk, ec);
  fs::path logs = out / "buildlogs";
  fs::create_directories(logs, ec);
  if (ec) return tl::unexpected(base::io_error(logs, "cannot create", ec.value()));

  // The children's flags: the out dir is a repository of the run, trusted through the
  // signing key's public half.
  BuildOptions child = o;
  child.out_dir = out;
  child.interactive = Interactive::kOff;
  std::optional<base::TempDir> keydir;
  if (std::find(child.repository_append.begin(), child.repository_append.end(), out.string()) ==
      child.repository_append.end())
    child.repository_append.push_back(out.string());
  if (!o.signing_key.empty()) {
    TRY_ASSIGN(apk::LoadedKey key, apk::load_signing_key(o.signing_key));
    TRY_ASSIGN(base::TempDir kd, base::TempDir::create("melange-graph-keys-"));
    TRY_ASSIGN(std::string pem, key.key.public_pem());
    fs::path pub = kd.path() / key.key_name;
    TRY(base::write_file_atomic(pub, pem, 0644));
    child.keyring_append.push_back(pub.string());
    keydir.emplace(std::move(kd));
  } else if (!o.ignore_signatures) {
    spdlog::warn("no --signing-key: the out dir's index is unsigned, so the builds ignore repository signatures");
    child.ignore_signatures = true;
  }
  auto env_base = sandbox::current_environment();

  graph::Scheduler sched(std::move(g), up_to_date);
  const graph::Graph& sg = sched.graph();
  auto progress = std::make_unique<Progress>(sg, n - up_to_date.size());
  for (const auto& [i, why] : up_to_date) spdlog::info("{}: {}", sg.nodes[i].name, why);

  auto exec = [&](size_t i, size_t) -> graph::Outcome {
    graph::Outcome res;
    const Loaded& l = *node_loaded[i];
    BuildOptions co = child;
    co.config_file = l.file;
    std::vector<std::string> argv{go.self.string(), "build"};
    for (auto& a : build_arguments(co)) argv.push_back(std::move(a));
    fs::path log_path = logs / (sg.nodes[i].name + ".log");
    std::set<size_t> avoid;
    for (;;) {
      std::optional<sandbox::EnginePool::Lease> lease;
      auto env = env_base;
      if (pool) {
        lease = pool->acquire(avoid);
        if (!lease) {
          res.error = "no Docker engine is left to build on";
          return res;
        }
        env["DOCKER_HOST"] = lease->docker_host;
        if (lease->remote) env["MELANGE_DOCKER_COPY"] = "1";
        res.where = lease->display;
      } else {
        res.where = "local " + o.runner;
      }
      std::ofstream log(log_path, std::ios::trunc);
      log << "melange graph build: " << sg.nodes[i].name << "-" << sg.nodes[i].version << " from "
          << l.file.string() << " on " << res.where << "\n";
      log.flush();
      std::vector<std::string> tail;
      std::mutex tail_mu;
      auto rc = sandbox::run_process(argv, [&](std::string_view line, bool) {
        std::lock_guard lk(tail_mu);
        log << line << std::endl;  // flushed: the log is followed live (tail -f)
        tail.emplace_back(line);
        if (tail.size() > 20) tail.erase(tail.begin());
      }, &env);
      log.flush();
      if (lease) pool->release(*lease);
      if (rc && *rc == 0) {
        res.ok = true;
        for (const auto& b : l.builds)
          for (const auto& name : package_names(b)) {
            auto info = read_info(package_file(out, b, name));
            if (!info) continue;
            for (const auto& p : info->provides) res.provides.push_back(p);
          }
        return res;
      }
      if (lease && !base::interrupted() && !pool->ping(lease->engine)) {
        pool->mark_down(lease->engine);
        avoid.insert(lease->engine);
        spdlog::warn("engine {} is unreachable: retrying {} on another engine ({} left)", lease->display,
                     sg.nodes[i].name, pool->live());
        log << "engine " << lease->display << " became unreachable; retrying on another engine\n";
        continue;
      }
      res.error = rc ? last_error(tail) + " (log: " + log_path.string() + ")" : rc.error().to_string();
      return res;
    }
  };
  auto results = sched.run(jobs, exec, [&](size_t i, const graph::NodeResult& r) { progress->update(i, r); });
  progress.reset();  // the live status line goes before the summary

  return report(sg, results, up_to_date.size());
}

}  // namespace melange
