// The deadline sweeper's rules as a pure function: given a ticket and the
// time, which flags and cards have fallen due (docs/workflow.md, "Deadlines,
// warnings and cards"):
//   warning (预警)   due_soon once warning_at is reached;
//   sign-for        ack_overdue once ack_due_at passes while DISPATCHED;
//   yellow card     once reply_due_at passes with no reply and no extension
//                   request pending (one asked in time holds the card until
//                   the bureau decides; rejected after the deadline, the
//                   card falls at the rejection);
//   red card        once red_card_due_at (set with the yellow card) passes
//                   with still no reply;
//   assisting part  (协办, assist_rules.h) an event once its sign-for
//                   deadline passes unsigned; a yellow card to the
//                   assisting department once its opinion deadline passes
//                   without an opinion, a red card at its red-card point;
//   suspension end  a SUSPENDED ticket resumes at its approved end
//                   (suspension_rules.h): that step alone, its ticket's
//                   update_time the resumption; the next sweep applies the
//                   rules below to the resumed ticket;
//   daily report    at the end of each working day the ticket is IN_PROGRESS,
//                   the day is settled: reported, or missed (an event and a
//                   count on the ticket).
// "Passes" means at the instant itself: one microsecond before, nothing.
// Each applies at most once per assignment, because the flag it sets is
// stored with the ticket in the same transaction; a dispatch resets them.
// Events and cards carry the instant the rule fell due, not the (later)
// moment the sweeper ran, and the steps come in that order; what fell due
// while a refused return had the ticket with the bureau falls at the
// refusal (return_review_rules.h).
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_SWEEP_RULES_H_
#define HOTLINE_WORKFLOW_SWEEP_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/deadlines.h"

namespace hotline {

// The actor name of events and cards the sweeper makes.
inline constexpr char kSweeperActor[] = "sweeper";

// A settled daily-report obligation (一日一报) of one ticket for one day.
struct DailyObligation {
  std::string date;  // "YYYY-MM-DD"
  std::string department;
  bool reported = false;
};

// What one rule produced: an event to store (absent for a day that was
// reported: only its obligation is recorded), a card, an obligation.
struct SweepStep {
  std::optional<v1::Event> event;
  // For CARD_ISSUED: the card to store (its name is assigned by the store).
  std::optional<v1::Card> card;
  std::optional<DailyObligation> obligation;
};

struct SweepResult {
  v1::Ticket ticket;
  // In the order they fell due; empty when nothing was due.
  std::vector<SweepStep> steps;
};

// `rules` must be those of the ticket's policy version.
SweepResult Sweep(const v1::Ticket& ticket, absl::Time now,
                  const DeadlineRules& rules);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_SWEEP_RULES_H_
