// Every change is safe to retry (issue 9, item 5): a call repeated with its
// request_id gets the first outcome back and changes nothing, across a
// restart too; a request_id reused for another request is refused. Real
// server on loopback, real client library, rehearsal clock.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Event;
using v1::Ticket;

class RetryTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
  }

  int CountEvents(const std::string& ticket, Event::Type type) {
    int count = 0;
    for (const Event& e : History(ticket)) count += e.type() == type ? 1 : 0;
    return count;
  }

  Ticket Acknowledged(const std::string& department) {
    const Ticket ticket = CreateTicket(department);
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(ticket.name());
    Client& client = department == "housing" ? *housing_ : *market_;
    absl::StatusOr<Ticket> acked = client.AcknowledgeTicket(ack);
    EXPECT_TRUE(acked.ok()) << acked.status();
    return acked.ok() ? *acked : Ticket();
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> market_;
};

TEST_F(RetryTest, ARetriedStateChangeReturnsTheFirstOutcome) {
  const Ticket ticket = CreateTicket("housing");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(ticket.name());
  ack.set_etag(ticket.etag());
  ack.set_request_id("ack-1");
  absl::StatusOr<Ticket> first = housing_->AcknowledgeTicket(ack);
  ASSERT_TRUE(first.ok()) << first.status();
  // The answer was "lost"; the same request again, after a restart too.
  RestartServer();
  absl::StatusOr<Ticket> again = housing_->AcknowledgeTicket(ack);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->etag(), first->etag());
  EXPECT_EQ(again->state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(CountEvents(ticket.name(), Event::ACKNOWLEDGED), 1);
  // Without a request_id the repeat is a new request, refused by the state.
  ack.clear_request_id();
  ack.clear_etag();
  EXPECT_EQ(housing_->AcknowledgeTicket(ack).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RetryTest, ARetriedExtensionRequestAfterApprovalAsksNothingNew) {
  const Ticket ticket = Acknowledged("housing");
  v1::RequestExtensionRequest ask;
  ask.set_name(ticket.name());
  ask.set_working_days(5);
  ask.set_reason("需协调");
  ask.set_request_id("extend-1");
  ASSERT_TRUE(housing_->RequestExtension(ask).ok());
  v1::ApproveExtensionRequest approve;
  approve.set_name(ticket.name());
  ASSERT_TRUE(bureau().ApproveExtension(approve).ok());
  absl::StatusOr<Ticket> again = housing_->RequestExtension(ask);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->has_pending_extension());  // the first answer, as given
  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  absl::StatusOr<Ticket> now = bureau().GetTicket(get);
  ASSERT_TRUE(now.ok());
  EXPECT_FALSE(now->has_pending_extension());
  EXPECT_EQ(now->extension_count(), 1);
  EXPECT_EQ(CountEvents(ticket.name(), Event::EXTENSION_REQUESTED), 1);
}

TEST_F(RetryTest, ARetriedDailyReportIsRecordedOnce) {
  const Ticket ticket = Acknowledged("housing");
  v1::SubmitDailyReportRequest report;
  report.set_date(
      absl::FormatCivilTime(testing::ShippedCalendar().LocalDay(clock_.Now())));
  v1::SubmitDailyReportRequest::Entry& entry = *report.add_entries();
  entry.set_ticket(ticket.name());
  entry.set_progress("已联系来电人");
  report.set_request_id("report-1");
  ASSERT_TRUE(housing_->SubmitDailyReport(report).ok());
  absl::StatusOr<v1::SubmitDailyReportResponse> again =
      housing_->SubmitDailyReport(report);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->reports_size(), 1);
  EXPECT_EQ(CountEvents(ticket.name(), Event::DAILY_REPORT), 1);
}

TEST_F(RetryTest, ARetriedCreateTokenGivesTheSameWorkingSecret) {
  v1::CreateTokenRequest create;
  create.mutable_token()->set_principal("department/market");
  create.mutable_token()->set_display_name("market system");
  create.set_request_id("token-1");
  absl::StatusOr<v1::Token> first = bureau().CreateToken(create);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Token> again = bureau().CreateToken(create);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name(), first->name());
  EXPECT_EQ(again->secret(), first->secret());
  // One token made, and its secret works.
  absl::StatusOr<v1::ListTokensResponse> tokens =
      bureau().ListTokens(v1::ListTokensRequest());
  ASSERT_TRUE(tokens.ok());
  int named = 0;
  for (const v1::Token& t : tokens->tokens()) {
    named += t.display_name() == "market system" ? 1 : 0;
  }
  EXPECT_EQ(named, 1);
  std::unique_ptr<Client> market = Connect(again->secret());
  EXPECT_TRUE(market->ListTickets(v1::ListTicketsRequest()).ok());
  // The database never holds the secret itself.
  StopServer();
  std::ifstream file(db_path_, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  EXPECT_FALSE(absl::StrContains(bytes.str(), first->secret()));
  StartServer();
}

