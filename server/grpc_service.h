// The gRPC edge of the service: authenticates each call from its
// The gRPC edge of the service: authenticates each call from its
// "authorization" metadata and its verified client certificate (mutual
// TLS; see peer_identity.h, authenticator.h), hands the request to
// TicketService or AdminService, converts the absl::Status to a grpc::Status
// with the same code and its google.rpc details, logs one access-log record
// per call (access_log.h) and records its metrics (metrics.h).
// No workflow rule and no SQL here.
//
// Thread-safe: gRPC calls the handlers concurrently.
#ifndef HOTLINE_SERVER_GRPC_SERVICE_H_
#define HOTLINE_SERVER_GRPC_SERVICE_H_

#include "app/admin_service.h"
#include "app/authenticator.h"
#include "app/backup_service.h"
#include "app/card_service.h"
#include "app/daily_report_service.h"
#include "app/executor.h"
#include "app/statistics_service.h"
#include "app/subscription_service.h"
#include "app/ticket_service.h"
#include "hotline/v1/hotline_service.grpc.pb.h"
#include "server/attachment_streams.h"
#include "server/event_feed.h"
#include "server/metrics.h"

namespace hotline {

class HotlineGrpcService final : public v1::HotlineService::CallbackService {
 public:
  // Every pointer must outlive the service.
  HotlineGrpcService(const Authenticator* authenticator, TicketService* tickets,
                     CardService* cards, DailyReportService* reports,
                     StatisticsService* statistics, EventFeed* feed,
                     AdminService* admin, BackupService* backups,
                     SubscriptionService* subscriptions, Executor* executor,
                     Metrics* metrics = nullptr)
      : authenticator_(authenticator),
        tickets_(tickets),
        cards_(cards),
        reports_(reports),
        statistics_(statistics),
        feed_(feed),
        admin_(admin),
        backups_(backups),
        subscriptions_(subscriptions),
        executor_(executor),
        metrics_(metrics) {}

