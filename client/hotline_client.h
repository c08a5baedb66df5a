// hotline::Client — the C++ client of the hotline service for department
// systems and integrators. One object per server; every method is one RPC
// (see proto/hotline/v1/hotline_service.proto for what each does and who
// may call it) and returns absl::StatusOr with the server's status code and
// message.
//
//   hotline::ClientOptions options;
//   options.target = "127.0.0.1:7345";
//   options.token = std::getenv("HOTLINE_TOKEN");
//   hotline::Client client(options);
//
//   hotline::v1::ListTicketsRequest list;
//   list.set_filter("state = DISPATCHED");
//   absl::StatusOr<hotline::v1::ListTicketsResponse> page =
//       client.ListTickets(list);
//   for (const auto& ticket : page->tickets()) {
//     hotline::v1::AcknowledgeTicketRequest ack;
//     ack.set_name(ticket.name());
//     absl::StatusOr<hotline::v1::Ticket> signed_for =
//         client.AcknowledgeTicket(ack);
//   }
//
// Retries: every call is retried with jittered exponential backoff while the
// server is UNAVAILABLE (a crash, a restart, a network cut), up to
// max_attempts. Reads are safe to repeat. Every change (create, dispatch,
// sign-for, reply, …, token, card, daily report, clock) gets a request_id
// per logical call, unless the caller set one, and keeps it on its retries:
// the server answers a repeat with the first outcome and changes nothing,
// so a change whose answer was lost is neither lost nor made twice — even
// CreateToken, whose retry returns the same secret. To retry yourself after
// this client gave up (a process restart, say), send the same request with
// the same request_id, within 7 days.
//
// Etags: a change sent with the ticket's etag is refused with ABORTED when
// the ticket changed since it was read (another clerk, the sweeper, your own
// daily report). That is not a failure to retry as it is: read the ticket
// again, decide again on what it now says, and send the change with the new
// etag (and a new request_id: it is a new request).
//
// Errors a program can read: a refused call's absl::Status carries the
// server's details (proto/hotline/v1/errors.proto), read with the functions
// of hotline/common/error_details.h, included here:
//
//   absl::StatusOr<hotline::v1::Ticket> created = client.CreateTicket(req);
//   if (hotline::ReasonOf(created.status()) ==
//       hotline::v1::DUPLICATE_SOURCE_ID) {
//     // Imported before: the existing ticket's name.
//     std::string name =
//         hotline::ErrorMetadataOf(created.status(), "ticket");
//   }
//   // ReasonOf: the ErrorReason (ERROR_REASON_UNSPECIFIED when the server
//   //   sent none, e.g. a status from gRPC itself: act on the code);
//   // ErrorMetadataOf(status, key): "ticket", "state", "allowed_states",
//   //   "current_etag", "after_seq", "latest_seq", ... (errors.proto lists
//   //   each reason's keys);
//   // FieldViolationsOf: the request fields at fault (INVALID_ARGUMENT),
//   //   e.g. field "ticket.title";
//   // RetryDelayOf: how long to wait before the same call may succeed.
// The message (status.message()) is for people; the reason and metadata
// are stable. Statuses made by this client itself (a bad token, say) and
// by gRPC (a deadline, no connection) carry no reason.
//
// Thread-safe: one Client may serve many threads at once.
#ifndef HOTLINE_CLIENT_HOTLINE_CLIENT_H_
#define HOTLINE_CLIENT_HOTLINE_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hotline/client/client_tls.h"
#include "hotline/common/error_details.h"  // IWYU pragma: export
#include "hotline/v1/hotline_service.grpc.pb.h"

namespace grpc {
class Channel;
class ClientContext;
}  // namespace grpc

namespace hotline {

// Stops a Client::Watch running on another thread. Thread-safe.
class WatchControl {
 public:
  // Ends the watch: its current stream is cancelled and Watch returns OK.
  void Stop();
  bool stopped() const;

 private:
  friend class Client;
  mutable absl::Mutex mutex_;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mutex_) = nullptr;
  bool stopped_ ABSL_GUARDED_BY(mutex_) = false;
};

struct ClientOptions {
  // The server, "host:port"; or any gRPC target, such as several servers
  // sharing one PostgreSQL database, "ipv4:10.0.0.1:7345,10.0.0.2:7345"
  // (calls go to the first that answers, and move on when it goes away).
  std::string target = "127.0.0.1:7345";
  // The bearer token's secret; sent as "authorization: Bearer <token>".
  std::string token;
  // Deadline of each attempt.
  absl::Duration call_timeout = absl::Seconds(10);
  // Attempts of a retryable call in all, and the backoff between them
  // (doubling from initial to max, with jitter). The same schedule paces
  // reconnecting to a server that went away.
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(3);
  // Largest message received, in bytes.
  int max_message_bytes = 4 << 20;
  // TLS and mutual TLS (client_tls.h); plaintext when not enabled. A file
  // that cannot be read makes every call fail with its reason.
  ClientTlsOptions tls;
};

