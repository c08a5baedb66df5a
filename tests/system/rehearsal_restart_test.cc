// The rehearsal clock is kept with the database (issue 9, item 4): the real
// hotline-server binary in rehearsal mode, killed or stopped and started
// again with the same flags, resumes where the rehearsal stood, and no
// history runs backwards.
#include <memory>
#include <string>
#include <vector>

#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ConnectTo;
using testing::CreateDepartmentWithToken;
using testing::ServerProcess;
using testing::ServerTest;
using testing::TempDir;
using v1::Ticket;

const std::vector<std::string> kRehearsalFlags = {
    "--clock=manual", "--start_time=2021-02-10T09:00:00+08:00", "--quiet"};

absl::Time AdvanceBy(Client& client, absl::Duration by) {
  v1::AdvanceClockRequest advance;
  advance.mutable_by()->set_seconds(absl::ToInt64Seconds(by));
  absl::StatusOr<v1::AdvanceClockResponse> moved = client.AdvanceClock(advance);
  EXPECT_TRUE(moved.ok()) << moved.status();
  return moved.ok() ? FromProtoTime(moved->now()) : absl::InfinitePast();
}

class RehearsalRestartTest : public ::testing::TestWithParam<bool> {};

TEST_P(RehearsalRestartTest, TheClockResumesWhereTheRehearsalStood) {
  const bool kill = GetParam();
  TempDir dir;
  const std::string db = dir.File("rehearsal.db");
  const std::string bureau_token = testing::BootstrapToken(db, "bureau");
  std::string housing_token;
  std::string name;
  {
    ServerProcess server(db, "", kRehearsalFlags);
    std::unique_ptr<Client> bureau = ConnectTo(server.address(), bureau_token);
    housing_token = CreateDepartmentWithToken(*bureau, "housing");
    ASSERT_FALSE(housing_token.empty());
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = ServerTest::Draft();
    create.set_dispatch_to("departments/housing");
    absl::StatusOr<Ticket> ticket = bureau->CreateTicket(create);
    ASSERT_TRUE(ticket.ok()) << ticket.status();
    name = ticket->name();
    // 2021-02-10 09:00 + 8 days 1 hour = 02-18 10:00.
    EXPECT_EQ(AdvanceBy(*bureau, absl::Hours(8 * 24 + 1)),
              Beijing(2021, 2, 18, 10));
    std::unique_ptr<Client> housing =
        ConnectTo(server.address(), housing_token);
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(name);
    ASSERT_TRUE(housing->AcknowledgeTicket(ack).ok());
    if (kill) {
      server.Kill();
    } else {
      EXPECT_EQ(server.Terminate(), 0);
    }
  }
  ServerProcess again(db, "", kRehearsalFlags);
  std::unique_ptr<Client> bureau = ConnectTo(again.address(), bureau_token);
  EXPECT_EQ(AdvanceBy(*bureau, absl::Seconds(1)),
            Beijing(2021, 2, 18, 10, 0, 1));
  std::unique_ptr<Client> housing = ConnectTo(again.address(), housing_token);
  v1::ReplyTicketRequest reply;
  reply.set_name(name);
  reply.set_reply_text("已处理");
  reply.set_outcome(Ticket::RESOLVED);
  absl::StatusOr<Ticket> replied = housing->ReplyTicket(reply);
  ASSERT_TRUE(replied.ok()) << replied.status();
  EXPECT_GE(FromProtoTime(replied->replied_at()),
            FromProtoTime(replied->acknowledged_at()));
  // No event is earlier than the one before it.
  v1::ListTicketEventsRequest events;
  events.set_parent(name);
  absl::StatusOr<v1::ListTicketEventsResponse> history =
      bureau->ListTicketEvents(events);
  ASSERT_TRUE(history.ok()) << history.status();
  for (int i = 1; i < history->events_size(); ++i) {
    EXPECT_GE(FromProtoTime(history->events(i).time()),
              FromProtoTime(history->events(i - 1).time()))
        << v1::Event::Type_Name(history->events(i).type());
  }
}

INSTANTIATE_TEST_SUITE_P(KilledOrStopped, RehearsalRestartTest,
                         ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Killed" : "Stopped";
                         });

}  // namespace
}  // namespace hotline
