#include "rootfs/installer.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "apk/dependency.hpp"
#include "archive/gzip.hpp"
#include "archive/tar_reader.hpp"
#include "base/hash.hpp"
#include "base/strings.hpp"

namespace rootfs {

using base::ErrorCode;
using base::fail;

namespace {

constexpr std::string_view kXattrPrefix = "SCHILY.xattr.";
constexpr size_t kMaxDataSize = size_t(16) << 30;

enum class Replace { kYes, kNo, kConflict };

// Does `a` declare `replaces` on package `b` (name and version)?
bool declares_replaces(const apk::PackageInfo& a, const apk::PackageInfo& b) {
  for (const auto& text : a.replaces) {
    auto dep = apk::parse_dependency(text);
    if (dep && !dep->conflict && dep->name == b.name && dep->matches_version(b.version)) return true;
  }
  return false;
}

// apk-tools' decision for a file of `old_pkg` that `new_pkg` also ships.
Replace replaces_file(const apk::PackageInfo& old_pkg, const apk::PackageInfo& new_pkg) {
  if (old_pkg.name == new_pkg.name) return Replace::kYes;
  int64_t old_prio = -1, new_prio = -1;
  if (declares_replaces(old_pkg, new_pkg)) old_prio = old_pkg.replaces_priority.value_or(0);
  if (declares_replaces(new_pkg, old_pkg)) new_prio = new_pkg.replaces_priority.value_or(0);
  if (old_prio > new_prio) return Replace::kNo;
  if (new_prio >= 0) return Replace::kYes;
  if (!old_pkg.origin.empty() && old_pkg.origin == new_pkg.origin) return Replace::kYes;
  return Replace::kConflict;
}

std::string q1(std::string_view raw_sha1) { return "Q1" + base::base64_encode(raw_sha1); }

std::pair<std::string, std::string> split_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

bool is_script(std::string_view name) {
  static constexpr std::string_view kScripts[] = {".pre-install",  ".post-install", ".pre-deinstall", ".post-deinstall",
                                                  ".pre-upgrade", ".post-upgrade", ".trigger"};
  return std::find(std::begin(kScripts), std::end(kScripts), name) != std::end(kScripts);
}

base::Error package_error(const apk::Package& pkg, const base::Error& e) {
  return base::Error{e.code, "package " + pkg.info().nevr() + " (" + pkg.origin() + "): " + e.message};
}

base::Status check_name(const archive::TarEntry& e, const std::string& name) {
  // The installed database is line-oriented: a line break in a name or link target would
  // write records of the package's choosing.
  for (std::string_view s : {std::string_view(name), std::string_view(e.linkname)})
    if (s.find_first_of(std::string_view("\n\r\0", 3)) != std::string_view::npos)
      return fail(ErrorCode::kInvalidInput, "line break or NUL in a file name or link target");
  if (name[0] == '/') return fail(ErrorCode::kInvalidInput, "absolute path, outside the package root");
  for (auto c : path_components(name))
    if (c == "..") return fail(ErrorCode::kInvalidInput, "'..' in the path, outside the package root");
  return base::ok();
}

base::Result<PreparedData> prepare(const apk::Package& pkg, const std::shared_ptr<SpillFile>& spill,
                                   std::string* scratch) {
  // Decompression bombs: the data may inflate to at most four times the installed size the
  // package declares, plus 32 times its compressed size (tar headers of many small files
  // compress well, but not that well), plus 64 MiB; its files' contents may not exceed twice
  // the declared size plus 16 MiB (real packages stay below: `size` counts every file's bytes).
  const uint64_t declared = pkg.info().installed_size;
  const uint64_t max_tar =
      std::min<uint64_t>(kMaxDataSize, 4 * declared + 32 * uint64_t(pkg.data_member().size()) + (uint64_t(64) << 20));
  const uint64_t max_content = 2 * declared + (uint64_t(16) << 20);
  // In memory, file contents are slices of the inflated buffer; spilled, the buffer is only
  // needed until it is in the file.
  std::shared_ptr<const std::string> data;
  std::string fresh;
  std::string* buf = spill && scratch ? scratch : &fresh;
  if (auto st = archive::gunzip_member(pkg.data_member(), max_tar, buf); !st)
    return fail(ErrorCode::kInvalidInput, "data stream: " + st.error().message + " (.PKGINFO declares size = " +
                                              std::to_string(declared) + ")");
  if (buf == &fresh) data = std::make_shared<const std::string>(std::move(fresh));
  const std::string& tar = data ? *data : *buf;
  uint64_t spill_base = 0;
  if (spill) {
    TRY_ASSIGN(spill_base, spill->append(tar));
  }
  PreparedData out;
  out.tar_bytes = tar.size();
  archive::TarReader reader(tar);
  archive::TarEntry e;
  std::string_view bytes;
  bool leading = true;
  uint64_t content = 0;
  while (reader.next(&e, &bytes)) {
    content += bytes.size();
    if (content > max_content)
      return fail(ErrorCode::kInvalidInput, "files hold more than " + std::to_string(max_content) +
                                                " bytes, far beyond the declared size = " + std::to_string(declared));
    std::string name = e.name;
    while (name.size() > 1 && name.back() == '/') name.pop_back();
    while (name.rfind("./", 0) == 0) name.erase(0, 2);
    if (name.empty() || name == "." || name == "/") continue;
    if (leading && name[0] == '.' && name.find('/') == std::string::npos) continue;  // .PKGINFO, .SIGN.*
    leading = false;
    const std::string context = "entry '" + base::printable(e.name) + "'";
    TRY(with_context(check_name(e, name), context));
    auto sha1 = apk::verify_entry_checksum(e, bytes);
    if (!sha1) return tl::unexpected(sha1.error().context(context));
    PreparedEntry p;
    if (e.type == archive::EntryType::kFile) {
      size_t offset = size_t(bytes.data() - tar.data());
      p.content = spill ? Content::spilled(spill, spill_base + offset, bytes.size())
                        : Content::slice(data, offset, bytes.size());
    }
    p.entry = std::move(e);
    p.name = std::move(name);
    p.sha1 = std::move(*sha1);
    out.entries.push_back(std::move(p));
    e = archive::TarEntry();
  }
  if (reader.error()) return fail(ErrorCode::kFormat, "data stream: " + reader.error()->message);
  return out;
}

}  // namespace

base::Result<PreparedData> prepare_data(const apk::Package& pkg, const std::shared_ptr<SpillFile>& spill,
                                        std::string* scratch) {
  auto r = prepare(pkg, spill, scratch);
  if (!r) return tl::unexpected(package_error(pkg, r.error()));
  return r;
}

// The installation of one package: tree changes in a transaction, bookkeeping staged
// here and merged into the Installer only when every entry went in.
class PackageInstall {
 public:
  PackageInstall(Installer& in, const apk::Package& pkg) : in_(in), pkg_(pkg), index_(in.records_.size()) {
    rec_.info = pkg.info();
  }

