// Errors a program can read (proto/hotline/v1/errors.proto): every refusal
// carries a reason and the metadata the proto documents for it, read back by
// the real client library from the real server; a raw gRPC status carries
// the same as a google.rpc.Status; and the details survive the wire form.
#include "common/error_details.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "hotline/v1/hotline_service.grpc.pb.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Ticket;

// The reason's name and the metadata, for failure messages.
std::string Describe(const absl::Status& status) {
  std::string out = status.ToString();
  if (auto info = ErrorInfoOf(status)) {
    absl::StrAppend(&out, " [", info->reason());
    for (const auto& [key, value] : info->metadata()) {
      absl::StrAppend(&out, " ", key, "=", value);
    }
    absl::StrAppend(&out, "]");
  }
  return out;
}

#define EXPECT_REFUSAL(status, expected_code, expected_reason)          \
  do {                                                                  \
    EXPECT_EQ((status).code(), (expected_code)) << Describe(status);    \
    EXPECT_EQ(ReasonOf(status), (expected_reason)) << Describe(status); \
  } while (false)

TEST(ErrorDetailsRoundTrip, TheWireFormKeepsCodeMessageReasonFieldsAndDelay) {
  absl::Status status = WithReason(
      absl::FailedPreconditionError("tickets/7 is CLOSED"), v1::TICKET_STATE,
      {{"ticket", "tickets/7"}, {"state", "CLOSED"}});
  status = WithFieldViolation(status, "ticket.title", "required");
  status = WithRetryDelay(status, absl::Milliseconds(1500));
  const google::rpc::Status wire = ToRpcStatus(status);
  EXPECT_EQ(wire.code(),
            static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(wire.message(), "tickets/7 is CLOSED");
  ASSERT_EQ(wire.details_size(), 3);
  // Through bytes, as a client in any language gets it.
  google::rpc::Status parsed;
  ASSERT_TRUE(parsed.ParseFromString(wire.SerializeAsString()));
  const absl::Status back = FromRpcStatus(parsed);
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(back.message(), "tickets/7 is CLOSED");
  EXPECT_EQ(ReasonOf(back), v1::TICKET_STATE);
  EXPECT_EQ(ErrorMetadataOf(back, "ticket"), "tickets/7");
  EXPECT_EQ(ErrorMetadataOf(back, "state"), "CLOSED");
  EXPECT_EQ(ErrorInfoOf(back)->domain(), kErrorDomain);
  ASSERT_EQ(FieldViolationsOf(back).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(back)[0].field(), "ticket.title");
  EXPECT_EQ(RetryDelayOf(back), absl::Milliseconds(1500));

  // A status without a reason gets the code's default on the wire.
  const absl::Status bare =
      FromRpcStatus(ToRpcStatus(absl::NotFoundError("x")));
  EXPECT_EQ(ReasonOf(bare), v1::NOT_FOUND);
  EXPECT_TRUE(FieldViolationsOf(bare).empty());
  EXPECT_FALSE(RetryDelayOf(bare).has_value());
  // A field violation alone means INVALID_FIELD.
  EXPECT_EQ(ReasonOf(InvalidFieldError("page_token", "bad")),
            v1::INVALID_FIELD);
  // A new message keeps the details with CopyDetails.
  const absl::Status rewrapped =
      CopyDetails(status, absl::FailedPreconditionError("another message"));
  EXPECT_EQ(ReasonOf(rewrapped), v1::TICKET_STATE);
  EXPECT_EQ(RetryDelayOf(rewrapped), absl::Milliseconds(1500));
  EXPECT_TRUE(ToRpcStatus(absl::OkStatus()).details().empty());
}

class ErrorDetailsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
    intake_ = Connect(CreateToken("intake/city"));
    // A working Monday.
    AdvanceTo(Beijing(2021, 3, 1, 9));
  }

  // A ticket dispatched to housing and signed for.
  Ticket InProgress() {
    Ticket ticket = CreateTicket("housing");
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(ticket.name());
    absl::StatusOr<Ticket> acked = housing_->AcknowledgeTicket(ack);
    EXPECT_TRUE(acked.ok()) << acked.status();
    return acked.ok() ? *acked : ticket;
  }

  absl::Status AskForExtension(const std::string& name, int days = 3) {
    v1::RequestExtensionRequest ask;
    ask.set_name(name);
    ask.set_working_days(days);
    ask.set_reason("需现场勘查");
    return housing_->RequestExtension(ask).status();
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> market_;
  std::unique_ptr<Client> intake_;
};

