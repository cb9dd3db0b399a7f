// CPU architectures under their different names.
//
//   apk          OCI (arch/variant)  GOARCH   GNU triplet (melange)            Rust triplet
//   x86          386                 386      i486-pc-linux-gnu                i686-unknown-linux-gnu
//   x86_64       amd64               amd64    x86_64-pc-linux-gnu              x86_64-unknown-linux-gnu
//   aarch64      arm64               arm64    aarch64-unknown-linux-gnu        aarch64-unknown-linux-gnu
//   armhf        arm/v6              arm      arm-unknown-linux-gnueabihf      armv6-unknown-linux-gnueabihf
//   armv7        arm/v7              arm      armv7l-unknown-linux-gnueabihf   armv7-unknown-linux-gnueabihf
//   ppc64le      ppc64le             ppc64le  powerpc64le-unknown-linux-gnu    powerpc64le-unknown-linux-gnu
//   s390x        s390x               s390x    s390x-ibm-linux-gnu              s390x-unknown-linux-gnu
//   riscv64      riscv64             riscv64  riscv64-unknown-linux-gnu        riscv64-unknown-linux-gnu
//   loongarch64  loong64             loong64  loongarch64-unknown-linux-gnu    loongarch64-unknown-linux-gnu
//
// The triplets are the values melange substitutes for ${{host.triplet.gnu}} and
// ${{host.triplet.rust}} (melange derives loongarch64's from its Go name; we use the
// toolchain spelling, loongarch64).
// apko's "all" means the first eight (not loongarch64); lists are sorted by OCI name
// with the variant ("386" < "amd64" < "arm/v6" < "arm/v7" < "arm64" < ...), as apko does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace apk {

struct Arch {
  std::string apk;           // "x86_64", "armv7"
  std::string oci;           // OCI platform architecture: "amd64", "arm"
  std::string variant;       // OCI platform variant: "v7" for armv7, else empty
  std::string gnu_triplet;   // glibc flavour; see with_libc()
  std::string rust_triplet;  // glibc flavour; see with_libc()
  std::string goarch;

  // "amd64", "arm/v7": the name apko uses in configs, tags and sort order.
  std::string oci_name() const { return variant.empty() ? oci : oci + "/" + variant; }
  bool operator==(const Arch&) const = default;
};

// Accepts the apk name ("aarch64"), the OCI name ("arm64", "arm/v7"), an OCI platform
// ("linux/arm64", "linux/arm/v7", "linux/arm64/v8"); bare "arm" means arm/v7.
base::Result<Arch> parse_arch(std::string_view name);

// Every known architecture, sorted by oci_name().
std::vector<Arch> all_archs();

// apko's default set for "all": all_archs() without loongarch64.
std::vector<Arch> default_archs();

// The architecture this program was compiled for.
Arch host_arch();

// "x86_64,arm64" (commas and/or spaces), "all" or "host": deduplicated, sorted by
// oci_name(). An empty list or an unknown name is an error.
base::Result<std::vector<Arch>> parse_arch_list(std::string_view comma_separated_or_all_or_host);

// Rewrites a glibc triplet for another libc: with_libc("x86_64-pc-linux-gnu", "musl")
// == "x86_64-pc-linux-musl"; "...-gnueabihf" becomes "...-musleabihf".
std::string with_libc(std::string_view gnu_triplet, std::string_view libc);

}  // namespace apk
