// Statistics (统计) end to end: a scripted February 2021 of 273 tickets in
// rehearsal mode, over the Spring Festival (Feb 11-17 off; Sunday Feb 7 and
// Saturday Feb 20 are make-up working days), with extensions, a
// re-dispatch, reopens, returns, revoked cards and tickets just outside the
// period. Every expected figure is worked out by hand below from how the
// groups were built, never read back from the service.
//
// Working days of February 2021: 1 2 3 4 5 7 8 9 10 18 19 20 22 23 24 25 26.
// A deadline of N working days from a dispatch is 24:00 of the Nth working
// day after the dispatch day; a red card falls 5 working days after that.
//
// The groups (received in February unless said otherwise):
//   G0   9 INQUIRY  物业管理 received Jan 31 23:59:59, to housing Feb 1:
//        due Feb 3 24:00, yellow Feb 4, red Feb 10 (24:00 Feb 9), signed
//        for and replied Feb 18. Outside the period; its cards are inside.
//   G1  60 INQUIRY  物业管理 Feb 1 to housing: replied Feb 2 (on time),
//        closed Feb 5: 45 satisfied, 15 dissatisfied.
//   G2  40 INQUIRY  市场监管 Feb 1 to market: signed for Feb 2, due Feb 3
//        24:00, yellow Feb 4, replied late Feb 5. One yellow revoked Mar 5.
//        Daily reports owed Feb 2, 3, 4: 3 each, none given.
//   G3  30 HELP     道路交通 Feb 1 to traffic, signed for at once, never
//        replied: due Feb 19 24:00, yellow Feb 20, red Feb 26 (24:00 Feb
//        25). Feb 27: 2 yellow and 5 red revoked. Reports owed on all 17
//        working days, given on Feb 1 and 2 only.
//   G6  25 SUGGESTION 公交线路 Feb 2 to housing, returned by housing, sent
//        to traffic Feb 3, replied Feb 4 (on time). 10 reopened Feb 5: due
//        again Feb 24 24:00 (10 working days), yellow Feb 25, red in March.
//        Reports owed Feb 5 .. 26: 13 working days each for the 10.
//   G4  50 COMPLAINT 物业管理 Feb 10 to housing, not signed for: due Mar 9
//        24:00. 10 signed for and replied Mar 5; the other 40 get yellow
//        cards Mar 10.
//   G5  20 INQUIRY  价格投诉 Feb 18 to market, signed for: due Feb 20 24:00;
//        3 working days' extension approved Feb 19 -> due Feb 24 24:00;
//        replied Feb 23: on time only thanks to the extension. Closed
//        basically satisfied. Reports owed Feb 18, 19, 20, 22.
//   G7a 20 OTHER    其他     Feb 26, never dispatched.
//   G7b 12 INQUIRY  噪音扰民 Feb 26 to market, returned the same day.
//   G8   7 INQUIRY  物业管理 received Mar 1 00:00:00, to housing. Outside.
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "app/admin_service.h"
#include "app/store_comparison.h"
#include "common/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "storage/open_store.h"
#include "storage/sqlite_to_postgres.h"
#include "tests/support/postgres_support.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ProgramRun;
using testing::RunCli;
using testing::ServerBinary;
using testing::ServerProcess;
using testing::ServerTest;
using v1::Card;
using v1::Event;
using v1::Figures;
using v1::GetStatisticsRequest;
using v1::Statistics;
using v1::Ticket;

using Names = std::vector<std::string>;

Names Head(const Names& names, size_t n) {
  return Names(names.begin(), names.begin() + static_cast<long>(n));
}

Names Tail(const Names& names, size_t n) {
  return Names(names.end() - static_cast<long>(n), names.end());
}

// The figures a test expects, in the order a clerk reads them.
struct Expected {
  int64_t received, forwarded, replied, on_time, pending_not_overdue,
      pending_overdue, yellow, red;
  int on_time_permille;  // -1: no ticket due
  int64_t returns, reopens, satisfied, basically, dissatisfied, owed, given;
};

void ExpectFigures(const Figures& f, const Expected& e,
                   const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(f.received(), e.received);
  EXPECT_EQ(f.forwarded(), e.forwarded);
  EXPECT_EQ(f.replied(), e.replied);
  EXPECT_EQ(f.replied_on_time(), e.on_time);
  EXPECT_EQ(f.pending_not_overdue(), e.pending_not_overdue);
  EXPECT_EQ(f.pending_overdue(), e.pending_overdue);
  EXPECT_EQ(f.yellow_cards(), e.yellow);
  EXPECT_EQ(f.red_cards(), e.red);
  if (e.on_time_permille < 0) {
    EXPECT_FALSE(f.has_on_time_rate_permille());
  } else {
    EXPECT_EQ(f.on_time_rate_permille(), e.on_time_permille);
  }
  EXPECT_EQ(f.returns(), e.returns);
  EXPECT_EQ(f.reopens(), e.reopens);
  EXPECT_EQ(f.satisfied(), e.satisfied);
  EXPECT_EQ(f.basically_satisfied(), e.basically);
  EXPECT_EQ(f.dissatisfied(), e.dissatisfied);
  EXPECT_EQ(f.reports_owed(), e.owed);
  EXPECT_EQ(f.reports_given(), e.given);
  EXPECT_EQ(f.reports_missed(), e.owed - e.given);
}

// Group sizes.
constexpr int64_t kG0 = 9, kG1 = 60, kG1Satisfied = 45, kG2 = 40, kG3 = 30,
                  kG3YellowRevoked = 2, kG3RedRevoked = 5, kG6 = 25,
                  kG6Reopened = 10, kG4 = 50, kG4RepliedInMarch = 10, kG5 = 20,
                  kG7a = 20, kG7b = 12, kG8 = 7;

// As of the end of February (the default for the February report).
// received: G1 + G2 + G3 + G6 + G4 + G5 + G7a + G7b
constexpr int64_t kReceived =
    kG1 + kG2 + kG3 + kG6 + kG4 + kG5 + kG7a + kG7b;  // 257
constexpr int64_t kForwarded = kReceived - kG7a;      // 237
// replied: G1, G2, G5 and the G6 tickets not reopened
constexpr int64_t kReplied = kG1 + kG2 + kG5 + (kG6 - kG6Reopened);  // 135
constexpr int64_t kOnTime = kG1 + kG5 + (kG6 - kG6Reopened);         // 95
constexpr int64_t kOverdue = kG3 + kG6Reopened;                      // 40
// yellow in February: G0 and G2 on Feb 4, G3 on Feb 20, reopened G6 Feb 25
constexpr int64_t kYellow = kG0 + kG2 + (kG3 - kG3YellowRevoked) + kG6Reopened;
constexpr int64_t kRed = kG0 + (kG3 - kG3RedRevoked);  // 34
// daily reports owed: G3 17 days, G2 3, reopened G6 13, G5 4
constexpr int64_t kOwed = kG3 * 17 + kG2 * 3 + kG6Reopened * 13 + kG5 * 4;
constexpr int64_t kGiven = kG3 * 2;

