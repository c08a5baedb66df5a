#include "client/hotline_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace hotline {
namespace {

// A call's deadline and credentials.
void PrepareContext(const ClientOptions& options,
                    grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.call_timeout));
  if (!options.token.empty()) {
    context.AddMetadata("authorization",
                        absl::StrCat("Bearer ", options.token));
  }
}

// The status with its google.rpc details (see common/error_details.h), when
// the server sent them.
absl::Status FromGrpc(const grpc::Status& status) {
  google::rpc::Status wire;
  if (!status.ok() && !status.error_details().empty() &&
      wire.ParseFromString(status.error_details()) &&
      wire.code() == static_cast<int>(status.error_code())) {
    return FromRpcStatus(wire);
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

// The channel `options` ask for; when the TLS files cannot be read, a
// channel that is never used and the reason in `status`.
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options,
                                           absl::Status* status) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(options.max_message_bytes);
  // gRPC's own reconnection backs off up to 120 s, and channels to one
  // address share that state: after a server restart a call could fail
  // fast for minutes. Reconnect on the library's retry schedule instead.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
                   static_cast<int>(absl::ToInt64Milliseconds(std::max(
                       options.initial_backoff, absl::Milliseconds(1)))));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
                   static_cast<int>(absl::ToInt64Milliseconds(
                       std::max(options.max_backoff, absl::Milliseconds(1)))));
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentialsFor(options.tls);
  if (!credentials.ok()) {
    *status = credentials.status();
    return grpc::CreateCustomChannel(
        options.target, grpc::InsecureChannelCredentials(), arguments);
  }
  ApplyServerNameOverride(options.tls, &arguments);
  return grpc::CreateCustomChannel(options.target, *credentials, arguments);
}

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      channel_(MakeChannel(options_, &channel_status_)),
      stub_(v1::HotlineService::NewStub(channel_)) {}

Client::Client(std::shared_ptr<grpc::Channel> channel, ClientOptions options)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      stub_(v1::HotlineService::NewStub(channel_)) {}

Client::~Client() = default;

std::string Client::NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return absl::StrFormat("%016x%016x", generator(), generator());
}

absl::Status Client::CheckToken(absl::string_view token) {
  for (char c : token) {
    // gRPC aborts the process on a header value outside visible ASCII.
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "the token has a character a bearer token cannot have (a space, a "
          "line break or a non-ASCII letter?): copy the secret alone, "
          "hl_ and 43 letters, digits, - or _");
    }
  }
  return absl::OkStatus();
}

void Client::WaitToRetry(absl::Duration& backoff) {
  thread_local std::mt19937_64 jitter{std::random_device{}()};
  // Equal jitter: wait between half the backoff and all of it, so that many
  // clients returning after an outage do not arrive together, while the
  // attempts still span the schedule's whole length (with full jitter five
  // attempts could all fall within a server's restart). The wait also drives
  // the reconnection: a fail-fast call alone leaves nobody polling the new
  // connection's handshake.
  std::uniform_int_distribution<int64_t> pick(
      absl::ToInt64Microseconds(backoff) / 2,
      absl::ToInt64Microseconds(backoff));
  const absl::Time resume = absl::Now() + absl::Microseconds(pick(jitter));
  channel_->WaitForConnected(absl::ToChronoTime(resume));
  const absl::Duration left = resume - absl::Now();
  if (left > absl::ZeroDuration()) {
    std::this_thread::sleep_for(absl::ToChronoMicroseconds(left));
  }
  backoff = std::min(backoff * 2, options_.max_backoff);
}

template <typename Request, typename Response>
absl::StatusOr<Response> Client::Invoke(Rpc<Request, Response> rpc,
                                        const Request& request,
                                        bool retryable) {
  absl::Duration backoff = options_.initial_backoff;
  RETURN_IF_ERROR(channel_status_);
  for (int attempt = 1;; ++attempt) {
    RETURN_IF_ERROR(CheckToken(options_.token));
    grpc::ClientContext context;
    PrepareContext(options_, context);
    Response response;
    grpc::Status status = ((*stub_).*rpc)(&context, request, &response);
    if (status.ok()) return response;
    if (!retryable || status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        attempt >= options_.max_attempts) {
      return FromGrpc(status);
    }
    WaitToRetry(backoff);
  }
}

