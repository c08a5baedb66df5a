// The ticket use cases, between the gRPC handlers and the store: validate the
// request, check access, run the workflow rule, store the ticket and its
// event as one change set (the one shape of a write: app/write.h). No gRPC
// types; results are absl::Status / absl::StatusOr, with the canonical codes
// the API documents.
//
// Writes complete asynchronously: `done` runs once the change is durable (on
// the store's completion thread, so it must be short). Reads complete before
// the method returns.
//
// Thread-safe: all methods may be called concurrently.
#ifndef HOTLINE_APP_TICKET_SERVICE_H_
#define HOTLINE_APP_TICKET_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "app/attachment_upload.h"
#include "app/dispatch_catalogue_versions.h"
#include "app/executor.h"
#include "app/policy_registry.h"
#include "app/ticket_step.h"
#include "app/write.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/store.h"
#include "workflow/access.h"
#include "workflow/attachment_rules.h"
#include "workflow/clock.h"
#include "workflow/principal.h"
#include "workflow/ticket_rules.h"

namespace hotline {

using TicketDone = std::function<void(absl::StatusOr<v1::Ticket>)>;
using AttachmentDone = std::function<void(absl::StatusOr<v1::Attachment>)>;

// An attachment's record and the bytes asked for (a range of them).
struct AttachmentBytes {
  v1::Attachment attachment;
  // Where `bytes` start in the file.
  int64_t offset = 0;
  std::string bytes;
};

class TicketService final {
 public:
  // Every pointer must outlive the service.
  TicketService(storage::Store* store, const Clock* clock,
                const PolicyRegistry* policies, Executor* executor,
                AttachmentLimits attachment_limits = AttachmentLimits())
      : store_(store),
        clock_(clock),
        policies_(policies),
        writer_(store, clock, executor),
        attachment_limits_(attachment_limits) {}
  TicketService(const TicketService&) = delete;
  TicketService& operator=(const TicketService&) = delete;

  void CreateTicket(const Principal& principal,
                    const v1::CreateTicketRequest& request, TicketDone done);
  void DispatchTicket(const Principal& principal,
                      const v1::DispatchTicketRequest& request,
                      TicketDone done);
  void AcknowledgeTicket(const Principal& principal,
                         const v1::AcknowledgeTicketRequest& request,
                         TicketDone done);
  void ReturnTicket(const Principal& principal,
                    const v1::ReturnTicketRequest& request, TicketDone done);
  void ReplyTicket(const Principal& principal,
                   const v1::ReplyTicketRequest& request, TicketDone done);
  void CloseTicket(const Principal& principal,
                   const v1::CloseTicketRequest& request, TicketDone done);
  void ReopenTicket(const Principal& principal,
                    const v1::ReopenTicketRequest& request, TicketDone done);

  void RequestExtension(const Principal& principal,
                        const v1::RequestExtensionRequest& request,
                        TicketDone done);
  void ApproveExtension(const Principal& principal,
                        const v1::ApproveExtensionRequest& request,
                        TicketDone done);
  void RejectExtension(const Principal& principal,
                       const v1::RejectExtensionRequest& request,
                       TicketDone done);

  // Review of returns (派单异议审核); accepting one is DispatchTicket.
  void RefuseReturn(const Principal& principal,
                    const v1::RefuseReturnRequest& request, TicketDone done);

  // Suspension of the time limit (挂起), in suspension_steps.cc.
  void RequestSuspension(const Principal& principal,
                         const v1::RequestSuspensionRequest& request,
                         TicketDone done);
  void ApproveSuspension(const Principal& principal,
                         const v1::ApproveSuspensionRequest& request,
                         TicketDone done);
  void RejectSuspension(const Principal& principal,
                        const v1::RejectSuspensionRequest& request,
                        TicketDone done);
  void ResumeTicket(const Principal& principal,
                    const v1::ResumeTicketRequest& request, TicketDone done);

