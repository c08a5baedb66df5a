// Real parts for tests: a temporary directory, the real server on a loopback
// port with a manual clock, clients built with the real client library, and
// the real hotline-server binary as a child process.
#ifndef HOTLINE_TESTS_SUPPORT_TEST_SUPPORT_H_
#define HOTLINE_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "client/hotline_client.h"
#include "gtest/gtest.h"
#include "server/hotline_server.h"
#include "workflow/calendar.h"
#include "workflow/clock.h"
#include "workflow/deadlines.h"

namespace hotline::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// 2021-02-10 09:00 in Beijing time: the eve of the 2021 Spring Festival.
absl::Time SpringFestivalEve();

// An instant in Beijing time.
absl::Time Beijing(int year, int month, int day, int hour = 0, int minute = 0,
                   int second = 0);

// The calendar the project ships (data/cn-holidays-2021-2026.csv), in
// Asia/Shanghai; and the default policy with it.
const WorkingDayCalendar& ShippedCalendar();
DeadlineRules DefaultRules();

// Makes a token directly in the database file, as the bootstrap command
// does; returns its secret.
std::string BootstrapToken(const std::string& db_path,
                           const std::string& principal);

// As `bureau`: creates the department `id` (its display name is the id)
// and a token for it; returns the token's secret, or "" after recording a
// test failure.
std::string CreateDepartmentWithToken(Client& bureau, const std::string& id);

// Random bytes over every page of the tickets table and its indexes (found
// with SQLite's dbstat) of the database file at `path`, in place: a damaged
// file for a server to meet. Records a test failure when none is found.
void DamageTicketPages(const std::string& path);

// A test with the real server on 127.0.0.1 (a free port), its database in a
// temporary directory and a manual clock, plus a bureau token.
class ServerTest : public ::testing::Test {
 public:
  // A valid ticket draft of the given type.
  static v1::Ticket Draft(v1::Ticket::Type type = v1::Ticket::COMPLAINT);

 protected:
  ServerTest();
  void SetUp() override;
  void TearDown() override;

  void StartServer();
  // Shuts the server down cleanly (the database is closed).
  void StopServer();
  void RestartServer();

  // A client with this token; the server's address.
  std::unique_ptr<Client> Connect(const std::string& token);
  // A client as the bureau.
  Client& bureau() { return *bureau_; }

  // Creates a department with the bureau's token (fails the test otherwise).
  void CreateDepartment(const std::string& id);
  // Creates a token for `principal` and returns its secret.
  std::string CreateToken(const std::string& principal);
  // Creates a ticket as the bureau, dispatched to `department` if not empty.
  v1::Ticket CreateTicket(const std::string& department = "");
  // The ticket's full history, as the bureau.
  std::vector<v1::Event> History(const std::string& ticket);

  // Advances the rehearsal clock through the API (which runs the sweeper);
  // returns what the sweeper did.
  v1::AdvanceClockResponse AdvanceTo(absl::Time time);

  TempDir dir_;
  std::string db_path_;
  ManualClock clock_;
  // What StartServer and RestartServer use; tests may change the policy.
  ServerOptions options_;
  std::string bureau_token_;
  std::unique_ptr<HotlineServer> server_;
  std::unique_ptr<Client> bureau_;
};

// The real hotline-server binary started as a child process.
class ServerProcess {
 public:
  // Starts `hotline-server --db=db_path --listen=ADDRESS --quiet [flags]`
  // and waits until it answers health checks (over TLS with `tls`, when
  // enabled). ADDRESS is `address`, or 127.0.0.1 with a free port when
  // empty. Its stderr goes to `stderr_path` when not empty (else to this
  // process's stderr).
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
  pid_t pid_ = -1;
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

// A client of the server at `address` with `token`, default options.
std::unique_ptr<Client> ConnectTo(const std::string& address,
                                  const std::string& token);

// The path of the hotline-server binary built with the tests.
std::string ServerBinary();
// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();
// A TCP connection to 127.0.0.1:`port` (close it yourself), or -1.
int ConnectLoopback(int port);

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_SUPPORT_TEST_SUPPORT_H_