const Expected kFebruary{
    kReceived,
    kForwarded,
    kReplied,
    kOnTime,
    kReceived - kReplied - kOverdue,  // 82 = G4 + G7a + G7b
    kOverdue,
    kYellow,  // 87
    kRed,
    static_cast<int>(kOnTime * 1000 / (kReplied + kOverdue)),  // 95/175
    kG6 + kG7b,                                                // returns
    kG6Reopened,
    kG1Satisfied,
    kG5,
    kG1 - kG1Satisfied,
    kOwed,  // 840
    kGiven,
};

class StatisticsTest : public ServerTest {
 protected:
  StatisticsTest() {
    clock_.Set(Beijing(2021, 2, 1, 9, 0));
    // The scenario makes hundreds of writes; their durability is tested
    // elsewhere.
    options_.sqlite.synchronous_full = false;
  }

  void SetUp() override {
    ServerTest::SetUp();
    for (const auto& [id, display] :
         std::vector<std::pair<std::string, std::string>>{
             {"housing", "住建局"},
             {"market", "市场监管局"},
             {"traffic", "交通运输局"}}) {
      v1::CreateDepartmentRequest request;
      request.set_department_id(id);
      request.mutable_department()->set_display_name(display);
      ASSERT_TRUE(bureau().CreateDepartment(request).ok());
    }
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
    traffic_ = Connect(CreateToken("department/traffic"));
  }

  Names Make(int64_t n, Ticket::Type type, const std::string& topic,
             const std::string& department,
             std::optional<absl::Time> received_at = std::nullopt) {
    Names names;
    for (int64_t i = 0; i < n; ++i) {
      v1::CreateTicketRequest request;
      *request.mutable_ticket() = Draft(type);
      request.mutable_ticket()->set_topic(topic);
      if (received_at) {
        *request.mutable_ticket()->mutable_received_at() =
            ToProtoTime(*received_at);
      }
      if (!department.empty()) {
        request.set_dispatch_to("departments/" + department);
      }
      absl::StatusOr<Ticket> ticket = bureau().CreateTicket(request);
      EXPECT_TRUE(ticket.ok()) << ticket.status();
      if (ticket.ok()) names.push_back(ticket->name());
    }
    return names;
  }

  void Ack(Client& client, const Names& names) {
    for (const std::string& name : names) {
      v1::AcknowledgeTicketRequest request;
      request.set_name(name);
      ASSERT_TRUE(client.AcknowledgeTicket(request).ok()) << name;
    }
  }

  void Reply(Client& client, const Names& names) {
    for (const std::string& name : names) {
      v1::ReplyTicketRequest request;
      request.set_name(name);
      request.set_reply_text("已处理");
      request.set_outcome(Ticket::RESOLVED);
      absl::StatusOr<Ticket> replied = client.ReplyTicket(request);
      ASSERT_TRUE(replied.ok()) << name << " " << replied.status();
    }
  }

  void Return(Client& client, const Names& names) {
    for (const std::string& name : names) {
      v1::ReturnTicketRequest request;
      request.set_name(name);
      request.set_reason("非本单位职责");
      ASSERT_TRUE(client.ReturnTicket(request).ok()) << name;
    }
  }

  void Dispatch(const Names& names, const std::string& department) {
    for (const std::string& name : names) {
      v1::DispatchTicketRequest request;
      request.set_name(name);
      request.set_department("departments/" + department);
      ASSERT_TRUE(bureau().DispatchTicket(request).ok()) << name;
    }
  }

  void Close(const Names& names, Ticket::Satisfaction satisfaction) {
    for (const std::string& name : names) {
      v1::CloseTicketRequest request;
      request.set_name(name);
      request.set_satisfaction(satisfaction);
      ASSERT_TRUE(bureau().CloseTicket(request).ok()) << name;
    }
  }

  void Reopen(const Names& names) {
    for (const std::string& name : names) {
      v1::ReopenTicketRequest request;
      request.set_name(name);
      request.set_reason("群众不满意, 重办");
      ASSERT_TRUE(bureau().ReopenTicket(request).ok()) << name;
    }
  }

  void Extend(Client& client, const Names& names, int working_days) {
    for (const std::string& name : names) {
      v1::RequestExtensionRequest ask;
      ask.set_name(name);
      ask.set_working_days(working_days);
      ask.set_reason("需现场核查");
      ASSERT_TRUE(client.RequestExtension(ask).ok()) << name;
      v1::ApproveExtensionRequest approve;
      approve.set_name(name);
      ASSERT_TRUE(bureau().ApproveExtension(approve).ok()) << name;
    }
  }

  void Report(Client& client, const std::string& date, const Names& names) {
    v1::SubmitDailyReportRequest request;
    request.set_date(date);
    for (const std::string& name : names) {
      auto* entry = request.add_entries();
      entry->set_ticket(name);
      entry->set_progress("正在协调");
    }
    ASSERT_TRUE(client.SubmitDailyReport(request).ok());
  }

  // Revokes the active card of `color` on each ticket.
  void Revoke(const Names& names, Card::Color color) {
    for (const std::string& name : names) {
      v1::ListCardsRequest list;
      list.set_ticket(name);
      list.set_color(color);
      list.set_which(v1::ListCardsRequest::ACTIVE);
      absl::StatusOr<v1::ListCardsResponse> cards = bureau().ListCards(list);
      ASSERT_TRUE(cards.ok()) << cards.status();
      ASSERT_EQ(cards->cards_size(), 1) << name;
      v1::RevokeCardRequest revoke;
      revoke.set_name(cards->cards(0).name());
      revoke.set_reason("核实后撤销");
      ASSERT_TRUE(bureau().RevokeCard(revoke).ok());
    }
  }

