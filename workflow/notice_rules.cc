#include "workflow/notice_rules.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

using v1::Event;
using v1::Notice;
using v1::Ticket;

bool IsOpen(const Notice& notice) {
  return notice.state() == Notice::ISSUED ||
         notice.state() == Notice::ACKNOWLEDGED;
}

bool TicketOpen(const Ticket& ticket) {
  return ticket.state() == Ticket::DISPATCHED ||
         ticket.state() == Ticket::IN_PROGRESS;
}

absl::Status NoticeStateError(const Notice& notice, absl::string_view what) {
  return WithReason(absl::FailedPreconditionError(absl::StrCat(
                        notice.name(), " is ",
                        Notice::State_Name(notice.state()), "; ", what)),
                    v1::NOTICE_STATE,
                    {{"notice", notice.name()},
                     {"state", Notice::State_Name(notice.state())}});
}

// The notice `number` of `ticket`, after the etag check; NOT_FOUND when the
// ticket has none of that number.
absl::StatusOr<int> FindNotice(const Ticket& ticket, int number,
                               absl::string_view etag,
                               absl::string_view method) {
  // Any state: a notice's own state decides (a lapsed notice says so).
  RETURN_IF_ERROR(CheckStep(ticket, etag, method, {ticket.state()}));
  if (number < 1 || number > ticket.notices_size()) {
    return ResourceNotFound("notice",
                            absl::StrCat(ticket.name(), "/notices/", number),
                            absl::StrCat(ticket.name(), " has ",
                                         ticket.notices_size(), " notice(s)"));
  }
  return number - 1;
}

// The department's step on notice `index` of `ticket`: a change at the
// ticket's own state with an event of `type` naming the notice.
TicketChange NoticeStep(const Ticket& ticket, int index, Event::Type type,
                        const ActionContext& context) {
  TicketChange change = BeginStep(ticket, type, ticket.state(), context);
  DescribeNotice(ticket.notices(index), change.event);
  return change;
}

}  // namespace

const Notice* OpenNotice(const Ticket& ticket) {
  for (const Notice& notice : ticket.notices()) {
    if (IsOpen(notice)) return &notice;
  }
  return nullptr;
}

void DescribeNotice(const Notice& notice, Event& event) {
  event.set_notice(notice.name());
  event.set_notice_level(notice.level());
}

Notice& AddNotice(Ticket& ticket, Notice::Level level, Notice::Trigger trigger,
                  std::string reason, std::string copy_to,
                  std::string issued_by, absl::Time at,
                  const DeadlineRules& rules) {
  Notice& notice = *ticket.add_notices();
  notice.set_number(ticket.notices_size());
  notice.set_name(absl::StrCat(ticket.name(), "/notices/", notice.number()));
  notice.set_level(level);
  notice.set_state(Notice::ISSUED);
  notice.set_trigger(trigger);
  notice.set_department(ticket.department());
  notice.set_reason(std::move(reason));
  notice.set_copy_to(std::move(copy_to));
  notice.set_issued_by(std::move(issued_by));
  *notice.mutable_issue_time() = ToProtoTime(at);
  // An instant at 24:00 (an escalation at the deadline it follows, the
  // policy's notice with a yellow card) belongs to the day it closes: the
  // department has whole working days after it.
  *notice.mutable_answer_due_at() =
      ToProtoTime(rules.calendar->ExtendByWorkingDays(
          at, rules.policy->notice_answer_working_days()));
  return notice;
}