  base::Status run(const PreparedData& data) {
    for (const auto& p : data.entries)
      TRY(with_context(entry(p), "entry '" + base::printable(p.entry.name) + "'"));
    return base::ok();
  }

  void commit() {
    for (const auto& [pkg, dir, name] : moved_) remove_from_record(in_.records_[pkg], dir, name);
    for (auto& [path, owner] : owners_) in_.owners_[path] = std::move(owner);
    for (auto& [path, acl] : dirs_) in_.dirs_[path] = acl;
    std::vector<std::pair<std::string, std::string>> scripts;
    for (const auto& cf : pkg_.control_files())
      if (is_script(cf.name)) scripts.emplace_back(pkg_.info().nevr() + "." + pkg_.info().checksum + cf.name, cf.content);
    in_.records_.push_back(std::move(rec_));
    in_.scripts_.push_back(std::move(scripts));
  }

 private:
  base::Status entry(const PreparedEntry& p) {
    const archive::TarEntry& e = p.entry;
    const std::string& name = p.name;
    Meta meta{e.mode & 07777, e.uid, e.gid, e.mtime, {}};
    for (const auto& [key, value] : e.pax)
      if (key.rfind(kXattrPrefix, 0) == 0) meta.xattrs[key.substr(kXattrPrefix.size())] = value;
    std::string checksum = p.sha1.empty() ? std::string() : q1(p.sha1);

    TRY(ensure_parent(name, e.mtime));
    TRY_ASSIGN(std::string canon, in_.tree_.canonical(name, Follow::kNoFollow, Access::kWrite));
    if (e.type == archive::EntryType::kDir) return dir_entry(name, canon, meta);
    return leaf_entry(e, name, canon, meta, std::move(checksum), p.content);
  }

