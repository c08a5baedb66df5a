// What one ticket, card or settled daily report contributes to the bureau's
// statistics (统计), as a small vector of counters keyed by the dimensions a
// report can be cut by. The statistics store (storage/sql/stat_rollup.h) keeps
// sums of these vectors; the figures (statistics.h) are computed from sums.
//
// A ticket contributes, on the calendar day it was received:
//   received 1; forwarded 1 once it was ever dispatched; replied 1 while it
//   is REPLIED or CLOSED; replied_on_time 1 while replied and its reply came
//   no later than its reply deadline (the extended one, after an approved
//   extension); pending_overdue 1 while not replied and the sweeper has
//   marked its reply deadline passed; reopens its count; one of the
//   satisfaction counters while CLOSED with that rating.
// A suspended ticket (挂起) contributes suspended 1 and never
// pending_overdue, while SUSPENDED. A ticket the bureau closed by a final
// answer (最终答复) contributes closed_by_final_answer 1, and neither
// replied nor pending. A merged ticket (并单) contributes merged 1 while
// merged, and never pending_overdue; following its main's reply it is
// REPLIED with the main's reply time and deadline, so it counts replied
// (and on time) exactly as its main. merged_open 1 marks a merged ticket
// neither replied nor closed by a final answer: the pending figures leave
// it out.
// A return (退单) is the returning department's act: each return contributes
// returns 1 to the department that returned the ticket (not to whoever
// holds the ticket afterwards, nor to "not dispatched"), on the day the
// ticket was received, counted from the moment of the return. A
// department's return rate is its returns against what it was forwarded.
// A return the bureau refused (不当退单) contributes refused_returns 1 to the
// same department, the same way, counted from the refusal.
// An assisting part (协办, assist_rules.h) contributes to its assisting
// department, on the day the ticket was received: assists 1 while active
// (not returned, not removed); assist_opinions 1 once its opinion is in,
// assist_opinions_on_time 1 if by its deadline; assist_overdue 1 while its
// opinion deadline has passed without an opinion (counted from the
// deadline); assists_returned 1 once the department returned it. None of
// the ticket's own counters changes: the ticket counts once, for its lead.
// A reply the bureau's review sent back (退回重办) contributes
// replies_sent_back 1, and 1 to the counter of each of its reasons, to the
// department that replied, on the day the ticket was received, counted
// from the send-back.
// The urging notices (催办通知, notice_rules.h) of a ticket contribute to
// the department each was addressed to, on the day the ticket was
// received: notices 1 each; notices_answered_on_time 1 each answered by
// its deadline; notices_overdue 1 each whose deadline passed without an
// answer (counted from the deadline); notices_escalated 1 each replaced by
// a notice one level up.
// A ticket CLOSED as unreachable (回访未果) contributes callbacks_unreachable
// 1; one whose rating was appealed (申诉) appeals 1, and appeals_upheld 1
// while it is CLOSED DISSATISFIED with the appeal upheld (不合理差评).
// A card contributes yellow or red 1 on the day it was issued, while not
// revoked; a card charged to an assisting department for a late opinion
// (Card.assist) contributes assist_yellow_cards or assist_red_cards
// instead. A settled daily-report day contributes reports_owed 1 and one of
// reports_given / reports_missed on that day.
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_STAT_FACTS_H_
#define HOTLINE_WORKFLOW_STAT_FACTS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"

namespace hotline {

enum StatCounter {
  kReceived = 0,
  kForwarded,
  kReplied,
  kRepliedOnTime,
  kPendingOverdue,
  kReturns,
  kReopens,
  kSatisfied,
  kBasicallySatisfied,
  kDissatisfied,
  kYellowCards,
  kRedCards,
  kReportsOwed,
  kReportsGiven,
  kReportsMissed,
  // Added by schema migration 9 (storage/sql/schema.cc).
  kSuspended,
  kRefusedReturns,
  // Added by schema migration 10.
  kClosedByFinalAnswer,
  // Added by schema migration 11: merged tickets (并单), and those of them
  // not answered yet (the pending figures leave them out).
  kMerged,
  kMergedOpen,
  // Added by schema migration 12: assisting parts (协办) and their cards,
  // counted for the assisting department (AssistFacts).
  kAssists,
  kAssistOpinions,
  kAssistOpinionsOnTime,
  kAssistOverdue,
  kAssistYellowCards,
  kAssistRedCards,
  kAssistsReturned,
  // Added by schema migration 13: replies the bureau's review sent back
  // (退回重办), and by reason (SendBackFacts).
  kRepliesSentBack,
  kSentBackNonstandard,
  kSentBackUnresolved,
  kSentBackNotContacted,
  kSentBackNoEvidence,
  kSentBackOther,
  // Added by schema migration 14: urging notices (催办通知, NoticeFacts).
  kNotices,
  kNoticesAnsweredOnTime,
  kNoticesOverdue,
  kNoticesEscalated,
  // Added by schema migration 15: callbacks (回访) and appeals (申诉).
  kCallbacksUnreachable,
  kAppeals,
  kAppealsUpheld,
  kStatCounterCount,
};

// Column names of the counters, in StatCounter order.
extern const char* const kStatCounterNames[kStatCounterCount];

struct StatVector {
  std::array<int64_t, kStatCounterCount> c{};