TEST_F(RetryTest, ARequestIdReusedForAnotherRequestIsRefusedAndChangesNothing) {
  const Ticket one = CreateTicket("housing");
  const Ticket two = CreateTicket("housing");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(one.name());
  ack.set_request_id("same-id");
  ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
  ack.set_name(two.name());
  const absl::Status reused = housing_->AcknowledgeTicket(ack).status();
  EXPECT_EQ(reused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(reused.message(), "request_id same-id"))
      << reused.message();
  EXPECT_EQ(CountEvents(two.name(), Event::ACKNOWLEDGED), 0);
  // Another method with the same id is another request too.
  v1::ReturnTicketRequest give_back;
  give_back.set_name(one.name());
  give_back.set_reason("非本单位职责");
  give_back.set_request_id("same-id");
  EXPECT_EQ(housing_->ReturnTicket(give_back).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Another caller's ids are its own.
  const Ticket three = CreateTicket("market");
  ack.set_name(three.name());
  EXPECT_TRUE(market_->AcknowledgeTicket(ack).ok());
}

TEST_F(RetryTest, ACreateRequestIdReusedForAnotherTicketIsRefused) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.set_request_id("create-1");
  absl::StatusOr<Ticket> first = bureau().CreateTicket(create);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Ticket> again = bureau().CreateTicket(create);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name(), first->name());
  create.mutable_ticket()->set_title("另一件事");
  EXPECT_EQ(bureau().CreateTicket(create).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<v1::ListTicketsResponse> all =
      bureau().ListTickets(v1::ListTicketsRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->tickets_size(), 1);
}

TEST_F(RetryTest, AMalformedRequestIdIsRefusedNamingTheField) {
  const Ticket ticket = CreateTicket("housing");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(ticket.name());
  ack.set_request_id(std::string(65, 'x'));
  absl::Status refused = housing_->AcknowledgeTicket(ack).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(refused.message(), "request_id"));
  ack.set_request_id("has space");
  refused = housing_->AcknowledgeTicket(ack).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CountEvents(ticket.name(), Event::ACKNOWLEDGED), 0);
}

TEST_F(RetryTest, ARetriedClockAdvanceMovesTheClockOnce) {
  v1::AdvanceClockRequest advance;
  advance.mutable_by()->set_seconds(3600);
  advance.set_request_id("advance-1");
  absl::StatusOr<v1::AdvanceClockResponse> first =
      bureau().AdvanceClock(advance);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(FromProtoTime(first->now()),
            testing::SpringFestivalEve() + absl::Hours(1));
  absl::StatusOr<v1::AdvanceClockResponse> again =
      bureau().AdvanceClock(advance);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(FromProtoTime(again->now()), FromProtoTime(first->now()));
  EXPECT_EQ(clock_.Now(), testing::SpringFestivalEve() + absl::Hours(1));
  advance.mutable_by()->set_seconds(60);
  EXPECT_EQ(bureau().AdvanceClock(advance).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RetryTest, ARetriedRevocationAnswersAsTheFirst) {
  v1::CreateTokenRequest create;
  create.mutable_token()->set_principal("department/housing");
  absl::StatusOr<v1::Token> token = bureau().CreateToken(create);
  ASSERT_TRUE(token.ok()) << token.status();
  v1::RevokeTokenRequest revoke;
  revoke.set_name(token->name());
  revoke.set_request_id("revoke-1");
  absl::StatusOr<v1::Token> first = bureau().RevokeToken(revoke);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Token> again = bureau().RevokeToken(revoke);
  ASSERT_TRUE(again.ok()) << again.status();  // not "already revoked"
  EXPECT_EQ(FromProtoTime(again->revoke_time()),
            FromProtoTime(first->revoke_time()));
}

TEST_F(RetryTest, EveryChangeTakesARequestId) {
  // The contract, checked on the messages: each mutating RPC's request has
  // a request_id field (the client library fills it).
  const google::protobuf::ServiceDescriptor* service =
      v1::Ticket::descriptor()->file()->pool()->FindServiceByName(
          "hotline.v1.HotlineService");
  ASSERT_NE(service, nullptr);
  const std::vector<std::string> reads = {
      "GetTicket", "ListTickets", "ListTicketEvents", "GetDepartment",
      "ListDepartments", "ListTokens", "ListCards", "GetPolicy",
      "ListDailyReports", "WatchEvents", "GetStatistics",
      "GetDailyReportCompliance", "GetCaller", "ListDuplicateCandidates",
      "ListNotices", "GetAssessment", "ListCategories", "GetDispatchCatalogue",
      "SuggestDispatch", "GetCategoryStatistics", "GetHotspots",
      "DownloadAttachment", "ListSubscriptions", "GetSubscription",
      "ListDeliveries",
      // Copies the database and changes none of it.
      "CreateBackup"};
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* method = service->method(i);
    if (std::find(reads.begin(), reads.end(), method->name()) != reads.end()) {
      continue;
    }
    EXPECT_NE(method->input_type()->FindFieldByName("request_id"), nullptr)
        << method->name();
  }
}

}  // namespace
}  // namespace hotline