  // Plays the month described at the top of the file; the clock ends at
  // 2021-03-20 09:00.
  void Replay() {
    const Names g0 = Make(kG0, Ticket::INQUIRY, "物业管理", "housing",
                          Beijing(2021, 1, 31, 23, 59, 59));
    const Names g1 = Make(kG1, Ticket::INQUIRY, "物业管理", "housing");
    const Names g2 = Make(kG2, Ticket::INQUIRY, "市场监管", "market");
    const Names g3 = Make(kG3, Ticket::HELP, "道路交通", "traffic");
    Ack(*traffic_, g3);
    Report(*traffic_, "2021-02-01", g3);

    AdvanceTo(Beijing(2021, 2, 2, 9, 0));
    const Names g6 = Make(kG6, Ticket::SUGGESTION, "公交线路", "housing");
    Return(*housing_, g6);
    Report(*traffic_, "2021-02-02", g3);
    AdvanceTo(Beijing(2021, 2, 2, 10, 0));
    Ack(*housing_, g1);
    Reply(*housing_, g1);
    Ack(*market_, g2);

    AdvanceTo(Beijing(2021, 2, 3, 9, 0));
    Dispatch(g6, "traffic");
    AdvanceTo(Beijing(2021, 2, 4, 10, 0));
    Ack(*traffic_, g6);
    Reply(*traffic_, g6);

    AdvanceTo(Beijing(2021, 2, 5, 10, 0));
    Reply(*market_, g2);
    Close(Head(g1, kG1Satisfied), Ticket::SATISFIED);
    Close(Tail(g1, kG1 - kG1Satisfied), Ticket::DISSATISFIED);
    Reopen(Head(g6, kG6Reopened));

    AdvanceTo(Beijing(2021, 2, 10, 9, 0));
    g4_ = Make(kG4, Ticket::COMPLAINT, "物业管理", "housing");

    AdvanceTo(Beijing(2021, 2, 18, 9, 0));
    const Names g5 = Make(kG5, Ticket::INQUIRY, "价格投诉", "market");
    Ack(*market_, g5);
    Ack(*housing_, g0);
    Reply(*housing_, g0);
    AdvanceTo(Beijing(2021, 2, 19, 10, 0));
    Extend(*market_, g5, 3);
    AdvanceTo(Beijing(2021, 2, 23, 10, 0));
    Reply(*market_, g5);
    Close(g5, Ticket::BASICALLY_SATISFIED);

    AdvanceTo(Beijing(2021, 2, 26, 9, 0));
    Make(kG7a, Ticket::OTHER, "其他", "");
    const Names g7b = Make(kG7b, Ticket::INQUIRY, "噪音扰民", "market");
    Return(*market_, g7b);
    AdvanceTo(Beijing(2021, 2, 27, 10, 0));
    Revoke(Head(g3, kG3YellowRevoked), Card::YELLOW);
    Revoke(Tail(g3, kG3RedRevoked), Card::RED);

    AdvanceTo(Beijing(2021, 3, 1, 0, 0));
    Make(kG8, Ticket::INQUIRY, "物业管理", "housing");
    AdvanceTo(Beijing(2021, 3, 5, 10, 0));
    Ack(*housing_, Head(g4_, kG4RepliedInMarch));
    Reply(*housing_, Head(g4_, kG4RepliedInMarch));
    Revoke(Head(g2, 1), Card::YELLOW);
    AdvanceTo(Beijing(2021, 3, 20, 9, 0));
  }

  Statistics Stats(GetStatisticsRequest request, Client* client = nullptr) {
    if (request.from_date().empty()) request.set_from_date("2021-02-01");
    if (request.to_date().empty()) request.set_to_date("2021-03-01");
    absl::StatusOr<Statistics> stats =
        (client != nullptr ? *client : bureau()).GetStatistics(request);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? *stats : Statistics();
  }

  const Statistics::DepartmentRow* Row(const Statistics& stats,
                                       const std::string& department) {
    for (const auto& row : stats.departments()) {
      if (row.department() == department) return &row;
    }
    ADD_FAILURE() << "no row for \"" << department << "\"";
    return nullptr;
  }

  std::unique_ptr<Client> housing_, market_, traffic_;
  Names g4_;
};

TEST_F(StatisticsTest, FebruaryAsOfItsEnd) {
  Replay();
  const Statistics stats = Stats(GetStatisticsRequest());
  EXPECT_EQ(FromProtoTime(stats.as_of()), Beijing(2021, 3, 1));
  EXPECT_EQ(stats.days(), 28);
  ExpectFigures(stats.total(), kFebruary, "total");
  EXPECT_EQ(stats.total().daily_average(), 9.1);              // 257 / 28 = 9.17
  EXPECT_EQ(stats.total().on_time_rate_permille(), 542);      // 95 / 175
  EXPECT_EQ(stats.total().report_compliance_permille(), 71);  // 60 / 840

  // One row per department; tickets count where they are now, cards and
  // daily reports with the department charged, returns with the department
  // that returned them.
  ASSERT_EQ(stats.departments_size(), 4);
  // Not dispatched (G7a) or returned (G7b).
  ExpectFigures(
      Row(stats, "")->figures(),
      {kG7a + kG7b, kG7b, 0, 0, kG7a + kG7b, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0},
      "unassigned");
  // housing: G1 (on time, closed) and G4 (pending); G0's cards; the G6
  // tickets it returned.
  ExpectFigures(Row(stats, "departments/housing")->figures(),
                {kG1 + kG4, kG1 + kG4, kG1, kG1, kG4, 0, kG0, kG0, 1000, kG6, 0,
                 kG1Satisfied, 0, kG1 - kG1Satisfied, 0, 0},
                "housing");
  EXPECT_EQ(Row(stats, "departments/housing")->display_name(), "住建局");
  // market: G2 (late) and G5 (on time after its extension); the G7b
  // tickets it returned.
  ExpectFigures(Row(stats, "departments/market")->figures(),
                {kG2 + kG5, kG2 + kG5, kG2 + kG5, kG5, 0, 0, kG2, 0,
                 static_cast<int>(kG5 * 1000 / (kG2 + kG5)), kG7b, 0, 0, kG5, 0,
                 kG2 * 3 + kG5 * 4, 0},
                "market");
  // traffic: G3 (overdue) and G6 (returned by housing: the return is
  // housing's; 15 replied, 10 reopened and overdue).
  ExpectFigures(Row(stats, "departments/traffic")->figures(),
                {kG3 + kG6, kG3 + kG6, kG6 - kG6Reopened, kG6 - kG6Reopened, 0,
                 kG3 + kG6Reopened, kG3 - kG3YellowRevoked + kG6Reopened,
                 kG3 - kG3RedRevoked,
                 static_cast<int>((kG6 - kG6Reopened) * 1000 / (kG3 + kG6)), 0,
                 kG6Reopened, 0, 0, 0, kG3 * 17 + kG6Reopened * 13, kGiven},
                "traffic");

  // Topics: 物业管理 110 (G1 + G4; not G0 or G8), then 40, 30, 25 and of
  // the two with 20 the first in code-point order (价 before 其).
  ASSERT_EQ(stats.top_topics_size(), 5);
  const std::vector<std::pair<std::string, int64_t>> topics = {
      {"物业管理", kG1 + kG4},
      {"市场监管", kG2},
      {"道路交通", kG3},
      {"公交线路", kG6},
      {"价格投诉", kG5}};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(stats.top_topics(i).topic(), topics[i].first);
    EXPECT_EQ(stats.top_topics(i).received(), topics[i].second);
  }

  // Per day: every day of February; received on the days tickets came in,
  // cards on the days they fell.
  ASSERT_EQ(stats.per_day_size(), 28);
  auto day = [&](int d) -> const Figures& {
    return stats.per_day(d - 1).figures();
  };
  EXPECT_EQ(stats.per_day(0).date(), "2021-02-01");
  EXPECT_EQ(day(1).received(), kG1 + kG2 + kG3);
  EXPECT_EQ(day(2).received(), kG6);
  EXPECT_EQ(day(10).received(), kG4);
  EXPECT_EQ(day(18).received(), kG5);
  EXPECT_EQ(day(26).received(), kG7a + kG7b);
  EXPECT_EQ(day(4).yellow_cards(), kG0 + kG2);
  EXPECT_EQ(day(20).yellow_cards(), kG3 - kG3YellowRevoked);
  EXPECT_EQ(day(25).yellow_cards(), kG6Reopened);
  EXPECT_EQ(day(10).red_cards(), kG0);
  EXPECT_EQ(day(26).red_cards(), kG3 - kG3RedRevoked);
  int64_t received = 0;
  for (const auto& d : stats.per_day()) received += d.figures().received();
  EXPECT_EQ(received, kReceived);

  // The sums are stored: a restart gives the same answer.
  RestartServer();
  bureau_ = Connect(bureau_token_);
  const Statistics again = Stats(GetStatisticsRequest());
  EXPECT_EQ(again.SerializeAsString(), stats.SerializeAsString());
}

