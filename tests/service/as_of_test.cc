// The statistics' "as of" rule at its boundaries (docs/workflow.md,
// "Statistics"):
// a ticket's receipt counts from its received_at, the platform's time, even
// when it is imported later; everything the service records counts from the
// instant it was recorded. Real server, rehearsal clock, client library.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using testing::ShippedCalendar;
using v1::Ticket;

// Every counter of `figures` (its int64 fields), by field name.
std::map<std::string, int64_t> Counters(const v1::Figures& figures) {
  std::map<std::string, int64_t> counters;
  const google::protobuf::Descriptor* descriptor = figures.GetDescriptor();
  const google::protobuf::Reflection* reflection = figures.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT64) {
      continue;
    }
    counters[field->name()] = reflection->GetInt64(figures, field);
  }
  return counters;
}

// Checks that the department rows of `stats` add up to its total, and the
// days too, for every counter.
void ExpectRowsAddUp(const v1::Statistics& stats, const std::string& what) {
  SCOPED_TRACE(what);
  std::map<std::string, int64_t> rows;
  for (const auto& row : stats.departments()) {
    for (const auto& [name, value] : Counters(row.figures())) {
      rows[name] += value;
    }
  }
  std::map<std::string, int64_t> days;
  for (const auto& day : stats.per_day()) {
    for (const auto& [name, value] : Counters(day.figures())) {
      days[name] += value;
    }
  }
  for (const auto& [name, total] : Counters(stats.total())) {
    EXPECT_EQ(rows[name], total) << "the department rows' " << name;
    EXPECT_EQ(days[name], total) << "the days' " << name;
  }
}

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
  // The dispatch counts from when it was recorded: after that instant, and
  // as of now (a later as_of), while the clock still stands at it.
  EXPECT_EQ(March(Beijing(2030, 1, 1)).forwarded(), 1);
  EXPECT_EQ(March(Beijing(2021, 4, 1, 9) + absl::Microseconds(1)).forwarded(),
            1);
  EXPECT_EQ(March(Beijing(2021, 4, 1, 9)).forwarded(), 0);
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

// A report of 2021 (department, type and topic cuts too) with the rows, the
// days and the total checked against each other for every counter.
class DayStartTest : public AsOfTest {
 protected:
  v1::Statistics Report(std::optional<absl::Time> as_of,
                        const std::string& department = "",
                        Ticket::Type type = Ticket::TYPE_UNSPECIFIED,
                        const std::string& topic = "") {
    v1::GetStatisticsRequest request;
    request.set_from_date("2021-01-01");
    request.set_to_date("2022-01-01");
    if (as_of) *request.mutable_as_of() = ToProtoTime(*as_of);
    request.set_department(department);
    request.set_type(type);
    request.set_topic(topic);
    absl::StatusOr<v1::Statistics> stats = bureau().GetStatistics(request);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? *stats : v1::Statistics();
  }

  // The figures as of `as_of` (nullopt: now), after checking every cut's
  // rows and days against its total.
  v1::Figures Checked(std::optional<absl::Time> as_of) {
    const std::string at = as_of ? absl::FormatTime(*as_of) : "now";
    for (const auto& [department, type, topic] :
         std::vector<std::tuple<std::string, Ticket::Type, std::string>>{
             {"departments/housing", Ticket::TYPE_UNSPECIFIED, ""},
             {"departments/market", Ticket::TYPE_UNSPECIFIED, ""},
             {"", Ticket::COMPLAINT, ""},
             {"", Ticket::TYPE_UNSPECIFIED, "物业管理"},
             {"", Ticket::TYPE_UNSPECIFIED, "噪音扰民"}}) {
      ExpectRowsAddUp(
          Report(as_of, department, type, topic),
          absl::StrCat("cut ", department, " ", Ticket::Type_Name(type), " ",
                       topic, ", as of ", at));
    }
    const v1::Statistics all = Report(as_of);
    ExpectRowsAddUp(all, "all, as of " + at);
    return all.total();
  }

  v1::Figures Housing(std::optional<absl::Time> as_of) {
    return Report(as_of, "departments/housing").total();
  }
  v1::Figures Market(std::optional<absl::Time> as_of) {
    return Report(as_of, "departments/market").total();
  }
};

