#include "workflow/reply_review_rules.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/calendar_coverage.h"
#include "workflow/daily_report_rules.h"

namespace hotline {
namespace {

using v1::Event;
using v1::ReplyReview;
using v1::Ticket;

absl::Status CheckPendingReview(const Ticket& ticket, absl::string_view etag,
                                absl::string_view method) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, method, {Ticket::REPLIED}));
  if (ticket.reply_review().state() != ReplyReview::PENDING) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            "the reply of ", ticket.name(),
            " does not wait for a review (办结审核): ",
            ticket.reply_review().state() == ReplyReview::ACCEPTED
                ? "it was accepted already"
                : "the policy did not ask for one when it was given")),
        v1::REVIEW_NOT_PENDING, {{"ticket", ticket.name()}});
  }
  return absl::OkStatus();
}

}  // namespace

void RequireReview(TicketChange& reply, const v1::Policy& policy) {
  if (!policy.review_replies()) return;
  reply.ticket.mutable_reply_review()->set_state(ReplyReview::PENDING);
}

absl::StatusOr<TicketChange> AcceptReply(const Ticket& ticket,
                                         absl::string_view etag,
                                         const ActionContext& context) {
  RETURN_IF_ERROR(CheckPendingReview(ticket, etag, "AcceptReply"));
  TicketChange change =
      BeginStep(ticket, Event::REPLY_ACCEPTED, Ticket::REPLIED, context);
  ReplyReview& review = *change.ticket.mutable_reply_review();
  review.set_state(ReplyReview::ACCEPTED);
  review.set_reviewed_by(context.actor.ToString());
  *review.mutable_review_time() = ToProtoTime(context.now);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> SendBackReply(
    const Ticket& ticket, const std::vector<v1::SendBackReason>& reasons,
    absl::string_view note, absl::string_view etag,
    const ActionContext& context, const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckPendingReview(ticket, etag, "SendBackReply"));
  TicketChange change =
      BeginStep(ticket, Event::REPLY_SENT_BACK, Ticket::IN_PROGRESS, context);
  Ticket& t = change.ticket;
  v1::SendBack& sent = *t.mutable_last_send_back();
  sent.Clear();
  for (v1::SendBackReason reason : reasons) {
    sent.add_reasons(reason);
    change.event.add_send_back_reasons(reason);
  }
  sent.set_note(std::string(note));
  sent.set_sent_by(context.actor.ToString());
  *sent.mutable_send_time() = ToProtoTime(context.now);
  sent.set_reply_text(ticket.reply_text());
  t.set_send_back_count(ticket.send_back_count() + 1);
  // The reply goes back; the department's clock restarts with the policy's
  // limit for a new reply (sign-for and return do not apply again).
  ClearReply(t);
  const google::protobuf::Timestamp ack_due = t.ack_due_at();
  ClearAssignment(t);
  *t.mutable_ack_due_at() = ack_due;
  const absl::Time reply_due = rules.calendar->EndOfWorkingDays(
      context.now, rules.policy->send_back_reply_working_days());
  *t.mutable_reply_due_at() = ToProtoTime(reply_due);
  *t.mutable_warning_at() =
      ToProtoTime(std::max(context.now, WarningBefore(reply_due, rules)));
  t.set_policy_version(rules.policy->version());
  *t.mutable_daily_report_due_at() =
      ToProtoTime(FirstDailyReportDue(context.now, *rules.calendar));
  MarkProvisionalDeadlines(t, *rules.calendar);
  change.event.set_reason(std::string(note));
  change.event.set_reply_text(ticket.reply_text());
  FinishStep(ticket, change);
  return change;
}

absl::Status CheckReviewedForClose(const Ticket& ticket) {
  if (ticket.reply_review().state() != ReplyReview::PENDING) {
    return absl::OkStatus();
  }
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          "the reply of ", ticket.name(),
          " waits for the bureau's review (办结审核); accept it (AcceptReply) "
          "or send it back (SendBackReply) before closing")),
      v1::REPLY_NOT_REVIEWED, {{"ticket", ticket.name()}});
}

}  // namespace hotline
