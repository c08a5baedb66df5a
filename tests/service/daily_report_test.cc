// Daily reports (一日一报) end to end, in rehearsal mode, over the two weeks
// from the 2021 Spring Festival eve. Working days in Feb 10-23: Feb 10, 18,
// 19, 20 (调休 Saturday), 22, 23; Feb 11-17 are the holiday, Feb 21 a Sunday.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Ticket;

class DailyReportTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
  }

  std::string Open(Client& department, const std::string& id) {
    const Ticket ticket = CreateTicket(id);
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(ticket.name());
    EXPECT_TRUE(department.AcknowledgeTicket(ack).ok());
    return ticket.name();
  }

  absl::Status Report(Client& department, const std::string& date,
                      std::vector<std::string> tickets,
                      const std::string& progress = "处理中") {
    v1::SubmitDailyReportRequest request;
    request.set_date(date);
    for (const std::string& ticket : tickets) {
      auto* entry = request.add_entries();
      entry->set_ticket(ticket);
      entry->set_progress(progress);
    }
    return department.SubmitDailyReport(request).status();
  }

  v1::DailyReportCompliance Compliance(const std::string& department) {
    v1::GetDailyReportComplianceRequest request;
    request.set_department("departments/" + department);
    request.set_from_date("2021-02-10");
    request.set_to_date("2021-02-23");
    absl::StatusOr<v1::DailyReportCompliance> compliance =
        bureau().GetDailyReportCompliance(request);
    EXPECT_TRUE(compliance.ok()) << compliance.status();
    return compliance.ok() ? *compliance : v1::DailyReportCompliance();
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> market_;
};