  // Parents a package did not list (apk-tools would refuse such a package) are made 0755 root.
  base::Status ensure_parent(const std::string& name, int64_t mtime) {
    auto [dir, base] = split_dir(name);
    if (dir.empty() || in_.tree_.exists(dir, Follow::kFollow)) return base::ok();
    TRY(in_.tree_.mkdir_p(dir, Meta{0755, 0, 0, mtime, {}}));
    record_dir(dir);
    return base::ok();
  }

  base::Status dir_entry(const std::string& name, const std::string& canon, const Meta& meta) {
    Tree& tree = in_.tree_;
    auto& rd = record_dir(name);
    rd.uid = meta.uid, rd.gid = meta.gid, rd.mode = meta.mode;
    auto existing = tree.lookup(canon, Follow::kNoFollow);
    if (!existing) {
      TRY(tree.mkdir(canon, meta));
      dirs_[canon] = Installer::DirAcl{meta.uid, meta.gid, meta.mode, true};
      return base::ok();
    }
    const Node* n = *existing;
    if (n->type == NodeType::kSymlink) {
      auto target = tree.lookup(canon, Follow::kFollow);
      if (target && (*target)->is_dir()) return base::ok();  // usrmerge: lib -> usr/lib
    }
    if (!n->is_dir()) return fail(ErrorCode::kConflict, "directory would replace " + describe(canon));

    Installer::DirAcl acl;
    if (auto s = dirs_.find(canon); s != dirs_.end()) acl = s->second;
    else if (auto c = in_.dirs_.find(canon); c != in_.dirs_.end()) acl = c->second;
    else acl = {n->meta.uid, n->meta.gid, n->meta.mode, n->meta.uid == meta.uid && n->meta.gid == meta.gid && n->meta.mode == meta.mode};
    if (meta.uid < acl.uid || (meta.uid == acl.uid && meta.gid < acl.gid)) {
      acl.uid = meta.uid, acl.gid = meta.gid, acl.mode = meta.mode;
    } else if (meta.uid == acl.uid && meta.gid == acl.gid) {
      acl.mode &= meta.mode;
    }
    dirs_[canon] = acl;
    Meta updated = n->meta;
    updated.mtime = meta.mtime;
    if (acl.managed) {
      updated.uid = acl.uid, updated.gid = acl.gid, updated.mode = acl.mode;
      for (const auto& [k, v] : meta.xattrs) updated.xattrs[k] = v;
    }
    return tree.set_meta(canon, updated, Follow::kNoFollow);
  }

