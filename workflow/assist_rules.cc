#include "workflow/assist_rules.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

using v1::Assist;
using v1::Event;
using v1::Ticket;

// The ticket states in which assisting parts may be added.
constexpr std::initializer_list<Ticket::State> kOpen = {Ticket::DISPATCHED,
                                                        Ticket::IN_PROGRESS};
// ... and in which an assisting department works on its part.
constexpr std::initializer_list<Ticket::State> kWorking = {
    Ticket::DISPATCHED, Ticket::IN_PROGRESS, Ticket::SUSPENDED};

Assist* FindMutableActive(Ticket& ticket, absl::string_view department) {
  for (Assist& assist : *ticket.mutable_assists()) {
    if (assist.department() == department && IsActiveAssist(assist)) {
      return &assist;
    }
  }
  return nullptr;
}

absl::Status NotAssisting(const Ticket& ticket, absl::string_view department) {
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          department, " does not assist (协办) ", ticket.name(),
          " (it was never asked, or its part was returned or removed)")),
      v1::NOT_ASSISTING,
      {{"ticket", ticket.name()}, {"department", std::string(department)}});
}

absl::Status WrongPartState(const Ticket& ticket, const Assist& assist,
                            absl::string_view why) {
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          ticket.name(), ": the assisting part of ", assist.department(),
          " is ", Assist::State_Name(assist.state()), "; ", why)),
      v1::ASSIST_STATE,
      {{"ticket", ticket.name()},
       {"department", assist.department()},
       {"assist_state", Assist::State_Name(assist.state())}});
}

// The opinion deadline of a part whose clock starts at `start`.
absl::Time OpinionDue(const Ticket& ticket, absl::Time start,
                      const DeadlineRules& rules) {
  absl::Time due = rules.calendar->EndOfWorkingDays(
      start, rules.policy->assist_opinion_working_days());
  if (IsSet(ticket.reply_due_at())) {
    due = std::min(due, FromProtoTime(ticket.reply_due_at()));
  }
  return due;
}

// The part of the acting department, active, for its own steps.
absl::StatusOr<Assist*> OwnPart(Ticket& t, const ActionContext& context) {
  const std::string own = context.actor.DepartmentName();
  Assist* part = FindMutableActive(t, own);
  if (part == nullptr) return NotAssisting(t, own);
  return part;
}

// A step on the part of `department`: one event naming it.
TicketChange BeginAssistStep(const Ticket& ticket, Event::Type type,
                             absl::string_view department,
                             const ActionContext& context) {
  TicketChange change = BeginStep(ticket, type, ticket.state(), context);
  change.event.set_assist_department(std::string(department));
  return change;
}

}  // namespace

bool IsActiveAssist(const Assist& assist) {
  return assist.state() == Assist::DISPATCHED ||
         assist.state() == Assist::ACKNOWLEDGED ||
         assist.state() == Assist::OPINION_GIVEN;
}

const Assist* FindActiveAssist(const Ticket& ticket,
                               absl::string_view department) {
  for (const Assist& assist : ticket.assists()) {
    if (assist.department() == department && IsActiveAssist(assist)) {
      return &assist;
    }
  }
  return nullptr;
}

std::vector<std::string> AssistingDepartments(const Ticket& ticket) {
  std::vector<std::string> departments;
  for (const Assist& assist : ticket.assists()) {
    if (IsActiveAssist(assist)) departments.push_back(assist.department());
  }
  return departments;
}

std::vector<std::string> MissingOpinions(const Ticket& ticket) {
  std::vector<std::string> departments;
  for (const Assist& assist : ticket.assists()) {
    if (assist.state() == Assist::DISPATCHED ||
        assist.state() == Assist::ACKNOWLEDGED) {
      departments.push_back(assist.department());
    }
  }
  return departments;
}