TEST_F(StatisticsTest, AsOfNowAndInTheMiddleOfADay) {
  Replay();
  // February as of now (Mar 20): 10 of G4 were replied on time in March and
  // the other 40 went overdue on Mar 10; one G2 yellow was revoked on Mar 5.
  // Cards issued in March (G4 yellow, G6 and G4 red) are not February's.
  GetStatisticsRequest now;
  *now.mutable_as_of() = ToProtoTime(Beijing(2030, 1, 1));  // capped at now
  const Statistics later = Stats(now);
  EXPECT_EQ(FromProtoTime(later.as_of()), Beijing(2021, 3, 20, 9, 0));
  const int64_t replied = kReplied + kG4RepliedInMarch;
  const int64_t on_time = kOnTime + kG4RepliedInMarch;
  const int64_t overdue = kOverdue + (kG4 - kG4RepliedInMarch);
  ExpectFigures(
      later.total(),
      {kReceived, kForwarded, replied, on_time, kReceived - replied - overdue,
       overdue, kYellow - 1, kRed,
       static_cast<int>(on_time * 1000 / (replied + overdue)), kG6 + kG7b,
       kG6Reopened, kG1Satisfied, kG5, kG1 - kG1Satisfied, kOwed, kGiven},
      "February as of March 20");

  // As of Feb 4 12:00: G1, G2, G3 and G6 had come in; G1 and G6 were
  // replied; G2 had been overdue since Feb 4 00:00, with G0 and G2's yellow
  // cards; G3's reports were settled for Feb 1-3, G2's for Feb 2-3.
  GetStatisticsRequest midday;
  *midday.mutable_as_of() = ToProtoTime(Beijing(2021, 2, 4, 12, 0));
  const Statistics then = Stats(midday);
  const int64_t received = kG1 + kG2 + kG3 + kG6;
  ExpectFigures(then.total(),
                {received, received, kG1 + kG6, kG1 + kG6, kG3, kG2, kG0 + kG2,
                 0, static_cast<int>((kG1 + kG6) * 1000 / (kG1 + kG6 + kG2)),
                 kG6, 0, 0, 0, 0, kG3 * 3 + kG2 * 2, kGiven},
                "February as of Feb 4 12:00");
  EXPECT_EQ(then.per_day_size(), 4);  // Feb 1 to 4

  // March as of now: G8 only (received Mar 1 00:00:00), and no February
  // ticket; March's cards are counted there.
  GetStatisticsRequest march;
  march.set_from_date("2021-03-01");
  march.set_to_date("2021-04-01");
  const Statistics m = Stats(march);
  EXPECT_EQ(m.total().received(), kG8);
  // Yellow in March: G4's 40 (Mar 10) and G8's 7 (due Mar 3 24:00); red:
  // G6's 10 reopened (Mar 4), G8's 7 (Mar 11) and G4's 40 (Mar 17).
  EXPECT_EQ(m.total().yellow_cards(), (kG4 - kG4RepliedInMarch) + kG8);
  EXPECT_EQ(m.total().red_cards(),
            kG6Reopened + kG8 + (kG4 - kG4RepliedInMarch));
}

TEST_F(StatisticsTest, CutByDepartmentTypeOrTopic) {
  Replay();
  GetStatisticsRequest by_market;
  by_market.set_department("departments/market");
  const Statistics market = Stats(by_market);
  ASSERT_EQ(market.departments_size(), 1);
  EXPECT_EQ(market.total().SerializeAsString(),
            market.departments(0).figures().SerializeAsString());
  EXPECT_EQ(market.total().received(), kG2 + kG5);
  ASSERT_EQ(market.top_topics_size(), 2);
  EXPECT_EQ(market.top_topics(0).topic(), "市场监管");
  EXPECT_EQ(market.top_topics(1).topic(), "价格投诉");

  // A department asking for itself gets the same; for anyone else, no.
  const Statistics own = Stats(GetStatisticsRequest(), market_.get());
  EXPECT_EQ(own.total().SerializeAsString(),
            market.total().SerializeAsString());
  GetStatisticsRequest other;
  other.set_from_date("2021-02-01");
  other.set_to_date("2021-03-01");
  other.set_department("departments/housing");
  EXPECT_EQ(market_->GetStatistics(other).status().code(),
            absl::StatusCode::kPermissionDenied);
  GetStatisticsRequest by_topic_as_department = other;
  by_topic_as_department.clear_department();
  by_topic_as_department.set_topic("物业管理");
  EXPECT_EQ(market_->GetStatistics(by_topic_as_department).status().code(),
            absl::StatusCode::kPermissionDenied);

  // INQUIRY: G1, G2, G5, G7b received; G0's cards (issued in February).
  GetStatisticsRequest by_type;
  by_type.set_type(Ticket::INQUIRY);
  const Statistics inquiry = Stats(by_type);
  const int64_t replied = kG1 + kG2 + kG5;
  ExpectFigures(
      inquiry.total(),
      {kG1 + kG2 + kG5 + kG7b, kG1 + kG2 + kG5 + kG7b, replied, kG1 + kG5, kG7b,
       0, kG0 + kG2, kG0, static_cast<int>((kG1 + kG5) * 1000 / replied), kG7b,
       0, kG1Satisfied, kG5, kG1 - kG1Satisfied, kG2 * 3 + kG5 * 4, 0},
      "INQUIRY");
  ASSERT_EQ(inquiry.departments_size(), 3);  // unassigned, housing, market
  EXPECT_EQ(Row(inquiry, "departments/housing")->figures().received(), kG1);
  EXPECT_EQ(Row(inquiry, "departments/housing")->figures().red_cards(), kG0);

  // 物业管理: G1 and G4 at housing, with G0's cards.
  GetStatisticsRequest by_topic;
  by_topic.set_topic("物业管理");
  const Statistics property = Stats(by_topic);
  EXPECT_EQ(property.total().received(), kG1 + kG4);
  EXPECT_EQ(property.total().yellow_cards(), kG0);
  ASSERT_EQ(property.departments_size(), 1);
  EXPECT_EQ(property.departments(0).department(), "departments/housing");
  ASSERT_EQ(property.top_topics_size(), 1);
  EXPECT_EQ(property.top_topics(0).received(), kG1 + kG4);
}

