#include "melange/lint.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "base/fs.hpp"

namespace melange {

namespace fs = std::filesystem;

base::Result<LintTree> LintTree::from_dir(const fs::path& root) {
  LintTree t;
  t.root_ = root;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(root, ec)))
    return base::fail(base::ErrorCode::kNotFound, root.string() + ": package directory does not exist");
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return tl::unexpected(base::io_error(root, "read directory", ec.value()));
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) return tl::unexpected(base::io_error(it->path(), "stat", errno));
    LintEntry e;
    e.path = it->path().lexically_relative(root).generic_string();
    e.mode = st.st_mode & 07777;
    e.size = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
    if (S_ISDIR(st.st_mode)) e.type = archive::EntryType::kDir;
    else if (S_ISLNK(st.st_mode)) e.type = archive::EntryType::kSymlink;
    else if (S_ISCHR(st.st_mode)) e.type = archive::EntryType::kCharDevice;
    else if (S_ISBLK(st.st_mode)) e.type = archive::EntryType::kBlockDevice;
    else if (S_ISFIFO(st.st_mode)) e.type = archive::EntryType::kFifo;
    else if (S_ISREG(st.st_mode)) e.type = archive::EntryType::kFile;
    else continue;  // sockets
    t.entries_.push_back(std::move(e));
  }
  if (ec) return tl::unexpected(base::io_error(root, "read directory", ec.value()));
  std::sort(t.entries_.begin(), t.entries_.end(), [](const LintEntry& a, const LintEntry& b) { return a.path < b.path; });
  return t;
}

base::Result<LintTree> LintTree::from_package(const apk::Package& pkg) {
  LintTree t;
  TRY(pkg.for_each_entry([&](const archive::TarEntry& te, std::string_view data) -> base::Status {
    LintEntry e;
    e.path = te.name;
    while (!e.path.empty() && e.path.back() == '/') e.path.pop_back();
    while (e.path.rfind("./", 0) == 0) e.path.erase(0, 2);
    if (e.path.empty()) return base::ok();
    e.type = te.type;
    e.mode = te.mode & 07777;
    e.size = te.type == archive::EntryType::kFile ? data.size() : 0;
    if (te.type == archive::EntryType::kFile) t.data_[e.path] = std::string(data);
    t.entries_.push_back(std::move(e));
    return base::ok();
  }));
  std::sort(t.entries_.begin(), t.entries_.end(), [](const LintEntry& a, const LintEntry& b) { return a.path < b.path; });
  return t;
}

base::Result<LintTree::Content> LintTree::view(const LintEntry& e) const {
  Content c;
  if (root_.empty()) {
    auto it = data_.find(e.path);
    if (it == data_.end()) return base::fail(base::ErrorCode::kNotFound, e.path + ": no content in package");
    c.view_ = it->second;
    return c;
  }
  TRY_ASSIGN(base::FileMapping m, base::FileMapping::map_file(root_ / e.path));
  c.map_.emplace(std::move(m));
  c.view_ = c.map_->view();
  return c;
}

const std::vector<LinterInfo>& all_linters() {
  static const std::vector<LinterInfo> infos = [] {
    std::vector<LinterInfo> v;
    for (const auto& r : lint_detail::rules()) v.push_back(r.info);
    std::sort(v.begin(), v.end(), [](const LinterInfo& a, const LinterInfo& b) { return a.name < b.name; });
    return v;
  }();
  return infos;
}

base::Result<std::vector<LintFinding>> lint(const LintTree& tree, const LintOptions& opts) {
  auto known = [](const std::string& n) {
    const auto& r = lint_detail::rules();
    return std::any_of(r.begin(), r.end(), [&](const lint_detail::Rule& x) { return x.info.name == n; });
  };
  std::vector<const std::vector<std::string>*> lists{&opts.disabled, &opts.enabled};
  if (opts.require) lists.push_back(&*opts.require);
  if (opts.warn) lists.push_back(&*opts.warn);
  for (const auto* list : lists)
    for (const auto& n : *list)
      if (!known(n)) return base::fail(base::ErrorCode::kInvalidInput, "unknown linter: \"" + n + "\"");
  auto listed = [](const std::vector<std::string>& v, std::string_view n) { return std::find(v.begin(), v.end(), n) != v.end(); };

  std::vector<LintFinding> out;
  for (const auto& rule : lint_detail::rules()) {
    const bool disabled = listed(opts.disabled, rule.info.name), enabled = listed(opts.enabled, rule.info.name);
    LintDefault behaviour = rule.info.behaviour;
    if (opts.require || opts.warn) {
      behaviour = opts.require && listed(*opts.require, rule.info.name) ? LintDefault::kRequire
                  : opts.warn && listed(*opts.warn, rule.info.name)     ? LintDefault::kWarn
                                                                        : LintDefault::kOff;
    }
    if (behaviour == LintDefault::kOff && !enabled && !disabled) continue;
    LintSeverity sev = behaviour == LintDefault::kRequire && !disabled ? LintSeverity::kError : LintSeverity::kWarning;
    std::vector<lint_detail::Hit> hits;
    TRY(with_context(rule.fn(tree, opts, hits), "linter " + std::string(rule.info.name)));
    for (auto& h : hits) out.push_back({std::string(rule.info.name), sev, std::move(h.path), std::move(h.message)});
  }
  return out;
}

base::Result<std::vector<LintFinding>> lint_dir(const fs::path& dir, const LintOptions& opts) {
  TRY_ASSIGN(LintTree tree, LintTree::from_dir(dir));
  return lint(tree, opts);
}

bool has_errors(const std::vector<LintFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const LintFinding& f) { return f.severity == LintSeverity::kError; });
}

std::string format_finding(const LintFinding& f) {
  std::string s = f.severity == LintSeverity::kError ? "error: [" : "warning: [";
  s += f.linter + "] ";
  if (!f.path.empty()) s += f.path + ": ";
  s += f.message;
  for (const auto& r : lint_detail::rules())
    if (r.info.name == f.linter) s += " (hint: " + std::string(r.info.explain) + ")";
  return s;
}

}  // namespace melange