absl::StatusOr<v1::Ticket> Client::CreateTicket(
    v1::CreateTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::CreateTicket, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::GetTicket(
    const v1::GetTicketRequest& request) {
  return Invoke(&v1::HotlineService::Stub::GetTicket, request, true);
}
absl::StatusOr<v1::ListTicketsResponse> Client::ListTickets(
    const v1::ListTicketsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListTickets, request, true);
}
absl::StatusOr<v1::Ticket> Client::DispatchTicket(
    v1::DispatchTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::DispatchTicket, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::AcknowledgeTicket(
    v1::AcknowledgeTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::AcknowledgeTicket,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::ReturnTicket(
    v1::ReturnTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::ReturnTicket, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::ReplyTicket(v1::ReplyTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::ReplyTicket, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::CloseTicket(v1::CloseTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::CloseTicket, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::ReopenTicket(
    v1::ReopenTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::ReopenTicket, std::move(request));
}
absl::StatusOr<v1::ListTicketEventsResponse> Client::ListTicketEvents(
    const v1::ListTicketEventsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListTicketEvents, request, true);
}
absl::StatusOr<v1::Department> Client::CreateDepartment(
    v1::CreateDepartmentRequest request) {
  return Mutate(&v1::HotlineService::Stub::CreateDepartment,
                std::move(request));
}
absl::StatusOr<v1::Department> Client::GetDepartment(
    const v1::GetDepartmentRequest& request) {
  return Invoke(&v1::HotlineService::Stub::GetDepartment, request, true);
}
absl::StatusOr<v1::ListDepartmentsResponse> Client::ListDepartments(
    const v1::ListDepartmentsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListDepartments, request, true);
}
absl::StatusOr<v1::Token> Client::CreateToken(v1::CreateTokenRequest request) {
  return Mutate(&v1::HotlineService::Stub::CreateToken, std::move(request));
}
absl::StatusOr<v1::ListTokensResponse> Client::ListTokens(
    const v1::ListTokensRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListTokens, request, true);
}
absl::StatusOr<v1::Token> Client::RevokeToken(v1::RevokeTokenRequest request) {
  return Mutate(&v1::HotlineService::Stub::RevokeToken, std::move(request));
}

absl::StatusOr<v1::Ticket> Client::RequestExtension(
    v1::RequestExtensionRequest request) {
  return Mutate(&v1::HotlineService::Stub::RequestExtension,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::ApproveExtension(
    v1::ApproveExtensionRequest request) {
  return Mutate(&v1::HotlineService::Stub::ApproveExtension,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::RejectExtension(
    v1::RejectExtensionRequest request) {
  return Mutate(&v1::HotlineService::Stub::RejectExtension, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::RefuseReturn(
    v1::RefuseReturnRequest request) {
  return Mutate(&v1::HotlineService::Stub::RefuseReturn, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::RequestSuspension(
    v1::RequestSuspensionRequest request) {
  return Mutate(&v1::HotlineService::Stub::RequestSuspension,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::ApproveSuspension(
    v1::ApproveSuspensionRequest request) {
  return Mutate(&v1::HotlineService::Stub::ApproveSuspension,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::RejectSuspension(
    v1::RejectSuspensionRequest request) {
  return Mutate(&v1::HotlineService::Stub::RejectSuspension,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::ResumeTicket(
    v1::ResumeTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::ResumeTicket, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::SubmitFinalAnswer(
    v1::SubmitFinalAnswerRequest request) {
  return Mutate(&v1::HotlineService::Stub::SubmitFinalAnswer,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::ApproveFinalAnswer(
    v1::ApproveFinalAnswerRequest request) {
  return Mutate(&v1::HotlineService::Stub::ApproveFinalAnswer,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::RejectFinalAnswer(
    v1::RejectFinalAnswerRequest request) {
  return Mutate(&v1::HotlineService::Stub::RejectFinalAnswer,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::CloseByFinalAnswer(
    v1::CloseByFinalAnswerRequest request) {
  return Mutate(&v1::HotlineService::Stub::CloseByFinalAnswer,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::AddAssistingDepartment(
    v1::AddAssistingDepartmentRequest request) {
  return Mutate(&v1::HotlineService::Stub::AddAssistingDepartment,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::RemoveAssistingDepartment(
    v1::RemoveAssistingDepartmentRequest request) {
  return Mutate(&v1::HotlineService::Stub::RemoveAssistingDepartment,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::AcknowledgeAssist(
    v1::AcknowledgeAssistRequest request) {
  return Mutate(&v1::HotlineService::Stub::AcknowledgeAssist,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::ReturnAssist(
    v1::ReturnAssistRequest request) {
  return Mutate(&v1::HotlineService::Stub::ReturnAssist, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::SubmitAssistOpinion(
    v1::SubmitAssistOpinionRequest request) {
  return Mutate(&v1::HotlineService::Stub::SubmitAssistOpinion,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::AcceptReply(v1::AcceptReplyRequest request) {
  return Mutate(&v1::HotlineService::Stub::AcceptReply, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::SendBackReply(
    v1::SendBackReplyRequest request) {
  return Mutate(&v1::HotlineService::Stub::SendBackReply, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::IssueNotice(v1::IssueNoticeRequest request) {
  return Mutate(&v1::HotlineService::Stub::IssueNotice, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::AcknowledgeNotice(
    v1::AcknowledgeNoticeRequest request) {
  return Mutate(&v1::HotlineService::Stub::AcknowledgeNotice,
                std::move(request));
}
absl::StatusOr<v1::Ticket> Client::AnswerNotice(
    v1::AnswerNoticeRequest request) {
  return Mutate(&v1::HotlineService::Stub::AnswerNotice, std::move(request));
}
absl::StatusOr<v1::ListNoticesResponse> Client::ListNotices(
    const v1::ListNoticesRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListNotices, request, true);
}
absl::StatusOr<v1::Ticket> Client::RecordCallback(
    v1::RecordCallbackRequest request) {
  return Mutate(&v1::HotlineService::Stub::RecordCallback, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::AppealRating(
    v1::AppealRatingRequest request) {
  return Mutate(&v1::HotlineService::Stub::AppealRating, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::DecideAppeal(
    v1::DecideAppealRequest request) {
  return Mutate(&v1::HotlineService::Stub::DecideAppeal, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::MergeTicket(v1::MergeTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::MergeTicket, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::UnmergeTicket(
    v1::UnmergeTicketRequest request) {
  return Mutate(&v1::HotlineService::Stub::UnmergeTicket, std::move(request));
}
absl::StatusOr<v1::ListDuplicateCandidatesResponse>
Client::ListDuplicateCandidates(
    const v1::ListDuplicateCandidatesRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListDuplicateCandidates, request,
                true);
}
absl::StatusOr<v1::Ticket> Client::LinkTickets(v1::LinkTicketsRequest request) {
  return Mutate(&v1::HotlineService::Stub::LinkTickets, std::move(request));
}
absl::StatusOr<v1::Ticket> Client::UnlinkTickets(
    v1::UnlinkTicketsRequest request) {
  return Mutate(&v1::HotlineService::Stub::UnlinkTickets, std::move(request));
}
absl::StatusOr<v1::ListCardsResponse> Client::ListCards(
    const v1::ListCardsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListCards, request, true);
}
absl::StatusOr<v1::Card> Client::IssueCard(v1::IssueCardRequest request) {
  return Mutate(&v1::HotlineService::Stub::IssueCard, std::move(request));
}
absl::StatusOr<v1::Card> Client::RevokeCard(v1::RevokeCardRequest request) {
  return Mutate(&v1::HotlineService::Stub::RevokeCard, std::move(request));
}
absl::StatusOr<v1::SubmitDailyReportResponse> Client::SubmitDailyReport(
    v1::SubmitDailyReportRequest request) {
  return Mutate(&v1::HotlineService::Stub::SubmitDailyReport,
                std::move(request));
}
absl::StatusOr<v1::ListDailyReportsResponse> Client::ListDailyReports(
    const v1::ListDailyReportsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListDailyReports, request, true);
}
absl::StatusOr<v1::DailyReportCompliance> Client::GetDailyReportCompliance(
    const v1::GetDailyReportComplianceRequest& request) {
  return Invoke(&v1::HotlineService::Stub::GetDailyReportCompliance, request,
                true);
}

absl::StatusOr<v1::Assessment> Client::GetAssessment(
    const v1::GetAssessmentRequest& request) {
  return Invoke(&v1::HotlineService::Stub::GetAssessment, request, true);
}
absl::StatusOr<v1::Statistics> Client::GetStatistics(
    const v1::GetStatisticsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::GetStatistics, request, true);
}

absl::StatusOr<v1::Caller> Client::GetCaller() {
  return Invoke(&v1::HotlineService::Stub::GetCaller, v1::GetCallerRequest(),
                true);
}

absl::StatusOr<v1::CategoryStatistics> Client::GetCategoryStatistics(
    const v1::GetCategoryStatisticsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::GetCategoryStatistics, request,
                true);
}
absl::StatusOr<v1::Hotspots> Client::GetHotspots(
    const v1::GetHotspotsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::GetHotspots, request, true);
}
absl::StatusOr<v1::ListCategoriesResponse> Client::ListCategories() {
  return Invoke(&v1::HotlineService::Stub::ListCategories,
                v1::ListCategoriesRequest(), true);
}
absl::StatusOr<v1::DispatchCatalogue> Client::GetDispatchCatalogue(
    const v1::GetDispatchCatalogueRequest& request) {
  return Invoke(&v1::HotlineService::Stub::GetDispatchCatalogue, request, true);
}
absl::StatusOr<v1::DispatchCatalogue> Client::UpdateDispatchCatalogue(
    v1::UpdateDispatchCatalogueRequest request) {
  return Mutate(&v1::HotlineService::Stub::UpdateDispatchCatalogue,
                std::move(request));
}
absl::StatusOr<v1::Subscription> Client::CreateSubscription(
    v1::CreateSubscriptionRequest request) {
  return Mutate(&v1::HotlineService::Stub::CreateSubscription,
                std::move(request));
}
absl::StatusOr<v1::ListSubscriptionsResponse> Client::ListSubscriptions(
    const v1::ListSubscriptionsRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListSubscriptions, request, true);
}
absl::StatusOr<v1::Subscription> Client::GetSubscription(
    const std::string& name) {
  v1::GetSubscriptionRequest request;
  request.set_name(name);
  return Invoke(&v1::HotlineService::Stub::GetSubscription, request, true);
}
absl::StatusOr<v1::Subscription> Client::DeleteSubscription(
    v1::DeleteSubscriptionRequest request) {
  return Mutate(&v1::HotlineService::Stub::DeleteSubscription,
                std::move(request));
}
absl::StatusOr<v1::Subscription> Client::PauseSubscription(
    v1::PauseSubscriptionRequest request) {
  return Mutate(&v1::HotlineService::Stub::PauseSubscription,
                std::move(request));
}
absl::StatusOr<v1::Subscription> Client::ResumeSubscription(
    v1::ResumeSubscriptionRequest request) {
  return Mutate(&v1::HotlineService::Stub::ResumeSubscription,
                std::move(request));
}
absl::StatusOr<v1::Subscription> Client::RotateSubscriptionSecret(
    v1::RotateSubscriptionSecretRequest request) {
  return Mutate(&v1::HotlineService::Stub::RotateSubscriptionSecret,
                std::move(request));
}
absl::StatusOr<v1::ListDeliveriesResponse> Client::ListDeliveries(
    const v1::ListDeliveriesRequest& request) {
  return Invoke(&v1::HotlineService::Stub::ListDeliveries, request, true);
}
absl::StatusOr<v1::Subscription> Client::RedeliverEvent(
    v1::RedeliverEventRequest request) {
  return Mutate(&v1::HotlineService::Stub::RedeliverEvent, std::move(request));
}
absl::StatusOr<v1::DispatchSuggestion> Client::SuggestDispatch(
    const v1::SuggestDispatchRequest& request) {
  return Invoke(&v1::HotlineService::Stub::SuggestDispatch, request, true);
}
absl::StatusOr<v1::Attachment> Client::UploadAttachment(
    v1::AttachmentHeader header, absl::string_view bytes,
    std::string request_id) {
  constexpr size_t kChunk = 1 << 20;
  if (request_id.empty()) request_id = NewRequestId();
  header.set_size_bytes(static_cast<int64_t>(bytes.size()));
  absl::Duration backoff = options_.initial_backoff;
  RETURN_IF_ERROR(channel_status_);
  for (int attempt = 1;; ++attempt) {
    RETURN_IF_ERROR(CheckToken(options_.token));
    grpc::ClientContext context;
    PrepareContext(options_, context);
    v1::Attachment attachment;
    std::unique_ptr<grpc::ClientWriter<v1::UploadAttachmentRequest>> writer =
        stub_->UploadAttachment(&context, &attachment);
    v1::UploadAttachmentRequest message;
    *message.mutable_header() = header;
    message.set_request_id(request_id);
    size_t sent = 0;
    do {
      const size_t size = std::min(kChunk, bytes.size() - sent);
      message.set_chunk(std::string(bytes.substr(sent, size)));
      sent += size;
      if (!writer->Write(message)) break;  // the server answered already
      message.Clear();
    } while (sent < bytes.size());
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (status.ok()) return attachment;
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        attempt >= options_.max_attempts) {
      return FromGrpc(status);
    }
    WaitToRetry(backoff);
  }
}

absl::StatusOr<Client::DownloadedAttachment> Client::DownloadAttachment(
    const v1::DownloadAttachmentRequest& request) {
  absl::Duration backoff = options_.initial_backoff;
  RETURN_IF_ERROR(channel_status_);
  for (int attempt = 1;; ++attempt) {
    RETURN_IF_ERROR(CheckToken(options_.token));
    grpc::ClientContext context;
    PrepareContext(options_, context);
    std::unique_ptr<grpc::ClientReader<v1::AttachmentChunk>> reader =
        stub_->DownloadAttachment(&context, request);
    DownloadedAttachment downloaded;
    v1::AttachmentChunk chunk;
    while (reader->Read(&chunk)) {
      if (chunk.has_attachment()) downloaded.attachment = chunk.attachment();
      downloaded.bytes.append(chunk.data());
    }
    grpc::Status status = reader->Finish();
    if (status.ok()) return downloaded;
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        attempt >= options_.max_attempts) {
      return FromGrpc(status);
    }
    WaitToRetry(backoff);
  }
}

absl::StatusOr<v1::Attachment> Client::ReleaseAttachment(
    v1::ReleaseAttachmentRequest request) {
  return Mutate(&v1::HotlineService::Stub::ReleaseAttachment,
                std::move(request));
}

absl::StatusOr<v1::Policy> Client::GetPolicy() {
  return Invoke(&v1::HotlineService::Stub::GetPolicy, v1::GetPolicyRequest(),
                true);
}
absl::StatusOr<v1::AdvanceClockResponse> Client::AdvanceClock(
    v1::AdvanceClockRequest request) {
  return Mutate(&v1::HotlineService::Stub::AdvanceClock, std::move(request));
}

absl::StatusOr<v1::Backup> Client::CreateBackup() {
  return Invoke(&v1::HotlineService::Stub::CreateBackup,
                v1::CreateBackupRequest(), false);
}

void WatchControl::Stop() {
  absl::MutexLock lock(&mutex_);
  stopped_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

bool WatchControl::stopped() const {
  absl::MutexLock lock(&mutex_);
  return stopped_;
}

absl::Status Client::Watch(
    v1::WatchEventsRequest request,
    const std::function<absl::Status(const v1::Event&)>& on_event,
    WatchControl* control) {
  absl::Duration backoff = options_.initial_backoff;
  RETURN_IF_ERROR(channel_status_);
  RETURN_IF_ERROR(CheckToken(options_.token));
  while (true) {
    grpc::ClientContext context;
    if (!options_.token.empty()) {
      context.AddMetadata("authorization",
                          absl::StrCat("Bearer ", options_.token));
    }
    {
      absl::MutexLock lock(&control->mutex_);
      if (control->stopped_) return absl::OkStatus();
      control->context_ = &context;
    }
    std::unique_ptr<grpc::ClientReader<v1::Event>> reader =
        stub_->WatchEvents(&context, request);
    bool received = false;
    reader->WaitForInitialMetadata();
    const auto& metadata = context.GetServerInitialMetadata();
    auto start = metadata.find("hotline-after-seq");
    int64_t after_seq = 0;
    if (start != metadata.end() &&
        absl::SimpleAtoi(
            absl::string_view(start->second.data(), start->second.size()),
            &after_seq)) {
      // From here on, resume exactly where this stream started.
      request.set_after_seq(after_seq);
      request.set_from_now(false);
    }
    v1::Event event;
    absl::Status handler_status;
    while (reader->Read(&event)) {
      received = true;
      handler_status = on_event(event);
      if (!handler_status.ok()) {
        context.TryCancel();
        break;
      }
      request.set_after_seq(event.seq());
    }
    grpc::Status status = reader->Finish();
    {
      absl::MutexLock lock(&control->mutex_);
      control->context_ = nullptr;
      if (control->stopped_) return absl::OkStatus();
    }
    if (!handler_status.ok()) return handler_status;
    switch (status.error_code()) {
      case grpc::StatusCode::OK:
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
      case grpc::StatusCode::DEADLINE_EXCEEDED:
      case grpc::StatusCode::CANCELLED:
      case grpc::StatusCode::INTERNAL:
        break;  // reconnect and resume
      default:
        return FromGrpc(status);
    }
    if (received) backoff = options_.initial_backoff;
    WaitToRetry(backoff);
  }
}

bool Client::WaitForConnected(absl::Duration timeout) {
  return channel_->WaitForConnected(absl::ToChronoTime(absl::Now() + timeout));
}

absl::Status Client::CheckHealth() {
  RETURN_IF_ERROR(channel_status_);
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        absl::StrCat("the server reports ",
                     grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                         response.status())));
  }
  return absl::OkStatus();
}

}  // namespace hotline
