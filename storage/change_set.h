// A change set: everything one use case writes, as plain data, committed by
// a Store (store.h) all or nothing. Callers read what they need, run the
// workflow rules on their own thread, and describe the result here; the
// store only checks the preconditions and writes the rows. Nothing in a
// change set is computed by the store except event seqs.
//
//   storage::ChangeSet changes;
//   changes.ExpectVersion(id, before.etag());        // optimistic lock
//   changes.tickets.push_back(after);                // etag already advanced
//   changes.events.push_back(event);                 // seq set at commit
//   changes.stat_changes = TicketStatChanges(&before, after, zone);
//   store->Commit(std::move(changes), done);
//
// Preconditions. A commit fails with ABORTED, writing nothing, when a
// precondition no longer holds: a ticket's stored version is not the one
// expected (a ticket changed since it was read), or a row the set inserts
// takes a key a concurrent commit took first (a ticket's source_id, a
// create's or a request's key, a department id, a live certificate
// binding). The caller reads again and rebuilds the set (IsConflict tells
// such failures apart).
//
// Identifiers. Ticket, card and token numbers are reserved beforehand with
// Store::ReserveNumbers, so a change set carries complete rows and the
// caller can answer with names before the commit; a number reserved and
// never committed is skipped (numbers increase but may have gaps). Event
// seqs are assigned by the store in commit order: a reader that has seen
// seq N never later finds a new event below N.
//
// Not thread-safe: one thread builds a set, then hands it over.
#ifndef HOTLINE_STORAGE_CHANGE_SET_H_
#define HOTLINE_STORAGE_CHANGE_SET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/records.h"
#include "workflow/stat_facts.h"

namespace hotline::storage {

// A ticket's stored version a change set was computed from.
struct ExpectedVersion {
  int64_t ticket_id = 0;
  // The etag the caller read ("1", "2", ...).
  std::string etag;
};

// A create's request_id, kept for good so that a late retry finds its ticket.
struct CreateRequestRow {
  std::string principal;
  std::string request_id;
  int64_t ticket_id = 0;
  int64_t created_at_micros = 0;
};

// A recorded outcome of a retryable request (request_outcomes.h).
struct RequestOutcomeRow {
  std::string key;
  RequestOutcome outcome;
  int64_t created_at_micros = 0;
};

// One settled day of a ticket's daily reports (一日一报).
struct DailyObligationRow {
  int64_t ticket_id = 0;
  std::string date;  // "YYYY-MM-DD"
  std::string department;
  bool reported = false;
  // Its statistics change, counted only when the day was not settled yet.
  TimedFacts stat_change;
};

// An attachment a ticket gained (its Ticket.attachments entry), indexed
// for its blob's references and its adder's quota.
struct AttachmentRow {
  int64_t ticket_id = 0;
  int number = 0;
  std::string sha256;
  int64_t size = 0;
  std::string added_by;
  int64_t added_at_micros = 0;
};

// A new department.
struct DepartmentRow {
  std::string id;
  v1::Department department;
};

// A new token: its name must hold a reserved number ("tokens/{n}").
struct TokenRow {
  std::string secret_hash;
  v1::Token token;
};

// A token revoked at that instant.
struct TokenRevocation {
  int64_t id = 0;
  int64_t revoked_at_micros = 0;
};

struct ChangeSet {
  // Preconditions on stored tickets' versions.
  std::vector<ExpectedVersion> expected_versions;

  // Tickets created: complete, with a reserved number in their name and
  // etag "1". ALREADY taken source_ids make the commit a conflict.
  std::vector<v1::Ticket> new_tickets;
  // Versions of stored tickets, in order: each one's etag is one more than
  // the version it replaces (the expected one, or the one before it in this
  // list).
  std::vector<v1::Ticket> tickets;
  // Events of the tickets above (event.ticket names the ticket); the store
  // sets each one's seq, in this order.
  std::vector<v1::Event> events;
  std::vector<CreateRequestRow> create_requests;
  // Attachments added to the tickets above (their blobs already stored).
  std::vector<AttachmentRow> attachments;

  // Cards issued (named with a reserved number) and cards changed
  // (revoked), as complete rows.
  std::vector<v1::Card> new_cards;
  std::vector<v1::Card> cards;

  // A day's entry replaces an earlier one of the same ticket and day.
  std::vector<v1::DailyReport> daily_reports;
  // A day already settled is left as it is.
  std::vector<DailyObligationRow> obligations;

  // The statistics changes of everything above, as the rules computed them
  // (workflow/stat_facts.h); the store adds them to its sums.
  std::vector<TimedFacts> stat_changes;

  std::optional<RequestOutcomeRow> request_outcome;

  std::vector<DepartmentRow> departments;
  std::vector<TokenRow> new_tokens;
  std::vector<TokenRevocation> token_revocations;
  // Policy versions recorded (ALREADY_EXISTS when one is recorded).
  std::vector<v1::Policy> policies;
  // Settings (settings.h) set to a value.
  std::vector<std::pair<std::string, std::string>> settings;

  void ExpectVersion(int64_t ticket_id, std::string etag) {
    expected_versions.push_back({ticket_id, std::move(etag)});
  }
  bool empty() const;
  // Adds everything of `other` after what this set holds (the request
  // outcome only when this set has none).
  void Append(ChangeSet other);
};

// Whether `status` is a commit's conflict with a concurrent change: the
// change set should be rebuilt from a fresh read.
bool IsConflict(const absl::Status& status);
// The conflict status, naming what changed.
absl::Status ConflictError(absl::string_view what);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_CHANGE_SET_H_