TEST_F(StatisticsTest, ReportInEveryFormat) {
  Replay();
  auto cli = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"report", "--from", "2021-02-01", "--to",
                                    "2021-03-01"};
    all.insert(all.end(), args.begin(), args.end());
    testing::ProgramRun run = testing::RunCli(
        HOTLINE_CLI_BINARY, absl::StrCat("127.0.0.1:", server_->port()),
        bureau_token_, all, dir_);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
  };

  EXPECT_EQ(cli({"--format", "zh"}),
            "2021年2月1日至2021年2月28日,收到市12345投诉举报平台转派工单257件,"
            "黄牌87件,红牌34件,日均受理9.1件,主要涉及物业管理、市场监管、"
            "道路交通、公交线路、价格投诉等问题。已转相关职能部门调处237件,"
            "相关职能部门已处理回复135件,未超期未回复82件,按时办结率为54.2%。\n"
            "未转派(含退回):工单32件,已回复0件,未超期未回复32件,超期未回复0件,"
            "黄牌0件,红牌0件,按时办结率—。\n"
            "住建局:工单110件,已回复60件,未超期未回复50件,超期未回复0件,"
            "黄牌9件,红牌9件,按时办结率100.0%。\n"
            "市场监管局:工单60件,已回复60件,未超期未回复0件,超期未回复0件,"
            "黄牌40件,红牌0件,按时办结率33.3%。\n"
            "交通运输局:工单55件,已回复15件,未超期未回复0件,超期未回复40件,"
            "黄牌38件,红牌25件,按时办结率27.2%。\n");

  const std::vector<std::string> csv =
      absl::StrSplit(cli({"--format", "csv"}), '\n');
  ASSERT_GE(csv.size(), 7u);
  EXPECT_EQ(csv[0],
            "scope,key,received,forwarded,replied,replied_on_time,"
            "pending_not_overdue,pending_overdue,yellow_cards,red_cards,"
            "daily_average,on_time_rate_percent,returns,reopens,satisfied,"
            "basically_satisfied,dissatisfied,reports_owed,reports_given,"
            "reports_missed,report_compliance_percent,suspended,"
            "refused_returns,closed_by_final_answer,merged,assists,"
            "assist_opinions,assist_opinions_on_time,assist_overdue,"
            "assist_on_time_rate_percent,assists_returned,"
            "assist_yellow_cards,assist_red_cards,replies_sent_back,"
            "sent_back_nonstandard,sent_back_unresolved,"
            "sent_back_not_contacted,sent_back_no_evidence,sent_back_other,"
            "notices,notices_answered_on_time,notices_overdue,"
            "notices_escalated,callbacks_unreachable,appeals,appeals_upheld,"
            "satisfaction_rate_percent");
  EXPECT_EQ(csv[1],
            "total,all tickets,257,237,135,95,82,40,87,34,9.1,54.2,37,10,45,"
            "20,15,840,60,780,7.1,0,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
            "0,0,81.2");
  // Rows: header, total, then departments in name order ("" first).
  EXPECT_EQ(
      csv[5],
      "department,departments/traffic,55,55,15,15,0,40,38,25,1.9,27.2,"
      "0,10,0,0,0,640,60,580,9.3,0,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0,0,"
      "0,0,0,");
  // Feb 1: G1 (replied on time, closed), G2 (replied late), G3 (overdue,
  // reported that day).
  EXPECT_EQ(csv[6],
            "day,2021-02-01,130,130,100,60,0,30,0,0,130.0,46.1,0,0,45,0,15,30,"
            "30,0,100.0,0,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,75.0");

  // JSON parses back to the same figures.
  Statistics parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  cli({"--format", "json"}), &parsed)
                  .ok());
  ExpectFigures(parsed.total(), kFebruary, "json");

  // The table: the headline figures, and the department rows aligned.
  const std::string table = cli({});
  EXPECT_TRUE(absl::StrContains(table, "received:"));
  std::vector<std::string> rows;
  for (absl::string_view line : absl::StrSplit(table, '\n')) {
    if (absl::StartsWith(line, "received:") ||
        absl::StartsWith(line, "on-time rate:") ||
        absl::StartsWith(line, "traffic ")) {
      rows.push_back(
          absl::StrJoin(absl::StrSplit(line, ' ', absl::SkipEmpty()), " "));
    }
  }
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "received: 257", "on-time rate: 54.2%",
                      "traffic 55 55 15 15 0 40 38 25 27.2% 60/640 -"}));
}

TEST_F(StatisticsTest, ALateSweepStillCountsOverdueFromTheDeadline) {
  // An INQUIRY dispatched Feb 1 is due 24:00 Feb 3. The clock moves past
  // the deadline without a sweep (as if the sweeper were late), and the
  // bureau re-dispatches the ticket at once: the step first settles the
  // yellow card, then clears the overdue flag for the new assignment.
  const Names ticket = Make(1, Ticket::INQUIRY, "物业管理", "housing");
  clock_.Set(Beijing(2021, 2, 5, 10, 0));
  Dispatch(ticket, "market");
  GetStatisticsRequest between;
  *between.mutable_as_of() = ToProtoTime(Beijing(2021, 2, 4, 12, 0));
  const Statistics then = Stats(between);
  EXPECT_EQ(then.total().pending_overdue(), 1);
  EXPECT_EQ(then.total().yellow_cards(), 1);
  ASSERT_EQ(then.departments_size(), 1);
  EXPECT_EQ(then.departments(0).department(), "departments/housing");
  const Statistics now = Stats(GetStatisticsRequest());
  EXPECT_EQ(now.total().pending_overdue(), 0);
  EXPECT_EQ(now.total().pending_not_overdue(), 1);
  EXPECT_EQ(Row(now, "departments/market")->figures().received(), 1);
  EXPECT_EQ(Row(now, "departments/housing")->figures().yellow_cards(), 1);
}

