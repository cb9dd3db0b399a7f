// Tearing sandboxes down when this process is interrupted (SIGINT, SIGTERM, SIGHUP):
//   - with registered children (VMs): SIGKILL them, note the signal (interrupted()), pass it on
//     to a previous handler (base/interrupt.hpp, installed by the CLI) and
//     return; the runner waiting on the child then fails, and the normal error path removes
//     temporary files. The signal's previous action is restored, so a second one acts at once.
//   - else, with registered commands (e.g. `limactl delete --force NAME`): run each (waited for
//     at most 30 s), then take the signal's previous action.
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

// The signal that interrupted us (0 if none).
int interrupted();

}  // namespace sandbox::cleanup
