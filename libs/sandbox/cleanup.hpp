// Tearing sandboxes down when this process is interrupted: SIGINT, SIGTERM and SIGHUP first
// SIGKILL every registered child (a VM) and run every registered command (e.g. `limactl
// delete --force NAME`, waited for at most 30 s), then take the signal's previous action.
// Registration installs the handlers once; runners unregister what they tore down themselves.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sandbox::cleanup {

// Returns a handle for unregister(); at most 16 entries live at once (more are not guarded).
int register_pid(pid_t pid);
int register_command(const std::vector<std::string>& argv);
void unregister(int handle);

}  // namespace sandbox::cleanup
