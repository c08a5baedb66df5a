#include "server/grpc_service.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/error_details.h"
#include "common/log.h"
#include "server/access_log.h"
#include "server/call_context.h"
#include "server/grpc_status.h"
#include "server/peer_identity.h"

namespace hotline {
namespace {

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
  CallRecord call = BeginCall(PeerOf(context), "WatchEvents", *request);
  absl::StatusOr<Principal> principal =
      authenticator_->Authenticate(CredentialsOf(context));
  if (principal.ok()) NotePrincipal(call, *principal);
  LogStreamStart(call);
  Metrics* metrics = metrics_;
  auto done = [call, metrics](const grpc::Status& status, int64_t events) {
    LogStreamEnd(call, status, events);
    if (metrics != nullptr) {
      metrics->RecordStreamEnd(
          "WatchEvents", static_cast<absl::StatusCode>(status.error_code()));
    }
  };
  if (!principal.ok()) {
    grpc::Status status = ToGrpcStatus(principal.status(), "WatchEvents");
    done(status, 0);
    return new RefusedStream(status);
  }
  return feed_->Watch(context, *principal, *request, std::move(done));
}

namespace {

// One unary call in flight. Run(true) serves it on the gRPC thread that
// received it, with reads that give up rather than wait for a store
// connection; if one would have waited, nothing was done (reads come before
// any commit) and the call runs again on the executor, where waiting is
// allowed.
template <typename Response, typename Body>
struct UnaryCall : std::enable_shared_from_this<UnaryCall<Response, Body>> {
  explicit UnaryCall(Body b) : body(std::move(b)) {}

  const Authenticator* authenticator;
  Metrics* metrics;
  Executor* executor;
  grpc::ServerUnaryReactor* reactor;
  Response* response;
  const char* method;
  CallRecord call;
  CallCredentials credentials;
  Body body;

  void Run(bool on_grpc_thread) {
    std::optional<storage::NonBlockingReads> non_blocking;
    if (on_grpc_thread) non_blocking.emplace();
    auto self = this->shared_from_this();
    absl::StatusOr<Principal> principal =
        authenticator->Authenticate(credentials);
    if (on_grpc_thread && storage::WouldBlock(principal.status())) {
      return Again();
    }
    CallRecord record = call;
    if (principal.ok()) NotePrincipal(record, *principal);
    auto finish = [self, record,
                   on_grpc_thread](absl::StatusOr<Response> result) {
      if (on_grpc_thread && storage::WouldBlock(result.status())) {
        return self->Again();
      }
      if (result.ok()) *self->response = *std::move(result);
      const grpc::Status status = ToGrpcStatus(result.status(), self->method);
      const absl::Duration latency = LogCall(record, status);
      if (self->metrics != nullptr) {
        self->metrics->RecordCall(self->method, result.status().code(),
                                  latency);
      }
      self->reactor->Finish(status);
    };
    if (!principal.ok()) {
      finish(principal.status());
    } else {
      body(*principal, std::move(finish));
    }
  }

