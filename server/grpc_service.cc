#include "server/grpc_service.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/error_details.h"
#include "common/log.h"
#include "server/peer_identity.h"

namespace hotline {
namespace {

// The grpc::Status with the google.rpc.Status details (errors.proto) in
// its binary details.
grpc::Status WithDetails(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()),
                      ToRpcStatus(status).SerializeAsString());
}

grpc::Status ToGrpcStatus(const absl::Status& status, const char* method) {
  if (status.ok()) return grpc::Status::OK;
  // Internal failures are logged in full; the caller gets no SQL or paths.
  if (status.code() == absl::StatusCode::kDataLoss) {
    // Not retryable: the same call would meet the same damage.
    LogError(absl::StrFormat("%s failed: %s", method, status.ToString()));
    return WithDetails(WithReason(
        absl::DataLossError("the server's database file is damaged; the "
                            "operator must restore it from a backup (the "
                            "server log has the details)"),
        v1::DATABASE_DAMAGED));
  }
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown) {
    LogError(absl::StrFormat("%s failed: %s", method, status.ToString()));
    return WithDetails(WithReason(
        absl::Status(status.code(),
                     "internal error; the server log has the details"),
        v1::INTERNAL_ERROR));
  }
  return WithDetails(status);
}

// The call's bearer token and verified client certificate identities.
CallCredentials CredentialsOf(const grpc::CallbackServerContext* context) {
  CallCredentials credentials;
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    credentials.authorization.assign(it->second.data(), it->second.size());
  }
  credentials.certificate_identities =
      CertificateIdentitiesOf(context->auth_context().get());
  return credentials;
}