TEST_F(ErrorDetailsTest, AStepInTheWrongStateNamesTheStateAndTheStatesNeeded) {
  const Ticket ticket = CreateTicket();
  v1::CloseTicketRequest close;
  close.set_name(ticket.name());
  close.set_satisfaction(Ticket::SATISFIED);
  const absl::Status refused = bureau().CloseTicket(close).status();
  EXPECT_REFUSAL(refused, absl::StatusCode::kFailedPrecondition,
                 v1::TICKET_STATE);
  EXPECT_EQ(ErrorMetadataOf(refused, "ticket"), ticket.name());
  EXPECT_EQ(ErrorMetadataOf(refused, "state"), "RECEIVED");
  EXPECT_EQ(ErrorMetadataOf(refused, "allowed_states"), "REPLIED");
  EXPECT_EQ(ErrorMetadataOf(refused, "method"), "CloseTicket");

  v1::ReturnTicketRequest give_back;
  give_back.set_name(ticket.name());
  give_back.set_reason("非本单位职责");
  const absl::Status returned = bureau().ReturnTicket(give_back).status();
  EXPECT_EQ(ErrorMetadataOf(returned, "allowed_states"),
            "DISPATCHED,IN_PROGRESS");
}

TEST_F(ErrorDetailsTest, AStaleEtagNamesTheCurrentOne) {
  const Ticket ticket = CreateTicket();
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(ticket.name());
  dispatch.set_department("departments/housing");
  dispatch.set_etag("stale");
  const absl::Status refused = bureau().DispatchTicket(dispatch).status();
  EXPECT_REFUSAL(refused, absl::StatusCode::kAborted, v1::ETAG_MISMATCH);
  EXPECT_EQ(ErrorMetadataOf(refused, "ticket"), ticket.name());
  EXPECT_EQ(ErrorMetadataOf(refused, "etag"), "stale");
  EXPECT_EQ(ErrorMetadataOf(refused, "current_etag"), ticket.etag());
  // The etag it names works.
  dispatch.set_etag(ErrorMetadataOf(refused, "current_etag"));
  EXPECT_TRUE(bureau().DispatchTicket(dispatch).ok());
}

TEST_F(ErrorDetailsTest, DispatchingToTheHolderIsAlreadyAssigned) {
  const Ticket ticket = CreateTicket("housing");
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(ticket.name());
  dispatch.set_department("departments/housing");
  const absl::Status refused = bureau().DispatchTicket(dispatch).status();
  EXPECT_REFUSAL(refused, absl::StatusCode::kFailedPrecondition,
                 v1::ALREADY_ASSIGNED);
  EXPECT_EQ(ErrorMetadataOf(refused, "ticket"), ticket.name());
  EXPECT_EQ(ErrorMetadataOf(refused, "department"), "departments/housing");
}

TEST_F(ErrorDetailsTest, AReturnAfterTheWindowNamesWhenItClosed) {
  const Ticket ticket = CreateTicket("housing");
  ASSERT_TRUE(ticket.has_return_due_at());
  AdvanceTo(FromProtoTime(ticket.return_due_at()) + absl::Minutes(1));
  v1::ReturnTicketRequest give_back;
  give_back.set_name(ticket.name());
  give_back.set_reason("非本单位职责");
  const absl::Status refused = housing_->ReturnTicket(give_back).status();
  EXPECT_REFUSAL(refused, absl::StatusCode::kFailedPrecondition,
                 v1::RETURN_WINDOW_CLOSED);
  EXPECT_EQ(ErrorMetadataOf(refused, "ticket"), ticket.name());
  EXPECT_EQ(ErrorMetadataOf(refused, "return_due_at"),
            FormatRfc3339(ticket.return_due_at()));
}