TEST_F(StatisticsTest, AnyTopicTextSurvivesTheChangeLog) {
  // Received 09:00 and replied 10:00; as of 09:30 the reply is taken back
  // from the day's change log, which must read the odd topic back.
  const std::string topic = "a\x1f\"b\",\\c";
  const Names ticket = Make(1, Ticket::INQUIRY, topic, "housing");
  AdvanceTo(Beijing(2021, 2, 1, 10, 0));
  Ack(*housing_, ticket);
  Reply(*housing_, ticket);
  GetStatisticsRequest early;
  *early.mutable_as_of() = ToProtoTime(Beijing(2021, 2, 1, 9, 30));
  const Statistics then = Stats(early);
  ASSERT_EQ(then.top_topics_size(), 1);
  EXPECT_EQ(then.top_topics(0).topic(), topic);
  EXPECT_EQ(then.total().received(), 1);
  EXPECT_EQ(then.total().replied(), 0);
  EXPECT_EQ(Stats(GetStatisticsRequest()).total().replied(), 1);
}

// Random work over three months, then the sums must agree with the tickets
// and cards as they are now, counted one by one from the lists by the
// definitions of docs/workflow.md ("Statistics").
TEST_F(StatisticsTest, SumsAgreeWithTheTicketsAfterRandomWork) {
  std::mt19937 random(12345);
  auto chance = [&](int percent) {
    return static_cast<int>(random() % 100) < percent;
  };
  const std::vector<std::string> departments = {"housing", "market", "traffic"};
  std::map<std::string, Client*> as = {{"departments/housing", housing_.get()},
                                       {"departments/market", market_.get()},
                                       {"departments/traffic", traffic_.get()}};
  const std::vector<std::string> topics = {"物业管理", "噪音", "道路交通",
                                           "市场监管"};
  const std::vector<Ticket::Type> types = {Ticket::INQUIRY, Ticket::HELP,
                                           Ticket::COMPLAINT};
  Names tickets;
  absl::Time now = Beijing(2021, 2, 1, 9, 0);
  // The figures counted one by one from the tickets, cards and daily-report
  // obligations as they are now, by the definitions of docs/workflow.md.
  auto count = [&]() {
    std::map<std::string, Expected> rows;  // by department
    v1::ListTicketsRequest list;
    list.set_page_size(500);
    int64_t listed = 0;
    while (true) {
      absl::StatusOr<v1::ListTicketsResponse> page = bureau().ListTickets(list);
      if (!page.ok()) {
        ADD_FAILURE() << page.status();
        return rows;
      }
      for (const Ticket& t : page->tickets()) {
        ++listed;
        Expected& e = rows[t.department()];
        const bool replied =
            t.state() == Ticket::REPLIED || t.state() == Ticket::CLOSED;
        e.received += 1;
        e.forwarded += t.dispatch_count() > 0 ? 1 : 0;
        e.replied += replied ? 1 : 0;
        e.on_time += replied && FromProtoTime(t.replied_at()) <=
                                    FromProtoTime(t.reply_due_at())
                         ? 1
                         : 0;
        e.pending_overdue += !replied && t.reply_overdue() ? 1 : 0;
        // A return is the returning department's (workflow/stat_facts.h).
        if (t.return_count() > 0) {
          for (const v1::Event& event : History(t.name())) {
            if (event.type() == v1::Event::RETURNED) {
              rows[event.previous_department()].returns += 1;
            }
          }
        }
        e.reopens += t.reopen_count();
        if (t.state() == Ticket::CLOSED) {
          e.satisfied += t.satisfaction() == Ticket::SATISFIED ? 1 : 0;
          e.basically +=
              t.satisfaction() == Ticket::BASICALLY_SATISFIED ? 1 : 0;
          e.dissatisfied += t.satisfaction() == Ticket::DISSATISFIED ? 1 : 0;
        }
      }
      if (page->next_page_token().empty()) break;
      list.set_page_token(page->next_page_token());
    }
    EXPECT_EQ(listed, static_cast<int64_t>(tickets.size()));
    v1::ListCardsRequest cards;
    cards.set_which(v1::ListCardsRequest::ACTIVE);
    cards.set_page_size(500);
    while (true) {
      absl::StatusOr<v1::ListCardsResponse> page = bureau().ListCards(cards);
      if (!page.ok()) {
        ADD_FAILURE() << page.status();
        return rows;
      }
      for (const Card& card : page->cards()) {
        Expected& e = rows[card.department()];
        (card.color() == Card::RED ? e.red : e.yellow) += 1;
      }
      if (page->next_page_token().empty()) break;
      cards.set_page_token(page->next_page_token());
    }
    for (const std::string& id : departments) {
      v1::GetDailyReportComplianceRequest compliance;
      compliance.set_department("departments/" + id);
      compliance.set_from_date("2021-01-01");
      compliance.set_to_date("2021-12-31");
      absl::StatusOr<v1::DailyReportCompliance> c =
          bureau().GetDailyReportCompliance(compliance);
      if (!c.ok()) {
        ADD_FAILURE() << c.status();
        return rows;
      }
      rows["departments/" + id].owed = c->owed();
      rows["departments/" + id].given = c->given();
    }
    for (auto& [department, e] : rows) {
      e.pending_not_overdue = e.received - e.replied - e.pending_overdue;
      e.on_time_permille =
          e.replied + e.pending_overdue == 0
              ? -1
              : static_cast<int>(e.on_time * 1000 /
                                 (e.replied + e.pending_overdue));
    }
    return rows;
  };
  // Compares a statistics answer for 2021 with counted figures.
  auto check = [&](const Statistics& stats,
                   std::map<std::string, Expected> rows,
                   const std::string& when) {
    SCOPED_TRACE(when);
    EXPECT_EQ(stats.departments_size(), static_cast<int>(rows.size()));
    Expected total{};
    for (const auto& [department, e] : rows) {
      if (const auto* row = Row(stats, department)) {
        ExpectFigures(row->figures(), e, department);
      }
      for (int64_t Expected::*field :
           {&Expected::received, &Expected::forwarded, &Expected::replied,
            &Expected::on_time, &Expected::pending_not_overdue,
            &Expected::pending_overdue, &Expected::yellow, &Expected::red,
            &Expected::returns, &Expected::reopens, &Expected::satisfied,
            &Expected::basically, &Expected::dissatisfied, &Expected::owed,
            &Expected::given}) {
        total.*field += e.*field;
      }
    }
    total.on_time_permille =
        total.replied + total.pending_overdue == 0
            ? -1
            : static_cast<int>(total.on_time * 1000 /
                               (total.replied + total.pending_overdue));
    ExpectFigures(stats.total(), total, "total");
    return total;
  };
  GetStatisticsRequest year;
  year.set_from_date("2021-01-01");
  year.set_to_date("2022-01-01");
  // Counted figures at some moments, to compare with the figures as of then.
  std::vector<std::pair<absl::Time, std::map<std::string, Expected>>> then;

  for (int step = 0; step < 700; ++step) {
    if (step % 5 == 0) {
      const std::string department =
          chance(70) ? departments[random() % 3] : "";
      const Names made = Make(1, types[random() % types.size()],
                              topics[random() % topics.size()], department);
      tickets.insert(tickets.end(), made.begin(), made.end());
    }
    if (step % 7 == 0) {
      // Everything so far took effect by `now`; what follows, later.
      if (step % 161 == 0 && step > 0) then.emplace_back(now, count());
      now += absl::Hours(1 + random() % 36);
      AdvanceTo(now);
    }
    if (tickets.empty()) continue;
    v1::GetTicketRequest get;
    get.set_name(tickets[random() % tickets.size()]);
    absl::StatusOr<Ticket> t = bureau().GetTicket(get);
    ASSERT_TRUE(t.ok()) << t.status();
    const Names one = {t->name()};
    Client* holder = t->department().empty() ? nullptr : as[t->department()];
    // A department other than the one holding the ticket.
    const std::string elsewhere = [&] {
      std::string d;
      do {
        d = departments[random() % 3];
      } while ("departments/" + d == t->department());
      return d;
    }();
    switch (t->state()) {
      case Ticket::RECEIVED:
      case Ticket::RETURNED:
        Dispatch(one, departments[random() % 3]);
        break;
      case Ticket::DISPATCHED:
        if (chance(70)) {
          Ack(*holder, one);
        } else if (chance(50) && IsSet(t->return_due_at()) &&
                   FromProtoTime(t->return_due_at()) > now) {
          Return(*holder, one);
        } else {
          Dispatch(one, elsewhere);
        }
        break;
      case Ticket::IN_PROGRESS:
        if (chance(45)) {
          Reply(*holder, one);
        } else if (chance(20) && !t->has_pending_extension() &&
                   t->extension_count() < 2 &&
                   FromProtoTime(t->reply_due_at()) > now) {
          Extend(*holder, one, 1 + random() % 3);
        } else if (chance(40)) {
          v1::SubmitDailyReportRequest report;
          report.set_date(absl::FormatCivilTime(
              absl::ToCivilDay(now, testing::ShippedCalendar().zone())));
          auto* entry = report.add_entries();
          entry->set_ticket(t->name());
          entry->set_progress("进行中");
          holder->SubmitDailyReport(report).IgnoreError();  // a day off
        } else if (chance(20)) {
          Dispatch(one, elsewhere);
        }
        break;
      case Ticket::REPLIED:
        if (chance(60)) {
          Close(one, static_cast<Ticket::Satisfaction>(1 + random() % 3));
        } else {
          Reopen(one);
        }
        break;
      case Ticket::CLOSED:
        if (chance(15)) Reopen(one);
        break;
      default:
        FAIL() << t->DebugString();
    }
    if (step % 40 == 39) {
      v1::ListCardsRequest list;
      list.set_which(v1::ListCardsRequest::ACTIVE);
      absl::StatusOr<v1::ListCardsResponse> cards = bureau().ListCards(list);
      ASSERT_TRUE(cards.ok());
      if (cards->cards_size() > 0) {
        v1::RevokeCardRequest revoke;
        revoke.set_name(cards->cards(random() % cards->cards_size()).name());
        revoke.set_reason("复核撤销");
        ASSERT_TRUE(bureau().RevokeCard(revoke).ok());
      }
    }
  }

  const Expected total = check(Stats(year), count(), "now");
  ASSERT_EQ(then.size(), 4u);
  for (const auto& [instant, rows] : then) {
    GetStatisticsRequest past = year;
    *past.mutable_as_of() = ToProtoTime(instant + absl::Microseconds(1));
    check(Stats(past), rows, absl::FormatTime(instant));
  }
  // The work touched every path the sums are kept on.
  EXPECT_GT(total.yellow, 0);
  EXPECT_GT(total.red, 0);
  EXPECT_GT(total.returns, 0);
  EXPECT_GT(total.reopens, 0);
  EXPECT_GT(total.given, 0);
  EXPECT_GT(total.owed, total.given);
}