TEST_F(DailyReportTest, TwoWeeksOverTheSpringFestival) {
  AdvanceTo(Beijing(2021, 2, 10, 10, 0));
  const std::string h1 = Open(*housing_, "housing");     // reports every day
  const std::string h2 = Open(*housing_, "housing");     // replies on the 19th
  const std::string m1 = CreateTicket("market").name();  // signed for 18th
  ASSERT_TRUE(Report(*housing_, "2021-02-10", {h1, h2}).ok());

  // Saturday the 13th, in the holiday: M2 is signed for; nothing is owed
  // until the next working day, and a report for a holiday is refused.
  AdvanceTo(Beijing(2021, 2, 13, 12, 0));
  const std::string m2 = Open(*market_, "market");
  absl::Status holiday = Report(*market_, "2021-02-13", {m2});
  EXPECT_EQ(holiday.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(holiday.message().find("not a working day"), std::string::npos);

  AdvanceTo(Beijing(2021, 2, 18, 9, 0));
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(m1);
  ASSERT_TRUE(market_->AcknowledgeTicket(ack).ok());
  ASSERT_TRUE(Report(*housing_, "2021-02-18", {h1}).ok());  // h2 misses

  AdvanceTo(Beijing(2021, 2, 19, 10, 0));
  ASSERT_TRUE(Report(*housing_, "2021-02-19", {h1}).ok());
  ASSERT_TRUE(Report(*market_, "2021-02-19", {m1}, "first draft").ok());
  ASSERT_TRUE(Report(*market_, "2021-02-19", {m1}, "amended").ok());
  AdvanceTo(Beijing(2021, 2, 19, 15, 0));
  v1::ReplyTicketRequest reply;  // the reply is h2's report for the 19th
  reply.set_name(h2);
  reply.set_reply_text("已处理");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing_->ReplyTicket(reply).ok());

  AdvanceTo(Beijing(2021, 2, 20, 10, 0));  // the make-up Saturday
  ASSERT_TRUE(Report(*housing_, "2021-02-20", {h1}).ok());
  // Yesterday is over: too late to report or amend it.
  absl::Status late = Report(*market_, "2021-02-19", {m1});
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(late.message().find("2021-02-19 has ended"), std::string::npos);

  RestartServer();  // settled days stay settled, and are not settled again
  bureau_ = Connect(bureau_token_);
  housing_ = Connect(CreateToken("department/housing"));
  market_ = Connect(CreateToken("department/market"));

  AdvanceTo(Beijing(2021, 2, 22, 10, 0));
  ASSERT_TRUE(Report(*housing_, "2021-02-22", {h1}).ok());
  ASSERT_TRUE(Report(*market_, "2021-02-22", {m1}).ok());
  AdvanceTo(Beijing(2021, 2, 23, 10, 0));
  ASSERT_TRUE(Report(*housing_, "2021-02-23", {h1}).ok());
  AdvanceTo(Beijing(2021, 2, 24, 0, 0));  // the 23rd ends

  // housing: h1 owed 6, gave 6; h2 owed the 10th (given) and the 18th
  // (missed); the 19th was its reply.
  v1::DailyReportCompliance housing = Compliance("housing");
  EXPECT_EQ(housing.owed(), 8);
  EXPECT_EQ(housing.given(), 7);
  EXPECT_EQ(housing.missed(), 1);
  ASSERT_EQ(housing.misses_size(), 1);
  EXPECT_EQ(housing.misses(0).ticket(), h2);
  EXPECT_EQ(housing.misses(0).date(), "2021-02-18");
  // market: m1 owed 18, 19, 20, 22, 23 and gave 19 and 22; m2 owed the same
  // five days and gave none.
  v1::DailyReportCompliance market = Compliance("market");
  EXPECT_EQ(market.owed(), 10);
  EXPECT_EQ(market.given(), 2);
  EXPECT_EQ(market.missed(), 8);

  // Misses show on the ticket and in its history.
  v1::GetTicketRequest get;
  get.set_name(m2);
  EXPECT_EQ(bureau().GetTicket(get)->daily_report_misses(), 5);
  int missed_events = 0;
  for (const v1::Event& e : History(m2)) {
    if (e.type() == v1::Event::DAILY_REPORT_MISSED) ++missed_events;
  }
  EXPECT_EQ(missed_events, 5);

  // The amended entry is stored once, as amended.
  v1::ListDailyReportsRequest list;
  list.set_ticket(m1);
  absl::StatusOr<v1::ListDailyReportsResponse> reports =
      market_->ListDailyReports(list);
  ASSERT_TRUE(reports.ok()) << reports.status();
  ASSERT_EQ(reports->reports_size(), 2);
  EXPECT_EQ(reports->reports(0).date(), "2021-02-19");
  EXPECT_EQ(reports->reports(0).progress(), "amended");
  // A department's compliance is its own.
  v1::GetDailyReportComplianceRequest own;
  own.set_from_date("2021-02-10");
  own.set_to_date("2021-02-23");
  EXPECT_EQ(market_->GetDailyReportCompliance(own)->owed(), 10);
  own.set_department("departments/housing");
  EXPECT_EQ(market_->GetDailyReportCompliance(own).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(DailyReportTest, RefusalsChangeNothing) {
  AdvanceTo(Beijing(2021, 2, 10, 10, 0));
  const std::string h1 = Open(*housing_, "housing");
  const std::string waiting = CreateTicket("housing").name();  // not signed
  const std::string m1 = Open(*market_, "market");
  const size_t history_before = History(h1).size();
  struct Case {
    std::string label;
    absl::Status status;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"a foreign ticket spoils the whole request",
       Report(*housing_, "2021-02-10", {h1, m1}),
       absl::StatusCode::kPermissionDenied},
      {"not signed for", Report(*housing_, "2021-02-10", {waiting}),
       absl::StatusCode::kFailedPrecondition},
      {"tomorrow", Report(*housing_, "2021-02-11", {h1}),
       absl::StatusCode::kInvalidArgument},
      {"malformed date", Report(*housing_, "10/02/2021", {h1}),
       absl::StatusCode::kInvalidArgument},
      {"twice the same ticket", Report(*housing_, "2021-02-10", {h1, h1}),
       absl::StatusCode::kInvalidArgument},
      {"no entries", Report(*housing_, "2021-02-10", {}),
       absl::StatusCode::kInvalidArgument},
      {"no progress", Report(*housing_, "2021-02-10", {h1}, " "),
       absl::StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.label << ": " << c.status;
  }
  EXPECT_EQ(History(h1).size(), history_before);
  v1::ListDailyReportsRequest list;
  EXPECT_EQ(bureau().ListDailyReports(list)->reports_size(), 0);
  std::unique_ptr<Client> intake = Connect(CreateToken("intake/city"));
  EXPECT_EQ(Report(*intake, "2021-02-10", {h1}).code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetDailyReportComplianceRequest no_department;
  no_department.set_from_date("2021-02-10");
  no_department.set_to_date("2021-02-11");
  EXPECT_EQ(bureau().GetDailyReportCompliance(no_department).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hotline