TEST_F(ErrorDetailsTest, ExtensionRefusalsSayWhichRuleStoodInTheWay) {
  const Ticket ticket = InProgress();
  v1::RejectExtensionRequest reject;
  reject.set_name(ticket.name());
  reject.set_reason("按期答复");
  const absl::Status none = bureau().RejectExtension(reject).status();
  EXPECT_REFUSAL(none, absl::StatusCode::kFailedPrecondition,
                 v1::EXTENSION_NOT_PENDING);
  EXPECT_EQ(ErrorMetadataOf(none, "ticket"), ticket.name());

  const absl::Status zero = AskForExtension(ticket.name(), 0);
  EXPECT_REFUSAL(zero, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELD);
  ASSERT_EQ(FieldViolationsOf(zero).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(zero)[0].field(), "working_days");

  // The default policy allows 3 extensions.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(AskForExtension(ticket.name()).ok()) << i;
    if (i == 0) {
      const absl::Status twice = AskForExtension(ticket.name());
      EXPECT_REFUSAL(twice, absl::StatusCode::kFailedPrecondition,
                     v1::EXTENSION_PENDING);
      EXPECT_EQ(ErrorMetadataOf(twice, "ticket"), ticket.name());
    }
    v1::ApproveExtensionRequest approve;
    approve.set_name(ticket.name());
    ASSERT_TRUE(bureau().ApproveExtension(approve).ok());
  }
  const absl::Status limit = AskForExtension(ticket.name());
  EXPECT_REFUSAL(limit, absl::StatusCode::kFailedPrecondition,
                 v1::EXTENSION_LIMIT);
  EXPECT_EQ(ErrorMetadataOf(limit, "ticket"), ticket.name());
  EXPECT_EQ(ErrorMetadataOf(limit, "extension_count"), "3");
  EXPECT_EQ(ErrorMetadataOf(limit, "extension_max_count"), "3");

  const Ticket late = InProgress();
  AdvanceTo(FromProtoTime(late.reply_due_at()) + absl::Minutes(1));
  const absl::Status too_late = AskForExtension(late.name());
  EXPECT_REFUSAL(too_late, absl::StatusCode::kFailedPrecondition,
                 v1::EXTENSION_TOO_LATE);
  EXPECT_EQ(ErrorMetadataOf(too_late, "ticket"), late.name());
  EXPECT_EQ(ErrorMetadataOf(too_late, "reply_due_at"),
            FormatRfc3339(late.reply_due_at()));
}

TEST_F(ErrorDetailsTest, ARequestIdReusedForAnotherRequestSaysSo) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.set_request_id("create-1");
  absl::StatusOr<Ticket> first = intake_->CreateTicket(create);
  ASSERT_TRUE(first.ok()) << first.status();
  create.mutable_ticket()->set_title("另一件事");
  const absl::Status reused = intake_->CreateTicket(create).status();
  EXPECT_REFUSAL(reused, absl::StatusCode::kInvalidArgument,
                 v1::REQUEST_ID_REUSED);
  EXPECT_EQ(ErrorMetadataOf(reused, "request_id"), "create-1");
  EXPECT_EQ(ErrorMetadataOf(reused, "method"), "CreateTicket");

  // Another method: the metadata names the method it was first used with.
  const Ticket one = CreateTicket("housing");
  const Ticket two = CreateTicket("housing");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(one.name());
  ack.set_request_id("ack-1");
  ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
  ack.set_name(two.name());
  const absl::Status ack_reused = housing_->AcknowledgeTicket(ack).status();
  EXPECT_REFUSAL(ack_reused, absl::StatusCode::kInvalidArgument,
                 v1::REQUEST_ID_REUSED);
  EXPECT_EQ(ErrorMetadataOf(ack_reused, "method"), "AcknowledgeTicket");
  v1::ReturnTicketRequest give_back;
  give_back.set_name(one.name());
  give_back.set_reason("非本单位职责");
  give_back.set_request_id("ack-1");
  const absl::Status other_method = housing_->ReturnTicket(give_back).status();
  EXPECT_REFUSAL(other_method, absl::StatusCode::kInvalidArgument,
                 v1::REQUEST_ID_REUSED);
  EXPECT_EQ(ErrorMetadataOf(other_method, "method"), "AcknowledgeTicket");
}

