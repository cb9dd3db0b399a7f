// ma-guest-init --exec: the lima runner's per-command helper, run by `limactl shell` inside
// the instance: ma-guest-init --exec UID GID CAPS-HEX TIMEOUT-S [NAME=VALUE...] -- ARGV...
// Runs ARGV in its own process group as UID:GID (capabilities CAPS for root) with exactly the
// given environment, in the current directory; stdio is inherited. TIMEOUT-S > 0 kills the
// group after that many seconds and exits 124 (as timeout(1)). Otherwise ARGV's exit status,
// 128+N for signal N.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "channel.hpp"

namespace guest {

int exec_as(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: ma-guest-init --exec UID GID CAPS-HEX TIMEOUT-S [NAME=VALUE...] -- ARGV...\n");
    return 2;
  }
  sandbox::vm::ExecRequest req;
  req.uid = uint32_t(std::strtoul(argv[2], nullptr, 10));
  req.gid = uint32_t(std::strtoul(argv[3], nullptr, 10));
  req.caps = std::strtoull(argv[4], nullptr, 16);
  long timeout = std::strtol(argv[5], nullptr, 10);
  int i = 6;
  for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i) req.env.emplace_back(argv[i]);
  for (++i; i < argc; ++i) req.argv.emplace_back(argv[i]);
  if (req.argv.empty()) {
    std::fprintf(stderr, "ma-guest-init --exec: no command after --\n");
    return 2;
  }
  pid_t pid = ::fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    ::setpgid(0, 0);
    become(req);
  }
  ::setpgid(pid, pid);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) ::signal(s, SIG_IGN);  // the group is killed below instead
  int status = 0;
  long waited_ms = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, timeout > 0 ? WNOHANG : 0);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return 127;
    if (timeout > 0) {
      ::usleep(20000);
      waited_ms += 20;
      if (waited_ms >= timeout * 1000) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return 124;
      }
    }
  }
  ::kill(-pid, SIGKILL);  // what is left of its group goes with it
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace guest