// A stream refused before it began.
class RefusedStream final : public grpc::ServerWriteReactor<v1::Event> {
 public:
  explicit RefusedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<v1::Event>* HotlineGrpcService::WatchEvents(
    grpc::CallbackServerContext* context,
    const v1::WatchEventsRequest* request) {
  absl::StatusOr<Principal> principal =
      authenticator_->Authenticate(CredentialsOf(context));
  LogInfo(absl::StrFormat("call WatchEvents principal=%s code=%s",
                          principal.ok() ? principal->ToString() : "-",
                          absl::StatusCodeToString(principal.status().code())));
  if (!principal.ok()) {
    return new RefusedStream(ToGrpcStatus(principal.status(), "WatchEvents"));
  }
  return feed_->Watch(context, *principal, *request);
}

template <typename Response, typename Body>
grpc::ServerUnaryReactor* HotlineGrpcService::Serve(
    grpc::CallbackServerContext* context, const char* method,
    Response* response, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time start = absl::Now();
  absl::StatusOr<Principal> principal =
      authenticator_->Authenticate(CredentialsOf(context));
  const std::string who = principal.ok() ? principal->ToString() : "-";
  auto finish = [reactor, response, method, start,
                 who](absl::StatusOr<Response> result) {
    if (result.ok()) *response = *std::move(result);
    const absl::Status& status = result.status();
    LogInfo(absl::StrFormat("call %s principal=%s code=%s latency_us=%d",
                            method, who,
                            absl::StatusCodeToString(status.code()),
                            absl::ToInt64Microseconds(absl::Now() - start)));
    reactor->Finish(ToGrpcStatus(status, method));
  };
  if (!principal.ok()) {
    finish(principal.status());
  } else {
    body(*principal, std::move(finish));
  }
  return reactor;
}

#define HOTLINE_ASYNC(Method, Service, Request, Response)                 \
  grpc::ServerUnaryReactor* HotlineGrpcService::Method(                   \
      grpc::CallbackServerContext* context, const Request* request,       \
      Response* response) {                                               \
    return Serve(context, #Method, response,                              \
                 [this, request](const Principal& principal, auto done) { \
                   Service->Method(principal, *request, std::move(done)); \
                 });                                                      \
  }

#define HOTLINE_SYNC(Method, Service, Request, Response)                  \
  grpc::ServerUnaryReactor* HotlineGrpcService::Method(                   \
      grpc::CallbackServerContext* context, const Request* request,       \
      Response* response) {                                               \
    return Serve(context, #Method, response,                              \
                 [this, request](const Principal& principal, auto done) { \
                   done(Service->Method(principal, *request));            \
                 });                                                      \
  }

HOTLINE_ASYNC(CreateTicket, tickets_, v1::CreateTicketRequest, v1::Ticket)
HOTLINE_SYNC(GetTicket, tickets_, v1::GetTicketRequest, v1::Ticket)
HOTLINE_SYNC(ListTickets, tickets_, v1::ListTicketsRequest,
             v1::ListTicketsResponse)
HOTLINE_ASYNC(DispatchTicket, tickets_, v1::DispatchTicketRequest, v1::Ticket)
HOTLINE_ASYNC(AcknowledgeTicket, tickets_, v1::AcknowledgeTicketRequest,
              v1::Ticket)
HOTLINE_ASYNC(ReturnTicket, tickets_, v1::ReturnTicketRequest, v1::Ticket)
HOTLINE_ASYNC(ReplyTicket, tickets_, v1::ReplyTicketRequest, v1::Ticket)
HOTLINE_ASYNC(CloseTicket, tickets_, v1::CloseTicketRequest, v1::Ticket)
HOTLINE_ASYNC(ReopenTicket, tickets_, v1::ReopenTicketRequest, v1::Ticket)
HOTLINE_SYNC(ListTicketEvents, tickets_, v1::ListTicketEventsRequest,
             v1::ListTicketEventsResponse)
HOTLINE_ASYNC(CreateDepartment, admin_, v1::CreateDepartmentRequest,
              v1::Department)
HOTLINE_SYNC(GetDepartment, admin_, v1::GetDepartmentRequest, v1::Department)
HOTLINE_SYNC(ListDepartments, admin_, v1::ListDepartmentsRequest,
             v1::ListDepartmentsResponse)
HOTLINE_ASYNC(CreateToken, admin_, v1::CreateTokenRequest, v1::Token)
HOTLINE_SYNC(ListTokens, admin_, v1::ListTokensRequest, v1::ListTokensResponse)
HOTLINE_ASYNC(RevokeToken, admin_, v1::RevokeTokenRequest, v1::Token)

HOTLINE_ASYNC(RequestExtension, tickets_, v1::RequestExtensionRequest,
              v1::Ticket)
HOTLINE_ASYNC(ApproveExtension, tickets_, v1::ApproveExtensionRequest,
              v1::Ticket)
HOTLINE_ASYNC(RejectExtension, tickets_, v1::RejectExtensionRequest, v1::Ticket)
HOTLINE_SYNC(ListCards, cards_, v1::ListCardsRequest, v1::ListCardsResponse)
HOTLINE_ASYNC(IssueCard, cards_, v1::IssueCardRequest, v1::Card)
HOTLINE_ASYNC(RevokeCard, cards_, v1::RevokeCardRequest, v1::Card)
HOTLINE_SYNC(GetPolicy, admin_, v1::GetPolicyRequest, v1::Policy)
HOTLINE_ASYNC(SubmitDailyReport, reports_, v1::SubmitDailyReportRequest,
              v1::SubmitDailyReportResponse)
HOTLINE_SYNC(ListDailyReports, reports_, v1::ListDailyReportsRequest,
             v1::ListDailyReportsResponse)
HOTLINE_SYNC(GetStatistics, statistics_, v1::GetStatisticsRequest,
             v1::Statistics)
HOTLINE_SYNC(GetDailyReportCompliance, reports_,
             v1::GetDailyReportComplianceRequest, v1::DailyReportCompliance)

// The sweep runs on the admin service's own thread; it stops between
// batches once the caller has gone or its deadline is near.
grpc::ServerUnaryReactor* HotlineGrpcService::AdvanceClock(
    grpc::CallbackServerContext* context,
    const v1::AdvanceClockRequest* request,
    v1::AdvanceClockResponse* response) {
  CallLimits call;
  if (context->deadline() != std::chrono::system_clock::time_point::max()) {
    call.deadline = absl::FromChrono(context->deadline());
  }
  call.cancelled = [context] { return context->IsCancelled(); };
  return Serve(context, "AdvanceClock", response,
               [this, request, call](const Principal& principal, auto done) {
                 admin_->AdvanceClock(principal, *request, call,
                                      std::move(done));
               });
}

#undef HOTLINE_ASYNC
#undef HOTLINE_SYNC

}  // namespace hotline