TEST_F(ErrorDetailsTest, AReSentSourceIdNamesTheTicketItAlreadyMade) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.mutable_ticket()->set_source_id("SZ-77");
  create.set_request_id("import-row-1");
  absl::StatusOr<Ticket> first = intake_->CreateTicket(create);
  ASSERT_TRUE(first.ok()) << first.status();
  // A retry of that very request (same request_id) gets the ticket.
  absl::StatusOr<Ticket> retry = intake_->CreateTicket(create);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), first->name());
  // The same row sent again as a new request, or without a request_id.
  for (const char* request_id : {"import-row-2", ""}) {
    create.set_request_id(request_id);
    const absl::Status again = intake_->CreateTicket(create).status();
    EXPECT_REFUSAL(again, absl::StatusCode::kAlreadyExists,
                   v1::DUPLICATE_SOURCE_ID);
    EXPECT_EQ(ErrorMetadataOf(again, "source_id"), "SZ-77");
    EXPECT_EQ(ErrorMetadataOf(again, "ticket"), first->name());
  }
  // Another intake source learns that it exists, not its name.
  std::unique_ptr<Client> other = Connect(CreateToken("intake/province"));
  create.clear_request_id();
  const absl::Status foreign = other->CreateTicket(create).status();
  EXPECT_REFUSAL(foreign, absl::StatusCode::kAlreadyExists, v1::ALREADY_EXISTS);
  EXPECT_EQ(ErrorMetadataOf(foreign, "ticket"), "");
  // Nothing new was made.
  absl::StatusOr<v1::ListTicketsResponse> all =
      bureau().ListTickets(v1::ListTicketsRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->tickets_size(), 1);
}

TEST_F(ErrorDetailsTest, WhoMayDoWhatIsNotYoursOrRoleNotAllowed) {
  const Ticket ticket = CreateTicket("housing");
  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  const absl::Status foreign = market_->GetTicket(get).status();
  EXPECT_REFUSAL(foreign, absl::StatusCode::kPermissionDenied, v1::NOT_YOURS);
  EXPECT_EQ(ErrorMetadataOf(foreign, "principal"), "department/market");
  EXPECT_EQ(ErrorMetadataOf(foreign, "resource"), ticket.name());

  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(ticket.name());
  dispatch.set_department("departments/market");
  const absl::Status role = housing_->DispatchTicket(dispatch).status();
  EXPECT_REFUSAL(role, absl::StatusCode::kPermissionDenied,
                 v1::ROLE_NOT_ALLOWED);
  EXPECT_EQ(ErrorMetadataOf(role, "principal"), "department/housing");
  EXPECT_EQ(ErrorMetadataOf(role, "method"), "DispatchTicket");

  get.set_name("tickets/999");
  const absl::Status missing = bureau().GetTicket(get).status();
  EXPECT_REFUSAL(missing, absl::StatusCode::kNotFound, v1::NOT_FOUND);
  EXPECT_EQ(ErrorMetadataOf(missing, "resource"), "tickets/999");
}

TEST_F(ErrorDetailsTest, AnInvalidFieldIsNamedByItsPath) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.mutable_ticket()->set_title("  ");
  const absl::Status untitled = intake_->CreateTicket(create).status();
  EXPECT_REFUSAL(untitled, absl::StatusCode::kInvalidArgument,
                 v1::INVALID_FIELD);
  ASSERT_EQ(FieldViolationsOf(untitled).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(untitled)[0].field(), "ticket.title");
  EXPECT_FALSE(FieldViolationsOf(untitled)[0].description().empty());

  v1::ListTicketsRequest list;
  list.set_page_token("not-a-token");
  const absl::Status token = bureau().ListTickets(list).status();
  EXPECT_REFUSAL(token, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELD);
  ASSERT_EQ(FieldViolationsOf(token).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(token)[0].field(), "page_token");

  list.clear_page_token();
  list.set_filter("state = ");
  const absl::Status filter = bureau().ListTickets(list).status();
  ASSERT_EQ(FieldViolationsOf(filter).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(filter)[0].field(), "filter");
}

