// gzip_bench: compression speed and ratio of the archive lib's gzip paths on ~200 MB of
// shared libraries (semi-compressible), against the host's `gzip -6` and `pigz -6`.
//
//   gzip_bench [MB=200] [dir=/usr/lib/x86_64-linux-gnu]
//
// Also times small (apk control sized) streams with libdeflate vs zlib.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "archive/gzip.hpp"
#include "archive/gzip_parallel.hpp"
#include "base/fs.hpp"

namespace fs = std::filesystem;

namespace {

double seconds(const std::function<void()>& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void row(const char* what, size_t in, size_t out, double s) {
  std::printf("%-34s %8.1f MB/s  ratio %.3f  (%zu -> %zu bytes, %.2f s)\n", what, in / 1e6 / s,
              double(out) / double(in), in, out, s);
}

std::string load(const fs::path& dir, size_t limit) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (e.is_regular_file() && !e.is_symlink() && n.find(".so") != std::string::npos) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::string data;
  for (const auto& f : files) {
    if (data.size() >= limit) break;
    auto r = base::read_file(f);
    if (r) data += *r;
  }
  if (data.size() > limit) data.resize(limit);
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200;
  fs::path dir = argc > 2 ? argv[2] : "/usr/lib/x86_64-linux-gnu";
  std::string data = load(dir, mb << 20);
  if (data.empty()) {
    std::fprintf(stderr, "gzip_bench: no .so files under %s\n", dir.c_str());
    return 1;
  }
  std::printf("input: %zu bytes of %s/*.so*\n", data.size(), dir.c_str());

  std::string out;
  double s = seconds([&] { out = archive::gzip_compress_zlib(data, 6); });
  row("zlib -6 single-shot", data.size(), out.size(), s);
  s = seconds([&] { out = archive::gzip_compress(data, 6); });
  row("libdeflate -6 (gzip_compress)", data.size(), out.size(), s);
  auto check = archive::gunzip(out);
  if (!check || *check != data) std::printf("  !! libdeflate output does not round-trip\n");
  for (unsigned t : {1u, 2u}) {
    s = seconds([&] { out = archive::gzip_parallel(data, 6, 1 << 20, t); });
    std::string label = "gzip_parallel -6 threads=" + std::to_string(t);
    row(label.c_str(), data.size(), out.size(), s);
  }
  check = archive::gunzip(out);
  if (!check || *check != data) std::printf("  !! gzip_parallel output does not round-trip\n");
  for (unsigned t : {1u, 2u}) {  // the OCI layer mode: one libdeflate member per 1 MiB block
    s = seconds([&] { out = archive::gzip_parallel(data, 6, 1 << 20, t, archive::GzipMembers::kPerBlock); });
    std::string label = "gzip_parallel -6 per-block members threads=" + std::to_string(t);
    row(label.c_str(), data.size(), out.size(), s);
  }
  check = archive::gunzip(out);
  if (!check || *check != data) std::printf("  !! per-block gzip output does not round-trip\n");

  auto tmp = base::TempDir::create("gzip-bench-");
  if (tmp) {
    auto in = tmp->path() / "in", gz = tmp->path() / "out.gz";
    if (base::write_file_atomic(in, data)) {
      for (const char* tool : {"gzip -6 -n -c", "pigz -6 -p 2 -n -c", "pigz -6 -p 1 -n -c"}) {
        std::string cmd = std::string(tool) + " " + in.string() + " > " + gz.string();
        int rc = 0;
        s = seconds([&] { rc = std::system(cmd.c_str()); });
        if (rc != 0) {
          std::printf("%-34s not available\n", tool);
          continue;
        }
        row(tool, data.size(), size_t(fs::file_size(gz)), s);
      }
    }
  }

  // Small streams: what an apk control member or a small data member looks like.
  for (size_t n : {size_t(4096), size_t(65536)}) {
    std::string small = data.substr(data.size() / 3, n);
    int iters = int(20000000 / n);
    size_t zo = 0, lo = 0;
    double zs = seconds([&] {
      for (int i = 0; i < iters; ++i) zo = archive::gzip_compress_zlib(small, 6).size();
    });
    double ls = seconds([&] {
      for (int i = 0; i < iters; ++i) lo = archive::gzip_compress(small, 6).size();
    });
    std::printf("%6zu-byte streams: zlib %.1f us/op (%zu B), libdeflate %.1f us/op (%zu B)\n", n, zs / iters * 1e6, zo,
                ls / iters * 1e6, lo);
  }
  return 0;
}
