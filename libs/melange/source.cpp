#include "melange/source.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <system_error>

#include "apk/package_info.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"
#include "base/strings.hpp"
#include "config/build_config.hpp"
#include "config/subst.hpp"
#include "melange/compile.hpp"
#include "sandbox/process.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

// Runs a host command, its output logged; fails with one line naming it unless it exits 0.
base::Status run_tool(const std::vector<std::string>& argv, std::vector<std::string>* stdout_lines = nullptr) {
  sandbox::OutputFn out = [&](std::string_view line, bool is_stderr) {
    if (!is_stderr && stdout_lines) stdout_lines->emplace_back(line);
    spdlog::info("{}: {}", argv[0], line);
  };
  if (sandbox::find_program(argv[0]).empty())
    return base::fail(base::ErrorCode::kNotFound, argv[0] + " is not installed (not found in PATH)");
  TRY_ASSIGN(int code, sandbox::run_process(argv, out));
  if (code != 0) {
    std::string cmd;
    for (size_t i = 0; i < argv.size() && i < 4; ++i) cmd += (i ? " " : "") + argv[i];
    return base::fail(base::ErrorCode::kSandbox, "`" + cmd + (argv.size() > 4 ? " ...`" : "`") + " failed with exit code " +
                                                     std::to_string(code));
  }
  return base::ok();
}

struct SourceConfig {
  config::BuildConfig cfg;
  VarMap vars;
  fs::path source_dir;
  fs::path checkout;
};

// Package-level variables for ${{...}} in with: values (no step has to compile for this).
VarMap source_variables(const config::BuildConfig& cfg) {
  VarMap vars = package_variables(cfg.package, apk::host_arch(), {}, {});
  for (const auto& [k, v] : cfg.vars) {
    auto r = config::substitute_known(v, vars);
    if (r) vars["vars." + k] = *r;
  }
  (void)config::apply_var_transforms(cfg.var_transforms, vars);
  return vars;
}

base::Result<SourceConfig> load_source(const SourceOptions& o) {
  SourceConfig l;
  TRY_ASSIGN(l.cfg, config::load_build_config(o.config_file));
  l.vars = source_variables(l.cfg);
  l.source_dir = o.source_dir.empty() ? fs::absolute(o.config_file).parent_path() / l.cfg.package.name
                                      : fs::absolute(o.source_dir);
  l.checkout = fs::absolute(o.output / l.cfg.package.name).lexically_normal();
  return l;
}

base::Result<std::string> with_value(const VarMap& vars, const config::PipelineStep& st, const std::string& key) {
  const std::string* v = config::map_find(st.with, key);
  if (!v) return std::string();
  auto r = config::substitute(*v, vars);
  if (!r) return tl::unexpected(std::move(r).error().context(st.location.to_string() + ": " + key));
  return *r;
}

const config::PipelineStep* first_git_checkout(const config::BuildConfig& cfg, size_t* index) {
  for (size_t i = 0; i < cfg.pipeline.size(); ++i)
    if (cfg.pipeline[i].uses == "git-checkout") {
      *index = i;
      return &cfg.pipeline[i];
    }
  return nullptr;
}

// One patch applied as one commit: git am, else git apply / patch(1) and a commit.
base::Status apply_patch(const fs::path& repo, const fs::path& patch, const std::string& name) {
  spdlog::info("applying patch {}", patch.string());
  if (run_tool({"git", "-C", repo.string(), "am", "--no-gpg-sign", patch.string()})) return base::ok();
  spdlog::info("git am failed for {}: applying it without mail headers", name);
  (void)run_tool({"git", "-C", repo.string(), "am", "--abort"});
  if (run_tool({"git", "-C", repo.string(), "apply", "--check", patch.string()})) {
    TRY(run_tool({"git", "-C", repo.string(), "apply", patch.string()}));
  } else if (!run_tool({"patch", "-p1", "--fuzz=2", "-d", repo.string(), "-i", patch.string()})) {
    return base::fail(base::ErrorCode::kInvalidInput,
                      patch.string() + ": cannot be applied to " + repo.string() + " (tried git am, git apply and patch -p1)");
  }
  TRY(run_tool({"git", "-C", repo.string(), "add", "-A"}));
  std::string subject = fs::path(name).filename().string();
  if (subject.size() > 6 && subject.compare(subject.size() - 6, 6, ".patch") == 0) subject.resize(subject.size() - 6);
  return run_tool({"git", "-C", repo.string(), "commit", "--no-gpg-sign", "-q", "-m", subject});
}