TEST_F(StatisticsTest, BadRequestsAreRefusedWithAReason) {
  auto code = [&](GetStatisticsRequest request, Client* client = nullptr) {
    absl::StatusOr<Statistics> stats =
        (client != nullptr ? *client : bureau()).GetStatistics(request);
    return stats.status().code();
  };
  GetStatisticsRequest ok;
  ok.set_from_date("2021-02-01");
  ok.set_to_date("2021-03-01");
  EXPECT_EQ(code(ok), absl::StatusCode::kOk);

  GetStatisticsRequest r = ok;
  r.clear_from_date();
  absl::Status missing = bureau().GetStatistics(r).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.message().find("from_date is required"), std::string::npos)
      << missing;
  r = ok;
  r.set_to_date("2021-02-01");
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = ok;
  r.set_to_date("2021-02-30");
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = ok;
  r.set_to_date("2032-03-01");  // 4,046 days
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = ok;
  r.set_department("departments/market");
  r.set_topic("物业管理");
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = ok;
  r.set_department("market");
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = ok;
  r.set_department("departments/nowhere");
  EXPECT_EQ(code(r), absl::StatusCode::kNotFound);
  r = ok;
  r.set_top_topics(101);
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = ok;
  r.set_type(static_cast<Ticket::Type>(99));
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);
  r = ok;
  r.mutable_as_of()->set_nanos(-1);
  EXPECT_EQ(code(r), absl::StatusCode::kInvalidArgument);

  std::unique_ptr<Client> intake = Connect(CreateToken("intake/platform"));
  EXPECT_EQ(code(ok, intake.get()), absl::StatusCode::kPermissionDenied);
  std::unique_ptr<Client> nobody = Connect("hl_not_a_token");
  EXPECT_EQ(code(ok, nobody.get()), absl::StatusCode::kUnauthenticated);
}

// ---- Copying a SQLite database into PostgreSQL (run with the test cluster,
// as copy.StatisticsTest.*IntoPostgres*; see tests/CMakeLists.txt).

absl::TimeZone Bureau() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

storage::StoreOptions OptionsFor(const std::string& path) {
  storage::StoreOptions options;
  options.path = path;
  options.read_connections = 1;
  return options;
}

// CompareStores on the stores at `sqlite_path` and `uri`, as of `now`.
absl::StatusOr<ComparedCounts> CompareDatabases(const std::string& sqlite_path,
                                                const std::string& uri,
                                                absl::Time now) {
  std::vector<std::unique_ptr<storage::Store>> stores;
  for (const std::string& path : {sqlite_path, uri}) {
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::OpenStore(OptionsFor(path));
    if (!store.ok()) return store.status();
    stores.push_back(*std::move(store));
  }
  return CompareStores(*stores[0], *stores[1], Bureau(), now);
}

