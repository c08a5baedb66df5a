#include "workflow/stat_facts.h"

#include <algorithm>
#include <functional>

#include "common/proto_time.h"

namespace hotline {

using v1::Card;
using v1::Ticket;

const char* const kStatCounterNames[kStatCounterCount] = {
    "received",
    "forwarded",
    "replied",
    "replied_on_time",
    "pending_overdue",
    "returns",
    "reopens",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "yellow_cards",
    "red_cards",
    "reports_owed",
    "reports_given",
    "reports_missed",
    "suspended",
    "refused_returns",
    "closed_by_final_answer",
    "merged",
    "merged_open",
    "assists",
    "assist_opinions",
    "assist_opinions_on_time",
    "assist_overdue",
    "assist_yellow_cards",
    "assist_red_cards",
    "assists_returned",
    "replies_sent_back",
    "sent_back_nonstandard",
    "sent_back_unresolved",
    "sent_back_not_contacted",
    "sent_back_no_evidence",
    "sent_back_other",
    "notices",
    "notices_answered_on_time",
    "notices_overdue",
    "notices_escalated",
    "callbacks_unreachable",
    "appeals",
    "appeals_upheld",
};

StatVector& StatVector::operator+=(const StatVector& other) {
  for (int i = 0; i < kStatCounterCount; ++i) c[i] += other.c[i];
  return *this;
}

StatVector& StatVector::operator-=(const StatVector& other) {
  for (int i = 0; i < kStatCounterCount; ++i) c[i] -= other.c[i];
  return *this;
}

bool StatVector::IsZero() const {
  return std::all_of(c.begin(), c.end(), [](int64_t v) { return v == 0; });
}

int64_t DayNumber(absl::CivilDay day) {
  return day - absl::CivilDay(1970, 1, 1);
}

absl::CivilDay DayOfNumber(int64_t number) {
  return absl::CivilDay(1970, 1, 1) + number;
}

namespace {

int64_t DayOf(absl::Time at, absl::TimeZone zone) {
  return DayNumber(absl::ToCivilDay(at, zone));
}

// No counts yet, under the dimensions of `t` counted for `department`, on
// the day `t` was received.
StatFacts EmptyFacts(const Ticket& t, const std::string& department,
                     absl::TimeZone zone) {
  StatFacts facts;
  facts.department = department;
  facts.type = Ticket::Type_Name(t.type());
  facts.topic = t.topic();
  facts.day = DayOf(FromProtoTime(t.received_at()), zone);
  return facts;
}

bool Replied(const Ticket& t) {
  return t.state() == Ticket::REPLIED || t.state() == Ticket::CLOSED;
}

std::optional<StatFacts> FactsOf(const std::vector<StatFacts>& all,
                                 const std::string& department) {
  for (const StatFacts& facts : all) {
    if (facts.department == department) return facts;
  }
  return std::nullopt;
}

// The changes between two versions of per-department contributions (the
// assisting parts', the notices'), one per department whose contribution
// changed: at `updated`, or earlier at what `fell_at` gives for it (a
// deadline that passed before the sweeper marked it).
void AddDepartmentChanges(
    const std::vector<StatFacts>& was_all,
    const std::vector<StatFacts>& now_all, absl::Time updated,
    const std::function<absl::Time(
        const std::string& department, const std::optional<StatFacts>& was,
        const std::optional<StatFacts>& now)>& fell_at,
    std::vector<TimedFacts>& changes) {
  std::vector<std::string> departments;
  for (const auto* all : {&was_all, &now_all}) {
    for (const StatFacts& facts : *all) {
      if (std::find(departments.begin(), departments.end(), facts.department) ==
          departments.end()) {
        departments.push_back(facts.department);
      }
    }
  }
  for (const std::string& department : departments) {
    std::optional<StatFacts> was = FactsOf(was_all, department);
    std::optional<StatFacts> now = FactsOf(now_all, department);
    if (was && now && was->SameKey(*now) &&
        (StatVector(was->counts) -= now->counts).IsZero()) {
      continue;
    }
    const absl::Time at = std::min(updated, fell_at(department, was, now));
    changes.push_back({at, std::move(was), std::move(now)});
  }
}

// True when `counter` went from 0 (or no contribution) to more.
bool Became(StatCounter counter, const std::optional<StatFacts>& was,
            const std::optional<StatFacts>& now) {
  return now && now->counts[counter] > (was ? was->counts[counter] : 0);
}

void AddAssistChanges(const Ticket& before, const Ticket& after,
                      absl::TimeZone zone, std::vector<TimedFacts>& changes) {
  if (before.assists_size() == 0 && after.assists_size() == 0) return;
  AddDepartmentChanges(
      AssistFacts(before, zone), AssistFacts(after, zone),
      FromProtoTime(after.update_time()),
      [&after](const std::string& department,
               const std::optional<StatFacts>& was,
               const std::optional<StatFacts>& now) {
        absl::Time at = absl::InfiniteFuture();
        if (!Became(kAssistOverdue, was, now)) return at;
        for (const v1::Assist& part : after.assists()) {
          if (part.department() == department) {
            at = std::min(at, FromProtoTime(part.opinion_due_at()));
          }
        }
        return at;
      },
      changes);
}

// A notice's overdue counts from its deadline; the escalation issued then
// with it.
void AddNoticeChanges(const Ticket& before, const Ticket& after,
                      absl::TimeZone zone, std::vector<TimedFacts>& changes) {
  if (after.notices_size() == 0) return;
  AddDepartmentChanges(
      NoticeFacts(before, zone), NoticeFacts(after, zone),
      FromProtoTime(after.update_time()),
      [&before, &after](const std::string& department,
                        const std::optional<StatFacts>& was,
                        const std::optional<StatFacts>& now) {
        absl::Time at = absl::InfiniteFuture();
        if (!Became(kNoticesOverdue, was, now)) return at;
        for (int i = 0; i < after.notices_size(); ++i) {
          const v1::Notice& notice = after.notices(i);
          const bool was_overdue =
              i < before.notices_size() && before.notices(i).overdue();
          if (notice.department() == department && notice.overdue() &&
              !was_overdue) {
            at = std::min(at, FromProtoTime(notice.answer_due_at()));
          }
        }
        return at;
      },
      changes);
}

}  // namespace

StatFacts TicketFacts(const Ticket& t, absl::TimeZone zone) {
  StatFacts facts = EmptyFacts(t, t.department(), zone);
  StatVector& v = facts.counts;
  v[kReceived] = 1;
  v[kForwarded] = t.dispatch_count() > 0 ? 1 : 0;
  const bool by_final_answer = !t.closed_by_final_answer().empty();
  const bool replied = Replied(t) && !by_final_answer;
  v[kClosedByFinalAnswer] = by_final_answer ? 1 : 0;
  v[kReplied] = replied ? 1 : 0;
  v[kRepliedOnTime] = replied && (!IsSet(t.reply_due_at()) ||
                                  FromProtoTime(t.replied_at()) <=
                                      FromProtoTime(t.reply_due_at()))
                          ? 1
                          : 0;
  const bool suspended = t.state() == Ticket::SUSPENDED;
  const bool merged = !t.merged_into().empty();
  v[kMerged] = merged ? 1 : 0;
  v[kMergedOpen] = merged && !replied && !by_final_answer ? 1 : 0;
  v[kPendingOverdue] =
      !replied && !suspended && !merged && t.reply_overdue() ? 1 : 0;
  v[kSuspended] = suspended ? 1 : 0;
  // Returns are counted for the returning department (ReturnFacts).
  v[kReopens] = t.reopen_count();
  v[kCallbacksUnreachable] =
      t.state() == Ticket::CLOSED && t.closed_unreachable() ? 1 : 0;
  v[kAppeals] =
      t.rating_appeal().state() != v1::RatingAppeal::STATE_UNSPECIFIED ? 1 : 0;
  v[kAppealsUpheld] =
      t.state() == Ticket::CLOSED && t.satisfaction() == Ticket::DISSATISFIED &&
              t.rating_appeal().state() == v1::RatingAppeal::UPHELD
          ? 1
          : 0;
  if (t.state() == Ticket::CLOSED) {
    switch (t.satisfaction()) {
      case Ticket::SATISFIED:
        v[kSatisfied] = 1;
        break;
      case Ticket::BASICALLY_SATISFIED:
        v[kBasicallySatisfied] = 1;
        break;
      case Ticket::DISSATISFIED:
        v[kDissatisfied] = 1;
        break;
      default:
        break;
    }
  }
  return facts;
}

std::vector<StatFacts> AssistFacts(const Ticket& t, absl::TimeZone zone) {
  std::vector<StatFacts> all;
  for (const v1::Assist& part : t.assists()) {
    StatFacts facts = EmptyFacts(t, part.department(), zone);
    StatVector& v = facts.counts;
    const bool given = part.state() == v1::Assist::OPINION_GIVEN;
    const bool owing = part.state() == v1::Assist::DISPATCHED ||
                       part.state() == v1::Assist::ACKNOWLEDGED;
    v[kAssists] = given || owing ? 1 : 0;
    v[kAssistOpinions] = given ? 1 : 0;
    v[kAssistOpinionsOnTime] = given && FromProtoTime(part.opinion_time()) <=
                                            FromProtoTime(part.opinion_due_at())
                                   ? 1
                                   : 0;
    v[kAssistOverdue] = owing && part.opinion_overdue() ? 1 : 0;
    v[kAssistsReturned] = part.state() == v1::Assist::RETURNED ? 1 : 0;
    if (!v.IsZero()) all.push_back(std::move(facts));
  }
  return all;
}

std::vector<StatFacts> NoticeFacts(const Ticket& t, absl::TimeZone zone) {
  std::vector<StatFacts> all;
  for (const v1::Notice& notice : t.notices()) {
    auto facts = std::find_if(all.begin(), all.end(), [&](const StatFacts& f) {
      return f.department == notice.department();
    });
    if (facts == all.end()) {
      all.push_back(EmptyFacts(t, notice.department(), zone));
      facts = all.end() - 1;
    }
    StatVector& v = facts->counts;
    v[kNotices] += 1;
    if (notice.state() == v1::Notice::ANSWERED && !notice.overdue()) {
      v[kNoticesAnsweredOnTime] += 1;
    }
    if (notice.overdue()) v[kNoticesOverdue] += 1;
    if (notice.state() == v1::Notice::ESCALATED) v[kNoticesEscalated] += 1;
  }
  return all;
}

StatFacts SendBackFacts(const Ticket& ticket, const std::string& department,
                        const std::vector<v1::SendBackReason>& reasons,
                        absl::TimeZone zone) {
  StatFacts facts = ReturnFacts(ticket, department, zone, kRepliesSentBack);
  for (v1::SendBackReason reason : reasons) {
    switch (reason) {
      case v1::NONSTANDARD_REPLY:
        facts.counts[kSentBackNonstandard] += 1;
        break;
      case v1::DEMAND_UNRESOLVED:
        facts.counts[kSentBackUnresolved] += 1;
        break;
      case v1::CALLER_NOT_CONTACTED:
        facts.counts[kSentBackNotContacted] += 1;
        break;
      case v1::INSUFFICIENT_EVIDENCE:
        facts.counts[kSentBackNoEvidence] += 1;
        break;
      default:
        facts.counts[kSentBackOther] += 1;
        break;
    }
  }
  return facts;
}

StatFacts ReturnFacts(const Ticket& ticket,
                      const std::string& returning_department,
                      absl::TimeZone zone, StatCounter counter) {
  StatFacts facts = EmptyFacts(ticket, returning_department, zone);
  facts.counts[counter] = 1;
  return facts;
}

std::optional<StatFacts> CardFacts(const Card& card, Ticket::Type type,
                                   const std::string& topic,
                                   absl::TimeZone zone) {
  if (IsSet(card.revoke_time())) return std::nullopt;
  StatFacts facts;
  facts.department = card.department();
  facts.type = Ticket::Type_Name(type);
  facts.topic = topic;
  facts.day = DayOf(FromProtoTime(card.issue_time()), zone);
  if (card.assist()) {
    facts.counts[card.color() == Card::RED ? kAssistRedCards
                                           : kAssistYellowCards] = 1;
  } else {
    facts.counts[card.color() == Card::RED ? kRedCards : kYellowCards] = 1;
  }
  return facts;
}

StatFacts ObligationFacts(const std::string& date,
                          const std::string& department, bool reported,
                          Ticket::Type type, const std::string& topic) {
  StatFacts facts;
  facts.department = department;
  facts.type = Ticket::Type_Name(type);
  facts.topic = topic;
  absl::CivilDay day;
  absl::ParseCivilTime(date, &day);
  facts.day = DayNumber(day);
  facts.counts[kReportsOwed] = 1;
  facts.counts[reported ? kReportsGiven : kReportsMissed] = 1;
  return facts;
}

std::vector<TimedFacts> TicketStatChanges(const Ticket* before,
                                          const Ticket& after,
                                          absl::TimeZone zone) {
  std::vector<TimedFacts> changes;
  StatFacts now = TicketFacts(after, zone);
  if (before == nullptr) {
    const absl::Time at = std::min(FromProtoTime(after.received_at()),
                                   FromProtoTime(after.create_time()));
    changes.push_back({at, std::nullopt, std::move(now)});
    for (StatFacts& part : AssistFacts(after, zone)) {
      changes.push_back(
          {FromProtoTime(after.update_time()), std::nullopt, std::move(part)});
    }
    return changes;
  }
  StatFacts was = TicketFacts(*before, zone);
  if (after.reply_overdue() && !before->reply_overdue() &&
      IsSet(after.reply_due_at()) && !Replied(*before)) {
    // The deadline passed before this change was stored: count the ticket
    // overdue from the deadline on (from a refused return on, when the
    // deadline passed while the ticket was with the bureau).
    Ticket overdue = *before;
    overdue.set_reply_overdue(true);
    StatFacts mid = TicketFacts(overdue, zone);
    absl::Time from = FromProtoTime(after.reply_due_at());
    if (IsSet(after.return_refused_at())) {
      from = std::max(from, FromProtoTime(after.return_refused_at()));
    }
    changes.push_back({from, was, mid});
    was = std::move(mid);
  }
  const absl::Time updated = FromProtoTime(after.update_time());
  for (int32_t i = before->return_count(); i < after.return_count(); ++i) {
    changes.push_back({updated, std::nullopt,
                       ReturnFacts(after, before->department(), zone)});
  }
  if (after.send_back_count() > before->send_back_count()) {
    // One send-back per step: the department that replied, the reasons
    // given.
    std::vector<v1::SendBackReason> reasons;
    for (int reason : after.last_send_back().reasons()) {
      reasons.push_back(static_cast<v1::SendBackReason>(reason));
    }
    changes.push_back(
        {updated, std::nullopt,
         SendBackFacts(after, after.department(), reasons, zone)});
  }
  for (int32_t i = before->refused_return_count();
       i < after.refused_return_count(); ++i) {
    // The department the refusal gives the ticket back to returned it.
    changes.push_back(
        {updated, std::nullopt,
         ReturnFacts(after, after.department(), zone, kRefusedReturns)});
  }
  if (!was.SameKey(now) || !(StatVector(was.counts) -= now.counts).IsZero()) {
    changes.push_back({updated, std::move(was), std::move(now)});
  }
  AddAssistChanges(*before, after, zone, changes);
  AddNoticeChanges(*before, after, zone, changes);
  std::stable_sort(
      changes.begin(), changes.end(),
      [](const TimedFacts& a, const TimedFacts& b) { return a.at < b.at; });
  return changes;
}

std::optional<TimedFacts> CardStatChange(v1::Ticket::Type type,
                                         const std::string& topic,
                                         const v1::Card* before,
                                         const v1::Card& after,
                                         absl::TimeZone zone) {
  std::optional<StatFacts> was =
      before == nullptr ? std::nullopt : CardFacts(*before, type, topic, zone);
  std::optional<StatFacts> now = CardFacts(after, type, topic, zone);
  if (!was && !now) return std::nullopt;
  const absl::Time at = IsSet(after.revoke_time())
                            ? FromProtoTime(after.revoke_time())
                            : FromProtoTime(after.issue_time());
  return TimedFacts{at, std::move(was), std::move(now)};
}

TimedFacts ObligationStatChange(const std::string& date,
                                const std::string& department, bool reported,
                                v1::Ticket::Type type, const std::string& topic,
                                absl::TimeZone zone) {
  StatFacts facts = ObligationFacts(date, department, reported, type, topic);
  // The day's last microsecond: as of its end (24:00) the day is settled.
  const absl::Time settled =
      absl::FromCivil(DayOfNumber(facts.day + 1), zone) - absl::Microseconds(1);
  return TimedFacts{settled, std::nullopt, std::move(facts)};
}

}  // namespace hotline