// A dispatch recorded exactly at a day's start, and a yellow card the
// sweeper issues at a reply deadline (24:00, the next day's 00:00): as of an
// instant a change counts only if it took effect before it, in every cut; a
// report as of now counts everything recorded so far, also while the
// rehearsal clock stands at the instant of the change. The rows and the days
// always add up to the total.
TEST_F(DayStartTest, ChangesAtADaysStartCountAlikeInEveryCut) {
  CreateDepartment("market");
  AdvanceTo(Beijing(2021, 3, 1, 9));
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft(Ticket::COMPLAINT);
  create.mutable_ticket()->set_topic("物业管理");
  create.set_dispatch_to("departments/housing");
  absl::StatusOr<Ticket> late = bureau().CreateTicket(create);
  ASSERT_TRUE(late.ok()) << late.status();
  create.clear_dispatch_to();
  create.mutable_ticket()->set_topic("噪音扰民");
  absl::StatusOr<Ticket> held = bureau().CreateTicket(create);
  ASSERT_TRUE(held.ok()) << held.status();
  const absl::Duration us = absl::Microseconds(1);

  // The dispatch, recorded at 00:00 on Mar 2, with the clock standing there.
  const absl::Time dispatched = Beijing(2021, 3, 2);
  AdvanceTo(dispatched);
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(held->name());
  dispatch.set_department("departments/market");
  ASSERT_TRUE(bureau().DispatchTicket(dispatch).ok());
  for (std::optional<absl::Time> now :
       {std::optional<absl::Time>(),
        std::optional<absl::Time>(Beijing(2030, 1, 1))}) {
    EXPECT_EQ(Checked(now).forwarded(), 2);
    EXPECT_EQ(Market(now).forwarded(), 1);
  }
  EXPECT_EQ(Checked(dispatched).forwarded(), 1);
  EXPECT_EQ(Market(dispatched).forwarded(), 0);

  // The yellow card, issued at the reply deadline, 24:00 of a working day;
  // the clock stands there.
  const absl::Time deadline = FromProtoTime(late->reply_due_at());
  const absl::TimeZone zone = ShippedCalendar().zone();
  ASSERT_EQ(deadline, absl::FromCivil(absl::ToCivilDay(deadline, zone), zone))
      << "the reply deadline falls at a day's start";
  ASSERT_EQ(AdvanceTo(deadline).yellow_cards(), 1);
  const v1::Figures now = Checked(std::nullopt);
  EXPECT_EQ(now.yellow_cards(), 1);
  EXPECT_EQ(now.pending_overdue(), 1);
  EXPECT_EQ(Housing(std::nullopt).yellow_cards(), 1);
  const v1::Statistics days = Report(std::nullopt);
  ASSERT_GT(days.per_day_size(), 0);
  EXPECT_EQ(days.per_day(days.per_day_size() - 1).date(),
            absl::FormatCivilTime(absl::ToCivilDay(deadline, zone)));
  EXPECT_EQ(days.per_day(days.per_day_size() - 1).figures().yellow_cards(), 1);

  // Later, the same instants in the past.
  AdvanceTo(deadline + absl::Hours(1));
  struct Instant {
    absl::Time as_of;
    int64_t forwarded;
    int64_t yellow;
  };
  for (const Instant& instant :
       {Instant{dispatched - us, 1, 0}, Instant{dispatched, 1, 0},
        Instant{dispatched + us, 2, 0}, Instant{deadline - us, 2, 0},
        Instant{deadline, 2, 0}, Instant{deadline + us, 2, 1}}) {
    const std::string at = absl::FormatTime(instant.as_of);
    const v1::Figures total = Checked(instant.as_of);
    EXPECT_EQ(total.forwarded(), instant.forwarded) << at;
    EXPECT_EQ(total.yellow_cards(), instant.yellow) << at;
    EXPECT_EQ(total.pending_overdue(), instant.yellow) << at;
    EXPECT_EQ(Housing(instant.as_of).yellow_cards(), instant.yellow) << at;
    EXPECT_EQ(Market(instant.as_of).forwarded(), instant.forwarded - 1) << at;
  }
}

// A daily report day is settled when it ends, 24:00: the month's last
// working day counts in the month's report as of its end, as every other day
// does.
TEST_F(AsOfTest, TheMonthsLastDayOfDailyReportsCountsInItsReport) {
  AdvanceTo(Beijing(2021, 3, 31, 9));  // a Wednesday, a working day
  const Ticket ticket = Import(Beijing(2021, 3, 31, 8), "SZ2021033100003");
  std::unique_ptr<Client> housing = Connect(CreateToken("department/housing"));
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(ticket.name());
  ASSERT_TRUE(housing->AcknowledgeTicket(ack).ok());
  AdvanceTo(Beijing(2021, 4, 1, 9));
  const v1::Figures now = March(Beijing(2030, 1, 1));
  EXPECT_EQ(now.reports_owed(), 1);
  EXPECT_EQ(now.reports_missed(), 1);
  for (const v1::Figures& march :
       {March(std::nullopt), March(Beijing(2021, 4, 1))}) {
    EXPECT_EQ(march.reports_owed(), 1);
    EXPECT_EQ(march.reports_missed(), 1);
  }
  // Before the day ended, nothing was settled.
  EXPECT_EQ(March(Beijing(2021, 3, 31, 23, 59, 59)).reports_owed(), 0);
}

}  // namespace
}  // namespace hotline
