#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "common/child_process.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "storage/open_store.h"
#include "tests/support/postgres_support.h"

namespace hotline::testing {

std::string BootstrapToken(const std::string& db_path,
                           const std::string& principal) {
  storage::StoreOptions options;
  options.path = db_path;
  options.read_connections = 1;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenStore(options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return "";
  absl::StatusOr<v1::Token> token =
      CreateTokenDirectly(**store, principal, "test", absl::Now());
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? token->secret() : "";
}

ServerTest::ServerTest()
    : db_path_(TestsUsePostgres() ? NewPostgresDatabase()
                                  : dir_.File("hotline.db")),
      clock_(SpringFestivalEve()) {}

void ServerTest::SetUp() {
  SetInfoLogging(false);
  bureau_token_ = BootstrapToken(db_path_, "bureau");
  StartServer();
  bureau_ = Connect(bureau_token_);
}

void ServerTest::TearDown() { StopServer(); }

void ServerTest::StartServer() {
  if (options_.store.path.empty()) {
    options_.listen_address = "127.0.0.1:0";
    options_.store.path = db_path_;
  }
  absl::StatusOr<std::unique_ptr<HotlineServer>> server =
      HotlineServer::Start(options_, &clock_);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
}

v1::AdvanceClockResponse ServerTest::AdvanceTo(absl::Time time) {
  v1::AdvanceClockRequest request;
  *request.mutable_to() = ToProtoTime(time);
  absl::StatusOr<v1::AdvanceClockResponse> response =
      bureau().AdvanceClock(request);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : v1::AdvanceClockResponse();
}

v1::Figures ServerTest::FiguresOf(const std::string& from_date,
                                  const std::string& to_date, absl::Time as_of,
                                  const std::string& department) {
  v1::GetStatisticsRequest request;
  request.set_from_date(from_date);
  request.set_to_date(to_date);
  if (as_of != absl::InfiniteFuture()) {
    *request.mutable_as_of() = ToProtoTime(as_of);
  }
  absl::StatusOr<v1::Statistics> statistics = bureau().GetStatistics(request);
  EXPECT_TRUE(statistics.ok()) << statistics.status();
  if (!statistics.ok()) return v1::Figures();
  if (department.empty()) return statistics->total();
  for (const v1::Statistics::DepartmentRow& row : statistics->departments()) {
    if (row.department() == department) return row.figures();
  }
  return v1::Figures();
}

void ServerTest::StopServer() {
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  server_.reset();
}

void ServerTest::RestartServer() {
  const int port = server_->port();
  StopServer();
  options_.listen_address = absl::StrCat("127.0.0.1:", port);
  StartServer();
  // Clients that reconnected while the server was down are backing off; the
  // test's next call should meet the server, not the tail of that backoff.
  // Channels with the same settings share their connection, so one probe
  // that waits for it readies them all.
  if (server_ != nullptr) {
    EXPECT_TRUE(Connect("")->WaitForConnected(absl::Seconds(60)));
  }
}

std::unique_ptr<Client> ServerTest::Connect(const std::string& token) {
  ClientOptions options;
  options.target = server_->address();
  options.token = token;
  // Generous: a call on a loaded machine may be slow; no test waits for it
  // to time out.
  options.call_timeout = absl::Seconds(30);
  return std::make_unique<Client>(options);
}

void ServerTest::CreateDepartment(const std::string& id) {
  v1::CreateDepartmentRequest request;
  request.set_department_id(id);
  request.mutable_department()->set_display_name(id + " bureau");
  absl::StatusOr<v1::Department> department =
      bureau().CreateDepartment(request);
  ASSERT_TRUE(department.ok()) << department.status();
}

std::string ServerTest::CreateToken(const std::string& principal) {
  v1::CreateTokenRequest request;
  request.mutable_token()->set_principal(principal);
  absl::StatusOr<v1::Token> token = bureau().CreateToken(request);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? token->secret() : "";
}

v1::Ticket ServerTest::Draft(v1::Ticket::Type type) {
  v1::Ticket ticket;
  ticket.set_type(type);
  ticket.set_topic("噪音");
  ticket.set_title("工地夜间施工");
  ticket.set_content("每晚十点后仍在施工, 影响休息");
  ticket.set_address("城关镇建设路 12 号");
  ticket.set_caller_name("张三");
  ticket.set_caller_phone("138 0000 0000");
  return ticket;
}

v1::Ticket ServerTest::CreateTicket(const std::string& department) {
  v1::CreateTicketRequest request;
  *request.mutable_ticket() = Draft();
  if (!department.empty()) {
    request.set_dispatch_to("departments/" + department);
  }
  absl::StatusOr<v1::Ticket> ticket = bureau().CreateTicket(request);
  EXPECT_TRUE(ticket.ok()) << ticket.status();
  return ticket.ok() ? *ticket : v1::Ticket();
}

std::vector<v1::Event> ServerTest::History(const std::string& ticket) {
  v1::ListTicketEventsRequest request;
  request.set_parent(ticket);
  request.set_page_size(500);
  absl::StatusOr<v1::ListTicketEventsResponse> response =
      bureau().ListTicketEvents(request);
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) return {};
  return {response->events().begin(), response->events().end()};
}

std::unique_ptr<Client> ConnectTo(const std::string& address,
                                  const std::string& token) {
  ClientOptions options;
  options.target = address;
  options.token = token;
  return std::make_unique<Client>(options);
}

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return -1;
  }
  return fd;
}

int FreePort() { return FreeLoopbackPort(); }

std::string CreateDepartmentWithToken(Client& bureau, const std::string& id) {
  v1::CreateDepartmentRequest department;
  department.set_department_id(id);
  department.mutable_department()->set_display_name(id);
  absl::StatusOr<v1::Department> made = bureau.CreateDepartment(department);
  if (!made.ok()) {
    ADD_FAILURE() << "CreateDepartment " << id << ": " << made.status();
    return "";
  }
  v1::CreateTokenRequest token;
  token.mutable_token()->set_principal("department/" + id);
  absl::StatusOr<v1::Token> secret = bureau.CreateToken(token);
  if (!secret.ok()) {
    ADD_FAILURE() << "CreateToken department/" << id << ": " << secret.status();
    return "";
  }
  return secret->secret();
}

}  // namespace hotline::testing