TEST_F(ErrorDetailsTest, AReportForAnEndedDayOrADayOffSaysWhichDay) {
  const Ticket ticket = InProgress();
  auto report = [&](const std::string& date) {
    v1::SubmitDailyReportRequest request;
    request.set_date(date);
    auto* entry = request.add_entries();
    entry->set_ticket(ticket.name());
    entry->set_progress("正在办理");
    return housing_->SubmitDailyReport(request).status();
  };
  const absl::Status ended = report("2021-02-26");
  EXPECT_REFUSAL(ended, absl::StatusCode::kFailedPrecondition,
                 v1::REPORT_DAY_ENDED);
  EXPECT_EQ(ErrorMetadataOf(ended, "date"), "2021-02-26");
  // Saturday 2021-03-06 is a day off.
  AdvanceTo(Beijing(2021, 3, 6, 10));
  const absl::Status day_off = report("2021-03-06");
  EXPECT_REFUSAL(day_off, absl::StatusCode::kFailedPrecondition,
                 v1::NOT_A_WORKING_DAY);
  EXPECT_EQ(ErrorMetadataOf(day_off, "date"), "2021-03-06");
}

TEST_F(ErrorDetailsTest, TheLastBureauTokenNamesItself) {
  absl::StatusOr<v1::ListTokensResponse> tokens =
      bureau().ListTokens(v1::ListTokensRequest());
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  std::string bureau_token;
  for (const v1::Token& token : tokens->tokens()) {
    if (token.principal() == "bureau") bureau_token = token.name();
  }
  ASSERT_FALSE(bureau_token.empty());
  v1::RevokeTokenRequest revoke;
  revoke.set_name(bureau_token);
  const absl::Status refused = bureau().RevokeToken(revoke).status();
  EXPECT_REFUSAL(refused, absl::StatusCode::kFailedPrecondition,
                 v1::LAST_BUREAU_TOKEN);
  EXPECT_EQ(ErrorMetadataOf(refused, "token"), bureau_token);
}

TEST_F(ErrorDetailsTest, AdvanceClockOnTheRealClockIsNotInRehearsal) {
  ServerOptions options = options_;
  options.listen_address = "127.0.0.1:0";
  options.store.path = dir_.File("real-clock.db");
  const std::string token =
      testing::BootstrapToken(options.store.path, "bureau");
  RealClock clock;
  absl::StatusOr<std::unique_ptr<HotlineServer>> real =
      HotlineServer::Start(options, &clock);
  ASSERT_TRUE(real.ok()) << real.status();
  std::unique_ptr<Client> client =
      testing::ConnectTo((*real)->address(), token);
  v1::AdvanceClockRequest advance;
  advance.mutable_by()->set_seconds(60);
  const absl::Status refused = client->AdvanceClock(advance).status();
  EXPECT_REFUSAL(refused, absl::StatusCode::kFailedPrecondition,
                 v1::NOT_IN_REHEARSAL);
  (*real)->Shutdown(absl::Seconds(5));
}

TEST_F(ErrorDetailsTest, WatchingBeyondTheLatestEventSaysWhereToResumeFrom) {
  const Ticket ticket = CreateTicket("housing");
  const std::vector<v1::Event> history = History(ticket.name());
  ASSERT_FALSE(history.empty());
  const int64_t latest = history.back().seq();
  v1::WatchEventsRequest request;
  request.set_after_seq(latest + 1000);
  WatchControl control;
  const absl::Status refused = bureau().Watch(
      request, [](const v1::Event&) { return absl::OkStatus(); }, &control);
  EXPECT_REFUSAL(refused, absl::StatusCode::kFailedPrecondition,
                 v1::RESUME_FROM);
  EXPECT_EQ(ErrorMetadataOf(refused, "after_seq"), absl::StrCat(latest + 1000));
  EXPECT_EQ(ErrorMetadataOf(refused, "latest_seq"), absl::StrCat(latest));
}

// A raw gRPC stub, as a client in another language sees the service.
class RawErrorDetailsTest : public ErrorDetailsTest {
 protected:
  std::unique_ptr<v1::HotlineService::Stub> Stub() {
    return v1::HotlineService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
  }
  void Authorize(grpc::ClientContext& context, const std::string& token) {
    context.AddMetadata("authorization", "Bearer " + token);
    // Generous: the streams below end by the server's doing, not this.
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(60));
  }
};

