#include "archive/cpio_writer.hpp"

#include <cstdio>

namespace archive {

base::Status CpioWriter::put(std::string_view s) {
  bytes_ += s.size();
  return out_.write(s);
}

base::Status CpioWriter::pad(uint64_t to) {
  static const char zeros[512] = {};
  uint64_t n = (to - bytes_ % to) % to;
  return n ? put(std::string_view(zeros, n)) : base::ok();
}

base::Status CpioWriter::add(const CpioEntry& e, std::string_view data) {
  if (finished_) return base::fail(base::ErrorCode::kInternal, "cpio: entry after the trailer: " + e.name);
  if (e.name.empty() || e.name.front() == '/' || e.name.find('\0') != std::string::npos)
    return base::fail(base::ErrorCode::kInvalidInput, "cpio: bad entry name \"" + e.name + "\"");
  if (data.size() > 0xffffffffu)
    return base::fail(base::ErrorCode::kInvalidInput,
                      "cpio: " + e.name + ": " + std::to_string(data.size()) + " bytes do not fit a newc entry (4 GiB)");
  if (e.mtime < 0 || e.mtime > 0xffffffffll)
    return base::fail(base::ErrorCode::kInvalidInput,
                      "cpio: " + e.name + ": mtime " + std::to_string(e.mtime) + " does not fit a newc entry");
  if (e.name.size() + 1 > 0xffffffffu)
    return base::fail(base::ErrorCode::kInvalidInput, "cpio: name too long: " + e.name.substr(0, 64));
  char header[111];
  std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", e.ino, e.mode,
                e.uid, e.gid, e.nlink, static_cast<uint32_t>(e.mtime), static_cast<uint32_t>(data.size()), 0u, 0u,
                e.rdevmajor, e.rdevminor, static_cast<uint32_t>(e.name.size() + 1), 0u);
  TRY(put(std::string_view(header, 110)));
  TRY(put(e.name));
  TRY(put(std::string_view("\0", 1)));
  TRY(pad(4));
  if (!data.empty()) {
    TRY(put(data));
    TRY(pad(4));
  }
  return base::ok();
}

base::Status CpioWriter::finish() {
  if (finished_) return base::ok();
  CpioEntry t;
  t.name = "TRAILER!!!";
  TRY(add(t));
  finished_ = true;
  return pad(512);
}

}  // namespace archive