absl::StatusOr<TicketChange> IssueNotice(
    const Ticket& ticket, Notice::Level level, absl::string_view reason,
    absl::string_view copy_to, absl::string_view etag,
    const ActionContext& context, const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "IssueNotice",
                            {Ticket::DISPATCHED, Ticket::IN_PROGRESS}));
  if (ticket.notices_size() >= kMaxNoticesPerTicket) {
    return WithReason(
        absl::FailedPreconditionError(
            absl::StrCat(ticket.name(), " already holds ", kMaxNoticesPerTicket,
                         " notices, the most one ticket may")),
        v1::NOTICE_LIMIT, {{"ticket", ticket.name()}});
  }
  if (level == Notice::LEVEL_UNSPECIFIED) level = Notice::URGING;
  TicketChange change =
      BeginStep(ticket, Event::NOTICE_ISSUED, ticket.state(), context);
  Ticket& t = change.ticket;
  int escalated_from = 0;
  if (const Notice* open = OpenNotice(ticket); open != nullptr) {
    if (level <= open->level()) {
      return WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              open->name(), " (", Notice::Level_Name(open->level()),
              ") is still open until ",
              rules.calendar->FormatDeadline(
                  FromProtoTime(open->answer_due_at())),
              "; wait for its answer or its deadline, or issue a higher "
              "level")),
          v1::NOTICE_OPEN,
          {{"ticket", ticket.name()}, {"notice", open->name()}});
    }
    Notice& replaced = *t.mutable_notices(open->number() - 1);
    replaced.set_state(Notice::ESCALATED);
    *replaced.mutable_end_time() = ToProtoTime(context.now);
    replaced.set_end_reason(absl::StrCat("replaced by notice ",
                                         t.notices_size() + 1, " (",
                                         Notice::Level_Name(level), ")"));
    escalated_from = open->number();
  }
  Notice& notice = AddNotice(t, level, Notice::BY_HAND, std::string(reason),
                             std::string(copy_to), context.actor.ToString(),
                             context.now, rules);
  notice.set_escalated_from(escalated_from);
  DescribeNotice(notice, change.event);
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> AcknowledgeNotice(const Ticket& ticket, int number,
                                               absl::string_view etag,
                                               const ActionContext& context) {
  ASSIGN_OR_RETURN(int index,
                   FindNotice(ticket, number, etag, "AcknowledgeNotice"));
  const Notice& notice = ticket.notices(index);
  if (notice.state() != Notice::ISSUED) {
    return NoticeStateError(notice, "only an ISSUED notice is signed for");
  }
  TicketChange change =
      NoticeStep(ticket, index, Event::NOTICE_ACKNOWLEDGED, context);
  Notice& signed_for = *change.ticket.mutable_notices(index);
  signed_for.set_state(Notice::ACKNOWLEDGED);
  *signed_for.mutable_acknowledged_at() = ToProtoTime(context.now);
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> AnswerNotice(const Ticket& ticket, int number,
                                          absl::string_view answer,
                                          absl::string_view etag,
                                          const ActionContext& context) {
  ASSIGN_OR_RETURN(int index, FindNotice(ticket, number, etag, "AnswerNotice"));
  const Notice& notice = ticket.notices(index);
  if (notice.state() == Notice::ISSUED) {
    return NoticeStateError(notice,
                            "sign for it first (AcknowledgeNotice), then "
                            "answer it");
  }
  if (notice.state() != Notice::ACKNOWLEDGED &&
      notice.state() != Notice::UNANSWERED) {
    return NoticeStateError(notice,
                            "only an ACKNOWLEDGED or UNANSWERED notice is "
                            "answered");
  }
  if (notice.department() != context.actor.DepartmentName()) {
    return NoticeStateError(
        notice, absl::StrCat("it was addressed to ", notice.department()));
  }
  TicketChange change =
      NoticeStep(ticket, index, Event::NOTICE_ANSWERED, context);
  Notice& answered = *change.ticket.mutable_notices(index);
  answered.set_state(Notice::ANSWERED);
  if (!IsSet(answered.acknowledged_at())) {
    *answered.mutable_acknowledged_at() = ToProtoTime(context.now);
  }
  answered.set_answer(std::string(answer));
  answered.set_answered_by(context.actor.ToString());
  *answered.mutable_answer_time() = ToProtoTime(context.now);
  answered.clear_end_time();
  answered.clear_end_reason();
  change.event.set_reply_text(std::string(answer));
  FinishStep(ticket, change);
  return change;
}

std::vector<NoticeFall> SweepNotices(Ticket& ticket, absl::Time now,
                                     absl::string_view issuer,
                                     const DeadlineRules& rules) {
  std::vector<NoticeFall> falls;
  if (!TicketOpen(ticket)) return falls;
  const int top = std::clamp(rules.policy->notice_top_level(),
                             static_cast<int>(Notice::URGING),
                             static_cast<int>(Notice::CIRCULATED_CRITICISM));
  // An escalation is appended, and may itself fall due.
  for (int i = 0; i < ticket.notices_size(); ++i) {
    Notice& notice = *ticket.mutable_notices(i);
    if (!IsOpen(notice) || notice.department() != ticket.department() ||
        FromProtoTime(notice.answer_due_at()) > now) {
      continue;
    }
    const absl::Time due = FromProtoTime(notice.answer_due_at());
    const std::string deadline = rules.calendar->FormatDeadline(due);
    notice.set_overdue(true);
    *notice.mutable_end_time() = ToProtoTime(due);
    const bool escalate = notice.level() < top;
    notice.set_state(escalate ? Notice::ESCALATED : Notice::UNANSWERED);
    notice.set_end_reason(
        absl::StrCat("not answered by ", deadline,
                     escalate ? "; escalated" : "; the top of the ladder"));
    falls.push_back({Event::NOTICE_OVERDUE, i, due, notice.end_reason()});
    if (!escalate) continue;
    const Notice::Level next = static_cast<Notice::Level>(notice.level() + 1);
    const int from = notice.number();
    const std::string copy_to = notice.copy_to();
    std::string reason =
        absl::StrCat("notice ", from, " (", Notice::Level_Name(notice.level()),
                     ") was not answered by ", deadline);
    // `notice` may move: the vector grows.
    Notice& up = AddNotice(ticket, next, Notice::ESCALATION, reason, copy_to,
                           std::string(issuer), due, rules);
    up.set_escalated_from(from);
    falls.push_back(
        {Event::NOTICE_ISSUED, ticket.notices_size() - 1, due, reason});
  }
  return falls;
}

void LapseNotices(Ticket& ticket, absl::Time now, absl::string_view step) {
  for (Notice& notice : *ticket.mutable_notices()) {
    if (!IsOpen(notice)) continue;
    if (TicketOpen(ticket) && notice.department() == ticket.department()) {
      continue;
    }
    notice.set_state(Notice::LAPSED);
    *notice.mutable_end_time() = ToProtoTime(now);
    notice.set_end_reason(
        absl::StrCat("the ticket left ", notice.department(), " (", step, ")"));
  }
}

absl::Time NextNoticeDue(const Ticket& ticket) {
  if (!TicketOpen(ticket)) return absl::InfiniteFuture();
  const Notice* open = OpenNotice(ticket);
  if (open == nullptr || open->department() != ticket.department()) {
    return absl::InfiniteFuture();
  }
  return FromProtoTime(open->answer_due_at());
}

}  // namespace hotline