  // Final answers (最终答复), in final_answer_steps.cc.
  void SubmitFinalAnswer(const Principal& principal,
                         const v1::SubmitFinalAnswerRequest& request,
                         TicketDone done);
  void ApproveFinalAnswer(const Principal& principal,
                          const v1::ApproveFinalAnswerRequest& request,
                          TicketDone done);
  void RejectFinalAnswer(const Principal& principal,
                         const v1::RejectFinalAnswerRequest& request,
                         TicketDone done);
  void CloseByFinalAnswer(const Principal& principal,
                          const v1::CloseByFinalAnswerRequest& request,
                          TicketDone done);

  // Assisting departments (协办), in assist_steps.cc: the bureau adds or
  // removes one; the assisting department signs for, returns or answers
  // its own part.
  void AddAssistingDepartment(const Principal& principal,
                              const v1::AddAssistingDepartmentRequest& request,
                              TicketDone done);
  void RemoveAssistingDepartment(
      const Principal& principal,
      const v1::RemoveAssistingDepartmentRequest& request, TicketDone done);
  void AcknowledgeAssist(const Principal& principal,
                         const v1::AcknowledgeAssistRequest& request,
                         TicketDone done);
  void ReturnAssist(const Principal& principal,
                    const v1::ReturnAssistRequest& request, TicketDone done);
  void SubmitAssistOpinion(const Principal& principal,
                           const v1::SubmitAssistOpinionRequest& request,
                           TicketDone done);

  // Reply review (办结审核), the bureau's, in reply_review_steps.cc.
  void AcceptReply(const Principal& principal,
                   const v1::AcceptReplyRequest& request, TicketDone done);
  void SendBackReply(const Principal& principal,
                     const v1::SendBackReplyRequest& request, TicketDone done);

  // Urging notices (催办通知, 督办), in notice_steps.cc: the bureau issues
  // one; the lead department signs for and answers it; lists (the bureau
  // all, a department those addressed to it).
  void IssueNotice(const Principal& principal,
                   const v1::IssueNoticeRequest& request, TicketDone done);
  void AcknowledgeNotice(const Principal& principal,
                         const v1::AcknowledgeNoticeRequest& request,
                         TicketDone done);
  void AnswerNotice(const Principal& principal,
                    const v1::AnswerNoticeRequest& request, TicketDone done);
  absl::StatusOr<v1::ListNoticesResponse> ListNotices(
      const Principal& principal, const v1::ListNoticesRequest& request);

  // Callbacks (回访) and appeals of a rating (申诉), in callback_steps.cc.
  void RecordCallback(const Principal& principal,
                      const v1::RecordCallbackRequest& request,
                      TicketDone done);
  void AppealRating(const Principal& principal,
                    const v1::AppealRatingRequest& request, TicketDone done);
  void DecideAppeal(const Principal& principal,
                    const v1::DecideAppealRequest& request, TicketDone done);

  // Merged duplicates (并单) and links (关联), in merge_steps.cc.
  void MergeTicket(const Principal& principal,
                   const v1::MergeTicketRequest& request, TicketDone done);
  void UnmergeTicket(const Principal& principal,
                     const v1::UnmergeTicketRequest& request, TicketDone done);
  void LinkTickets(const Principal& principal,
                   const v1::LinkTicketsRequest& request, TicketDone done);
  void UnlinkTickets(const Principal& principal,
                     const v1::UnlinkTicketsRequest& request, TicketDone done);
  // The bureau's: what the dispatch catalogue (派单目录) suggests for the
  // ticket now (dispatch_suggestion_steps.cc).
  absl::StatusOr<v1::DispatchSuggestion> SuggestDispatch(
      const Principal& principal, const v1::SuggestDispatchRequest& request);
  // The bureau's: the likely duplicates of a ticket (可能重复).
  absl::StatusOr<v1::ListDuplicateCandidatesResponse> ListDuplicateCandidates(
      const Principal& principal,
      const v1::ListDuplicateCandidatesRequest& request);