  base::Status leaf_entry(const archive::TarEntry& e, const std::string& name, const std::string& canon, const Meta& meta,
                          std::string checksum, const Content& content) {
    Tree& tree = in_.tree_;
    if (auto existing = tree.lookup(canon, Follow::kNoFollow); existing && (*existing)->is_dir()) {
      if (e.type != archive::EntryType::kSymlink || !(*existing)->children.empty())
        return fail(ErrorCode::kConflict, "would replace the directory /" + canon);
      TRY(tree.remove(canon));
    }
    if (const Installer::Owner* owner = find_owner(canon)) {
      const apk::PackageInfo& old_info = owner->pkg == index_ ? pkg_.info() : in_.records_[owner->pkg].info;
      switch (replaces_file(old_info, pkg_.info())) {
        case Replace::kNo:
          return base::ok();  // the installed package replaces this one: keep its file
        case Replace::kConflict:
          if (checksum.empty() || checksum != owner->checksum)
            return fail(ErrorCode::kConflict, "/" + canon + " conflicts with the file of " + old_info.nevr() +
                                                  " (same path, different content, no replaces)");
          break;
        case Replace::kYes:
          break;
      }
      if (owner->pkg == index_) remove_from_record(rec_, owner->dir, owner->name);
      else moved_.push_back({owner->pkg, owner->dir, owner->name});
    }
    switch (e.type) {
      case archive::EntryType::kFile:
        TRY(tree.write_file(canon, content, meta));
        break;
      case archive::EntryType::kSymlink:
        TRY(tree.symlink(canon, e.linkname, meta));
        break;
      case archive::EntryType::kHardlink: {
        std::string target = e.linkname;
        while (target.rfind("./", 0) == 0) target.erase(0, 2);
        if (target.empty() || target[0] == '/') return fail(ErrorCode::kInvalidInput, "hard link to an absolute path");
        for (auto c : path_components(target))
          if (c == "..") return fail(ErrorCode::kInvalidInput, "hard link target with '..'");
        TRY(tree.hardlink(canon, target, meta));
        if (checksum.empty()) {
          TRY_ASSIGN(std::string bytes, (*tree.lookup(canon))->content.read());
          checksum = q1(base::digest(base::HashAlgo::kSha1, bytes));
        }
        break;
      }
      case archive::EntryType::kCharDevice:
      case archive::EntryType::kBlockDevice:
        // No Alpine or Wolfi package ships device nodes; the image's /dev comes from apko's own
        // skeleton. A package that does would hand a container raw access to host devices.
        return fail(ErrorCode::kInvalidInput, "device node: packages may not create devices");
      case archive::EntryType::kFifo:
        TRY(tree.mknod(canon, NodeType::kFifo, 0, 0, meta));
        break;
      case archive::EntryType::kDir:
        return fail(ErrorCode::kInternal, "directory in leaf_entry");
    }
    auto [dir, base] = split_dir(name);
    record_dir(dir).files.push_back(apk::InstalledFile{base, meta.uid, meta.gid, meta.mode, checksum});
    owners_[canon] = Installer::Owner{index_, dir, base, std::move(checksum)};
    return base::ok();
  }

  const Installer::Owner* find_owner(const std::string& canon) const {
    if (auto s = owners_.find(canon); s != owners_.end()) return &s->second;
    if (auto c = in_.owners_.find(canon); c != in_.owners_.end()) return &c->second;
    return nullptr;
  }

  std::string describe(const std::string& canon) const {
    const Installer::Owner* o = find_owner(canon);
    if (!o) return "/" + canon;
    return "/" + canon + " of " + (o->pkg == index_ ? pkg_.info().nevr() : in_.records_[o->pkg].info.nevr());
  }

  apk::InstalledDir& record_dir(const std::string& dir) {
    auto it = rec_dirs_.find(dir);
    if (it != rec_dirs_.end()) return rec_.dirs[it->second];
    rec_dirs_[dir] = rec_.dirs.size();
    rec_.dirs.push_back(apk::InstalledDir{dir, 0, 0, 0755, {}});
    return rec_.dirs.back();
  }

  static void remove_from_record(apk::InstalledPackage& rec, const std::string& dir, const std::string& name) {
    for (auto& d : rec.dirs) {
      if (d.path != dir) continue;
      std::erase_if(d.files, [&](const apk::InstalledFile& f) { return f.name == name; });
    }
  }

  struct Moved {
    size_t pkg;
    std::string dir, name;
  };

  Installer& in_;
  const apk::Package& pkg_;
  size_t index_;
  apk::InstalledPackage rec_;
  std::map<std::string, size_t> rec_dirs_;
  std::map<std::string, Installer::Owner, std::less<>> owners_;
  std::map<std::string, Installer::DirAcl, std::less<>> dirs_;
  std::vector<Moved> moved_;
};

base::Status Installer::install(const apk::Package& pkg) {
  TRY_ASSIGN(PreparedData data, prepare_data(pkg));
  return install(pkg, data);
}

base::Status Installer::install(const apk::Package& pkg, const PreparedData& data) {
  PackageInstall job(*this, pkg);
  tree_.begin();
  auto st = job.run(data);
  if (!st) {
    tree_.rollback();
    return tl::unexpected(package_error(pkg, st.error()));
  }
  tree_.commit();
  job.commit();
  return base::ok();
}

std::string Installer::owner_of(std::string_view canonical_path) const {
  auto it = owners_.find(canonical_path);
  return it == owners_.end() ? std::string() : records_[it->second.pkg].info.nevr();
}

}  // namespace rootfs
