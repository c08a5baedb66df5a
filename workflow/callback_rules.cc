#include "workflow/callback_rules.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/reply_review_rules.h"

namespace hotline {
namespace {

using v1::CallbackAttempt;
using v1::Event;
using v1::RatingAppeal;
using v1::Ticket;

absl::Status AppealError(const Ticket& ticket, v1::ErrorReason reason,
                         absl::string_view message) {
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat(ticket.name(), ": ", message)),
      reason, {{"ticket", ticket.name()}});
}

}  // namespace

absl::StatusOr<TicketChange> RecordCallback(const Ticket& ticket,
                                            CallbackAttempt::Channel channel,
                                            CallbackAttempt::Result result,
                                            absl::string_view note,
                                            absl::string_view etag,
                                            const ActionContext& context,
                                            const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "RecordCallback", {Ticket::REPLIED}));
  RETURN_IF_ERROR(CheckReviewedForClose(ticket));
  int failed = result == CallbackAttempt::REACHED ? 0 : 1;
  for (const CallbackAttempt& attempt : ticket.callback_attempts()) {
    if (attempt.result() != CallbackAttempt::REACHED) ++failed;
  }
  const bool closes = result != CallbackAttempt::REACHED &&
                      failed >= rules.policy->callback_max_attempts();
  TicketChange change =
      BeginStep(ticket, closes ? Event::CLOSED : Event::CALLBACK_ATTEMPT,
                closes ? Ticket::CLOSED : Ticket::REPLIED, context);
  Ticket& t = change.ticket;
  CallbackAttempt& attempt = *t.add_callback_attempts();
  attempt.set_channel(channel);
  attempt.set_result(result);
  attempt.set_note(std::string(note));
  attempt.set_recorded_by(context.actor.ToString());
  *attempt.mutable_attempt_time() = ToProtoTime(context.now);
  change.event.set_callback_channel(channel);
  change.event.set_callback_result(result);
  change.event.set_reason(std::string(note));
  if (closes) {
    // 回访未果: no rating; closed as unreachable.
    t.set_closed_unreachable(true);
    *t.mutable_closed_at() = ToProtoTime(context.now);
    change.event.set_reason(
        absl::StrCat("the caller was not reached in ", failed,
                     " callback attempts: closed as unreachable (回访未果)",
                     note.empty() ? "" : "; ", note));
  }
  FinishStep(ticket, change);
  return change;
}

void SetDissatisfactionReasons(
    TicketChange& close,
    const std::vector<v1::DissatisfactionReason>& reasons) {
  for (v1::DissatisfactionReason reason : reasons) {
    close.ticket.add_dissatisfaction_reasons(reason);
    close.event.add_dissatisfaction_reasons(reason);
  }
}

absl::Time AppealDue(const Ticket& ticket, const DeadlineRules& rules) {
  return rules.calendar->EndOfWorkingDays(FromProtoTime(ticket.closed_at()),
                                          rules.policy->appeal_working_days());
}

absl::StatusOr<TicketChange> AppealRating(const Ticket& ticket,
                                          absl::string_view grounds,
                                          absl::string_view etag,
                                          const ActionContext& context,
                                          const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "AppealRating", {Ticket::CLOSED}));
  if (ticket.satisfaction() != Ticket::DISSATISFIED) {
    return AppealError(ticket, v1::NOT_DISSATISFIED,
                       "only a DISSATISFIED rating (不满意) is appealed");
  }
  if (ticket.rating_appeal().state() != RatingAppeal::STATE_UNSPECIFIED) {
    return AppealError(
        ticket, v1::APPEAL_EXISTS,
        absl::StrCat("its rating was appealed already (",
                     RatingAppeal::State_Name(ticket.rating_appeal().state()),
                     "); a ticket's rating is appealed once"));
  }
  const absl::Time due = AppealDue(ticket, rules);
  if (context.now > due) {
    return WithReason(
        absl::FailedPreconditionError(
            absl::StrCat(ticket.name(), ": an appeal of its rating was due by ",
                         rules.calendar->FormatDeadline(due), " (",
                         rules.policy->appeal_working_days(),
                         " working days after the close)")),
        v1::APPEAL_TOO_LATE,
        {{"ticket", ticket.name()},
         {"appeal_due_at",
          absl::FormatTime(absl::RFC3339_sec, due, absl::UTCTimeZone())}});
  }
  TicketChange change =
      BeginStep(ticket, Event::RATING_APPEALED, Ticket::CLOSED, context);
  RatingAppeal& appeal = *change.ticket.mutable_rating_appeal();
  appeal.set_state(RatingAppeal::PENDING);
  appeal.set_department(ticket.department());
  appeal.set_grounds(std::string(grounds));
  appeal.set_appealed_by(context.actor.ToString());
  *appeal.mutable_appeal_time() = ToProtoTime(context.now);
  *appeal.mutable_appeal_due_at() = ToProtoTime(due);
  change.event.set_reason(std::string(grounds));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> DecideAppeal(const Ticket& ticket, bool uphold,
                                          absl::string_view note,
                                          absl::string_view etag,
                                          const ActionContext& context,
                                          const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "DecideAppeal", {Ticket::CLOSED}));
  if (ticket.rating_appeal().state() != RatingAppeal::PENDING) {
    return AppealError(ticket, v1::APPEAL_NOT_PENDING,
                       "no appeal of its rating waits for a decision");
  }
  TicketChange change;
  if (!uphold && rules.policy->reopen_on_reasonable_dissatisfaction()) {
    // 合理差评: the rating stands, and the demand is handled again (重办).
    ASSIGN_OR_RETURN(change, Reopen(ticket, absl::StrCat("合理差评: ", note),
                                    "", context, rules));
  } else {
    change = BeginStep(ticket,
                       uphold ? Event::APPEAL_UPHELD : Event::APPEAL_REJECTED,
                       Ticket::CLOSED, context);
    change.event.set_reason(std::string(note));
    FinishStep(ticket, change);
  }
  RatingAppeal& appeal = *change.ticket.mutable_rating_appeal();
  appeal.set_state(uphold ? RatingAppeal::UPHELD : RatingAppeal::REJECTED);
  appeal.set_decided_by(context.actor.ToString());
  *appeal.mutable_decide_time() = ToProtoTime(context.now);
  appeal.set_decision_note(std::string(note));
  return change;
}

}  // namespace hotline
