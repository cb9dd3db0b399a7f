// Installer::finish(): the apk database and configuration files; add_base_skeleton().
#include <algorithm>

#include "archive/sink.hpp"
#include "archive/tar_writer.hpp"
#include "rootfs/installer.hpp"

namespace rootfs {

using base::ErrorCode;
using base::fail;

namespace {

std::string lines(std::vector<std::string> items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back('\n');
    out += items[i];
  }
  out.push_back('\n');
  return out;
}

base::Status put(Tree& tree, std::string_view path, std::string data, uint32_t mode, int64_t mtime) {
  return with_context(tree.write_file(path, Content::own(std::move(data)), Meta{mode, 0, 0, mtime, {}}), "finish");
}

}  // namespace

std::string Installer::installed_db() const { return apk::write_installed_db(records_, apk::DbStyle::kApkTools); }

std::string Installer::scripts_tar(int64_t mtime) const {
  archive::StringSink sink;
  archive::TarWriter tw(sink, {.dir_trailing_slash = false});
  for (const auto& scripts : scripts_) {
    for (const auto& [name, content] : scripts) {
      archive::TarEntry e;
      e.name = name;
      e.mode = 0755;
      e.mtime = mtime;
      e.size = content.size();
      (void)tw.add(e, content);  // a StringSink cannot fail
    }
  }
  (void)tw.finish(true);
  return std::move(sink.data);
}

std::string Installer::triggers() const {
  std::string out;
  for (const auto& rec : records_) {
    if (rec.info.triggers.empty()) continue;
    out += rec.info.checksum;
    for (const auto& t : rec.info.triggers) out += " " + t;
    out.push_back('\n');
  }
  return out;
}

base::Status Installer::finish(const DbOptions& opts) {
  const Meta dir{0755, 0, 0, opts.mtime, {}};
  for (auto d : {"etc/apk/keys", "usr/lib/apk/db", "usr/lib/apk/exec"}) TRY(with_context(tree_.mkdir_p(d, dir), "finish"));

  const std::string db = installed_db(), scripts = scripts_tar(opts.mtime), trig = triggers();
  auto write_db = [&](const std::string& at) -> base::Status {
    TRY(put(tree_, at + "/installed", db, 0644, opts.mtime));
    TRY(put(tree_, at + "/scripts.tar", scripts, 0644, opts.mtime));
    TRY(put(tree_, at + "/triggers", trig, 0644, opts.mtime));
    return put(tree_, at + "/lock", "", 0600, opts.mtime);
  };
  TRY(write_db("usr/lib/apk/db"));

  // Keep lib/apk/db/installed reachable (scanners read it there).
  auto lib = tree_.lookup("lib", Follow::kNoFollow);
  if (!lib) {
    TRY(with_context(tree_.mkdir("lib", dir), "finish"));
    TRY(with_context(tree_.symlink("lib/apk", "../usr/lib/apk", Meta{0777, 0, 0, opts.mtime, {}}), "finish"));
  } else if ((*lib)->is_dir()) {
    auto apk = tree_.lookup("lib/apk", Follow::kNoFollow);
    if (!apk) {
      TRY(with_context(tree_.symlink("lib/apk", "../usr/lib/apk", Meta{0777, 0, 0, opts.mtime, {}}), "finish"));
    } else if ((*apk)->is_dir()) {
      TRY(with_context(tree_.mkdir_p("lib/apk/db", dir), "finish"));
      TRY(write_db("lib/apk/db"));
    }
  }
  // A lib symlink elsewhere, or a lib/apk symlink: left as the packages made them.

  std::vector<std::string> world = opts.world;
  std::sort(world.begin(), world.end());
  TRY(put(tree_, "etc/apk/world", lines(std::move(world)), 0644, opts.mtime));
  TRY(put(tree_, "etc/apk/repositories", lines(opts.repositories), 0644, opts.mtime));
  if (!opts.arch.empty()) TRY(put(tree_, "etc/apk/arch", opts.arch + "\n", 0644, opts.mtime));
  for (const auto& [name, pem] : opts.keys) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      return fail(ErrorCode::kInvalidInput, "finish: key name '" + name + "' is not a plain file name");
    TRY(put(tree_, "etc/apk/keys/" + name, pem, 0644, opts.mtime));
  }
  return base::ok();
}

base::Status add_base_skeleton(Tree& tree, int64_t mtime) {
  struct Dir {
    const char* path;
    uint32_t mode;
  };
  static constexpr Dir kDirs[] = {
      {"dev", 0755},           {"etc", 0755},           {"opt", 0755},          {"proc", 0555},
      {"tmp", 01777},          {"usr", 0755},           {"var", 0755},          {"etc/apk", 0755},
      {"etc/apk/keys", 0755},  {"usr/lib", 0755},       {"usr/lib/apk", 0755},  {"usr/lib/apk/db", 0755},
      {"usr/lib/apk/exec", 0755}, {"var/cache", 0755}, {"var/cache/apk", 0755}, {"var/cache/misc", 0755},
  };
  for (const auto& d : kDirs) TRY(tree.mkdir_p(d.path, Meta{d.mode, 0, 0, mtime, {}}));
  struct Dev {
    const char* path;
    uint32_t major, minor, mode;
  };
  static constexpr Dev kDevs[] = {
      {"dev/zero", 1, 5, 0666}, {"dev/urandom", 1, 9, 0666}, {"dev/null", 1, 3, 0666},
      {"dev/random", 1, 8, 0666}, {"dev/console", 5, 1, 0620},
  };
  for (const auto& d : kDevs) TRY(tree.mknod(d.path, NodeType::kCharDevice, d.major, d.minor, Meta{d.mode, 0, 0, mtime, {}}));
  return base::ok();
}

}  // namespace rootfs
