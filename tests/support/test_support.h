// The service layer's test helpers: the real server in this process on a
// loopback port with a manual clock, its database in a temporary directory
// (SQLite, or a fresh database in the test cluster for the pg.* tests), and
// clients built with the real client library. Links the server library and
// the client; brings the lower layers' helpers (temp_dir.h,
// workflow_fixtures.h, storage_support.h) along. The binaries as child
// processes are in programs.h. A ServerTest is used by its test's thread;
// the server it starts serves any number of clients.
#ifndef HOTLINE_TESTS_SUPPORT_TEST_SUPPORT_H_
#define HOTLINE_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "client/hotline_client.h"
#include "gtest/gtest.h"
#include "server/hotline_server.h"
#include "tests/support/storage_support.h"
#include "tests/support/temp_dir.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/clock.h"

namespace hotline::testing {

// Makes a token directly in the database file, as the bootstrap command
// does; returns its secret.
std::string BootstrapToken(const std::string& db_path,
                           const std::string& principal);

// As `bureau`: creates the department `id` (its display name is the id)
// and a token for it; returns the token's secret, or "" after recording a
// test failure.
std::string CreateDepartmentWithToken(Client& bureau, const std::string& id);

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

  // The bureau's figures for the days [from_date, to_date) as of `as_of`
  // (InfiniteFuture: the default, now): the total, or `department`'s row
  // ("departments/{id}"; empty figures when it has none). Records a test
  // failure when the call fails.
  v1::Figures FiguresOf(const std::string& from_date,
                        const std::string& to_date,
                        absl::Time as_of = absl::InfiniteFuture(),
                        const std::string& department = "");

  TempDir dir_;
  std::string db_path_;
  ManualClock clock_;
  // What StartServer and RestartServer use; tests may change the policy.
  ServerOptions options_;
  std::string bureau_token_;
  std::unique_ptr<HotlineServer> server_;
  std::unique_ptr<Client> bureau_;
};

// A client of the server at `address` with `token`, default options.
std::unique_ptr<Client> ConnectTo(const std::string& address,
                                  const std::string& token);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();
// A TCP connection to 127.0.0.1:`port` (close it yourself), or -1.
int ConnectLoopback(int port);

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_SUPPORT_TEST_SUPPORT_H_
