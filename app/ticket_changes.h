// Builds a change set (storage/change_set.h) from what the workflow rules
// made of tickets: each new version with its expected predecessor, its
// events, the cards and settled daily-report days of sweep steps, and the
// statistics changes of all of them (workflow/stat_facts.h), computed here,
// on the request's thread.
//
//   storage::ChangeSet changes;
//   TicketChanges builder(store, zone, &changes);
//   builder.ExpectStored(current);               // the version read
//   RETURN_IF_ERROR(builder.AddSweepSteps(due.ticket, due.steps, &counts));
//   builder.AddVersion(current, &due.ticket);    // etag N -> N+1
//
// Not thread-safe: one builder per change set.
#ifndef HOTLINE_APP_TICKET_CHANGES_H_
#define HOTLINE_APP_TICKET_CHANGES_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/change_set.h"
#include "storage/store.h"
#include "workflow/sweep_rules.h"

namespace hotline {

// What a sweep settled, for the sweeper's counts.
struct SweepCounts {
  int tickets = 0;
  int warnings = 0;
  int ack_overdue = 0;
  int yellow_cards = 0;
  int red_cards = 0;
  int daily_report_misses = 0;
};

class TicketChanges {
 public:
  TicketChanges(storage::Store* store, absl::TimeZone zone,
                storage::ChangeSet* changes)
      : store_(store), zone_(zone), changes_(changes) {}

  // The commit must find `ticket` as read (its etag).
  void ExpectStored(const v1::Ticket& ticket);
  // A new ticket: reserves its number, names it (etag "1") and its event.
  absl::Status AddNew(v1::Ticket* ticket, v1::Event* event);
  // `after` replaces `before` (the latest version in this set or the stored
  // one): its etag becomes one more than before's.
  void AddVersion(const v1::Ticket& before, v1::Ticket* after);
  void AddEvent(v1::Event event);
  // The cards (numbers reserved, named in their events), settled days and
  // events of sweep steps of `ticket` (the version they were computed on).
  absl::Status AddSweepSteps(const v1::Ticket& ticket,
                             std::vector<SweepStep>& steps,
                             SweepCounts* counts);
  // A card issued or changed by the bureau (numbers reserved for new ones).
  absl::Status AddNewCard(const v1::Ticket& ticket, v1::Card* card);
  void AddChangedCard(const v1::Ticket& ticket, const v1::Card& before,
                      const v1::Card& after);

 private:
  storage::Store* store_;
  absl::TimeZone zone_;
  storage::ChangeSet* changes_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_TICKET_CHANGES_H_
