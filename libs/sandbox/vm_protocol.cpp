// The qemu runner's command channel (see vm_protocol.hpp).
#include "sandbox/vm_protocol.hpp"

#include <array>

namespace sandbox::vm {

namespace {

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}

uint64_t get_le(std::string_view in, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t(static_cast<unsigned char>(in[pos + i])) << (8 * i);
  return v;
}

bool known_frame(char c) {
  for (char k : {'H', 'X', 'K', 'C', 'P', 'T', 'I', 'O', 'E', 'R', 'F', 'B', 'D', 'Z'})
    if (c == k) return true;
  return false;
}

}  // namespace

std::string frame(Frame type, std::string_view payload) {
  std::string out;
  out.reserve(5 + payload.size());
  out.push_back(static_cast<char>(type));
  put_le(out, payload.size(), 4);
  out.append(payload);
  return out;
}

std::optional<std::pair<Frame, std::string>> FrameParser::next() {
  if (corrupt_ || buf_.size() - pos_ < 5) return std::nullopt;
  char t = buf_[pos_];
  uint32_t len = uint32_t(get_le(buf_, pos_ + 1, 4));
  if (!known_frame(t) || len > kMaxPayload) {
    corrupt_ = true;
    return std::nullopt;
  }
  if (buf_.size() - pos_ - 5 < len) return std::nullopt;
  std::pair<Frame, std::string> f{static_cast<Frame>(t), buf_.substr(pos_ + 5, len)};
  pos_ += 5 + len;
  if (pos_ > (1u << 20) || pos_ == buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  return f;
}

Encoder& Encoder::u32(uint32_t v) {
  put_le(out_, v, 4);
  return *this;
}
Encoder& Encoder::u64(uint64_t v) {
  put_le(out_, v, 8);
  return *this;
}
Encoder& Encoder::str(std::string_view s) {
  u32(uint32_t(s.size()));
  out_.append(s);
  return *this;
}
Encoder& Encoder::strs(const std::vector<std::string>& v) {
  u32(uint32_t(v.size()));
  for (const auto& s : v) str(s);
  return *this;
}

uint32_t Decoder::u32() {
  if (failed_ || in_.size() - pos_ < 4) return failed_ = true, 0;
  auto v = uint32_t(get_le(in_, pos_, 4));
  pos_ += 4;
  return v;
}
uint64_t Decoder::u64() {
  if (failed_ || in_.size() - pos_ < 8) return failed_ = true, 0;
  auto v = get_le(in_, pos_, 8);
  pos_ += 8;
  return v;
}
std::string Decoder::str() {
  uint32_t n = u32();
  if (failed_ || in_.size() - pos_ < n) return failed_ = true, std::string();
  std::string s(in_.substr(pos_, n));
  pos_ += n;
  return s;
}
std::vector<std::string> Decoder::strs() {
  uint32_t n = u32();
  std::vector<std::string> v;
  for (uint32_t i = 0; i < n && !failed_; ++i) v.push_back(str());
  return v;
}

std::string encode(const ExecRequest& r) {
  Encoder e;
  e.strs(r.argv).strs(r.env).str(r.work_dir).u32(r.uid).u32(r.gid).u64(r.caps);
  return e.bytes();
}

std::optional<ExecRequest> decode_exec(std::string_view payload) {
  Decoder d(payload);
  ExecRequest r;
  r.argv = d.strs();
  r.env = d.strs();
  r.work_dir = d.str();
  r.uid = d.u32();
  r.gid = d.u32();
  r.caps = d.u64();
  if (d.failed() || !d.at_end() || r.argv.empty()) return std::nullopt;
  return r;
}

std::string encode(const TtyExecRequest& r) {
  Encoder e;
  e.u32(r.rows).u32(r.cols);
  return e.bytes() + encode(r.exec);
}

std::optional<TtyExecRequest> decode_tty_exec(std::string_view payload) {
  Decoder d(payload);
  TtyExecRequest r;
  r.rows = d.u32();
  r.cols = d.u32();
  if (d.failed()) return std::nullopt;
  auto exec = decode_exec(payload.substr(8));
  if (!exec) return std::nullopt;
  r.exec = std::move(*exec);
  return r;
}

std::string encode(const FileRecord& r) {
  Encoder e;
  e.u32(uint32_t(static_cast<unsigned char>(r.type))).str(r.path).u32(r.mode).u32(r.uid).u32(r.gid);
  e.u64(uint64_t(r.mtime)).u64(r.size).str(r.target).u32(uint32_t(r.xattrs.size()));
  for (const auto& [k, v] : r.xattrs) e.str(k).str(v);
  return e.bytes();
}

std::optional<FileRecord> decode_file(std::string_view payload) {
  Decoder d(payload);
  FileRecord r;
  r.type = char(d.u32());
  r.path = d.str();
  r.mode = d.u32();
  r.uid = d.u32();
  r.gid = d.u32();
  r.mtime = int64_t(d.u64());
  r.size = d.u64();
  r.target = d.str();
  uint32_t n = d.u32();
  for (uint32_t i = 0; i < n && !d.failed(); ++i) {
    std::string k = d.str();
    r.xattrs.emplace_back(std::move(k), d.str());
  }
  if (d.failed() || !d.at_end() || (r.type != 'd' && r.type != 'f' && r.type != 'l')) return std::nullopt;
  return r;
}

int capability_number(std::string_view name) {
  static constexpr std::array<std::string_view, 41> kNames = {
      "CHOWN",       "DAC_OVERRIDE",    "DAC_READ_SEARCH", "FOWNER",       "FSETID",          "KILL",
      "SETGID",      "SETUID",          "SETPCAP",         "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
      "NET_ADMIN",   "NET_RAW",         "IPC_LOCK",        "IPC_OWNER",    "SYS_MODULE",      "SYS_RAWIO",
      "SYS_CHROOT",  "SYS_PTRACE",      "SYS_PACCT",       "SYS_ADMIN",    "SYS_BOOT",        "SYS_NICE",
      "SYS_RESOURCE", "SYS_TIME",       "SYS_TTY_CONFIG",  "MKNOD",        "LEASE",           "AUDIT_WRITE",
      "AUDIT_CONTROL", "SETFCAP",       "MAC_OVERRIDE",    "MAC_ADMIN",    "SYSLOG",          "WAKE_ALARM",
      "BLOCK_SUSPEND", "AUDIT_READ",    "PERFMON",         "BPF",          "CHECKPOINT_RESTORE"};
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return int(i);
  return -1;
}

}  // namespace sandbox::vm
