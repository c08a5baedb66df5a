// A program (a built hotline-server) started as a child process the way
// systemd starts it: NOTIFY_SOCKET names an abstract Unix datagram socket
// of this process's own, and Start returns once the child told READY=1 on
// it (hotline-server does so when every listener is bound). Only the child
// writes to that socket, so no other process that took the same port is
// mistaken for it. For the tests and the benchmarks; not linked into the
// server or the tools.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> server,
//                    ChildProcess::Start({binary, "--db=...", ...}));
//   absl::Duration cpu = *server->CpuTime();
//
// Each ChildProcess is used by one thread at a time.
#ifndef HOTLINE_COMMON_CHILD_PROCESS_H_
#define HOTLINE_COMMON_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hotline {

// A TCP port on 127.0.0.1 that was free when asked, for a child to listen
// on (another process may take it meanwhile: the child then fails to
// start, and says so).
int FreeLoopbackPort();

class ChildProcess final {
 public:
  // Spawns `argv` (argv[0] the program's path) with this process's
  // environment and NOTIFY_SOCKET, its stderr to `stderr_path` when not
  // empty, and waits up to `timeout` for READY=1. FAILED_PRECONDITION when
  // the child ends first, DEADLINE_EXCEEDED when it never tells (then it is
  // killed), INTERNAL when it cannot be started.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      std::vector<std::string> argv, const std::string& stderr_path = "",
      absl::Duration timeout = absl::Seconds(90));
  // Kills it with SIGKILL if still running.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // SIGKILL, then waits: a crash, no clean shutdown.
  void Kill();
  // SIGTERM, then waits; returns the wait status (-1 when not running).
  int Terminate();
  // Sends `signal` and returns at once.
  void Signal(int signal);
  // True while the process has not exited.
  bool Running();
  // The CPU time it has used so far, user and system (/proc/PID/stat; in
  // the kernel's clock ticks, 10 ms on most machines).
  absl::StatusOr<absl::Duration> CpuTime() const;

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  pid_t pid_;
};

}  // namespace hotline

#endif  // HOTLINE_COMMON_CHILD_PROCESS_H_
