// Test helpers: small (possibly hostile) apk packages built in memory.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apk/package.hpp"
#include "apk/package_writer.hpp"
#include "archive/sink.hpp"
#include "archive/tar_writer.hpp"
#include "base/hash.hpp"

namespace rootfs::testpkg {

struct Entry {
  archive::TarEntry e;
  std::string data;
};

inline Entry dir(std::string name, uint32_t mode = 0755, uint32_t uid = 0, uint32_t gid = 0) {
  Entry x;
  x.e.name = std::move(name);
  x.e.type = archive::EntryType::kDir;
  x.e.mode = mode, x.e.uid = uid, x.e.gid = gid, x.e.mtime = 1000;
  return x;
}

inline Entry file(std::string name, std::string data, uint32_t mode = 0644, uint32_t uid = 0, uint32_t gid = 0) {
  Entry x;
  x.e.name = std::move(name);
  x.e.mode = mode, x.e.uid = uid, x.e.gid = gid, x.e.mtime = 2000;
  x.e.size = data.size();
  x.e.pax.emplace_back("APK-TOOLS.checksum.SHA1", base::sha1_hex(data));
  x.data = std::move(data);
  return x;
}

inline Entry link(std::string name, std::string target) {
  Entry x;
  x.e.name = std::move(name);
  x.e.type = archive::EntryType::kSymlink;
  x.e.mode = 0777, x.e.mtime = 3000;
  x.e.pax.emplace_back("APK-TOOLS.checksum.SHA1", base::sha1_hex(target));
  x.e.linkname = std::move(target);
  return x;
}

inline Entry hardlink(std::string name, std::string target) {
  Entry x;
  x.e.name = std::move(name);
  x.e.type = archive::EntryType::kHardlink;
  x.e.mode = 0755, x.e.mtime = 2000;
  x.e.linkname = std::move(target);
  return x;
}

struct Spec {
  std::string name, version = "1.0-r0", origin;
  std::vector<std::string> replaces;
  std::optional<int64_t> replaces_priority;
  std::vector<std::string> triggers;
  std::vector<apk::ControlFile> control;
  std::vector<Entry> entries;
};

inline std::string data_tar(const std::vector<Entry>& entries) {
  archive::StringSink sink;
  archive::TarWriter tw(sink);
  for (const auto& x : entries) EXPECT_TRUE(tw.add(x.e, x.data)) << x.e.name;
  EXPECT_TRUE(tw.finish());
  return sink.data;
}

inline apk::Package make(const Spec& s) {
  apk::PackageInfo info;
  info.name = s.name;
  info.version = s.version;
  info.arch = "x86_64";
  info.origin = s.origin.empty() ? s.name : s.origin;
  info.description = "test package " + s.name;
  info.license = "MIT";
  info.replaces = s.replaces;
  info.replaces_priority = s.replaces_priority;
  info.triggers = s.triggers;
  for (const auto& x : s.entries) info.installed_size += x.data.size();
  auto assembled = apk::assemble_package(info, s.control, data_tar(s.entries), 0, nullptr);
  EXPECT_TRUE(assembled) << assembled.error().message;
  auto pkg = apk::Package::parse(assembled->bytes, s.name + ".apk",
                                 apk::PackageReadOptions{nullptr, apk::SignaturePolicy::kIgnore});
  EXPECT_TRUE(pkg) << pkg.error().message;
  return std::move(*pkg);
}

}  // namespace rootfs::testpkg