TEST_F(RawErrorDetailsTest, TheTrailerHoldsAGoogleRpcStatusLikeTheStatus) {
  std::unique_ptr<v1::HotlineService::Stub> stub = Stub();
  grpc::ClientContext context;
  Authorize(context, bureau_token_);
  v1::GetTicketRequest get;
  get.set_name("tickets/41");
  Ticket ticket;
  const grpc::Status status = stub->GetTicket(&context, get, &ticket);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(status.error_code()));
  EXPECT_EQ(details.message(), status.error_message());
  ASSERT_GE(details.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.domain(), "hotline.v1");
  EXPECT_EQ(info.reason(), "NOT_FOUND");
  EXPECT_EQ(info.metadata().at("resource"), "tickets/41");

  // A request that does not parse (not UTF-8) names the field too.
  grpc::ClientContext create_context;
  Authorize(create_context, bureau_token_);
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.mutable_ticket()->set_title("\xff\xfe");
  const grpc::Status unparsed =
      stub->CreateTicket(&create_context, create, &ticket);
  ASSERT_EQ(unparsed.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << unparsed.error_message();
  google::rpc::Status unparsed_details;
  ASSERT_TRUE(unparsed_details.ParseFromString(unparsed.error_details()));
  EXPECT_EQ(unparsed_details.message(), unparsed.error_message());
  const absl::Status read = FromRpcStatus(unparsed_details);
  EXPECT_EQ(ReasonOf(read), v1::INVALID_FIELD);
  ASSERT_EQ(FieldViolationsOf(read).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(read)[0].field(), "ticket.title");
}

TEST_F(RawErrorDetailsTest, StreamsEndedByTheServerSayWhereToResume) {
  CreateTicket("housing");
  const std::string secret = CreateToken("department/housing");
  std::unique_ptr<v1::HotlineService::Stub> stub = Stub();
  // Revocation ends the stream with TOKEN_REVOKED.
  {
    grpc::ClientContext context;
    Authorize(context, secret);
    std::unique_ptr<grpc::ClientReader<v1::Event>> reader =
        stub->WatchEvents(&context, v1::WatchEventsRequest());
    reader->WaitForInitialMetadata();
    v1::Event event;
    ASSERT_TRUE(reader->Read(&event));  // DISPATCHED: its part
    int64_t last = event.seq();
    absl::StatusOr<v1::ListTokensResponse> tokens =
        bureau().ListTokens(v1::ListTokensRequest());
    ASSERT_TRUE(tokens.ok());
    v1::RevokeTokenRequest revoke;
    revoke.set_name(tokens->tokens().rbegin()[0].name());
    ASSERT_TRUE(bureau().RevokeToken(revoke).ok());
    while (reader->Read(&event)) last = event.seq();
    const grpc::Status ended = reader->Finish();
    EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    google::rpc::Status details;
    ASSERT_TRUE(details.ParseFromString(ended.error_details()));
    const absl::Status read = FromRpcStatus(details);
    EXPECT_EQ(ReasonOf(read), v1::TOKEN_REVOKED) << Describe(read);
    EXPECT_EQ(ErrorMetadataOf(read, "after_seq"), absl::StrCat(last));
    EXPECT_EQ(ErrorMetadataOf(read, "token"), revoke.name());
  }
  // Shutdown ends it with SERVER_UNAVAILABLE and a retry delay.
  grpc::ClientContext context;
  Authorize(context, bureau_token_);
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader =
      stub->WatchEvents(&context, v1::WatchEventsRequest());
  reader->WaitForInitialMetadata();
  v1::Event event;
  int64_t last = 0;
  ASSERT_TRUE(reader->Read(&event));
  last = event.seq();
  std::thread stopper([this] { StopServer(); });
  while (reader->Read(&event)) last = event.seq();
  const grpc::Status ended = reader->Finish();
  stopper.join();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(ended.error_details()))
      << ended.error_message();
  const absl::Status read = FromRpcStatus(details);
  EXPECT_EQ(ReasonOf(read), v1::SERVER_UNAVAILABLE) << Describe(read);
  EXPECT_EQ(ErrorMetadataOf(read, "after_seq"), absl::StrCat(last));
  EXPECT_TRUE(RetryDelayOf(read).has_value());
}

}  // namespace
}  // namespace hotline