  grpc::ServerUnaryReactor* CreateTicket(grpc::CallbackServerContext* context,
                                         const v1::CreateTicketRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerReadReactor<v1::UploadAttachmentRequest>* UploadAttachment(
      grpc::CallbackServerContext* context, v1::Attachment* response) override;
  grpc::ServerWriteReactor<v1::AttachmentChunk>* DownloadAttachment(
      grpc::CallbackServerContext* context,
      const v1::DownloadAttachmentRequest* request) override;
  grpc::ServerUnaryReactor* ReleaseAttachment(
      grpc::CallbackServerContext* context,
      const v1::ReleaseAttachmentRequest* request,
      v1::Attachment* response) override;
  grpc::ServerUnaryReactor* GetTicket(grpc::CallbackServerContext* context,
                                      const v1::GetTicketRequest* request,
                                      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ListTickets(
      grpc::CallbackServerContext* context,
      const v1::ListTicketsRequest* request,
      v1::ListTicketsResponse* response) override;
  grpc::ServerUnaryReactor* DispatchTicket(
      grpc::CallbackServerContext* context,
      const v1::DispatchTicketRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AcknowledgeTicket(
      grpc::CallbackServerContext* context,
      const v1::AcknowledgeTicketRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ReturnTicket(grpc::CallbackServerContext* context,
                                         const v1::ReturnTicketRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ReplyTicket(grpc::CallbackServerContext* context,
                                        const v1::ReplyTicketRequest* request,
                                        v1::Ticket* response) override;
  grpc::ServerUnaryReactor* CloseTicket(grpc::CallbackServerContext* context,
                                        const v1::CloseTicketRequest* request,
                                        v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ReopenTicket(grpc::CallbackServerContext* context,
                                         const v1::ReopenTicketRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ListTicketEvents(
      grpc::CallbackServerContext* context,
      const v1::ListTicketEventsRequest* request,
      v1::ListTicketEventsResponse* response) override;
  grpc::ServerUnaryReactor* CreateDepartment(
      grpc::CallbackServerContext* context,
      const v1::CreateDepartmentRequest* request,
      v1::Department* response) override;
  grpc::ServerUnaryReactor* GetDepartment(
      grpc::CallbackServerContext* context,
      const v1::GetDepartmentRequest* request,
      v1::Department* response) override;
  grpc::ServerUnaryReactor* ListDepartments(
      grpc::CallbackServerContext* context,
      const v1::ListDepartmentsRequest* request,
      v1::ListDepartmentsResponse* response) override;
  grpc::ServerUnaryReactor* CreateToken(grpc::CallbackServerContext* context,
                                        const v1::CreateTokenRequest* request,
                                        v1::Token* response) override;
  grpc::ServerUnaryReactor* ListTokens(
      grpc::CallbackServerContext* context,
      const v1::ListTokensRequest* request,
      v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context,
                                        const v1::RevokeTokenRequest* request,
                                        v1::Token* response) override;
  grpc::ServerUnaryReactor* RequestExtension(
      grpc::CallbackServerContext* context,
      const v1::RequestExtensionRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ApproveExtension(
      grpc::CallbackServerContext* context,
      const v1::ApproveExtensionRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RejectExtension(
      grpc::CallbackServerContext* context,
      const v1::RejectExtensionRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RefuseReturn(grpc::CallbackServerContext* context,
                                         const v1::RefuseReturnRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RequestSuspension(
      grpc::CallbackServerContext* context,
      const v1::RequestSuspensionRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ApproveSuspension(
      grpc::CallbackServerContext* context,
      const v1::ApproveSuspensionRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RejectSuspension(
      grpc::CallbackServerContext* context,
      const v1::RejectSuspensionRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ResumeTicket(grpc::CallbackServerContext* context,
                                         const v1::ResumeTicketRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* SubmitFinalAnswer(
      grpc::CallbackServerContext* context,
      const v1::SubmitFinalAnswerRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ApproveFinalAnswer(
      grpc::CallbackServerContext* context,
      const v1::ApproveFinalAnswerRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RejectFinalAnswer(
      grpc::CallbackServerContext* context,
      const v1::RejectFinalAnswerRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* CloseByFinalAnswer(
      grpc::CallbackServerContext* context,
      const v1::CloseByFinalAnswerRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AddAssistingDepartment(
      grpc::CallbackServerContext* context,
      const v1::AddAssistingDepartmentRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RemoveAssistingDepartment(
      grpc::CallbackServerContext* context,
      const v1::RemoveAssistingDepartmentRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AcknowledgeAssist(
      grpc::CallbackServerContext* context,
      const v1::AcknowledgeAssistRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ReturnAssist(grpc::CallbackServerContext* context,
                                         const v1::ReturnAssistRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* SubmitAssistOpinion(
      grpc::CallbackServerContext* context,
      const v1::SubmitAssistOpinionRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AcceptReply(grpc::CallbackServerContext* context,
                                        const v1::AcceptReplyRequest* request,
                                        v1::Ticket* response) override;
  grpc::ServerUnaryReactor* SendBackReply(
      grpc::CallbackServerContext* context,
      const v1::SendBackReplyRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* IssueNotice(grpc::CallbackServerContext* context,
                                        const v1::IssueNoticeRequest* request,
                                        v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AcknowledgeNotice(
      grpc::CallbackServerContext* context,
      const v1::AcknowledgeNoticeRequest* request,
      v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AnswerNotice(grpc::CallbackServerContext* context,
                                         const v1::AnswerNoticeRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ListNotices(
      grpc::CallbackServerContext* context,
      const v1::ListNoticesRequest* request,
      v1::ListNoticesResponse* response) override;
  grpc::ServerUnaryReactor* RecordCallback(
      grpc::CallbackServerContext* context,
      const v1::RecordCallbackRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AppealRating(grpc::CallbackServerContext* context,
                                         const v1::AppealRatingRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* DecideAppeal(grpc::CallbackServerContext* context,
                                         const v1::DecideAppealRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* MergeTicket(grpc::CallbackServerContext* context,
                                        const v1::MergeTicketRequest* request,
                                        v1::Ticket* response) override;
  grpc::ServerUnaryReactor* UnmergeTicket(
      grpc::CallbackServerContext* context,
      const v1::UnmergeTicketRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ListDuplicateCandidates(
      grpc::CallbackServerContext* context,
      const v1::ListDuplicateCandidatesRequest* request,
      v1::ListDuplicateCandidatesResponse* response) override;
  grpc::ServerUnaryReactor* LinkTickets(grpc::CallbackServerContext* context,
                                        const v1::LinkTicketsRequest* request,
                                        v1::Ticket* response) override;
  grpc::ServerUnaryReactor* UnlinkTickets(
      grpc::CallbackServerContext* context,
      const v1::UnlinkTicketsRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ListCards(grpc::CallbackServerContext* context,
                                      const v1::ListCardsRequest* request,
                                      v1::ListCardsResponse* response) override;
  grpc::ServerUnaryReactor* IssueCard(grpc::CallbackServerContext* context,
                                      const v1::IssueCardRequest* request,
                                      v1::Card* response) override;
  grpc::ServerUnaryReactor* RevokeCard(grpc::CallbackServerContext* context,
                                       const v1::RevokeCardRequest* request,
                                       v1::Card* response) override;
  grpc::ServerUnaryReactor* GetPolicy(grpc::CallbackServerContext* context,
                                      const v1::GetPolicyRequest* request,
                                      v1::Policy* response) override;
  grpc::ServerUnaryReactor* SubmitDailyReport(
      grpc::CallbackServerContext* context,
      const v1::SubmitDailyReportRequest* request,
      v1::SubmitDailyReportResponse* response) override;
  grpc::ServerUnaryReactor* ListDailyReports(
      grpc::CallbackServerContext* context,
      const v1::ListDailyReportsRequest* request,
      v1::ListDailyReportsResponse* response) override;
  grpc::ServerUnaryReactor* GetDailyReportCompliance(
      grpc::CallbackServerContext* context,
      const v1::GetDailyReportComplianceRequest* request,
      v1::DailyReportCompliance* response) override;
  grpc::ServerUnaryReactor* GetAssessment(
      grpc::CallbackServerContext* context,
      const v1::GetAssessmentRequest* request,
      v1::Assessment* response) override;
  grpc::ServerUnaryReactor* GetStatistics(
      grpc::CallbackServerContext* context,
      const v1::GetStatisticsRequest* request,
      v1::Statistics* response) override;
  grpc::ServerUnaryReactor* GetCategoryStatistics(
      grpc::CallbackServerContext* context,
      const v1::GetCategoryStatisticsRequest* request,
      v1::CategoryStatistics* response) override;
  grpc::ServerUnaryReactor* GetHotspots(grpc::CallbackServerContext* context,
                                        const v1::GetHotspotsRequest* request,
                                        v1::Hotspots* response) override;
  grpc::ServerUnaryReactor* ListCategories(
      grpc::CallbackServerContext* context,
      const v1::ListCategoriesRequest* request,
      v1::ListCategoriesResponse* response) override;
  grpc::ServerUnaryReactor* GetDispatchCatalogue(
      grpc::CallbackServerContext* context,
      const v1::GetDispatchCatalogueRequest* request,
      v1::DispatchCatalogue* response) override;
  grpc::ServerUnaryReactor* UpdateDispatchCatalogue(
      grpc::CallbackServerContext* context,
      const v1::UpdateDispatchCatalogueRequest* request,
      v1::DispatchCatalogue* response) override;
  grpc::ServerUnaryReactor* SuggestDispatch(
      grpc::CallbackServerContext* context,
      const v1::SuggestDispatchRequest* request,
      v1::DispatchSuggestion* response) override;
  grpc::ServerWriteReactor<v1::Event>* WatchEvents(
      grpc::CallbackServerContext* context,
      const v1::WatchEventsRequest* request) override;
  grpc::ServerUnaryReactor* AdvanceClock(
      grpc::CallbackServerContext* context,
      const v1::AdvanceClockRequest* request,
      v1::AdvanceClockResponse* response) override;
  grpc::ServerUnaryReactor* CreateBackup(grpc::CallbackServerContext* context,
                                         const v1::CreateBackupRequest* request,
                                         v1::Backup* response) override;
  grpc::ServerUnaryReactor* CreateSubscription(
      grpc::CallbackServerContext* context,
      const v1::CreateSubscriptionRequest* request,
      v1::Subscription* response) override;
  grpc::ServerUnaryReactor* ListSubscriptions(
      grpc::CallbackServerContext* context,
      const v1::ListSubscriptionsRequest* request,
      v1::ListSubscriptionsResponse* response) override;
  grpc::ServerUnaryReactor* GetSubscription(
      grpc::CallbackServerContext* context,
      const v1::GetSubscriptionRequest* request,
      v1::Subscription* response) override;
  grpc::ServerUnaryReactor* DeleteSubscription(
      grpc::CallbackServerContext* context,
      const v1::DeleteSubscriptionRequest* request,
      v1::Subscription* response) override;
  grpc::ServerUnaryReactor* PauseSubscription(
      grpc::CallbackServerContext* context,
      const v1::PauseSubscriptionRequest* request,
      v1::Subscription* response) override;
  grpc::ServerUnaryReactor* ResumeSubscription(
      grpc::CallbackServerContext* context,
      const v1::ResumeSubscriptionRequest* request,
      v1::Subscription* response) override;
  grpc::ServerUnaryReactor* RotateSubscriptionSecret(
      grpc::CallbackServerContext* context,
      const v1::RotateSubscriptionSecretRequest* request,
      v1::Subscription* response) override;
  grpc::ServerUnaryReactor* ListDeliveries(
      grpc::CallbackServerContext* context,
      const v1::ListDeliveriesRequest* request,
      v1::ListDeliveriesResponse* response) override;
  grpc::ServerUnaryReactor* RedeliverEvent(
      grpc::CallbackServerContext* context,
      const v1::RedeliverEventRequest* request,
      v1::Subscription* response) override;
  grpc::ServerUnaryReactor* GetCaller(grpc::CallbackServerContext* context,
                                      const v1::GetCallerRequest* request,
                                      v1::Caller* response) override;

 private:
  // Runs one unary call: authenticate, then `body(principal, done)`, where
  // the body calls `done` exactly once, now or later, with the result. It
  // runs at once on the gRPC thread when no read has to wait for a store
  // connection (storage::NonBlockingReads), else on the executor; a body
  // that `may_wait` (a lock, a commit awaited) always on the executor.
  template <typename Response, typename Body>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  const char* method,
                                  const google::protobuf::Message& request,
                                  Response* response, Body body,
                                  bool may_wait = false);

  const Authenticator* const authenticator_;
  TicketService* const tickets_;
  CardService* const cards_;
  DailyReportService* const reports_;
  StatisticsService* const statistics_;
  EventFeed* const feed_;
  AdminService* const admin_;
  BackupService* const backups_;
  SubscriptionService* const subscriptions_;
  // Runs every call's work (see Serve).
  Executor* const executor_;
  Metrics* const metrics_;  // may be null
};

}  // namespace hotline

#endif  // HOTLINE_SERVER_GRPC_SERVICE_H_