  void Again() {
    auto self = this->shared_from_this();
    executor->Post([self] { self->Run(false); });
  }
};

}  // namespace

template <typename Response, typename Body>
grpc::ServerUnaryReactor* HotlineGrpcService::Serve(
    grpc::CallbackServerContext* context, const char* method,
    const google::protobuf::Message& request, Response* response, Body body,
    bool may_wait) {
  auto call = std::make_shared<UnaryCall<Response, Body>>(std::move(body));
  call->authenticator = authenticator_;
  call->metrics = metrics_;
  call->executor = executor_;
  call->reactor = context->DefaultReactor();
  call->response = response;
  call->method = method;
  call->call = BeginCall(PeerOf(context), method, request);
  call->credentials = CredentialsOf(context);
  if (may_wait) {
    // A body that may wait on purpose (a lock, a commit) runs where it may.
    executor_->Post([call] { call->Run(false); });
  } else {
    call->Run(true);
  }
  return call->reactor;
}

#define HOTLINE_ASYNC(Method, Service, Request, Response)                 \
  grpc::ServerUnaryReactor* HotlineGrpcService::Method(                   \
      grpc::CallbackServerContext* context, const Request* request,       \
      Response* response) {                                               \
    return Serve(context, #Method, *request, response,                    \
                 [this, request](const Principal& principal, auto done) { \
                   Service->Method(principal, *request, std::move(done)); \
                 });                                                      \
  }

#define HOTLINE_SYNC(Method, Service, Request, Response)                  \
  grpc::ServerUnaryReactor* HotlineGrpcService::Method(                   \
      grpc::CallbackServerContext* context, const Request* request,       \
      Response* response) {                                               \
    return Serve(context, #Method, *request, response,                    \
                 [this, request](const Principal& principal, auto done) { \
                   done(Service->Method(principal, *request));            \
                 });                                                      \
  }

HOTLINE_ASYNC(CreateTicket, tickets_, v1::CreateTicketRequest, v1::Ticket)
HOTLINE_ASYNC(ReleaseAttachment, tickets_, v1::ReleaseAttachmentRequest,
              v1::Attachment)

grpc::ServerReadReactor<v1::UploadAttachmentRequest>*
HotlineGrpcService::UploadAttachment(grpc::CallbackServerContext* context,
                                     v1::Attachment* response) {
  return StartUpload({authenticator_, tickets_, executor_, metrics_}, context,
                     response);
}

grpc::ServerWriteReactor<v1::AttachmentChunk>*
HotlineGrpcService::DownloadAttachment(
    grpc::CallbackServerContext* context,
    const v1::DownloadAttachmentRequest* request) {
  return StartDownload({authenticator_, tickets_, executor_, metrics_}, context,
                       request);
}
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
// Waits for its commit under a lock (one revocation at a time).
grpc::ServerUnaryReactor* HotlineGrpcService::RevokeToken(
    grpc::CallbackServerContext* context, const v1::RevokeTokenRequest* request,
    v1::Token* response) {
  return Serve(
      context, "RevokeToken", *request, response,
      [this, request](const Principal& principal, auto done) {
        admin_->RevokeToken(principal, *request, std::move(done));
      },
      /*may_wait=*/true);
}

HOTLINE_ASYNC(RequestExtension, tickets_, v1::RequestExtensionRequest,
              v1::Ticket)
HOTLINE_ASYNC(ApproveExtension, tickets_, v1::ApproveExtensionRequest,
              v1::Ticket)
HOTLINE_ASYNC(RejectExtension, tickets_, v1::RejectExtensionRequest, v1::Ticket)
HOTLINE_ASYNC(RefuseReturn, tickets_, v1::RefuseReturnRequest, v1::Ticket)
HOTLINE_ASYNC(RequestSuspension, tickets_, v1::RequestSuspensionRequest,
              v1::Ticket)
HOTLINE_ASYNC(ApproveSuspension, tickets_, v1::ApproveSuspensionRequest,
              v1::Ticket)
HOTLINE_ASYNC(RejectSuspension, tickets_, v1::RejectSuspensionRequest,
              v1::Ticket)
HOTLINE_ASYNC(ResumeTicket, tickets_, v1::ResumeTicketRequest, v1::Ticket)
HOTLINE_ASYNC(SubmitFinalAnswer, tickets_, v1::SubmitFinalAnswerRequest,
              v1::Ticket)
HOTLINE_ASYNC(ApproveFinalAnswer, tickets_, v1::ApproveFinalAnswerRequest,
              v1::Ticket)
HOTLINE_ASYNC(RejectFinalAnswer, tickets_, v1::RejectFinalAnswerRequest,
              v1::Ticket)
HOTLINE_ASYNC(CloseByFinalAnswer, tickets_, v1::CloseByFinalAnswerRequest,
              v1::Ticket)
HOTLINE_ASYNC(MergeTicket, tickets_, v1::MergeTicketRequest, v1::Ticket)
HOTLINE_ASYNC(UnmergeTicket, tickets_, v1::UnmergeTicketRequest, v1::Ticket)
HOTLINE_SYNC(ListDuplicateCandidates, tickets_,
             v1::ListDuplicateCandidatesRequest,
             v1::ListDuplicateCandidatesResponse)
HOTLINE_ASYNC(LinkTickets, tickets_, v1::LinkTicketsRequest, v1::Ticket)
HOTLINE_ASYNC(UnlinkTickets, tickets_, v1::UnlinkTicketsRequest, v1::Ticket)
HOTLINE_ASYNC(AddAssistingDepartment, tickets_,
              v1::AddAssistingDepartmentRequest, v1::Ticket)
HOTLINE_ASYNC(RemoveAssistingDepartment, tickets_,
              v1::RemoveAssistingDepartmentRequest, v1::Ticket)
HOTLINE_ASYNC(AcknowledgeAssist, tickets_, v1::AcknowledgeAssistRequest,
              v1::Ticket)
HOTLINE_ASYNC(ReturnAssist, tickets_, v1::ReturnAssistRequest, v1::Ticket)
HOTLINE_ASYNC(AcceptReply, tickets_, v1::AcceptReplyRequest, v1::Ticket)
HOTLINE_ASYNC(SendBackReply, tickets_, v1::SendBackReplyRequest, v1::Ticket)
HOTLINE_ASYNC(IssueNotice, tickets_, v1::IssueNoticeRequest, v1::Ticket)
HOTLINE_ASYNC(AcknowledgeNotice, tickets_, v1::AcknowledgeNoticeRequest,
              v1::Ticket)
HOTLINE_ASYNC(AnswerNotice, tickets_, v1::AnswerNoticeRequest, v1::Ticket)
HOTLINE_ASYNC(RecordCallback, tickets_, v1::RecordCallbackRequest, v1::Ticket)
HOTLINE_ASYNC(AppealRating, tickets_, v1::AppealRatingRequest, v1::Ticket)
HOTLINE_ASYNC(DecideAppeal, tickets_, v1::DecideAppealRequest, v1::Ticket)
HOTLINE_SYNC(ListNotices, tickets_, v1::ListNoticesRequest,
             v1::ListNoticesResponse)
HOTLINE_ASYNC(SubmitAssistOpinion, tickets_, v1::SubmitAssistOpinionRequest,
              v1::Ticket)
HOTLINE_SYNC(ListCards, cards_, v1::ListCardsRequest, v1::ListCardsResponse)
HOTLINE_ASYNC(IssueCard, cards_, v1::IssueCardRequest, v1::Card)
HOTLINE_ASYNC(RevokeCard, cards_, v1::RevokeCardRequest, v1::Card)
HOTLINE_SYNC(GetPolicy, admin_, v1::GetPolicyRequest, v1::Policy)
HOTLINE_SYNC(GetCaller, admin_, v1::GetCallerRequest, v1::Caller)
HOTLINE_ASYNC(SubmitDailyReport, reports_, v1::SubmitDailyReportRequest,
              v1::SubmitDailyReportResponse)
HOTLINE_SYNC(ListDailyReports, reports_, v1::ListDailyReportsRequest,
             v1::ListDailyReportsResponse)
HOTLINE_SYNC(GetAssessment, statistics_, v1::GetAssessmentRequest,
             v1::Assessment)
HOTLINE_SYNC(GetStatistics, statistics_, v1::GetStatisticsRequest,
             v1::Statistics)
HOTLINE_SYNC(GetCategoryStatistics, statistics_,
             v1::GetCategoryStatisticsRequest, v1::CategoryStatistics)
HOTLINE_SYNC(GetHotspots, statistics_, v1::GetHotspotsRequest, v1::Hotspots)
HOTLINE_SYNC(ListCategories, admin_, v1::ListCategoriesRequest,
             v1::ListCategoriesResponse)
HOTLINE_SYNC(GetDispatchCatalogue, admin_, v1::GetDispatchCatalogueRequest,
             v1::DispatchCatalogue)
// Waits for its commit under a lock (one catalogue update at a time).
grpc::ServerUnaryReactor* HotlineGrpcService::UpdateDispatchCatalogue(
    grpc::CallbackServerContext* context,
    const v1::UpdateDispatchCatalogueRequest* request,
    v1::DispatchCatalogue* response) {
  return Serve(
      context, "UpdateDispatchCatalogue", *request, response,
      [this, request](const Principal& principal, auto done) {
        admin_->UpdateDispatchCatalogue(principal, *request, std::move(done));
      },
      /*may_wait=*/true);
}
HOTLINE_SYNC(SuggestDispatch, tickets_, v1::SuggestDispatchRequest,
             v1::DispatchSuggestion)
HOTLINE_SYNC(GetDailyReportCompliance, reports_,
             v1::GetDailyReportComplianceRequest, v1::DailyReportCompliance)
HOTLINE_ASYNC(CreateBackup, backups_, v1::CreateBackupRequest, v1::Backup)

// The subscriptions' changes wait for their commit under a lock (one change
// of the book at a time): on the executor.
#define HOTLINE_WAITING(Method, Service, Request, Response)         \
  grpc::ServerUnaryReactor* HotlineGrpcService::Method(             \
      grpc::CallbackServerContext* context, const Request* request, \
      Response* response) {                                         \
    return Serve(                                                   \
        context, #Method, *request, response,                       \
        [this, request](const Principal& principal, auto done) {    \
          Service->Method(principal, *request, std::move(done));    \
        },                                                          \
        /*may_wait=*/true);                                         \
  }
HOTLINE_WAITING(CreateSubscription, subscriptions_,
                v1::CreateSubscriptionRequest, v1::Subscription)
HOTLINE_WAITING(DeleteSubscription, subscriptions_,
                v1::DeleteSubscriptionRequest, v1::Subscription)
HOTLINE_WAITING(PauseSubscription, subscriptions_, v1::PauseSubscriptionRequest,
                v1::Subscription)
HOTLINE_WAITING(ResumeSubscription, subscriptions_,
                v1::ResumeSubscriptionRequest, v1::Subscription)
HOTLINE_WAITING(RotateSubscriptionSecret, subscriptions_,
                v1::RotateSubscriptionSecretRequest, v1::Subscription)
HOTLINE_WAITING(RedeliverEvent, subscriptions_, v1::RedeliverEventRequest,
                v1::Subscription)
HOTLINE_SYNC(ListSubscriptions, subscriptions_, v1::ListSubscriptionsRequest,
             v1::ListSubscriptionsResponse)
HOTLINE_SYNC(GetSubscription, subscriptions_, v1::GetSubscriptionRequest,
             v1::Subscription)
HOTLINE_SYNC(ListDeliveries, subscriptions_, v1::ListDeliveriesRequest,
             v1::ListDeliveriesResponse)

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
  return Serve(context, "AdvanceClock", *request, response,
               [this, request, call](const Principal& principal, auto done) {
                 admin_->AdvanceClock(principal, *request, call,
                                      std::move(done));
               });
}

#undef HOTLINE_ASYNC
#undef HOTLINE_SYNC

}  // namespace hotline