  // Attachments (附件), in attachment_steps.cc; the rules are
  // workflow/attachment_rules.h. An upload: BeginUpload with its first
  // message (checks the header, the principal's access and step, the
  // limits known so far; a retry of a finished upload is let through to be
  // answered), Append each chunk to what it returns, then FinishUpload,
  // which stores the bytes durably and records them (a retry answered with
  // the first outcome). May read the store: call where waiting is allowed.
  absl::StatusOr<std::unique_ptr<AttachmentUpload>> BeginUpload(
      const Principal& principal, const v1::UploadAttachmentRequest& first);
  void FinishUpload(const Principal& principal,
                    std::unique_ptr<AttachmentUpload> upload,
                    AttachmentDone done);
  // The record and bytes of an attachment the principal may fetch, checked
  // against its SHA-256 (DATA_LOSS, ATTACHMENT_DAMAGED otherwise). Reads
  // the whole file: call where waiting is allowed.
  absl::StatusOr<AttachmentBytes> ReadAttachment(
      const Principal& principal, const v1::DownloadAttachmentRequest& request);
  void ReleaseAttachment(const Principal& principal,
                         const v1::ReleaseAttachmentRequest& request,
                         AttachmentDone done);
  const AttachmentLimits& attachment_limits() const {
    return attachment_limits_;
  }

  absl::StatusOr<v1::Ticket> GetTicket(const Principal& principal,
                                       const v1::GetTicketRequest& request);
  absl::StatusOr<v1::ListTicketsResponse> ListTickets(
      const Principal& principal, const v1::ListTicketsRequest& request);
  absl::StatusOr<v1::ListTicketEventsResponse> ListTicketEvents(
      const Principal& principal, const v1::ListTicketEventsRequest& request);

 private:
  using Rule = StepRule;

  // A step's plan, given when and by whom, and the named ticket's id.
  using StepPlan = std::function<absl::StatusOr<Planned<v1::Ticket>>(
      const ActionContext& context, int64_t id)>;

  // The shared path of every state change: refuse when the request's own
  // checks failed (`checked`), parse `name`, then the write (app/write.h)
  // of `plan` under `action`, answering with the ticket as the principal
  // may see it. `request` is hashed for its request_id (idempotency.h): a
  // retry gets the first outcome.
  void Step(const Principal& principal, TicketAction action,
            const std::string& name, const google::protobuf::Message& request,
            const absl::Status& checked, StepPlan plan, TicketDone done);

  // Step of one ticket by `rule` (ticket_step.h, PlanTicketStep).
  void Transition(const Principal& principal, TicketAction action,
                  const std::string& name,
                  const google::protobuf::Message& request,
                  const absl::Status& checked, Rule rule, TicketDone done);

  // Step of two tickets, `name` and the one `other_of` names, by `rule`
  // (ticket_step.h, PlanPairStep).
  void PairTransition(const Principal& principal, TicketAction action,
                      const std::string& name,
                      const google::protobuf::Message& request,
                      const absl::Status& checked, OtherOf other_of,
                      PairRule rule, TicketDone done);

  // CreateTicket's plan: an earlier create of the same request_id is
  // answered again; else the source_id rule (CheckSourceIdFree), the
  // department to dispatch to, and the new ticket.
  absl::StatusOr<Planned<v1::Ticket>> PlanCreate(
      const Principal& principal, const v1::CreateTicketRequest& request) const;
  // The ticket an earlier create by `principal` with `request_id` made.
  absl::StatusOr<std::optional<v1::Ticket>> FindCreated(
      const Principal& principal, const std::string& request_id) const;
  // Adds the new ticket (dispatched at once when the request asks) to
  // `change_set`; the ticket as it will be stored.
  absl::StatusOr<v1::Ticket> PlanNewTicket(
      const v1::CreateTicketRequest& request, const ActionContext& context,
      storage::ChangeSet* change_set) const;

  // Loads a ticket the principal may see (for reads).
  absl::StatusOr<v1::Ticket> LoadVisible(const Principal& principal,
                                         const std::string& name,
                                         absl::string_view field);

  storage::Store* const store_;
  const Clock* const clock_;
  const PolicyRegistry* const policies_;
  const Writer writer_;
  // The dispatch catalogue (派单目录) every dispatch records the suggestion
  // of; mutable: a cache, read in const plans.
  mutable CurrentDispatchCatalogue dispatch_catalogue_;
  const AttachmentLimits attachment_limits_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_TICKET_SERVICE_H_
