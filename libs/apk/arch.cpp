#include "apk/arch.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace apk {
namespace {

struct Row {
  std::string_view apk, oci, variant, gnu, rust, goarch;
  bool in_default_set;
};

// Sorted by OCI name with variant ("arm/v6" < "arm/v7" < "arm64": '/' sorts before '6').
constexpr Row kRows[] = {
    {"x86", "386", "", "i486-pc-linux-gnu", "i686-unknown-linux-gnu", "386", true},
    {"x86_64", "amd64", "", "x86_64-pc-linux-gnu", "x86_64-unknown-linux-gnu", "amd64", true},
    {"armhf", "arm", "v6", "arm-unknown-linux-gnueabihf", "armv6-unknown-linux-gnueabihf", "arm",
     true},
    {"armv7", "arm", "v7", "armv7l-unknown-linux-gnueabihf", "armv7-unknown-linux-gnueabihf",
     "arm", true},
    {"aarch64", "arm64", "", "aarch64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "arm64",
     true},
    {"loongarch64", "loong64", "", "loongarch64-unknown-linux-gnu",
     "loongarch64-unknown-linux-gnu", "loong64", false},
    {"ppc64le", "ppc64le", "", "powerpc64le-unknown-linux-gnu", "powerpc64le-unknown-linux-gnu",
     "ppc64le", true},
    {"riscv64", "riscv64", "", "riscv64-unknown-linux-gnu", "riscv64-unknown-linux-gnu", "riscv64",
     true},
    {"s390x", "s390x", "", "s390x-ibm-linux-gnu", "s390x-unknown-linux-gnu", "s390x", true},
};

Arch make(const Row& r) {
  return Arch{std::string(r.apk),  std::string(r.oci),  std::string(r.variant),
              std::string(r.gnu),  std::string(r.rust), std::string(r.goarch)};
}

const Row* find_row(std::string_view name) {
  for (const Row& r : kRows) {
    if (name == r.apk) return &r;
    if (r.variant.empty() ? name == r.oci
                          : name.size() == r.oci.size() + 1 + r.variant.size() &&
                                name.starts_with(r.oci) && name[r.oci.size()] == '/' &&
                                name.ends_with(r.variant)) {
      return &r;
    }
  }
  return nullptr;
}

const char* host_apk_name() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 7
  return "armv7";
#elif defined(__arm__)
  return "armhf";
#elif defined(__i386__)
  return "x86";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__loongarch64)
  return "loongarch64";
#else
#error "unknown host architecture: add it to libs/apk/arch.cpp"
#endif
}

std::string known_names() {
  std::string out;
  for (const Row& r : kRows) {
    if (!out.empty()) out += ", ";
    out += r.apk;
  }
  return out;
}

}  // namespace

base::Result<Arch> parse_arch(std::string_view name) {
  std::string_view s = base::trim(name);
  if (s.starts_with("linux/")) s.remove_prefix(6);
  if (s == "arm64/v8") s = "arm64";
  if (s == "arm") s = "arm/v7";  // what docker assumes for a bare "arm"
  if (const Row* r = find_row(s)) return make(*r);
  return base::fail(base::ErrorCode::kInvalidInput,
                    "unknown architecture '" + std::string(name) + "'",
                    "use an apk or OCI name: " + known_names());
}

std::vector<Arch> all_archs() {
  std::vector<Arch> out;
  for (const Row& r : kRows) out.push_back(make(r));
  return out;
}

std::vector<Arch> default_archs() {
  std::vector<Arch> out;
  for (const Row& r : kRows) {
    if (r.in_default_set) out.push_back(make(r));
  }
  return out;
}

Arch host_arch() { return make(*find_row(host_apk_name())); }

base::Result<std::vector<Arch>> parse_arch_list(std::string_view text) {
  std::vector<Arch> out;
  for (std::string_view item : base::split(text, ',')) {
    // Allow spaces as separators too ("x86_64 aarch64").
    for (std::string_view word : base::split(base::trim(item), ' ')) {
      word = base::trim(word);
      if (word.empty()) continue;
      if (word == "all") {
        for (Arch& a : default_archs()) out.push_back(std::move(a));
      } else if (word == "host") {
        out.push_back(host_arch());
      } else {
        TRY_ASSIGN(Arch a, parse_arch(word));
        out.push_back(std::move(a));
      }
    }
  }
  if (out.empty()) {
    return base::fail(base::ErrorCode::kInvalidInput,
                      "empty architecture list '" + std::string(text) + "'",
                      "name at least one architecture, or 'all' or 'host'");
  }
  std::sort(out.begin(), out.end(),
            [](const Arch& a, const Arch& b) { return a.oci_name() < b.oci_name(); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string with_libc(std::string_view gnu_triplet, std::string_view libc) {
  std::string out(gnu_triplet);
  const size_t pos = out.rfind("-gnu");
  if (pos != std::string::npos) out.replace(pos + 1, 3, libc);
  return out;
}

}  // namespace apk
