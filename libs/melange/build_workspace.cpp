#include "melange/build_workspace.hpp"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "base/fs.hpp"
#include "base/strings.hpp"

namespace melange {

namespace fs = std::filesystem;

std::vector<std::string> parse_ignore_file(std::string_view text) {
  std::vector<std::string> out;
  for (auto line : base::split(text, '\n')) {
    auto t = base::trim(line);
    if (t.empty() || t.front() == '#') continue;
    std::string p(t);
    while (p.size() > 1 && p.front() == '/') p.erase(0, 1);
    out.push_back(std::move(p));
  }
  return out;
}

bool ignored(const std::vector<std::string>& patterns, const std::string& rel, bool is_dir) {
  std::string base = fs::path(rel).filename().string();
  for (std::string p : patterns) {
    if (p.size() > 1 && p.back() == '/') {
      if (!is_dir) continue;
      p.pop_back();
    }
    if (::fnmatch(p.c_str(), rel.c_str(), FNM_PATHNAME) == 0) return true;
    if (p.find('/') == std::string::npos && ::fnmatch(p.c_str(), base.c_str(), 0) == 0) return true;
  }
  return false;
}

namespace {

// `.<out dir name>.staging-XXXXXX`: where a melange build stages its packages beside the out
// dir (build.cpp). Another build's staging dir in the source dir is never source.
bool is_staging_dir(const std::string& name) {
  return name.size() > 1 && name[0] == '.' && name.find(".staging-", 1) != std::string::npos;
}

bool same_path(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

base::Status copy_tree(const fs::path& src, const fs::path& dst, const std::string& rel,
                       const std::vector<std::string>& patterns, const std::vector<fs::path>& exclude) {
  std::error_code ec;
  fs::directory_iterator it(src, ec), end;
  if (ec == std::errc::no_such_file_or_directory) return base::ok();  // removed meanwhile
  if (ec) return tl::unexpected(base::io_error(src, "cannot read directory", ec.value()));
  std::vector<fs::directory_entry> entries(it, end);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
  for (const auto& e : entries) {
    std::string name = e.path().filename().string();
    std::string r = rel.empty() ? name : rel + "/" + name;
    struct stat st {};
    if (::lstat(e.path().c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // removed while we copy (another build's temp files)
      return tl::unexpected(base::io_error(e.path(), "cannot stat", errno));
    }
    if (S_ISDIR(st.st_mode)) {
      if (ignored(patterns, r, true) || is_staging_dir(name)) continue;
      bool skip = false;
      for (const auto& x : exclude) skip = skip || same_path(e.path(), x);
      if (skip) continue;
      fs::create_directories(dst / r, ec);
      if (ec) return tl::unexpected(base::io_error(dst / r, "cannot create directory", ec.value()));
      TRY(copy_tree(e.path(), dst, r, patterns, exclude));
      ::chmod((dst / r).c_str(), st.st_mode & 07777);
    } else if (S_ISREG(st.st_mode)) {
      if (ignored(patterns, r, false)) continue;
      fs::copy_file(e.path(), dst / r, fs::copy_options::overwrite_existing, ec);
      if (ec == std::errc::no_such_file_or_directory && !fs::exists(fs::symlink_status(e.path()))) continue;
      if (ec) return tl::unexpected(base::io_error(dst / r, "cannot copy " + e.path().string() + " to", ec.value()));
      ::chmod((dst / r).c_str(), st.st_mode & 07777);
    }
  }
  return base::ok();
}

}  // namespace

base::Status prepare_workspace(const WorkspaceSpec& spec) {
  std::error_code ec;
  fs::create_directories(spec.dir, ec);
  if (ec) return tl::unexpected(base::io_error(spec.dir, "cannot create workspace", ec.value()));
  ::chmod(spec.dir.c_str(), 0755);
  if (spec.source == WorkspaceSource::kCopy && !spec.source_dir.empty()) {
    if (!fs::is_directory(spec.source_dir, ec))
      return base::fail(base::ErrorCode::kNotFound, spec.source_dir.string() + ": source directory does not exist");
    std::vector<std::string> patterns;
    if (auto text = base::read_file(spec.source_dir / ".melangeignore")) patterns = parse_ignore_file(*text);
    std::vector<fs::path> exclude = spec.exclude;
    exclude.push_back(spec.dir);
    TRY(copy_tree(spec.source_dir, spec.dir, "", patterns, exclude));
  }
  for (const auto& p : spec.packages) {
    fs::path d = spec.dir / "melange-out" / p;
    fs::create_directories(d, ec);
    if (ec) return tl::unexpected(base::io_error(d, "cannot create", ec.value()));
    ::chmod((spec.dir / "melange-out").c_str(), 0755);
    ::chmod(d.c_str(), 0755);
  }
  return base::ok();
}

}  // namespace melange