TEST_F(StatisticsTest, CopiedIntoPostgresEveryFigureAndHistoryStays) {
  ASSERT_FALSE(TestsUsePostgres()) << "this test copies from SQLite";
  Replay();
  GetStatisticsRequest february;
  const Statistics before = Stats(february);
  GetStatisticsRequest march_as_of_now;
  march_as_of_now.set_from_date("2021-03-01");
  march_as_of_now.set_to_date("2021-04-01");
  march_as_of_now.set_department("departments/housing");
  const Statistics march_before = Stats(march_as_of_now);
  const std::vector<Event> g4_history = History(g4_.front());
  const int port = server_->port();
  StopServer();

  const std::string uri = NewPostgresDatabase();
  ASSERT_FALSE(uri.empty());
  absl::StatusOr<storage::CopyCounts> copied =
      storage::CopySqliteToPostgres(db_path_, uri, "Asia/Shanghai");
  ASSERT_TRUE(copied.ok()) << copied.status();
  std::map<std::string, int64_t> rows(copied->tables.begin(),
                                      copied->tables.end());
  EXPECT_EQ(rows["tickets"], kReceived + kG0 + kG8);
  EXPECT_EQ(rows["departments"], 3);
  EXPECT_GT(rows["events"], rows["tickets"]);
  EXPECT_GT(rows["cards"], kYellow);
  EXPECT_GT(rows["daily_reports"], 0);
  EXPECT_GT(rows["daily_obligations"], rows["daily_reports"]);
  EXPECT_GT(rows["stat_counts"], 0);
  EXPECT_EQ(copied->next_ticket, kReceived + kG0 + kG8 + 1);

  // The check the copy command makes: everything a user reads is the same.
  absl::StatusOr<ComparedCounts> same =
      CompareDatabases(db_path_, uri, clock_.Now());
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->tickets, rows["tickets"]);
  EXPECT_EQ(same->events, rows["events"]);
  EXPECT_EQ(same->cards, rows["cards"]);
  EXPECT_EQ(same->daily_reports, rows["daily_reports"]);
  EXPECT_EQ(same->departments, 3);
  EXPECT_EQ(same->tokens, rows["tokens"]);
  // The whole span, its three months, three departments and six types.
  EXPECT_EQ(same->reports, 1 + 3 + 3 + 6);

  // One more token in the copy (no event, no figure) is a difference.
  {
    absl::StatusOr<std::unique_ptr<storage::Store>> copy =
        storage::OpenStore(OptionsFor(uri));
    ASSERT_TRUE(copy.ok()) << copy.status();
    ASSERT_TRUE(
        CreateTokenDirectly(**copy, "bureau", "after the copy", clock_.Now())
            .ok());
  }
  absl::Status token_differs =
      CompareDatabases(db_path_, uri, clock_.Now()).status();
  EXPECT_EQ(token_differs.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(token_differs.message(), "the tokens: "))
      << token_differs;

  // A server on the copy answers as the SQLite one did, and goes on from
  // where it stopped: the next number, the next seq.
  options_.store.path = uri;
  options_.listen_address = absl::StrCat("127.0.0.1:", port);
  StartServer();
  bureau_ = Connect(bureau_token_);
  const Statistics after = Stats(february);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(before, after))
      << before.ShortDebugString() << "\n"
      << after.ShortDebugString();
  ExpectFigures(after.total(), kFebruary, "February from the copy");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      march_before, Stats(march_as_of_now)));
  const std::vector<Event> g4_copied = History(g4_.front());
  ASSERT_EQ(g4_copied.size(), g4_history.size());
  for (size_t i = 0; i < g4_history.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        g4_history[i], g4_copied[i]));
  }
  const Ticket next = CreateTicket("market");
  EXPECT_EQ(next.name(), absl::StrCat("tickets/", copied->next_ticket));
  const std::vector<Event> next_history = History(next.name());
  ASSERT_FALSE(next_history.empty());
  EXPECT_EQ(next_history.front().seq(), copied->last_seq + 1);
  StopServer();

  // So is a new ticket, found first by the feed.
  absl::Status differs = CompareDatabases(db_path_, uri, clock_.Now()).status();
  EXPECT_EQ(differs.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(differs.message(), "latest event")) << differs;

  // A second copy into the database, which holds data now, is refused and
  // changes nothing.
  absl::StatusOr<storage::CopyCounts> again =
      storage::CopySqliteToPostgres(db_path_, uri, "Asia/Shanghai");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(again.status().message(), "holds hotline data already"))
      << again.status();
  absl::StatusOr<std::unique_ptr<storage::Store>> copy =
      storage::OpenStore(OptionsFor(uri));
  ASSERT_TRUE(copy.ok()) << copy.status();
  absl::StatusOr<int64_t> latest = (*copy)->LatestSeq();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest,
            copied->last_seq + static_cast<int64_t>(next_history.size()));
}

TEST_F(StatisticsTest, TheCommandToCopyIntoPostgresChecksAndRefuses) {
  ASSERT_FALSE(TestsUsePostgres()) << "this test copies from SQLite";
  Make(3, Ticket::INQUIRY, "物业管理", "housing");
  // Text COPY must escape (a backslash in a text column), and a body with
  // line breaks and tabs.
  Make(1, Ticket::HELP, "水电\\燃气", "");
  v1::CreateTicketRequest odd;
  *odd.mutable_ticket() = Draft();
  odd.mutable_ticket()->set_content("第一行\n第二行\t制表\\反斜杠\r\n");
  ASSERT_TRUE(bureau().CreateTicket(odd).ok());
  const std::string uri = NewPostgresDatabase();
  ASSERT_FALSE(uri.empty());
  auto copy = [&](const std::string& db, const std::string& from) {
    return RunCli(ServerBinary(), "", "", {"--db=" + db, "--copy_from=" + from},
                  dir_);
  };

  // While a server has the SQLite file: refused, naming the holder.
  ProgramRun running = copy(uri, db_path_);
  EXPECT_EQ(running.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(running.err, "nothing was copied"))
      << running.err;
  StopServer();

  // Into something that is not PostgreSQL; from a file that is not there.
  ProgramRun not_postgres = copy(dir_.File("other.db"), db_path_);
  EXPECT_EQ(not_postgres.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(not_postgres.err, "postgresql://"))
      << not_postgres.err;
  ProgramRun missing = copy(uri, dir_.File("missing.db"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(missing.err, "there is no SQLite database"))
      << missing.err;

  // While a server runs on the destination: refused.
  {
    ServerProcess server(uri);
    ProgramRun busy = copy(uri, db_path_);
    EXPECT_EQ(busy.exit_code, 1);
    EXPECT_TRUE(absl::StrContains(busy.err, "a hotline-server is running on"))
        << busy.err;
    EXPECT_EQ(server.Terminate(), 0);
  }

  ProgramRun done = copy(uri, db_path_);
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_TRUE(absl::StrContains(done.out, "checked, identical: ")) << done.out;
  EXPECT_TRUE(absl::StrContains(done.out, "5 tickets and each one's history"))
      << done.out;
  EXPECT_FALSE(absl::StrContains(done.out + done.err, "password"));

  ProgramRun twice = copy(uri, db_path_);
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(twice.err,
                                "holds hotline data already (5 "
                                "tickets"))
      << twice.err;
}

}  // namespace
}  // namespace hotline
