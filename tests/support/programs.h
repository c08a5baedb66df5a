// The built programs as child processes, as people run them: the real
// hotline-server binary (its path compiled in, built before the tests that
// link this), and command-line programs such as hotlinectl with their output
// captured. For the system tests, and the few service tests that check a
// flag of the binary. Each ServerProcess is used by one thread.
#ifndef HOTLINE_TESTS_SUPPORT_PROGRAMS_H_
#define HOTLINE_TESTS_SUPPORT_PROGRAMS_H_

#include <memory>
#include <string>
#include <vector>

#include "client/hotline_client.h"
#include "common/child_process.h"
#include "tests/support/temp_dir.h"

namespace hotline::testing {

// The real hotline-server binary started as a child process.
class ServerProcess {
 public:
  // Starts `hotline-server --db=db_path --listen=ADDRESS --quiet [flags]`
  // and waits until it tells READY=1 on a notify socket of its own (so
  // every listener of its is bound, and no other process that took the
  // port is mistaken for it) and then answers health checks (over TLS with
  // `tls`, when enabled). A server that ends first is a test failure. ADDRESS
  // is `address`, or 127.0.0.1 with a free port when empty. Its stderr goes to
  // `stderr_path` when not empty (else to this process's stderr).
  explicit ServerProcess(const std::string& db_path,
                         const std::string& address = "",
                         std::vector<std::string> flags = {},
                         const ClientTlsOptions& tls = {},
                         const std::string& stderr_path = "");
  // Kills it with SIGKILL if still running.
  ~ServerProcess();
  const std::string& address() const { return address_; }
  // SIGKILL: a crash, no clean shutdown.
  void Kill();
  // SIGTERM, then waits; returns the exit status.
  int Terminate();
  // Sends `signal` and returns at once.
  void Signal(int signal);
  // True while the process has not exited (it is not waited for).
  bool Running();

 private:
  std::unique_ptr<ChildProcess> process_;  // null when it could not start
  std::string address_;
};

// What a command-line program printed, and how it ended.
struct ProgramRun {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

// Runs hotlinectl (`cli_binary`) with `args` against `address` with
// `token` (through HOTLINE_SERVER / HOTLINE_TOKEN, as a person would),
// capturing its output in files under `dir`.
ProgramRun RunCli(const std::string& cli_binary, const std::string& address,
                  const std::string& token,
                  const std::vector<std::string>& args, const TempDir& dir);

// The path of the hotline-server binary built with the tests.
std::string ServerBinary();

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_SUPPORT_PROGRAMS_H_
