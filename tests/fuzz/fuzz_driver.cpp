// A standalone driver for the fuzz targets, for compilers without libFuzzer (GCC) and for the
// quick run in the test command: it feeds every seed file, then a fixed number of mutations
// of them (bit flips, byte changes, inserts, deletions, duplications, truncations, splices and
// tokens that parsers care about) from a fixed PRNG seed, so a run is reproducible. The same
// targets link with clang's -fsanitize=fuzzer for long coverage-guided runs (MA_FUZZ=ON).
//
//   fuzz_X [--runs N] [--max-len N] SEED_FILE_OR_DIR...
// A crash or sanitizer report ends the process; the input that caused it is written first to
// ./fuzz-crash-<target> so that it can be replayed with `fuzz_X fuzz-crash-<target>`.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string g_crash_file;
std::string g_current;

void save_current() {
  std::ofstream out(g_crash_file, std::ios::binary);
  out.write(g_current.data(), std::streamsize(g_current.size()));
}

void run_one(const std::string& input) {
  g_current = input;  // what a crash handler would save; cheap enough for small inputs
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

const std::vector<std::string> kTokens = {
    std::string(1, '\0'), "\xff", "\n", "\r\n", "../", "/", "${{", "}}", " = ", ":", "\x1f\x8b\x08", "ustar",
    "-r0", "_rc1", ">=", "~", "!", "so:", "${{package.version}}", "'", "\"", "\\", "- ", "  ", "if:", "&&", "||",
    std::string(512, '\0'), "99999999999999999999"};

std::string mutate(const std::vector<std::string>& seeds, std::mt19937_64& rng, size_t max_len) {
  auto pick = [&](size_t n) { return n == 0 ? size_t(0) : size_t(rng() % n); };
  std::string s = seeds[pick(seeds.size())];
  int rounds = 1 + int(pick(4));
  for (int r = 0; r < rounds; ++r) {
    switch (pick(9)) {
      case 0:
        if (!s.empty()) s[pick(s.size())] ^= char(1u << pick(8));
        break;
      case 1:
        if (!s.empty()) s[pick(s.size())] = char(rng());
        break;
      case 2:
        s.insert(pick(s.size() + 1), 1 + pick(8), char(rng()));
        break;
      case 3:
        if (!s.empty()) {
          size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<size_t>(64, s.size() - at)));
        }
        break;
      case 4:
        if (!s.empty()) {
          size_t at = pick(s.size()), n = 1 + pick(std::min<size_t>(256, s.size() - at));
          s.insert(pick(s.size() + 1), s.substr(at, n));
        }
        break;
      case 5:
        s.resize(pick(s.size() + 1));
        break;
      case 6: {
        const std::string& other = seeds[pick(seeds.size())];
        if (!other.empty()) s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size()));
        break;
      }
      case 7:
        s.insert(pick(s.size() + 1), kTokens[pick(kTokens.size())]);
        break;
      default:
        if (s.size() >= 4) {  // overwrite a 4-byte field with an extreme value
          size_t at = pick(s.size() - 3);
          uint32_t v = pick(2) ? 0xffffffffu : 0x7fffffffu;
          std::memcpy(&s[at], &v, 4);
        }
    }
  }
  if (s.size() > max_len) s.resize(max_len);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 2000;
  size_t max_len = 1 << 20;
  std::vector<std::string> seeds;
  std::string name = std::filesystem::path(argv[0]).filename().string();
  g_crash_file = "fuzz-crash-" + name;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      runs = std::atol(argv[++i]);
    } else if (a == "--max-len" && i + 1 < argc) {
      max_len = size_t(std::atol(argv[++i]));
    } else {
      std::filesystem::path p(argv[i]);
      std::vector<std::filesystem::path> files;
      if (std::filesystem::is_directory(p)) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(p))
          if (e.is_regular_file()) files.push_back(e.path());
      } else {
        files.push_back(p);
      }
      for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in) {
          std::fprintf(stderr, "%s: cannot read seed %s\n", name.c_str(), f.c_str());
          return 2;
        }
        std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (s.size() <= max_len) seeds.push_back(std::move(s));
      }
    }
  }
  if (seeds.empty()) seeds.emplace_back();
  std::signal(SIGABRT, [](int) { save_current(); std::_Exit(134); });
  std::signal(SIGSEGV, [](int) { save_current(); std::_Exit(139); });
  for (const auto& s : seeds) run_one(s);
  std::mt19937_64 rng(0x6d656c616e6765);  // fixed: the same mutations on every run
  for (long i = 0; i < runs; ++i) run_one(mutate(seeds, rng, max_len));
  std::printf("%s: %zu seeds and %ld mutations, no crash\n", name.c_str(), seeds.size(), runs);
  return 0;
}