  int64_t operator[](StatCounter i) const { return c[i]; }
  int64_t& operator[](StatCounter i) { return c[i]; }
  StatVector& operator+=(const StatVector& other);
  StatVector& operator-=(const StatVector& other);
  bool IsZero() const;
};

// Day numbers count calendar days in the bureau's time zone from 1970-01-01.
int64_t DayNumber(absl::CivilDay day);
absl::CivilDay DayOfNumber(int64_t number);

// The dimensions a contribution is counted under, and its vector.
struct StatFacts {
  // "departments/{id}"; empty for a ticket nobody holds (RECEIVED or
  // RETURNED).
  std::string department;
  // The ticket type's enum name ("COMPLAINT") and topic.
  std::string type;
  std::string topic;
  int64_t day = 0;
  StatVector counts;

  bool SameKey(const StatFacts& other) const {
    return department == other.department && type == other.type &&
           topic == other.topic && day == other.day;
  }
};

StatFacts TicketFacts(const v1::Ticket& ticket, absl::TimeZone zone);

// What the assisting parts of `ticket` contribute, one per department with
// anything to count.
std::vector<StatFacts> AssistFacts(const v1::Ticket& ticket,
                                   absl::TimeZone zone);

// What the urging notices of `ticket` contribute, one per department with
// any.
std::vector<StatFacts> NoticeFacts(const v1::Ticket& ticket,
                                   absl::TimeZone zone);

// One send-back of the reply of `ticket` by `department` for `reasons`.
StatFacts SendBackFacts(const v1::Ticket& ticket, const std::string& department,
                        const std::vector<v1::SendBackReason>& reasons,
                        absl::TimeZone zone);

// One return of `ticket` by `returning_department` ("departments/{id}"), or
// with `counter` kRefusedReturns one return of it that the bureau refused.
StatFacts ReturnFacts(const v1::Ticket& ticket,
                      const std::string& returning_department,
                      absl::TimeZone zone, StatCounter counter = kReturns);

// A card of a ticket with the given type and topic; nullopt when revoked.
std::optional<StatFacts> CardFacts(const v1::Card& card, v1::Ticket::Type type,
                                   const std::string& topic,
                                   absl::TimeZone zone);

// A settled daily-report day (`date` "YYYY-MM-DD") of a ticket.
StatFacts ObligationFacts(const std::string& date,
                          const std::string& department, bool reported,
                          v1::Ticket::Type type, const std::string& topic);

// One change of a ticket's contribution, at the instant it took effect.
struct TimedFacts {
  absl::Time at;
  std::optional<StatFacts> before;
  std::optional<StatFacts> after;
};

// The changes that storing `after` in place of `before` (nullopt: a new
// ticket) makes, in time order. A new ticket counts from its received_at (at
// the latest its create_time). A reply deadline the sweeper marked passed
// counts from the deadline itself, however late the sweep ran; everything
// else from the new update_time. A return adds ReturnFacts for the
// department that held the ticket in `before`.
std::vector<TimedFacts> TicketStatChanges(const v1::Ticket* before,
                                          const v1::Ticket& after,
                                          absl::TimeZone zone);

// The change that issuing (`before` null) or revoking a card of a ticket
// with the given type and topic makes, at its issue or revoke time;
// nullopt when it changes nothing.
std::optional<TimedFacts> CardStatChange(v1::Ticket::Type type,
                                         const std::string& topic,
                                         const v1::Card* before,
                                         const v1::Card& after,
                                         absl::TimeZone zone);

// The change that settling a daily-report day makes: counted when the day
// ends, from its last microsecond (24:00 - 1 us), so that a report as of the
// day's end (the end of a period whose last day it is) counts it, as a
// change counts as of an instant only if it took effect before it.
TimedFacts ObligationStatChange(const std::string& date,
                                const std::string& department, bool reported,
                                v1::Ticket::Type type, const std::string& topic,
                                absl::TimeZone zone);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_STAT_FACTS_H_
