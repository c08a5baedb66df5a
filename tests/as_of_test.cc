// The statistics' "as of" rule at its boundaries (docs/workflow.md,
// "Statistics"):
// a ticket's receipt counts from its received_at, the platform's time, even
// when it is imported later; everything the service records counts from the
// instant it was recorded. Real server, rehearsal clock, client library.
#include <string>

#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Ticket;

class AsOfTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
  }

  // Imports a ticket received at `received_at`, dispatched to housing at
  // once (as `hotlinectl import` does with a department column).
  Ticket Import(absl::Time received_at, const std::string& source_id) {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft(Ticket::COMPLAINT);
    create.mutable_ticket()->set_source_id(source_id);
    *create.mutable_ticket()->mutable_received_at() = ToProtoTime(received_at);
    create.set_dispatch_to("departments/housing");
    absl::StatusOr<Ticket> ticket = bureau().CreateTicket(create);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }

  v1::Figures Month(const std::string& from, const std::string& to,
                    std::optional<absl::Time> as_of) {
    v1::GetStatisticsRequest request;
    request.set_from_date(from);
    request.set_to_date(to);
    if (as_of) *request.mutable_as_of() = ToProtoTime(*as_of);
    absl::StatusOr<v1::Statistics> statistics = bureau().GetStatistics(request);
    EXPECT_TRUE(statistics.ok()) << statistics.status();
    return statistics.ok() ? statistics->total() : v1::Figures();
  }
  v1::Figures March(std::optional<absl::Time> as_of) {
    return Month("2021-03-01", "2021-04-01", as_of);
  }
};

TEST_F(AsOfTest, ALateImportCountsInTheMonthItWasReceived) {
  AdvanceTo(Beijing(2021, 4, 1, 9));
  Import(Beijing(2021, 3, 31, 22), "SZ2021033100001");
  // Last month's report, printed after the import: as of the month's end
  // (the default for a past period) the ticket counts as received in March,
  // neither forwarded nor replied then.
  for (const v1::Figures& march :
       {March(std::nullopt), March(Beijing(2021, 4, 1))}) {
    EXPECT_EQ(march.received(), 1);
    EXPECT_EQ(march.forwarded(), 0);
    EXPECT_EQ(march.pending_not_overdue(), 1);
  }
  // The dispatch counts from when it was recorded.
  EXPECT_EQ(March(Beijing(2021, 4, 1, 9)).forwarded(), 1);
  EXPECT_EQ(March(Beijing(2021, 4, 1, 8, 59, 59)).forwarded(), 0);
}

TEST_F(AsOfTest, BeforeItsReceiptATicketDoesNotCount) {
  AdvanceTo(Beijing(2021, 4, 1, 9));
  Import(Beijing(2021, 3, 31, 22), "SZ2021033100002");
  // What happened before the as-of instant counts; at it, not yet.
  EXPECT_EQ(March(Beijing(2021, 3, 31, 22, 0, 1)).received(), 1);
  EXPECT_EQ(March(Beijing(2021, 3, 31, 22)).received(), 0);
}

TEST_F(AsOfTest, ReceivedAtTheMonthsEndCountsInTheNextMonth) {
  AdvanceTo(Beijing(2021, 4, 1, 9));
  Import(Beijing(2021, 4, 1), "SZ2021040100001");
  EXPECT_EQ(March(std::nullopt).received(), 0);
  EXPECT_EQ(Month("2021-04-01", "2021-05-01", std::nullopt).received(), 1);
}

}  // namespace
}  // namespace hotline