size_t src_indent(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

bool src_blank_line(std::string_view line) {
  std::string_view t = base::trim(line);
  return t.empty() || t.front() == '#';
}

long long int_or_default(const std::string& s, long long def) {
  long long v = 0;
  return !s.empty() && base::parse_int64(std::string(base::trim(s)), &v) ? v : def;
}

}  // namespace

base::Status fetch_sources(const config::BuildConfig& cfg, const FetchSourcesOptions& o, fetch::Client& client) {
  const VarMap vars = source_variables(cfg);
  std::error_code ec;
  fs::create_directories(o.dest, ec);
  if (ec) return tl::unexpected(base::io_error(o.dest, "create directory", ec.value()));
  const fs::path dest = fs::absolute(o.dest);
  if (!o.config_file.empty()) {
    fs::path side = o.config_file;
    side.replace_extension();
    if (fs::is_directory(side, ec)) {
      spdlog::info("copying {} into {}", side.string(), dest.string());
      fs::copy(side, dest, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
      if (ec) return tl::unexpected(base::io_error(side, "copy", ec.value()));
    }
  }
  for (const auto& st : cfg.pipeline) {
    if (st.uses != "fetch" && st.uses != "git-checkout" && st.uses != "patch") continue;
    const std::string where = st.location.to_string() + ": " + st.uses;
    if (st.uses == "patch" && o.config_file.empty()) {
      spdlog::warn("{}: skipped, a package does not carry its patches", where);
      continue;
    }
    auto get = [&](const char* key) { return with_value(vars, st, key); };
    if (st.uses == "fetch") {
      TRY_ASSIGN(std::string uri, get("uri"));
      TRY_ASSIGN(std::string s256, get("expected-sha256"));
      TRY_ASSIGN(std::string s512, get("expected-sha512"));
      TRY_ASSIGN(std::string strip, get("strip-components"));
      TRY_ASSIGN(std::string dir, get("directory"));
      TRY_ASSIGN(std::string extract, get("extract"));
      TRY_ASSIGN(std::string del, get("delete"));
      std::string name = uri.substr(0, uri.find_first_of("?#"));
      name = name.substr(name.find_last_of('/') + 1);
      if (name.empty() || name == "." || name == "..")
        return base::fail(base::ErrorCode::kInvalidInput, where + ": cannot name a file after the uri " + uri);
      std::string data;
      std::optional<fs::path> cached;
      if (!o.cache_dir.empty()) {
        if (!s512.empty() && fs::is_regular_file(o.cache_dir / ("sha512:" + s512), ec)) cached = o.cache_dir / ("sha512:" + s512);
        else if (!s256.empty() && fs::is_regular_file(o.cache_dir / ("sha256:" + s256), ec)) cached = o.cache_dir / ("sha256:" + s256);
      }
      if (cached) {
        spdlog::info("{}: using cached copy {}", where, cached->string());
        TRY_ASSIGN(data, base::read_file(*cached));
      } else {
        spdlog::info("{}: downloading {}", where, uri);
        TRY_ASSIGN(data, base::with_context(client.get(uri), where));
      }
      if (!s256.empty() && base::sha256_hex(data) != s256)
        return base::fail(base::ErrorCode::kSignature, where + ": sha256 mismatch for " + uri + ": expected " + s256 +
                                                           ", got " + base::sha256_hex(data));
      if (s256.empty() && !s512.empty() && base::sha512_hex(data) != s512)
        return base::fail(base::ErrorCode::kSignature, where + ": sha512 mismatch for " + uri + ": expected " + s512 +
                                                           ", got " + base::sha512_hex(data));
      fs::path file = dest / name;
      TRY(base::write_file_atomic(file, data, 0644));
      if (extract.empty() || extract == "true") {
        fs::path into = dir.empty() ? dest : dest / dir;
        fs::create_directories(into, ec);
        TRY(base::with_context(run_tool({"tar", "-x", "--strip-components=" + std::to_string(int_or_default(strip, 1)), "--no-same-owner",
                                    "-C", into.string(), "-f", file.string()}),
                               where));
      }
      if (del == "true") fs::remove(file, ec);
    } else if (st.uses == "git-checkout") {
      TRY_ASSIGN(std::string repository, get("repository"));
      TRY_ASSIGN(std::string destination, get("destination"));
      TRY_ASSIGN(std::string commit, get("expected-commit"));
      TRY_ASSIGN(std::string picks_text, get("cherry-picks"));
      TRY_ASSIGN(auto picks, base::with_context(parse_cherry_picks(picks_text), where));
      fs::path into = destination.empty() || destination == "." ? dest : dest / destination;
      if (fs::exists(into / ".git", ec))
        return base::fail(base::ErrorCode::kInvalidInput, where + ": " + into.string() + " already holds a git checkout");
      // git clone wants an empty or missing directory: clone next to it, then move the content in.
      TRY_ASSIGN(base::TempDir tmp, base::TempDir::create(".melange-clone-", dest));
      TRY(base::with_context(run_tool({"git", "clone", "--quiet", "--", repository, (tmp.path() / "c").string()}), where));
      const std::string repo = (tmp.path() / "c").string();
      if (!commit.empty()) TRY(base::with_context(run_tool({"git", "-C", repo, "checkout", "--quiet", "--detach", commit}), where));
      for (const auto& c : picks) TRY(base::with_context(run_tool({"git", "-C", repo, "cherry-pick", "--no-gpg-sign", "-x", c}), where));
      fs::create_directories(into, ec);
      for (const auto& e : fs::directory_iterator(tmp.path() / "c", ec)) {
        fs::rename(e.path(), into / e.path().filename(), ec);
        if (ec) return tl::unexpected(base::io_error(into / e.path().filename(), "move the checkout into", ec.value()));
      }
    } else {
      TRY_ASSIGN(std::string patches, get("patches"));
      TRY_ASSIGN(std::string series, get("series"));
      TRY_ASSIGN(std::string strip, get("strip-components"));
      TRY_ASSIGN(std::string fuzz, get("fuzz"));
      std::vector<std::string> names = apk::split_words(patches);
      if (names.empty() && !series.empty()) {
        fs::path sp = dest / series;
        if (fs::path(series).is_absolute() || sp.lexically_normal().string().rfind(dest.string(), 0) != 0)
          return base::fail(base::ErrorCode::kInvalidInput, where + ": series \"" + series + "\" is outside the source directory");
        TRY_ASSIGN(std::string text, base::read_file(sp));
        for (auto line : base::split(text, '\n')) {
          auto t = base::trim(line);
          if (!t.empty() && t.front() != '#') names.emplace_back(t);
        }
      }
      if (names.empty()) return base::fail(base::ErrorCode::kInvalidInput, where + ": neither patches nor series is set");
      for (const auto& n : names)
        TRY(base::with_context(run_tool({"patch", "-p" + std::to_string(int_or_default(strip, 1)), "--fuzz=" + std::to_string(int_or_default(fuzz, 2)),
                                    "-d", dest.string(), "-i", (dest / n).string()}),
                               where));
    }
  }
  return base::ok();
}

base::Result<std::vector<std::string>> parse_cherry_picks(std::string_view text) {
  std::vector<std::string> out;
  for (auto raw : base::split(text, '\n')) {
    std::string_view line = base::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return base::fail(base::ErrorCode::kInvalidInput,
                        "cherry-picks: \"" + std::string(line) + "\" is not \"[branch/]commit: comment\"");
    std::string_view spec = base::trim(line.substr(0, colon));
    auto slash = spec.rfind('/');
    if (slash != std::string_view::npos) spec = spec.substr(slash + 1);
    if (spec.empty())
      return base::fail(base::ErrorCode::kInvalidInput, "cherry-picks: \"" + std::string(line) + "\" names no commit");
    out.emplace_back(spec);
  }
  return out;
}

base::Result<fs::path> source_get(const SourceOptions& o) {
  TRY_ASSIGN(SourceConfig l, load_source(o));
  const std::string file = o.config_file.string();
  size_t index = 0;
  const config::PipelineStep* gc = first_git_checkout(l.cfg, &index);
  if (!gc)
    return base::fail(base::ErrorCode::kInvalidInput, file + ": no git-checkout pipeline found in configuration",
                      "melange source get works on git sources only");
  TRY_ASSIGN(std::string repository, with_value(l.vars, *gc, "repository"));
  TRY_ASSIGN(std::string commit, with_value(l.vars, *gc, "expected-commit"));
  TRY_ASSIGN(std::string tag, with_value(l.vars, *gc, "tag"));
  TRY_ASSIGN(std::string branch, with_value(l.vars, *gc, "branch"));
  TRY_ASSIGN(std::string picks_text, with_value(l.vars, *gc, "cherry-picks"));
  TRY_ASSIGN(std::string recurse, with_value(l.vars, *gc, "recurse-submodules"));
  if (repository.empty())
    return base::fail(base::ErrorCode::kInvalidInput, gc->location.to_string() + ": git-checkout has no repository");
  std::string patches;
  for (size_t i = index + 1; i < l.cfg.pipeline.size() && patches.empty(); ++i) {
    const auto& st = l.cfg.pipeline[i];
    if (st.uses != "patch" && st.uses != "git-am") continue;
    TRY_ASSIGN(patches, with_value(l.vars, st, "patches"));
  }
  TRY_ASSIGN(auto picks, base::with_context(parse_cherry_picks(picks_text), gc->location.to_string()));

  std::error_code ec;
  if (fs::exists(l.checkout, ec))
    return base::fail(base::ErrorCode::kInvalidInput, l.checkout.string() + ": already exists",
                      "remove it, or pop its commits first with melange source pop");
  fs::create_directories(l.checkout.parent_path(), ec);
  if (ec) return tl::unexpected(base::io_error(l.checkout.parent_path(), "create directory", ec.value()));
  spdlog::info("cloning {} into {}", repository, l.checkout.string());
  TRY(run_tool({"git", "clone", "--quiet", "--", repository, l.checkout.string()}));
  const std::string repo = l.checkout.string();
  std::string rev = !commit.empty() ? commit : !tag.empty() ? "refs/tags/" + tag : branch;
  if (!rev.empty()) {
    if (commit.empty() && tag.empty()) rev = "origin/" + branch;
    TRY(run_tool({"git", "-C", repo, "checkout", "--quiet", "--detach", rev}));
  }
  if (recurse == "true") TRY(run_tool({"git", "-C", repo, "submodule", "update", "--init", "--recursive"}));
  for (const auto& c : picks) {
    spdlog::info("cherry-picking {}", c);
    TRY(run_tool({"git", "-C", repo, "cherry-pick", "--no-gpg-sign", "-x", c}));
  }
  for (const auto& p : apk::split_words(patches)) {
    fs::path path = fs::path(p).is_absolute() ? fs::path(p) : l.source_dir / p;
    if (!fs::exists(path, ec))
      return base::fail(base::ErrorCode::kNotFound, path.string() + ": patch not found",
                        "give the directory holding the patches with --source-dir");
    TRY(apply_patch(l.checkout, path, p));
  }
  return l.checkout;
}

base::Result<std::vector<std::string>> source_pop(const SourceOptions& o) {
  TRY_ASSIGN(SourceConfig l, load_source(o));
  const std::string file = o.config_file.string();
  size_t index = 0;
  const config::PipelineStep* gc = first_git_checkout(l.cfg, &index);
  std::string commit;
  if (gc) {
    TRY_ASSIGN(commit, with_value(l.vars, *gc, "expected-commit"));
  }
  if (commit.empty())
    return base::fail(base::ErrorCode::kInvalidInput, file + ": no expected-commit found in git-checkout pipeline");
  std::error_code ec;
  if (!fs::is_directory(l.checkout / ".git", ec) && !fs::is_regular_file(l.checkout / ".git", ec))
    return base::fail(base::ErrorCode::kNotFound, l.checkout.string() + ": no git checkout here",
                      "run melange source get first (with the same --output)");
  fs::create_directories(l.source_dir, ec);
  if (ec) return tl::unexpected(base::io_error(l.source_dir, "create directory", ec.value()));
  spdlog::info("generating patches from {} in {}", commit, l.checkout.string());
  std::vector<std::string> lines;
  TRY(run_tool({"git", "-C", l.checkout.string(), "format-patch", "-o", l.source_dir.string(), commit + "..HEAD"}, &lines));
  std::vector<std::string> names;
  for (const auto& line : lines) {
    std::string_view t = base::trim(line);
    if (!t.empty()) names.push_back(fs::path(std::string(t)).filename().string());
  }
  if (names.empty())
    return base::fail(base::ErrorCode::kInvalidInput,
                      l.checkout.string() + ": no patches generated - no commits found after " + commit);
  TRY_ASSIGN(std::string yaml, base::read_file(o.config_file));
  TRY_ASSIGN(std::string edited, replace_patch_steps(yaml, file, names));
  TRY(base::write_file_atomic(o.config_file, edited, 0644));
  spdlog::info("updated {} with a git-am step of {} patch(es)", file, names.size());
  return names;
}

base::Result<std::string> replace_patch_steps(std::string_view yaml, std::string_view filename,
                                              const std::vector<std::string>& patches) {
  TRY_ASSIGN(config::BuildConfig cfg, config::parse_build_config(yaml, filename));
  std::vector<std::string> lines;
  for (auto l : base::split(yaml, '\n')) lines.emplace_back(l);
  bool trailing_newline = !lines.empty() && lines.back().empty();
  if (trailing_newline) lines.pop_back();

  // [first, end) line ranges (0-based) of top-level steps: from the step's "- " line to the
  // next line indented at most as much.
  auto range_of = [&](const config::PipelineStep& st) -> std::pair<size_t, size_t> {
    size_t first = static_cast<size_t>(st.location.line - 1);
    while (first > 0 && base::trim(lines[first]).rfind("- ", 0) != 0 && base::trim(lines[first]) != "-") --first;
    size_t dash = src_indent(lines[first]);
    size_t end = first + 1;
    for (; end < lines.size(); ++end) {
      if (src_blank_line(lines[end])) continue;
      if (src_indent(lines[end]) <= dash) break;
    }
    while (end > first + 1 && src_blank_line(lines[end - 1])) --end;  // trailing blanks/comments stay
    return {first, end};
  };
  auto block = [&](size_t dash) {
    std::string pad(dash, ' ');
    return std::vector<std::string>{pad + "- uses: git-am", pad + "  with:", pad + "    patches: " + base::join(patches, " ")};
  };

  std::vector<std::pair<size_t, size_t>> patch_ranges;
  const config::PipelineStep* checkout = nullptr;
  for (const auto& st : cfg.pipeline) {
    if (st.location.line <= 0) continue;
    if (st.uses == "patch") patch_ranges.push_back(range_of(st));
    if (st.uses == "git-checkout" && !checkout) checkout = &st;
  }
  if (!patch_ranges.empty()) {
    size_t dash = src_indent(lines[patch_ranges[0].first]);
    for (auto it = patch_ranges.rbegin(); it != patch_ranges.rend(); ++it) {
      lines.erase(lines.begin() + static_cast<long>(it->first), lines.begin() + static_cast<long>(it->second));
      if (it + 1 == patch_ranges.rend()) {
        auto b = block(dash);
        lines.insert(lines.begin() + static_cast<long>(it->first), b.begin(), b.end());
      }
    }
  } else if (checkout) {
    auto [first, end] = range_of(*checkout);
    auto b = block(src_indent(lines[first]));
    lines.insert(lines.begin() + static_cast<long>(end), b.begin(), b.end());
  } else {
    return base::fail(base::ErrorCode::kInvalidInput, std::string(filename) + ": no patch or git-checkout step in pipeline:");
  }
  std::string out = base::join(lines, "\n");
  if (trailing_newline) out += '\n';
  if (auto check = config::parse_build_config(out, filename); !check)
    return tl::unexpected(std::move(check).error().context("after replacing the patch steps"));
  return out;
}

}  // namespace melange
