// Benchmark: parse a synthetic 150,000-entry APKINDEX text with apk::IndexText.
//
// Prints entries/s, MB/s and the peak heap bytes the parser allocates beyond the text
// buffer itself (counted by replacing global operator new/delete). Build in Release.
// Usage: index_parse_bench [entries] [rounds]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "apk/index_text.hpp"

namespace {

std::atomic<size_t> g_current{0};
std::atomic<size_t> g_peak{0};
constexpr size_t kHeader = 16;  // keeps the returned pointer 16-byte aligned

void* counted_alloc(size_t n) {
  void* raw = std::malloc(n + kHeader);
  if (!raw) throw std::bad_alloc();
  *static_cast<size_t*>(raw) = n;
  size_t now = g_current.fetch_add(n) + n;
  size_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
  return static_cast<char*>(raw) + kHeader;
}

void counted_free(void* p) {
  if (!p) return;
  void* raw = static_cast<char*>(p) - kHeader;
  g_current.fetch_sub(*static_cast<size_t*>(raw));
  std::free(raw);
}

}  // namespace

void* operator new(size_t n) { return counted_alloc(n); }
void* operator new[](size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }

namespace {

// CPU time of this thread: less disturbed than wall time when the machine is shared.
double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

std::string word(std::mt19937& rng, size_t lo, size_t hi) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
  size_t n = lo + rng() % (hi - lo + 1);
  std::string s(n, 'a');
  for (auto& c : s) c = kChars[rng() % (sizeof kChars - 1)];
  return s;
}

std::string b64(std::mt19937& rng, size_t n) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s(n, 'A');
  for (auto& c : s) c = kChars[rng() % 64];
  return s;
}

// Field sizes modelled on Alpine's and Wolfi's indexes (about 390 bytes per record).
std::string make_index(size_t entries) {
  std::mt19937 rng(42);
  std::vector<apk::PackageInfo> pkgs;
  pkgs.reserve(entries);
  for (size_t i = 0; i < entries; ++i) {
    apk::PackageInfo p;
    p.checksum = "Q1" + b64(rng, 27) + "=";
    p.name = word(rng, 4, 24);
    p.version = std::to_string(rng() % 20) + "." + std::to_string(rng() % 40) + "." + std::to_string(rng() % 99) +
                "-r" + std::to_string(rng() % 10);
    p.arch = "x86_64";
    p.package_size = rng() % 5000000;
    p.installed_size = rng() % 20000000;
    p.description = word(rng, 10, 30) + " " + word(rng, 5, 30);
    p.url = "https://" + word(rng, 5, 15) + ".org/" + word(rng, 0, 15);
    p.license = (rng() % 2) ? "MIT" : "GPL-2.0-or-later AND LGPL-2.1-only";
    p.origin = p.name.substr(0, p.name.size() / 2 + 1);
    p.maintainer = "Natanael Copa <ncopa@alpinelinux.org>";
    p.build_time = 1600000000 + rng() % 100000000;
    p.commit = word(rng, 40, 40);
    if (rng() % 40 == 0) p.provider_priority = rng() % 100;
    for (int d = rng() % 6; d > 0; --d) p.depends.push_back("so:lib" + word(rng, 2, 10) + ".so." + std::to_string(rng() % 9));
    for (int d = rng() % 3; d > 0; --d) p.provides.push_back("cmd:" + word(rng, 2, 12) + "=" + p.version);
    if (rng() % 3 == 0) p.install_if = {"docs", p.origin + "=" + p.version};
    pkgs.push_back(std::move(p));
  }
  return apk::write_index_text(pkgs);
}

}  // namespace

int main(int argc, char** argv) {
  size_t entries = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 150000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
  const std::string text = make_index(entries);
  std::printf("index: %zu entries, %.1f MB (%.0f bytes/entry), sizeof(IndexEntry) = %zu\n", entries,
              text.size() / 1e6, double(text.size()) / entries, sizeof(apk::IndexEntry));

  std::vector<double> secs, cpu;
  size_t extra_peak = 0;
  for (int r = 0; r < rounds; ++r) {
    std::string copy = text;  // parse() takes ownership; the copy is not timed
    size_t base = g_current.load();
    g_peak.store(base);
    double c0 = thread_cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    auto parsed = apk::IndexText::parse(std::move(copy));
    auto t1 = std::chrono::steady_clock::now();
    cpu.push_back(thread_cpu_seconds() - c0);
    if (!parsed || parsed->size() != entries) {
      std::fprintf(stderr, "parse failed: %s\n", parsed ? "wrong count" : parsed.error().to_string().c_str());
      return 1;
    }
    extra_peak = std::max(extra_peak, g_peak.load() - base);
    secs.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  std::sort(secs.begin(), secs.end());
  std::sort(cpu.begin(), cpu.end());
  double best = secs.front(), median = secs[secs.size() / 2];
  std::printf("parse: wall best %.1f ms, median %.1f ms; thread CPU best %.1f ms (%.0f MB/s) over %d rounds\n",
              best * 1e3, median * 1e3, cpu.front() * 1e3, text.size() / cpu.front() / 1e6, rounds);
  std::printf("  %.2f M entries/s, %.0f MB/s (median: %.2f M entries/s, %.0f MB/s)\n", entries / best / 1e6,
              text.size() / best / 1e6, entries / median / 1e6, text.size() / median / 1e6);
  std::printf("  peak heap beyond the buffer: %.1f MB (%.0f bytes/entry)\n", extra_peak / 1e6,
              double(extra_peak) / entries);

  // For comparison: converting every entry to an owned PackageInfo.
  auto parsed = apk::IndexText::parse(text);
  auto t0 = std::chrono::steady_clock::now();
  std::vector<apk::PackageInfo> infos;
  infos.reserve(parsed->size());
  for (const auto& e : parsed->entries()) infos.push_back(e.to_info());
  auto t1 = std::chrono::steady_clock::now();
  std::string written = apk::write_index_text(infos);
  auto t2 = std::chrono::steady_clock::now();
  std::printf("to_info (owned copies): %.1f ms; write_index_text: %.1f ms (%.0f MB/s); rewrite identical: %s\n",
              std::chrono::duration<double>(t1 - t0).count() * 1e3, std::chrono::duration<double>(t2 - t1).count() * 1e3,
              written.size() / std::chrono::duration<double>(t2 - t1).count() / 1e6, written == text ? "yes" : "NO");
  return written == text ? 0 : 1;
}