absl::Status AddAssistParts(Ticket& t,
                            const std::vector<std::string>& departments,
                            absl::string_view note,
                            const ActionContext& context,
                            const DeadlineRules& rules) {
  for (const std::string& department : departments) {
    if (department == t.department()) {
      return WithReason(
          absl::InvalidArgumentError(absl::StrCat(
              department, " is the lead department (主办) of ", t.name(),
              "; an assisting department (协办) must be another one")),
          v1::ASSIST_IS_LEAD, {{"department", department}});
    }
    if (FindActiveAssist(t, department) != nullptr) {
      return WithReason(absl::FailedPreconditionError(absl::StrCat(
                            department, " already assists (协办) ", t.name())),
                        v1::ALREADY_ASSISTING,
                        {{"ticket", t.name()}, {"department", department}});
    }
    // A department asked again replaces its ended part.
    auto& parts = *t.mutable_assists();
    parts.erase(std::remove_if(parts.begin(), parts.end(),
                               [&](const Assist& a) {
                                 return a.department() == department;
                               }),
                parts.end());
    const Deadlines deadlines =
        ComputeDeadlines(t.type(), t.urgency(), context.now, rules);
    Assist& part = *t.add_assists();
    part.set_department(department);
    part.set_state(Assist::DISPATCHED);
    part.set_note(std::string(note));
    part.set_added_by(context.actor.ToString());
    *part.mutable_add_time() = ToProtoTime(context.now);
    *part.mutable_ack_due_at() = ToProtoTime(deadlines.ack_due);
    *part.mutable_return_due_at() = ToProtoTime(deadlines.return_due);
    *part.mutable_opinion_due_at() =
        ToProtoTime(OpinionDue(t, deadlines.ack_due, rules));
  }
  return absl::OkStatus();
}

absl::StatusOr<TicketChange> DispatchWithAssists(
    const Ticket& ticket, absl::string_view department,
    const std::vector<std::string>& assisting, absl::string_view note,
    absl::string_view etag, const ActionContext& context,
    const DeadlineRules& rules) {
  if (FindActiveAssist(ticket, department) != nullptr) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            department, " assists (协办) ", ticket.name(),
            "; remove it as an assisting department "
            "(RemoveAssistingDepartment) before making it the lead")),
        v1::ALREADY_ASSISTING,
        {{"ticket", ticket.name()}, {"department", std::string(department)}});
  }
  ASSIGN_OR_RETURN(TicketChange change,
                   Dispatch(ticket, department, note, etag, context, rules));
  if (assisting.empty()) return change;
  RETURN_IF_ERROR(
      AddAssistParts(change.ticket, assisting, note, context, rules));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> AddAssist(const Ticket& ticket,
                                       absl::string_view department,
                                       absl::string_view note,
                                       absl::string_view etag,
                                       const ActionContext& context,
                                       const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "AddAssistingDepartment", kOpen));
  TicketChange change =
      BeginAssistStep(ticket, Event::ASSIST_ADDED, department, context);
  RETURN_IF_ERROR(AddAssistParts(change.ticket, {std::string(department)}, note,
                                 context, rules));
  change.event.set_reason(std::string(note));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> RemoveAssist(const Ticket& ticket,
                                          absl::string_view department,
                                          absl::string_view reason,
                                          absl::string_view etag,
                                          const ActionContext& context) {
  RETURN_IF_ERROR(
      CheckStep(ticket, etag, "RemoveAssistingDepartment",
                {Ticket::DISPATCHED, Ticket::IN_PROGRESS, Ticket::SUSPENDED,
                 Ticket::RETURNED, Ticket::REPLIED}));
  TicketChange change =
      BeginAssistStep(ticket, Event::ASSIST_REMOVED, department, context);
  Assist* part = FindMutableActive(change.ticket, department);
  if (part == nullptr) return NotAssisting(ticket, department);
  if (ticket.state() == Ticket::REPLIED &&
      part->state() == Assist::OPINION_GIVEN) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            "the reply of ", ticket.name(), " rests on the opinion of ",
            department, "; reopen the ticket before removing it")),
        v1::OPINION_RELIED_ON,
        {{"ticket", ticket.name()}, {"department", std::string(department)}});
  }
  part->set_state(Assist::REMOVED);
  part->set_end_reason(std::string(reason));
  *part->mutable_end_time() = ToProtoTime(context.now);
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> AcknowledgeAssist(const Ticket& ticket,
                                               absl::string_view etag,
                                               const ActionContext& context,
                                               const DeadlineRules& rules) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "AcknowledgeAssist", kWorking));
  TicketChange change =
      BeginAssistStep(ticket, Event::ASSIST_ACKNOWLEDGED,
                      context.actor.DepartmentName(), context);
  ASSIGN_OR_RETURN(Assist * part, OwnPart(change.ticket, context));
  if (part->state() != Assist::DISPATCHED) {
    return WrongPartState(ticket, *part, "it was signed for already");
  }
  part->set_state(Assist::ACKNOWLEDGED);
  *part->mutable_acknowledged_at() = ToProtoTime(context.now);
  if (!part->opinion_overdue()) {
    // From the sign-for, or from its deadline when it came later: a late
    // sign-for does not buy a later opinion deadline.
    const absl::Time from =
        std::min(context.now, FromProtoTime(part->ack_due_at()));
    *part->mutable_opinion_due_at() =
        ToProtoTime(OpinionDue(ticket, from, rules));
  }
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> ReturnAssist(const Ticket& ticket,
                                          absl::string_view reason,
                                          absl::string_view etag,
                                          const ActionContext& context) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "ReturnAssist", kWorking));
  TicketChange change = BeginAssistStep(
      ticket, Event::ASSIST_RETURNED, context.actor.DepartmentName(), context);
  ASSIGN_OR_RETURN(Assist * part, OwnPart(change.ticket, context));
  if (part->state() == Assist::OPINION_GIVEN) {
    return WrongPartState(ticket, *part,
                          "a part whose opinion is in cannot be returned");
  }
  if (context.now > FromProtoTime(part->return_due_at())) {
    return WrongPartState(
        ticket, *part,
        absl::StrCat("the window for returning it ended at ",
                     absl::FormatTime(absl::RFC3339_sec,
                                      FromProtoTime(part->return_due_at()),
                                      absl::UTCTimeZone()),
                     "; ask the bureau to remove it instead"));
  }
  part->set_state(Assist::RETURNED);
  part->set_end_reason(std::string(reason));
  *part->mutable_end_time() = ToProtoTime(context.now);
  change.event.set_reason(std::string(reason));
  FinishStep(ticket, change);
  return change;
}

