// Container rlimits (see ulimits.hpp).
#include "sandbox/ulimits.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>

namespace sandbox {

namespace {

constexpr long long kUnlimited = -1;

long long as_limit(rlim_t v) { return v == RLIM_INFINITY ? kUnlimited : static_cast<long long>(v); }

long long pid_max() {
  std::ifstream f("/proc/sys/kernel/pid_max");
  long long v = 0;
  if (f >> v && v > 0) return v;
  return kUnlimited;
}

Ulimit own(const char* name, int resource, long long want_soft, long long want_hard, long long cap) {
  struct rlimit rl {};
  long long soft = kUnlimited, hard = kUnlimited;
  if (::getrlimit(resource, &rl) == 0) {
    soft = as_limit(rl.rlim_cur);
    hard = as_limit(rl.rlim_max);
  }
  return clamp_ulimit(name, want_soft, want_hard, soft, hard, cap);
}

}  // namespace

Ulimit clamp_ulimit(std::string name, long long soft, long long hard, long long own_soft, long long own_hard,
                    long long cap) {
  auto lower = [](long long a, long long b) {
    if (a == kUnlimited) return b;
    if (b == kUnlimited) return a;
    return std::min(a, b);
  };
  hard = lower(lower(hard, own_hard), cap);
  soft = lower(lower(soft, own_soft), hard);
  // Docker's API has no "unlimited" for these two; a finite value is always sent.
  constexpr long long kFallback = 1048576;
  if (hard == kUnlimited) hard = kFallback;
  if (soft == kUnlimited) soft = hard;
  return Ulimit{std::move(name), soft, hard};
}

std::vector<Ulimit> container_ulimits() {
  return {own("nofile", RLIMIT_NOFILE, kUnlimited, kUnlimited, kUnlimited),
          own("nproc", RLIMIT_NPROC, kUnlimited, kUnlimited, pid_max())};
}

std::vector<Ulimit> conservative_ulimits() {
  return {own("nofile", RLIMIT_NOFILE, 1024, 4096, kUnlimited), own("nproc", RLIMIT_NPROC, 4096, 4096, pid_max())};
}

bool is_rlimit_refusal(std::string_view message) {
  return message.find("rlimit") != std::string_view::npos || message.find("RLIMIT") != std::string_view::npos;
}

std::string describe(const std::vector<Ulimit>& limits) {
  std::string out;
  for (const auto& l : limits) {
    if (!out.empty()) out += ' ';
    out += l.name + "=" + std::to_string(l.soft) + ":" + std::to_string(l.hard);
  }
  return out;
}

}  // namespace sandbox
