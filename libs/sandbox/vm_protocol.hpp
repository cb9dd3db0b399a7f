// The command channel between the qemu runner (host) and ma-guest-init (the guest's PID 1):
// a byte stream (a serial port in the VM, a socket in tests) of frames
//   type (1 byte) | payload length (u32, little endian) | payload
// Payloads are built from u32/u64 integers (little endian) and strings (u32 length + bytes).
//
//   host -> guest: kExec (ExecRequest), kKill (empty: SIGKILL the running command's group),
//                  kCopyOut (a string: the guest directory to send), kPowerOff (empty),
//                  kExecTty (TtyExecRequest: the command on a new pseudo-terminal, its output
//                  as kStdout), kStdin (raw bytes typed into that terminal)
//   guest -> host: kHello (empty, once at start), kStdout/kStderr (raw bytes), kExit (u32 code,
//                  128+N for signal N), kFile (FileRecord) followed for a regular file by
//                  kData frames holding exactly its size, kDone (end of a copy), kError (a
//                  one-line message; ends an exec or a copy)
//
// This file depends on the C++ standard library only: the static guest init compiles it too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sandbox::vm {

enum class Frame : char {
  kHello = 'H',
  kExec = 'X',
  kKill = 'K',
  kCopyOut = 'C',
  kPowerOff = 'P',
  kExecTty = 'T',
  kStdin = 'I',
  kStdout = 'O',
  kStderr = 'E',
  kExit = 'R',
  kFile = 'F',
  kData = 'B',
  kDone = 'D',
  kError = 'Z',
};

inline constexpr uint32_t kMaxPayload = 16u << 20;  // a longer frame means a corrupt stream
inline constexpr size_t kDataChunk = 256u << 10;     // file data per kData frame

std::string frame(Frame type, std::string_view payload = {});

// Cuts frames out of a byte stream fed in arbitrary pieces.
class FrameParser {
 public:
  void feed(std::string_view bytes) { buf_.append(bytes); }
  // The next complete frame, if any. After corrupt() is true nothing more is returned.
  std::optional<std::pair<Frame, std::string>> next();
  bool corrupt() const { return corrupt_; }

 private:
  std::string buf_;
  size_t pos_ = 0;
  bool corrupt_ = false;
};

class Encoder {
 public:
  Encoder& u32(uint32_t v);
  Encoder& u64(uint64_t v);
  Encoder& str(std::string_view s);
  Encoder& strs(const std::vector<std::string>& v);
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

// Reads what Encoder wrote; any read past the end sets failed() and returns zero values.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  uint32_t u32();
  uint64_t u64();
  std::string str();
  std::vector<std::string> strs();
  bool failed() const { return failed_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

struct ExecRequest {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value"
  std::string work_dir;
  uint32_t uid = 0, gid = 0;
  uint64_t caps = 0;  // bit N = capability N, for uid 0 (others get none)
};
std::string encode(const ExecRequest& r);
std::optional<ExecRequest> decode_exec(std::string_view payload);

// An interactive command (--interactive debug shells): the terminal's size, then the request.
struct TtyExecRequest {
  uint32_t rows = 24, cols = 80;
  ExecRequest exec;
};
std::string encode(const TtyExecRequest& r);
std::optional<TtyExecRequest> decode_tty_exec(std::string_view payload);

struct FileRecord {
  char type = 'f';    // 'd' directory, 'f' regular file, 'l' symlink
  std::string path;   // relative to the copied directory, '/'-separated
  uint32_t mode = 0;  // permission bits with setuid/setgid/sticky (no file type)
  uint32_t uid = 0, gid = 0;
  int64_t mtime = 0;
  uint64_t size = 0;     // regular files: bytes in the kData frames that follow
  std::string target;    // symlinks
  std::vector<std::pair<std::string, std::string>> xattrs;
};
std::string encode(const FileRecord& r);
std::optional<FileRecord> decode_file(std::string_view payload);

// Capability numbers by name ("CHOWN" -> 0); -1 for an unknown name.
int capability_number(std::string_view upper_name_without_cap_prefix);

}  // namespace sandbox::vm