absl::StatusOr<TicketChange> SubmitAssistOpinion(const Ticket& ticket,
                                                 absl::string_view opinion,
                                                 absl::string_view etag,
                                                 const ActionContext& context) {
  RETURN_IF_ERROR(CheckStep(ticket, etag, "SubmitAssistOpinion", kWorking));
  TicketChange change = BeginAssistStep(
      ticket, Event::ASSIST_OPINION, context.actor.DepartmentName(), context);
  ASSIGN_OR_RETURN(Assist * part, OwnPart(change.ticket, context));
  if (part->state() != Assist::ACKNOWLEDGED) {
    return WrongPartState(ticket, *part,
                          part->state() == Assist::DISPATCHED
                              ? "sign for it (AcknowledgeAssist) first"
                              : "its opinion is in already");
  }
  part->set_state(Assist::OPINION_GIVEN);
  part->set_opinion(std::string(opinion));
  *part->mutable_opinion_time() = ToProtoTime(context.now);
  change.event.set_reply_text(std::string(opinion));
  FinishStep(ticket, change);
  return change;
}

absl::Status CheckOpinionsBeforeReply(
    const Ticket& ticket, absl::string_view missing_opinions_reason) {
  const std::vector<std::string> missing = MissingOpinions(ticket);
  if (missing.empty() || !missing_opinions_reason.empty()) {
    return absl::OkStatus();
  }
  const std::string names = absl::StrJoin(missing, ", ");
  return WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          "the assisting opinions (协办意见) of ", names, " on ", ticket.name(),
          " are not in; wait for them, or reply with "
          "missing_opinions_reason saying why not")),
      v1::OPINIONS_MISSING, {{"missing", names}});
}

absl::Time NextAssistDue(const Ticket& ticket) {
  absl::Time next = absl::InfiniteFuture();
  if (ticket.state() != Ticket::DISPATCHED &&
      ticket.state() != Ticket::IN_PROGRESS) {
    return next;
  }
  auto consider = [&next](const google::protobuf::Timestamp& at, bool pending) {
    if (pending && IsSet(at)) next = std::min(next, FromProtoTime(at));
  };
  for (const Assist& part : ticket.assists()) {
    const bool owing = part.state() == Assist::DISPATCHED ||
                       part.state() == Assist::ACKNOWLEDGED;
    consider(part.ack_due_at(),
             part.state() == Assist::DISPATCHED && !part.ack_overdue());
    consider(part.opinion_due_at(), owing && !part.opinion_overdue());
    consider(part.red_card_due_at(),
             owing && part.opinion_overdue() && !part.long_overdue());
  }
  return next;
}

void MoveAssistDeadlines(Ticket& t, absl::Time paused, absl::Time now,
                         const DeadlineRules& rules) {
  auto move = [&](google::protobuf::Timestamp* deadline) {
    if (!IsSet(*deadline)) return;
    *deadline = ToProtoTime(
        rules.calendar->MoveByPause(FromProtoTime(*deadline), paused, now));
  };
  for (Assist& part : *t.mutable_assists()) {
    if (!IsActiveAssist(part)) continue;
    move(part.mutable_ack_due_at());
    move(part.mutable_return_due_at());
    move(part.mutable_opinion_due_at());
    move(part.mutable_red_card_due_at());
  }
}

}  // namespace hotline