class Client final {
 public:
  // Connects lazily: the first call opens the channel.
  explicit Client(ClientOptions options);
  // Uses an existing channel (e.g. one with TLS credentials).
  Client(std::shared_ptr<grpc::Channel> channel, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sets a fresh request_id when the request has none, so that this call's
  // retries, and only they, return the same ticket.
  absl::StatusOr<v1::Ticket> CreateTicket(v1::CreateTicketRequest request);
  absl::StatusOr<v1::Ticket> GetTicket(const v1::GetTicketRequest& request);
  absl::StatusOr<v1::ListTicketsResponse> ListTickets(
      const v1::ListTicketsRequest& request);
  absl::StatusOr<v1::Ticket> DispatchTicket(v1::DispatchTicketRequest request);
  absl::StatusOr<v1::Ticket> AcknowledgeTicket(
      v1::AcknowledgeTicketRequest request);
  absl::StatusOr<v1::Ticket> ReturnTicket(v1::ReturnTicketRequest request);
  absl::StatusOr<v1::Ticket> ReplyTicket(v1::ReplyTicketRequest request);
  absl::StatusOr<v1::Ticket> CloseTicket(v1::CloseTicketRequest request);
  absl::StatusOr<v1::Ticket> ReopenTicket(v1::ReopenTicketRequest request);
  absl::StatusOr<v1::ListTicketEventsResponse> ListTicketEvents(
      const v1::ListTicketEventsRequest& request);

  absl::StatusOr<v1::Department> CreateDepartment(
      v1::CreateDepartmentRequest request);
  absl::StatusOr<v1::Department> GetDepartment(
      const v1::GetDepartmentRequest& request);
  absl::StatusOr<v1::ListDepartmentsResponse> ListDepartments(
      const v1::ListDepartmentsRequest& request);

  absl::StatusOr<v1::Token> CreateToken(v1::CreateTokenRequest request);
  absl::StatusOr<v1::ListTokensResponse> ListTokens(
      const v1::ListTokensRequest& request);
  absl::StatusOr<v1::Token> RevokeToken(v1::RevokeTokenRequest request);

  absl::StatusOr<v1::Ticket> RequestExtension(
      v1::RequestExtensionRequest request);
  absl::StatusOr<v1::Ticket> ApproveExtension(
      v1::ApproveExtensionRequest request);
  absl::StatusOr<v1::Ticket> RejectExtension(
      v1::RejectExtensionRequest request);

  // Review of returns (退单审核) and suspension (挂起).
  absl::StatusOr<v1::Ticket> RefuseReturn(v1::RefuseReturnRequest request);
  absl::StatusOr<v1::Ticket> RequestSuspension(
      v1::RequestSuspensionRequest request);
  absl::StatusOr<v1::Ticket> ApproveSuspension(
      v1::ApproveSuspensionRequest request);
  absl::StatusOr<v1::Ticket> RejectSuspension(
      v1::RejectSuspensionRequest request);
  absl::StatusOr<v1::Ticket> ResumeTicket(v1::ResumeTicketRequest request);
  // Final answers (最终答复).
  absl::StatusOr<v1::Ticket> SubmitFinalAnswer(
      v1::SubmitFinalAnswerRequest request);
  absl::StatusOr<v1::Ticket> ApproveFinalAnswer(
      v1::ApproveFinalAnswerRequest request);
  absl::StatusOr<v1::Ticket> RejectFinalAnswer(
      v1::RejectFinalAnswerRequest request);
  absl::StatusOr<v1::Ticket> CloseByFinalAnswer(
      v1::CloseByFinalAnswerRequest request);

  // Merged duplicates (并单) and links (关联), the bureau's.
  // Assisting departments (协办): the bureau's AddAssistingDepartment and
  // RemoveAssistingDepartment; the assisting department's own part.
  absl::StatusOr<v1::Ticket> AddAssistingDepartment(
      v1::AddAssistingDepartmentRequest request);
  absl::StatusOr<v1::Ticket> RemoveAssistingDepartment(
      v1::RemoveAssistingDepartmentRequest request);
  absl::StatusOr<v1::Ticket> AcknowledgeAssist(
      v1::AcknowledgeAssistRequest request);
  absl::StatusOr<v1::Ticket> ReturnAssist(v1::ReturnAssistRequest request);
  absl::StatusOr<v1::Ticket> SubmitAssistOpinion(
      v1::SubmitAssistOpinionRequest request);
  // Reply review (办结审核), the bureau's.
  absl::StatusOr<v1::Ticket> AcceptReply(v1::AcceptReplyRequest request);
  absl::StatusOr<v1::Ticket> SendBackReply(v1::SendBackReplyRequest request);
  // Urging notices (催办通知): the bureau issues; the lead department signs
  // for and answers; lists.
  absl::StatusOr<v1::Ticket> IssueNotice(v1::IssueNoticeRequest request);
  absl::StatusOr<v1::Ticket> AcknowledgeNotice(
      v1::AcknowledgeNoticeRequest request);
  absl::StatusOr<v1::Ticket> AnswerNotice(v1::AnswerNoticeRequest request);
  absl::StatusOr<v1::ListNoticesResponse> ListNotices(
      const v1::ListNoticesRequest& request);
  // Callbacks (回访), the bureau's; appeals of a rating (申诉): the
  // department appeals, the bureau decides.
  absl::StatusOr<v1::Ticket> RecordCallback(v1::RecordCallbackRequest request);
  absl::StatusOr<v1::Ticket> AppealRating(v1::AppealRatingRequest request);
  absl::StatusOr<v1::Ticket> DecideAppeal(v1::DecideAppealRequest request);
  absl::StatusOr<v1::Ticket> MergeTicket(v1::MergeTicketRequest request);
  absl::StatusOr<v1::Ticket> UnmergeTicket(v1::UnmergeTicketRequest request);
  absl::StatusOr<v1::ListDuplicateCandidatesResponse> ListDuplicateCandidates(
      const v1::ListDuplicateCandidatesRequest& request);
  absl::StatusOr<v1::Ticket> LinkTickets(v1::LinkTicketsRequest request);
  absl::StatusOr<v1::Ticket> UnlinkTickets(v1::UnlinkTicketsRequest request);

  absl::StatusOr<v1::ListCardsResponse> ListCards(
      const v1::ListCardsRequest& request);
  absl::StatusOr<v1::Card> IssueCard(v1::IssueCardRequest request);
  absl::StatusOr<v1::Card> RevokeCard(v1::RevokeCardRequest request);

  absl::StatusOr<v1::SubmitDailyReportResponse> SubmitDailyReport(
      v1::SubmitDailyReportRequest request);
  absl::StatusOr<v1::ListDailyReportsResponse> ListDailyReports(
      const v1::ListDailyReportsRequest& request);
  absl::StatusOr<v1::DailyReportCompliance> GetDailyReportCompliance(
      const v1::GetDailyReportComplianceRequest& request);

  // The bureau's figures for a period (a department: its own).
  absl::StatusOr<v1::Statistics> GetStatistics(
      const v1::GetStatisticsRequest& request);
  // The department scorecard (考核): the bureau all, a department its row.
  absl::StatusOr<v1::Assessment> GetAssessment(
      const v1::GetAssessmentRequest& request);
  // The bureau's: tickets by category and dispatches by catalogue rule;
  // the hotspots (热点) of a period.
  absl::StatusOr<v1::CategoryStatistics> GetCategoryStatistics(
      const v1::GetCategoryStatisticsRequest& request);
  absl::StatusOr<v1::Hotspots> GetHotspots(
      const v1::GetHotspotsRequest& request);

  // The catalogues: categories (诉求分类目录) and the dispatch catalogue
  // (派单目录), which the bureau updates and asks for suggestions.
  absl::StatusOr<v1::ListCategoriesResponse> ListCategories();
  absl::StatusOr<v1::DispatchCatalogue> GetDispatchCatalogue(
      const v1::GetDispatchCatalogueRequest& request);
  // Retried safely: the request_id is set when empty.
  absl::StatusOr<v1::DispatchCatalogue> UpdateDispatchCatalogue(
      v1::UpdateDispatchCatalogueRequest request);
  absl::StatusOr<v1::DispatchSuggestion> SuggestDispatch(
      const v1::SuggestDispatchRequest& request);

  // Attachments (附件). Uploads `bytes` as a file attached to
  // header.ticket, in 1 MiB messages, announcing its size (and the SHA-256
  // the caller set in the header, if any: a transfer that does not match
  // is refused); retried from the start while the server is UNAVAILABLE,
  // with one request_id, so a retry never attaches it twice. The server
  // reads the type from the bytes.
  absl::StatusOr<v1::Attachment> UploadAttachment(v1::AttachmentHeader header,
                                                  absl::string_view bytes,
                                                  std::string request_id = "");
  // An attachment's record and bytes (from `offset`, at most `length` of
  // them; 0 for all), checked by the server against the SHA-256 first.
  struct DownloadedAttachment {
    v1::Attachment attachment;
    std::string bytes;
  };
  absl::StatusOr<DownloadedAttachment> DownloadAttachment(
      const v1::DownloadAttachmentRequest& request);
  // The bureau's: lets departments see a confidential caller's file.
  absl::StatusOr<v1::Attachment> ReleaseAttachment(
      v1::ReleaseAttachmentRequest request);

  // Notifications (通知订阅): subscriptions that send events to a webhook
  // or as SMS, their delivery log and redelivery by hand. Changes are
  // retried safely (the request_id is set when empty). CreateSubscription
  // and RotateSubscriptionSecret answer with the signing secret: keep it.
  absl::StatusOr<v1::Subscription> CreateSubscription(
      v1::CreateSubscriptionRequest request);
  absl::StatusOr<v1::ListSubscriptionsResponse> ListSubscriptions(
      const v1::ListSubscriptionsRequest& request);
  absl::StatusOr<v1::Subscription> GetSubscription(const std::string& name);
  absl::StatusOr<v1::Subscription> DeleteSubscription(
      v1::DeleteSubscriptionRequest request);
  absl::StatusOr<v1::Subscription> PauseSubscription(
      v1::PauseSubscriptionRequest request);
  absl::StatusOr<v1::Subscription> ResumeSubscription(
      v1::ResumeSubscriptionRequest request);
  absl::StatusOr<v1::Subscription> RotateSubscriptionSecret(
      v1::RotateSubscriptionSecretRequest request);
  absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(
      const v1::ListDeliveriesRequest& request);
  absl::StatusOr<v1::Subscription> RedeliverEvent(
      v1::RedeliverEventRequest request);

  absl::StatusOr<v1::Policy> GetPolicy();
  // Who the server takes this client for, and the server's clock: its time
  // zone, today's date there and now (in rehearsal mode, the manual clock's
  // time, not the wall clock's). Defaults that are "today" come from here.
  absl::StatusOr<v1::Caller> GetCaller();
  // Rehearsal mode only; see the proto.
  absl::StatusOr<v1::AdvanceClockResponse> AdvanceClock(
      v1::AdvanceClockRequest request);
  // Bureau: a backup of the server's database into its --backup_dir; see
  // the proto. Not retried (a retry would make another copy).
  absl::StatusOr<v1::Backup> CreateBackup();

  // Follows the change feed (WatchEvents): calls `on_event` for every event
  // in seq order. When the stream breaks (the server restarts, the network
  // drops, the server cuts a stream that fell behind) it reconnects with
  // backoff and resumes right after the last event `on_event` accepted, so
  // no event is lost or repeated. Returns OK once `control` is stopped,
  // on_event's own error (that event is not counted as processed), or a
  // final refusal (e.g. PERMISSION_DENIED, or FAILED_PRECONDITION: resync).
  // Blocks; run it on a thread of its own.
  absl::Status Watch(
      v1::WatchEventsRequest request,
      const std::function<absl::Status(const v1::Event&)>& on_event,
      WatchControl* control);

  // The standard grpc.health.v1 check of the whole server: OK when it is
  // SERVING, UNAVAILABLE otherwise. Needs no token.
  absl::Status CheckHealth();

  // Waits until the channel is connected to the server, at most `timeout`;
  // true when connected. Useful at start-up, before the first call.
  bool WaitForConnected(absl::Duration timeout);

  // A new random request id (128 bits, hex).
  static std::string NewRequestId();

  // INVALID_ARGUMENT when `token` has a character no bearer token has (a
  // line break, a space, a non-ASCII letter); every call checks it first.
  static absl::Status CheckToken(absl::string_view token);

 private:
  template <typename Request, typename Response>
  using Rpc = grpc::Status (v1::HotlineService::Stub::*)(grpc::ClientContext*,
                                                         const Request&,
                                                         Response*);

  // One RPC, retried on UNAVAILABLE when `retryable`.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Invoke(Rpc<Request, Response> rpc,
                                  const Request& request, bool retryable);
  // A change: gives the request a request_id unless it has one, so that
  // every attempt is the same request to the server, then Invoke retrying.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Mutate(Rpc<Request, Response> rpc, Request request) {
    if (request.request_id().empty()) request.set_request_id(NewRequestId());
    return Invoke(rpc, request, true);
  }

  // Waits a jittered part of `backoff` (driving the reconnection meanwhile)
  // and doubles it, up to the maximum.
  void WaitToRetry(absl::Duration& backoff);

  const ClientOptions options_;
  // Why the channel could not be made as asked (a TLS file unreadable);
  // every call returns it.
  absl::Status channel_status_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::HotlineService::Stub> stub_;
};

}  // namespace hotline

#endif  // HOTLINE_CLIENT_HOTLINE_CLIENT_H_
